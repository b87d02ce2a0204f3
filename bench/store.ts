/**
 * Store benchmark: does opening a node cost the same with a long chain as with none?
 *
 * Builds a 100,000-block regtest chain into a data dir (cached under os.tmpdir(), keyed by
 * CACHE_VERSION, so reruns skip it), connecting every block through Chain on a SqliteStore so the
 * files are exactly what a node writes. Blocks are mined for real at difficulty 8 with node:crypto;
 * most are coinbase-only, every 10th carries a signed transfer. Each block is its own SQLite
 * transaction, as on a node: batching was not needed (the build runs at ~2,000 blocks/s, under a
 * minute for 100,000).
 *
 * Then, in a fresh child process each time (median of RUNS): NodeService.open on an empty data
 * dir (a new one each run, so open also creates the schema, genesis and wallet), on a dir that
 * holds only genesis (created before), on a 10,000-block one and on the 100,000-block one, with the time to open and the RSS and
 * V8 heap used right after it (after a forced GC, so the heap figure is what open keeps).
 *
 * The same 100,000-block open after an unclean shutdown: a copy of the dir where a writer was
 * SIGKILLed with frames in its -wal, so open runs SQLite's quick_check on the whole file first
 * (issue #8: a damaged store is refused at open). And quick_check alone on the 100,000-block file.
 *
 * `npx tsx bench/store.ts` prints a table and, last, one JSON line with every figure.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { applyBlock, MemoryState, StateOverlay, type Block } from '../src/main/core'
import { Chain } from '../src/main/chain/chain'
import { NodeService } from '../src/main/node/service'
import { checkIntegrity, DB_FILE, SqliteStore } from '../src/main/store/sqlite-store'
import { alice, bob, mineBlock, REGTEST, signedTx } from '../test/helpers/chain-builder'
import { median } from './stats'

const CACHE_VERSION = 'store-bench-v2'
const LONG = 100_000
const MID = 10_000
const RUNS = 5
const PROGRESS_EVERY = 10_000
const SELF = fileURLToPath(import.meta.url)

function cacheRoot(): string {
  return join(tmpdir(), `blockforge-${CACHE_VERSION}`)
}

/** Extend the chain in `dir` (created if needed) to `height` blocks. Returns blocks per second. */
function extendChain(dir: string, height: number, log: (s: string) => void): number {
  const store = SqliteStore.open({
    dataDir: dir,
    network: REGTEST.name,
    genesisHash: REGTEST.genesisHash
  })
  const chain = new Chain(store, REGTEST)
  try {
    let tip: Block = store.getBlock(chain.tip().hash)!
    // Recompute alice's nonce from the store (a partial build may be resumed).
    let aliceNonce = store.account(alice.address).nonce
    const start = tip.index
    const t0 = performance.now()
    while (tip.index < height) {
      const txs =
        (tip.index + 1) % 10 === 0 && tip.index > 2
          ? [signedTx(alice, bob.address, 1, aliceNonce, 1)]
          : []
      const b = mineBlock({ parent: tip, txs, payTo: alice.address })
      const o = chain.submit(b)
      if (o.kind !== 'accepted' || o.status !== 'main')
        throw new Error(`bench block ${b.index} refused: ${JSON.stringify(o)}`)
      if (txs.length > 0) aliceNonce++
      tip = b
      if (tip.index % PROGRESS_EVERY === 0 || tip.index === height) {
        log(
          `  built ${tip.index} blocks (${((tip.index - start) / ((performance.now() - t0) / 1000)).toFixed(0)} blocks/s)`
        )
      }
    }
    return (tip.index - start) / ((performance.now() - t0) / 1000)
  } finally {
    store.close()
  }
}

