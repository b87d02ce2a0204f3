/**
 * Crash safety of the store (PROTOCOL §6: "never half"; a block answered 201 survives a kill).
 *
 * A child process (test/helpers/kill-writer.ts, started with process.execPath --import tsx) opens
 * a data dir with SqliteStore + Chain and submits a pre-built list of regtest blocks that contains
 * many reorganisations (1 to 30 blocks deep, with transfers). The test kills it with SIGKILL at a
 * random moment, 25 times in a row on the same data dir, each child resuming where the last one
 * stopped. After every kill the data dir is reopened and must hold: SQLite integrity; every block
 * the child reported as stored; a tip at least as heavy as the last one it reported; the main_chain
 * index contiguous from 1 to the tip with parent links; accounts equal to core's applyBlock replay
 * of that main chain from genesis; and the transaction index and address history equal to the
 * main chain's transactions. A last child runs to the end and the result equals the builder's final branch.
 * The random seed is printed, so a failure can be replayed with BLOCKFORGE_CRASH_SEED.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { blockToWire, type Block } from '../../src/main/core'
import { SqliteStore } from '../../src/main/store/sqlite-store'
import {
  alice,
  bob,
  carol,
  ChainBuilder,
  plainState,
  REGTEST,
  replayAccounts,
  storedMainChain,
  type Key
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'
import { mulberry32 as prng } from '../helpers/prng'

const KILLS = 25
const SCRIPT = resolve(__dirname, '../helpers/kill-writer.ts')
const SEED = Number(process.env.BLOCKFORGE_CRASH_SEED ?? Date.now() % 2 ** 31)

/**
 * The blocks in the order a node would receive them: in each round two branches leave the current
 * tip; the first (depth 1..30) is offered whole and becomes main, then the second, longer by one
 * to three blocks, overtakes it. Blocks carry transfers among alice, bob and carol.
 */
function scenario(rand: () => number, rounds: number): { order: Block[]; final: ChainBuilder } {
  const keys: Key[] = [alice, bob, carol]
  let cur = new ChainBuilder()
  const order: Block[] = []
  const withTransfers = (b: ChainBuilder): Block => {
    const txs = []
    for (const k of keys) {
      const bal = b.account(k.address).balance
      if (bal >= 3 && rand() < 0.6) {
        const to = keys[Math.floor(rand() * 3)]
        txs.push(
          b.transfer(k, to.address, 1 + Math.floor(rand() * (bal - 2)), rand() < 0.5 ? 1 : 0)
        )
      }
    }
    return b.mine(txs)
  }
  for (let i = 0; i < 5; i++) order.push(withTransfers(cur))
  for (let r = 0; r < rounds; r++) {
    const m1 = keys[r % 3]
    const m2 = keys[(r + 1) % 3]
    const a = cur.fork(m1.address, 0)
    const b = cur.fork(m2.address, 1 + (r % 3))
    const depth = 1 + Math.floor(rand() * 30)
    for (let i = 0; i < depth; i++) order.push(withTransfers(a))
    const longer = depth + 1 + Math.floor(rand() * 3)
    for (let i = 0; i < longer; i++) order.push(withTransfers(b))
    cur = b
  }
  return { order, final: cur }
}

interface Run {
  stored: string[]
  lastTip?: string
  done: boolean
}

function startWriter(dataDir: string, file: string, killAfterMs?: number): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'write', dataDir, file], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const run: Run = { stored: [], done: false }
    let buf = ''
    let err = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buf += chunk
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line === 'ready' && killAfterMs !== undefined)
          setTimeout(() => child.kill('SIGKILL'), killAfterMs)
        else if (line === 'done') run.done = true
        else if (line.startsWith('accepted ')) {
          const [, hash, tip] = line.split(' ')
          run.stored.push(hash)
          run.lastTip = tip
        } else if (line.startsWith('refused ')) err += line
      }
    })
    child.stderr.on('data', (c) => (err += String(c)))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolvePromise(run)
      else reject(new Error(`writer exited with ${code}: ${err}`))
    })
  })
}

