/**
 * What a node's log says about blocks, decided in src/main/node/node-events.ts, on a real
 * NodeService (SQLite in a temp folder) and a real miner, with the log's clock in the test's hand:
 * blocks that come one at a time get a line each; thousands that come at once (catching up,
 * regtest mining) get one summary line per period naming the range, the tip and where they came
 * from, while every block is still at debug level; a reorganisation always has its own line with
 * the fork point and the counts; refused data is logged with its rule code, at most
 * REFUSALS_PER_WINDOW lines a minute, the rest counted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bob, buildChain, ChainBuilder, REGTEST } from '../helpers/chain-builder'
import { captureLog } from '../helpers/log-capture'
import { tempDir } from '../helpers/temp'
import {
  logNodeEvents,
  REFUSALS_PER_WINDOW,
  REFUSAL_WINDOW_MS
} from '../../src/main/node/node-events'
import { MinerEngine } from '../../src/main/miner/engine'
import { MiningController } from '../../src/main/node/mining'
import { NodeService } from '../../src/main/node/service'

const SUMMARY_MS = 50
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const undo: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) await u()
})

function node(level = 'debug') {
  const dir = tempDir('bf-logev-')
  const service = NodeService.open({ dataDir: dir.path, network: REGTEST })
  const mining = new MiningController(service, new MinerEngine({ threads: 1 }))
  const log = captureLog(level)
  const clock = { t: 0 }
  const stop = logNodeEvents(
    log.logger,
    { service, mining },
    { now: () => clock.t, summaryMs: SUMMARY_MS }
  )
  undo.push(
    dir.remove,
    () => service.close(),
    () => mining.close(),
    stop
  )
  const info = () => log.records.filter((r) => r.level === 'info')
  return { service, mining, log, clock, info }
}

describe('blocks in the log', () => {
  it('a block that comes alone has its line; 299 more at once have one summary line, each still at debug', async () => {
    const n = node()
    const blocks = buildChain(300)
    n.service.submitBlocks(blocks, 'http://127.0.0.1:5001', 'peer')
    expect(n.info()).toEqual([
      expect.objectContaining({
        msg: 'block connected',
        module: 'chain',
        index: 2,
        source: 'peer',
        peer: 'http://127.0.0.1:5001',
        hash: blocks[0].hash.slice(0, 16)
      })
    ])
    n.clock.t = SUMMARY_MS
    await sleep(SUMMARY_MS + 20)
    expect(n.info()).toHaveLength(2)
    expect(n.info()[1]).toMatchObject({
      msg: 'connected 299 blocks (299 from peers)',
      blocks: 299,
      from: 3,
      to: 301,
      peer: 299,
      tip: blocks[299].hash.slice(0, 16)
    })
    expect(
      n.log.records.filter((r) => r.level === 'debug' && r.msg === 'block connected')
    ).toHaveLength(300)

    // Quiet for a while: the next block is said on its own again, at once.
    n.clock.t = 10_000
    const next = new ChainBuilder({ tip: blocks[299] }).mine()
    n.service.submitBlock(next, undefined, 'http')
    expect(n.info().at(-1)).toMatchObject({ msg: 'block connected', index: 302, source: 'http' })
  })

  it('a reorganisation has its own line with the fork point and the counts, even amid a summary', async () => {
    const n = node('info')
    const a = new ChainBuilder()
    a.mineMany(3) // 2..4
    const fork = a.fork(bob.address)
    const mainBlocks = [...a.blocks, ...a.mineMany(2)] // 5, 6
    const branch = fork.mineMany(3) // 5', 6', 7'
    n.service.submitBlocks(mainBlocks, undefined, 'http')
    for (const b of branch) n.service.submitBlock(b, 'http://127.0.0.1:5002', 'peer')
    const reorg = n.log.records.find((r) => r.msg === 'reorganisation')
    expect(reorg).toMatchObject({
      level: 'info',
      forkIndex: 4,
      disconnected: 2,
      connected: 3,
      tip: branch[2].hash.slice(0, 16),
      oldTip: mainBlocks[4].hash.slice(0, 16),
      peer: 'http://127.0.0.1:5002'
    })
    n.clock.t = SUMMARY_MS
    await sleep(SUMMARY_MS + 20)
    // Every main-chain block is accounted for at info: the first alone, the rest in summaries.
    const counted = n
      .info()
      .reduce((s, r) => s + (r.msg === 'block connected' ? 1 : (r.blocks ?? 0)), 0)
    expect(counted).toBe(5 + 3)
  })

  it('a mined block says so, with its index and hash', async () => {
    const n = node('info')
    const b = await n.mining.mineOnce()
    expect(n.log.records).toContainEqual(
      expect.objectContaining({
        module: 'miner',
        msg: 'mined a block',
        index: b.index,
        hash: b.hash.slice(0, 16)
      })
    )
  })
})

describe('refused data in the log', () => {
  it('names the rule code and the sender, and is bounded: the lines over the limit are counted, not written', () => {
    const n = node('info')
    const good = buildChain(1)[0]
    for (let i = 1; i <= REFUSALS_PER_WINDOW + 5; i++) {
      const o = n.service.submitBlock({ ...good, proof: good.proof + i }, undefined, 'http')
      expect(o.kind).toBe('invalid')
    }
    const refused = n.log.records.filter((r) => /refused a block/.test(r.msg))
    expect(refused).toHaveLength(REFUSALS_PER_WINDOW)
    expect(refused[0]).toMatchObject({
      level: 'warn',
      module: 'chain',
      from: 'http',
      index: 2,
      code: expect.stringMatching(/^[a-z_]+$/)
    })
    n.clock.t = REFUSAL_WINDOW_MS
    n.service.submitBlock({ ...good, proof: good.proof + 1000 }, 'http://127.0.0.1:5003', 'peer')
    const last = n.log.records.slice(-2)
    expect(last[0]).toMatchObject({ level: 'warn', what: 'block', count: 5 })
    expect(last[1]).toMatchObject({
      msg: expect.stringMatching(/refused a block/),
      from: 'http://127.0.0.1:5003'
    })
  })

  it('a transaction the wallet could not send is logged as from the wallet', () => {
    const n = node('info')
    const r = n.service.sendFromWallet({ recipient: bob.address, amount: 5, fee: 1 })
    expect(r.kind).toBe('invalid')
    expect(n.log.records.at(-1)).toMatchObject({
      level: 'info',
      from: 'wallet',
      code: 'insufficient_funds',
      msg: 'refused a transaction: insufficient_funds'
    })
  })
})

describe('storage in the log', () => {
  it('a full disk is said once when it starts (warn) and once when it ends (info)', () => {
    const n = node('info')
    const db = n.service.store.db
    // No room for one more page (as test/security/full-disk.test.ts fills a disk without root).
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    for (const b of buildChain(60)) {
      try {
        n.service.submitBlock(b, undefined, 'http')
      } catch {
        break // StorageUnavailableError: the node's storage state is now 'full'
      }
    }
    expect(n.service.storageHealth().state).toBe('full')
    db.pragma('max_page_count = 1073741823')
    expect(n.service.checkStorage()).toBe(true)
    const storage = n.log.records.filter((r) => r.module === 'storage')
    expect(storage).toEqual([
      expect.objectContaining({ level: 'warn', state: 'full', msg: expect.stringMatching(/full/) }),
      expect.objectContaining({ level: 'info', msg: expect.stringMatching(/writable again/) })
    ])
  })
})
