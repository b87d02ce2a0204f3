/**
 * Issue #8, "Faults": a damaged or lost store, and a damaged wallet, never take the node down
 * and are never papered over.
 *
 * Real data dirs written by real `npm run node` children (test/helpers/blackbox.ts), damaged the
 * way disks and crashes damage them, then started again with `npm run node`:
 * - garbage over pages in the middle of the store of a cleanly stopped node, where opening reads
 *   it: refused with one line naming the file and what to do, exit code 1, no stack trace;
 * - garbage over pages that opening does not read: the node starts, answers /status at once and
 *   answers the requests that meet the damage with 503 `unavailable` (the protocol's shape),
 *   /status then says the storage is damaged, GET /mine answers at once, the node stays up;
 * - the file truncated after a SIGKILL that left a -wal behind: refused at open (the check that
 *   runs after an unclean shutdown);
 * - a zero-length store beside a wallet: refused (the chain was lost), while an empty data dir
 *   still starts a new chain;
 * - wallet.json holding `null`, garbage or a bad seed: one line naming the file and the problem,
 *   and the file is left as it was.
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
  existsSync
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import {
  get,
  sleep,
  spawnNode,
  startNode,
  status,
  stopAll,
  tempDir,
  waitFor
} from '../helpers/blackbox'

const DB = 'blockforge.sqlite'
const PAGE = 4096

afterAll(stopAll)

/** A regtest data dir with `blocks` mined blocks (and a wallet), from a cleanly stopped node. */
async function minedDataDir(blocks: number): Promise<string> {
  const n = await startNode()
  for (let i = 0; i < blocks; i++) expect((await get(`${n.url}/mine`)).status).toBe(200)
  await n.stop()
  // npm exits before the node under it has closed its store: wait for the clean close (no -wal).
  await waitFor(
    'the node to close its store',
    async () => !existsSync(join(n.dataDir, `${DB}-wal`)),
    15_000
  )
  return n.dataDir
}

/** Start `npm run node` on `dataDir` and expect it to refuse: exit 1 and one line on stderr. */
async function expectRefusal(dataDir: string): Promise<string> {
  const { proc, out, exited } = spawnNode([
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--network',
    'regtest'
  ])
  let code: number | null | 'running' = 'running'
  void exited.then((c) => (code = c))
  for (
    let waited = 0;
    code === 'running' && !out.stdout.includes('listening on') && waited < 30_000;
    waited += 50
  )
    await sleep(50)
  if (code === 'running') {
    process.kill(-proc.pid!, 'SIGKILL') // it started instead of refusing: do not leave it running
    await exited
  }
  expect(out.stdout).toBe('')
  expect(code).toBe(1)
  expect(out.stdout).not.toContain('listening on')
  const lines = out.stderr.trim().split('\n')
  expect(lines, out.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^blockforge: /)
  expect(out.stderr).not.toMatch(/\n\s+at /) // no stack trace
  return lines[0]
}

function overwrite(file: string, pages: number[]): void {
  const fd = openSync(file, 'r+')
  try {
    for (const p of pages) writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, (p - 1) * PAGE)
  } finally {
    closeSync(fd)
  }
}

/**
 * Leaf pages of a table or index, from SQLite's dbstat (page numbers from 1); with `internal`,
 * interior pages too: in a WITHOUT ROWID table (blocks) a key that sits in an interior page is
 * not repeated in a leaf, so a row's key may be found only there.
 */