/** Everything a reopened data dir must satisfy; returns the tip's index. */
function checkConsistent(dataDir: string, run: Run, knownHashes: Set<string>): number {
  const store = SqliteStore.open({
    dataDir,
    network: REGTEST.name,
    genesisHash: REGTEST.genesisHash
  })
  try {
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    const main = storedMainChain(store)
    const tip = store.tip()
    expect(tip.hash === REGTEST.genesisHash || knownHashes.has(tip.hash)).toBe(true)
    for (const h of run.stored) expect(store.hasBlock(h)).toBe(true)
    if (run.lastTip !== undefined) {
      const reported = store.getHeader(run.lastTip)!
      expect(tip.totalWork >= reported.totalWork).toBe(true)
      if (tip.totalWork === reported.totalWork) expect(tip.hash).toBe(reported.hash)
    }
    expect(plainState(store.allAccounts())).toEqual(plainState(replayAccounts(main)))
    const indexed = store.db
      .prepare(
        'SELECT id, block_hash AS h, height, position FROM tx_index ORDER BY height, position'
      )
      .all()
    const expected = main.flatMap((b) =>
      b.transactions.map((t, i) => ({ id: t.id, h: b.hash, height: b.index, position: i }))
    )
    expect(indexed).toEqual(expected)
    const history = store.db
      .prepare(
        'SELECT address, height, position, id FROM address_tx ORDER BY address, height, position'
      )
      .all()
    const rows = new Map<
      string,
      { address: string; height: number; position: number; id: string }
    >()
    for (const b of main) {
      b.transactions.forEach((t, i) => {
        for (const a of t.sender === '0' ? [t.recipient] : [t.sender, t.recipient])
          rows.set(`${a}:${b.index}:${i}`, { address: a, height: b.index, position: i, id: t.id })
      })
    }
    const want = [...rows.values()].sort((x, y) =>
      x.address < y.address
        ? -1
        : x.address > y.address
          ? 1
          : x.height - y.height || x.position - y.position
    )
    expect(history).toEqual(want)
    return tip.index
  } finally {
    store.close()
  }
}

describe('a writer killed with SIGKILL', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())

  it(`reopens on a consistent tip after each of ${KILLS} kills at random moments (seed ${SEED})`, async () => {
    const rand = prng(SEED)
    const { order, final } = scenario(rand, 80)
    const file = join(dir.path, 'blocks.json')
    writeFileSync(file, JSON.stringify(order.map(blockToWire)))
    const known = new Set(order.map((b) => b.hash))
    const dataDir = join(dir.path, 'data')

    let interrupted = 0
    let lastIndex = 1
    for (let k = 0; k < KILLS; k++) {
      const run = await startWriter(dataDir, file, Math.floor(rand() * 120))
      if (!run.done) interrupted++
      lastIndex = checkConsistent(dataDir, run, known)
    }
    console.log(
      `crash test seed ${SEED}: ${order.length} blocks, ${interrupted}/${KILLS} kills interrupted writing, tip ${lastIndex} after the last`
    )
    // Most kills must land while blocks are being written, or the test proves little.
    expect(interrupted).toBeGreaterThanOrEqual(KILLS - 5)

    const last = await startWriter(dataDir, file)
    expect(last.done).toBe(true)
    checkConsistent(dataDir, last, known)
    const store = SqliteStore.open({
      dataDir,
      network: REGTEST.name,
      genesisHash: REGTEST.genesisHash
    })
    try {
      expect(store.tip().hash).toBe(final.tip.hash)
      const want = new Map(
        [...final.state.accounts].filter(([, a]) => a.balance !== 0 || a.nonce !== 0)
      )
      expect(plainState(store.allAccounts())).toEqual(plainState(want))
      expect(store.countBlocks()).toBe(order.length + 1)
    } finally {
      store.close()
    }
  }, 180_000)
})