/** The cached 10k and 100k data dirs, built if missing. */
export function cachedChains(log: (s: string) => void = console.log): {
  mid: string
  long: string
  buildRate?: number
} {
  const root = cacheRoot()
  const mid = join(root, 'chain-10k')
  const long = join(root, 'chain-100k')
  const done = join(root, 'done')
  if (existsSync(done)) return { mid, long }
  rmSync(root, { recursive: true, force: true })
  const building = join(root, 'building')
  log(`building a ${LONG}-block regtest chain in ${root} (cached for later runs)`)
  const t0 = performance.now()
  extendChain(building, MID, log)
  cpSync(building, mid, { recursive: true })
  extendChain(building, LONG, log)
  cpSync(building, long, { recursive: true })
  rmSync(building, { recursive: true, force: true })
  const secs = (performance.now() - t0) / 1000
  writeFileSync(done, `${CACHE_VERSION} built in ${secs.toFixed(1)} s\n`)
  log(`  built in ${secs.toFixed(1)} s`)
  return { mid, long, buildRate: LONG / secs }
}

interface OpenSample {
  openMs: number
  rssMb: number
  heapMb: number
  tip: number
}

/** Child side: open the node, report time and memory as one JSON line. */
function childOpen(dir: string): void {
  const t0 = performance.now()
  const svc = NodeService.open({ dataDir: dir, network: REGTEST })
  const openMs = performance.now() - t0
  const tip = svc.chain.tip().index
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  svc.close()
  const sample: OpenSample = { openMs, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, tip }
  console.log(JSON.stringify(sample))
}

/** Child side: write to the store and die by SIGKILL, leaving frames in the -wal (unclean). */
function childKilledWriter(dir: string): void {
  const store = SqliteStore.open({
    dataDir: dir,
    network: REGTEST.name,
    genesisHash: REGTEST.genesisHash
  })
  store.putSetting('bench-unclean', String(Date.now()))
  process.kill(process.pid, 'SIGKILL')
}

/** Child side: SQLite's quick_check alone on the store in `dir`, in ms. */
function childQuickCheck(dir: string): void {
  const store = SqliteStore.open({
    dataDir: dir,
    network: REGTEST.name,
    genesisHash: REGTEST.genesisHash
  })
  const t0 = performance.now()
  checkIntegrity(store.db, join(dir, DB_FILE))
  const ms = performance.now() - t0
  store.close()
  console.log(JSON.stringify({ ms }))
}

function runChild(flag: string, dir: string): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, flag, dir], {
    encoding: 'utf8',
    cwd: join(SELF, '..', '..')
  })
}