function leafPages(file: string, name: string, opts: { internal?: boolean } = {}): number[] {
  const db = new Database(file, { readonly: true })
  const types = opts.internal ? "('leaf', 'internal')" : "('leaf')"
  try {
    return db
      .prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype IN ${types} ORDER BY pageno`)
      .pluck()
      .all(name) as number[]
  } finally {
    db.close()
  }
}

function tipHash(file: string): string {
  const db = new Database(file, { readonly: true })
  try {
    return db
      .prepare('SELECT hash FROM main_chain ORDER BY height DESC LIMIT 1')
      .pluck()
      .get() as string
  } finally {
    db.close()
  }
}

describe('a damaged store', () => {
  it('with garbage over pages mid-file that opening reads: refused with one line, exit 1', async () => {
    const dir = await minedDataDir(120)
    const file = join(dir, DB)
    const size = statSync(file).size / PAGE
    // The middle third of the file, and certainly the page holding the tip's block (read at open).
    const bytes = readFileSync(file)
    const tip = Buffer.from(tipHash(file))
    const tipPage = leafPages(file, 'blocks', { internal: true }).find((p) =>
      bytes.subarray((p - 1) * PAGE, p * PAGE).includes(tip)
    )!
    expect(tipPage).toBeGreaterThan(1)
    const middle = Array.from(
      { length: Math.floor(size / 3) },
      (_, i) => Math.floor(size / 3) + i + 1
    )
    overwrite(file, [...new Set([...middle, tipPage])])
    const line = await expectRefusal(dir)
    expect(line).toContain(file)
    expect(line).toMatch(/damaged/)
    expect(line).toMatch(/backup/)
  })

  it('with garbage over its first page (no longer a database at all): refused with one line, exit 1', async () => {
    const dir = await minedDataDir(3)
    const file = join(dir, DB)
    overwrite(file, [1])
    const line = await expectRefusal(dir)
    expect(line).toContain(file)
    expect(line).toMatch(/damaged/)
  })

  it('with garbage over pages opening does not read: answers /status at once, 503 where it meets the damage, stays up', async () => {
    const dir = await minedDataDir(150)
    const file = join(dir, DB)
    // The first leaf of the main-chain index (heights 1..~55): read by /chain and /blocks from
    // 1, not by opening (which reads the tip end).
    const leaves = leafPages(file, 'main_chain')
    expect(leaves.length).toBeGreaterThanOrEqual(3)
    overwrite(file, [leaves[0]])
    const n = await startNode({ dataDir: dir })
    const s = await status(n.url)
    expect(s.index).toBe(151)
    expect(s).not.toHaveProperty('storage')

    for (const path of ['/blocks?from=1&limit=10', '/chain?from=1&limit=10', '/chain']) {
      const a = await get(`${n.url}${path}`)
      expect(a.status, a.text).toBe(503)
      expect(a.body).toEqual({ error: 'unavailable', message: expect.stringContaining(file) })
      expect(a.body.message).toMatch(/damaged/)
    }
    // The node knows now: /status says so, and answers within a fraction of a second.
    const started = Date.now()
    const after = await status(n.url)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(after.storage.state).toBe('damaged')
    expect(after.storage.message).toContain(file)
    expect(after.index).toBe(151)
    // Mining stopped: GET /mine answers at once with the reason, the event loop is free.
    const t0 = Date.now()
    const mine = await get(`${n.url}/mine`)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(mine.status).toBe(503)
    expect(mine.body.error).toBe('unavailable')
    for (let i = 0; i < 5; i++) {
      const st = await get(`${n.url}/status`)
      expect(st.status).toBe(200)
      await sleep(100)
    }
    // Reads that do not meet the damage still work.
    const top = await get(`${n.url}/blocks?from=140&limit=5`)
    expect(top.status).toBe(200)
    expect(top.body.blocks).toHaveLength(5)
    await n.stop()
  })

  it('truncated after a SIGKILL that left a -wal: refused at open with one line, exit 1', async () => {
    const n = await startNode({ extra: ['--mine', '--threads', '1'] })
    await waitFor(
      'a few hundred blocks mined',
      async () => (await status(n.url)).index >= 200,
      60_000,
      200
    )
    await n.kill9()
    const file = join(n.dataDir, DB)
    expect(existsSync(`${file}-wal`)).toBe(true)
    truncateSync(file, Math.floor(statSync(file).size / PAGE / 2) * PAGE)
    const line = await expectRefusal(n.dataDir)
    expect(line).toContain(file)
    expect(line).toMatch(/damaged/)
  })

  it('after an unclean shutdown, damage opening would not read is found by the check at open', async () => {
    const n = await startNode({ extra: ['--mine', '--threads', '1'] })
    await waitFor('150 blocks mined', async () => (await status(n.url)).index >= 150, 60_000, 200)
    await n.kill9()
    const file = join(n.dataDir, DB)
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0)
    // The same page as above (heights 1..~55 of the main-chain index), which the node does not
    // read at open; only SQLite's check does.
    overwrite(file, [leafPages(file, 'main_chain')[0]])
    const line = await expectRefusal(n.dataDir)
    expect(line).toContain(file)
    expect(line).toMatch(/damaged/)
  })
})

describe('a lost chain or a damaged wallet', () => {
  it('refuses a zero-length store beside a wallet, and still starts an empty data dir', async () => {
    const dir = await minedDataDir(3)
    const file = join(dir, DB)
    truncateSync(file, 0)
    const line = await expectRefusal(dir)
    expect(line).toContain(file)
    expect(line).toMatch(/lost/)
    expect(line).toContain('wallet.json')
    expect(statSync(file).size).toBe(0) // nothing was written over it

    const fresh = tempDir()
    const n = await startNode({ dataDir: fresh })
    expect((await status(n.url)).index).toBe(1)
    await n.stop()
  })

  it("refuses another program's SQLite database in the chain's place, and leaves its bytes as they were", async () => {
    const dir = tempDir()
    const file = join(dir, DB)
    const other = new Database(file)
    other.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42)')
    other.close()
    const before = readFileSync(file)
    const line = await expectRefusal(dir)
    expect(line).toContain(file)
    expect(line).toMatch(/another program/)
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(existsSync(join(dir, 'wallet.json'))).toBe(false) // refused before anything was created
  })

  for (const [what, content, problem] of [
    ['null', 'null', /holds null/],
    ['garbage', '\u0000\u0001garbage{', /not JSON/],
    ['an empty file', '', /empty/],
    ['a bad seed', '{"version":1,"seed":"zz"}', /seed/]
  ] as const) {
    it(`refuses a wallet.json holding ${what} with one line, and leaves it untouched`, async () => {
      const dir = tempDir()
      mkdirSync(dir, { recursive: true })
      const wallet = join(dir, 'wallet.json')
      writeFileSync(wallet, content, { mode: 0o600 })
      const line = await expectRefusal(dir)
      expect(line).toContain(wallet)
      expect(line).toMatch(problem)
      expect(line).not.toMatch(/Cannot read properties/)
      expect(readFileSync(wallet, 'utf8')).toBe(content)
    })
  }
})

describe('start-up where the data dir cannot be written', () => {
  const root = process.getuid?.() === 0
  let mounts: string[] = []
  afterAll(() => {
    for (const m of mounts) execFileSync('umount', ['-l', m])
    mounts = []
  })
  /** A small tmpfs (root only: an unprivileged user cannot make a full or read-only disk). */
  function tmpfs(size: string): string {
    const m = tempDir('bf-tmpfs-')
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', m])
    mounts.push(m)
    return m
  }

  it.skipIf(!root)('on a full disk: one line naming the data dir, exit 1', async () => {
    const m = tmpfs('64k')
    try {
      writeFileSync(join(m, 'fill'), Buffer.alloc(64 * 1024))
    } catch {
      // full now
    }
    const line = await expectRefusal(join(m, 'node'))
    expect(line).toContain(join(m, 'node'))
    expect(line).toMatch(/full|space/)
  })

  it.skipIf(!root)('on a read-only file system: one line naming the data dir, exit 1', async () => {
    const withChain = await minedDataDir(2)
    const m = tmpfs('4m')
    mkdirSync(join(m, 'existing'))
    cpSync(withChain, join(m, 'with-chain'), { recursive: true })
    execFileSync('mount', ['-o', 'remount,ro', m])
    for (const dir of [join(m, 'existing'), join(m, 'with-chain'), join(m, 'new', 'node')]) {
      const line = await expectRefusal(dir)
      expect(line).toContain(dir)
      expect(line).toMatch(/not writable|cannot be created|read-only/)
    }
  })
})