/** A fresh copy of `src` whose last writer was killed with frames in its -wal. */
function uncleanCopy(src: string, dest: string): string {
  rmSync(dest, { recursive: true, force: true })
  cpSync(src, dest, { recursive: true })
  runChild('--killed-writer', dest)
  if ((statSync(join(dest, `${DB_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0) === 0) {
    throw new Error('the killed writer left no -wal frames')
  }
  return dest
}

function sampleOpen(dir: () => string): OpenSample {
  const d = dir()
  const r = runChild('--child', d) as { status: number | null; stdout: string; stderr: string }
  if (r.status !== 0) throw new Error(`bench child failed (${r.status}): ${r.stderr}`)
  const line = r.stdout.trim().split('\n').at(-1)!
  return JSON.parse(line) as OpenSample
}

function measure(
  dir: () => string,
  expectTip: number
): { openMs: number; rssMb: number; heapMb: number } {
  const samples = Array.from({ length: RUNS }, () => sampleOpen(dir))
  for (const s of samples)
    if (s.tip !== expectTip) throw new Error(`opened tip ${s.tip}, expected ${expectTip}`)
  return {
    openMs: median(samples.map((s) => s.openMs)),
    rssMb: median(samples.map((s) => s.rssMb)),
    heapMb: median(samples.map((s) => s.heapMb))
  }
}

/** Replay check of the built chain (cheap insurance that the bench measures a sound store). */
function checkReplay(dir: string): void {
  const store = SqliteStore.open({
    dataDir: dir,
    network: REGTEST.name,
    genesisHash: REGTEST.genesisHash
  })
  try {
    const state = new MemoryState()
    for (const b of store.mainBlocks(1, Number.MAX_SAFE_INTEGER)) {
      const o = new StateOverlay(state)
      applyBlock(o, b)
      state.commit(o)
    }
    const stored = store.allAccounts()
    for (const [a, acc] of state.accounts) {
      const s = stored.get(a)
      if (
        acc.balance === 0 && acc.nonce === 0
          ? s !== undefined
          : s?.balance !== acc.balance || s?.nonce !== acc.nonce
      ) {
        throw new Error(`account ${a} differs from a replay`)
      }
    }
  } finally {
    store.close()
  }
}

export async function runStoreBench(): Promise<Record<string, number>> {
  const { mid, long, buildRate } = cachedChains()
  if (buildRate !== undefined) checkReplay(long)
  const empties: string[] = []
  const emptyDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'blockforge-bench-empty-'))
    empties.push(d)
    return d
  }
  try {
    const empty = measure(emptyDir, 1)
    // The same, but on a dir created before: open without making the schema, genesis and wallet.
    const genesisDir = emptyDir()
    NodeService.open({ dataDir: genesisDir, network: REGTEST }).close()
    const genesis = measure(() => genesisDir, 1)
    const m10k = measure(() => mid, MID)
    const m100k = measure(() => long, LONG)
    const uncleanDir = emptyDir()
    const unclean = measure(() => uncleanCopy(long, uncleanDir), LONG)
    const checks = Array.from({ length: RUNS }, () => {
      const r = runChild('--quick-check', long) as {
        status: number | null
        stdout: string
        stderr: string
      }
      if (r.status !== 0) throw new Error(`quick_check child failed (${r.status}): ${r.stderr}`)
      return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number }).ms
    })
    const quickCheckMs = median(checks)
    const out: Record<string, number> = {
      open_ms_empty: round(empty.openMs),
      open_ms_10k: round(m10k.openMs),
      open_ms_100k: round(m100k.openMs),
      open_ratio: round(m100k.openMs / empty.openMs),
      open_ms_genesis_only: round(genesis.openMs),
      open_ratio_vs_genesis_only: round(m100k.openMs / genesis.openMs),
      open_ms_100k_unclean: round(unclean.openMs),
      quick_check_ms_100k: round(quickCheckMs),
      db_mb_100k: round(statSync(join(long, DB_FILE)).size / 2 ** 20),
      rss_mb_empty: round(empty.rssMb),
      rss_mb_10k: round(m10k.rssMb),
      rss_mb_100k: round(m100k.rssMb),
      heap_mb_empty: round(empty.heapMb),
      heap_mb_10k: round(m10k.heapMb),
      heap_mb_100k: round(m100k.heapMb)
    }
    if (buildRate !== undefined) out.build_blocks_per_s = round(buildRate)
    console.log('')
    console.log('data dir        open ms   rss MB  heap MB')
    const row = (name: string, r: { openMs: number; rssMb: number; heapMb: number }): void =>
      console.log(
        `${name.padEnd(14)} ${r.openMs.toFixed(1).padStart(8)} ${r.rssMb.toFixed(1).padStart(8)} ${r.heapMb.toFixed(1).padStart(8)}`
      )
    row('empty (new)', empty)
    row('genesis only', genesis)
    row('10,000 blocks', m10k)
    row('100,000 blocks', m100k)
    row('100k, unclean', unclean)
    console.log(
      `quick_check alone on the 100,000-block file (${out.db_mb_100k} MB): ${out.quick_check_ms_100k} ms`
    )
    console.log(
      `open ratio 100k/empty: ${out.open_ratio} (target <= 2); median of ${RUNS} fresh processes each`
    )
    return out
  } finally {
    for (const d of empties) rmSync(d, { recursive: true, force: true })
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const i = process.argv.indexOf('--child')
  const k = process.argv.indexOf('--killed-writer')
  const q = process.argv.indexOf('--quick-check')
  if (i >= 0) {
    childOpen(process.argv[i + 1])
  } else if (k >= 0) {
    childKilledWriter(process.argv[k + 1])
  } else if (q >= 0) {
    childQuickCheck(process.argv[q + 1])
  } else {
    runStoreBench().then(
      (r) => console.log(JSON.stringify(r)),
      (e) => {
        console.error(e)
        process.exit(1)
      }
    )
  }
}
