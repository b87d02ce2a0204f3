/**
 * Issue #8, "Resources", the peer side: a hostile peer costs the node a bounded amount of time
 * and bytes, and cannot win its score back by answering /status polls.
 *
 * - Deadlines: a peer dripping a block answer (one byte every 100 ms, forever) is cut at the whole
 *   request's deadline, the one for what was asked (a batch, one block), and that counts as a
 *   "slow" offence; after a bounded number of them it is banned, though it answers every poll.
 * - Size caps: a 5 MB block, or a block that streams on for 100 MB, in answer to a one-block
 *   request or a batch, is cut at the size one valid block can have (MAX_BLOCK_WIRE_BYTES,
 *   counted on the hostile server's side: the bytes it wrote before the node hung up), and the
 *   peer is banned after a bounded number of such answers.
 * - An honest peer's catch-up is not held up by a dripping peer claiming more work.
 *
 * Real nodes on 127.0.0.1 and plain node:http hostile servers (test/helpers/hostile-peer.ts).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { blockToWire } from '../../src/main/core'
import { MAX_BLOCK_WIRE_BYTES } from '../../src/main/p2p/wire'
import { OFFENCE } from '../../src/main/p2p/types'
import { buildChain, mineBlock, REGTEST } from '../helpers/chain-builder'
import { startHostilePeer, type HostilePeer } from '../helpers/hostile-peer'
import {
  closeAll,
  http,
  startTestNode,
  tipHash,
  waitFor,
  type TestNode
} from '../helpers/node-harness'

const hostiles: HostilePeer[] = []
async function hostile(...args: Parameters<typeof startHostilePeer>): Promise<HostilePeer> {
  const h = await startHostilePeer(...args)
  hostiles.push(h)
  return h
}
afterEach(async () => {
  await closeAll()
  await Promise.all(hostiles.splice(0).map((h) => h.close()))
})
afterAll(closeAll)

/** BF_FIGURES=1 prints what the tests measure (bytes a hostile server wrote, catch-up times). */
const figure = (line: string): void => {
  if (process.env.BF_FIGURES) console.log(`[figure] ${line}`)
}

/** What the node may read past the cap before it notices: a few paced chunks (64 KiB each). */
const SLACK = 512 * 1024

const peerOf = (t: TestNode, h: { url: string }) => t.node.peers.list().find((p) => p.url === h.url)
const banned = (t: TestNode, h: HostilePeer): boolean => peerOf(t, h)?.state === 'banned'
const blockAnswers = (h: HostilePeer) => h.answers.filter((a) => a.path.startsWith('/blocks'))
const describePeer = (t: TestNode, h: HostilePeer): string =>
  JSON.stringify({
    peer: peerOf(t, h),
    answers: h.answers.map((a) => [a.path.slice(0, 40), a.sent, a.ms, a.complete])
  })

/**
 * POST an orphan to the node as if `from` sent it: a block over a made-up parent, with real
 * proof of work, so the node holds it and asks `from` for the parent by hash (GET /blocks/<hash>).
 */
async function sendOrphan(t: TestNode, from: HostilePeer): Promise<void> {
  const parent = {
    hash: randomBytes(32).toString('hex'),
    index: 5,
    timestamp: REGTEST.params.genesisTimestamp + 50_000
  }
  const orphan = mineBlock({ parent, difficulty: REGTEST.params.minDifficulty })
  const r = await http(t.url, '/blocks', {
    body: blockToWire(orphan),
    headers: { 'x-node-url': from.url }
  })
  expect(r.status).toBe(202)
}

describe('whole-request deadlines', () => {
  it('cuts a dripping batch at its deadline, as a slow offence, and bans the peer though it answers every poll', async () => {
    const node = await startTestNode({
      peerLimits: { pollMs: 250, chainTimeoutMs: 1000, blockTimeoutMs: 1000, banMs: 60_000 }
    })
    const drip = await hostile('drip')
    expect((await node.node.peers.add(drip.url)).ok).toBe(true)
    await waitFor(() => blockAnswers(drip).length >= 1, 'the first dripped answer to be cut', 5_000)
    // Cut at the whole request's deadline although a byte came every 100 ms, and scored as slow.
    expect(blockAnswers(drip)[0].ms).toBeLessThan(1000 + 1000)
    expect(blockAnswers(drip)[0].sent).toBeGreaterThan(3)
    expect(peerOf(node, drip)!.score).toBeLessThanOrEqual(-OFFENCE.slow)
    // Polls every 250 ms are answered well in between; the score does not come back.
    await waitFor(() => banned(node, drip), 'the dripping peer to be banned', 20_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}: ${describePeer(node, drip)}`)
      }
    )
    expect(drip.requests.filter((r) => r.includes('/status')).length).toBeGreaterThan(3)
    expect(blockAnswers(drip).length).toBeLessThanOrEqual(Math.ceil(100 / OFFENCE.slow))
    for (const a of blockAnswers(drip)) expect(a.ms).toBeLessThan(2000)
  })

  it('cuts a dripping one-block fetch at the one-block deadline, not the batch one', async () => {
    const node = await startTestNode({
      peerLimits: { pollMs: 250, blockTimeoutMs: 1000, chainTimeoutMs: 20_000, banMs: 60_000 }
    })
    const drip = await hostile('drip', { work: 'least' })
    expect((await node.node.peers.add(drip.url)).ok).toBe(true)
    await sendOrphan(node, drip)
    await waitFor(() => blockAnswers(drip).length >= 1, 'the dripped block to be cut', 5_000).catch(
      (e: Error) => {
        throw new Error(
          `${e.message}: ${describePeer(node, drip)} ${JSON.stringify(drip.requests)}`
        )
      }
    )
    const a = blockAnswers(drip)[0]
    expect(a.path).toMatch(/^\/blocks\/[0-9a-f]{64}$/)
    expect(a.ms).toBeLessThan(2000)
    expect(a.complete).toBe(false)
    expect(peerOf(node, drip)!.score).toBeLessThanOrEqual(-OFFENCE.slow)
  })

  it('cuts a dripping /status at the status deadline and bans the peer after a bounded number of polls', async () => {
    const node = await startTestNode({
      peerLimits: { pollMs: 250, statusTimeoutMs: 500, banMs: 60_000 }
    })
    const drip = await hostile('drip', { dripAlso: ['status'] })
    // Registered although it does not answer in time (PROTOCOL §7 refuses only malformed URLs).
    expect((await node.node.peers.register(drip.url)).ok).toBe(true)
    await waitFor(
      () => banned(node, drip),
      'the peer dripping its status to be banned',
      10_000
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${describePeer(node, drip)}`)
    })
    const polls = drip.answers.filter((a) => a.path === 'GET /status')
    // The first probe (register) and at most three polls that each were a slow offence.
    expect(polls.length).toBeLessThanOrEqual(1 + Math.ceil(100 / OFFENCE.slow))
    for (const a of polls) expect(a.ms).toBeLessThan(500 + 1000)
  })

  it('cuts a dripping answer to a pushed block at the push deadline, as a slow offence', async () => {
    const node = await startTestNode({
      peerLimits: { pollMs: 250, pushTimeoutMs: 800, banMs: 60_000 }
    })
    const drip = await hostile('drip', { work: 'least', dripAlso: ['push'] })
    expect((await node.node.peers.add(drip.url)).ok).toBe(true)
    await node.node.mining.mineOnce()
    await waitFor(
      () => drip.answers.some((a) => a.path === 'POST /blocks'),
      'the push to be cut',
      5_000
    )
    const a = drip.answers.find((x) => x.path === 'POST /blocks')!
    expect(a.ms).toBeLessThan(800 + 1000)
    expect(a.sent).toBeGreaterThan(3)
    await waitFor(
      () => (peerOf(node, drip)?.score ?? 0) <= -OFFENCE.slow,
      'the slow push to be scored',
      2_000
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${describePeer(node, drip)}`)
    })
  })
})

describe('scores', () => {
  it('come back with valid new blocks from the peer, not with answered polls', async () => {
    const honest = await startTestNode()
    const node = await startTestNode({ peerLimits: { pollMs: 100 } })
    expect((await node.node.peers.add(honest.url)).ok).toBe(true)
    node.node.peers.offence(honest.url, OFFENCE.tooLarge, 'an oversized answer (test)')
    await new Promise((r) => setTimeout(r, 1200))
    // About a dozen polls answered well: not a point back.
    expect(peerOf(node, honest)!.score).toBe(-OFFENCE.tooLarge)
    // Three valid blocks, new to the node, pushed by the peer: three points back.
    for (let i = 0; i < 3; i++) await honest.node.mining.mineOnce()
    await waitFor(() => tipHash(node) === tipHash(honest), 'the pushed blocks')
    await waitFor(
      () => peerOf(node, honest)!.score === -OFFENCE.tooLarge + 3,
      'three points back',
      2000
    )
  })

  it('are not taken for 503 unavailable: a busy peer is asked again later, not scored down', async () => {
    const busy = await hostile('busy')
    const node = await startTestNode({ peerLimits: { pollMs: 100 } })
    expect((await node.node.peers.add(busy.url)).ok).toBe(true)
    // It claims more work than the node has, so catch-ups start (and back off) and get 503.
    await waitFor(
      () => busy.requests.filter((r) => r.startsWith('GET /blocks')).length >= 2,
      'two refused catch-ups',
      10_000
    )
    expect(peerOf(node, busy)!.score).toBe(0)
    expect(banned(node, busy)).toBe(false)
  })

  it('come back slowly with time', async () => {
    const honest = await startTestNode()
    const node = await startTestNode({ peerLimits: { pollMs: 100, scoreRecoverMs: 200 } })
    expect((await node.node.peers.add(honest.url)).ok).toBe(true)
    node.node.peers.offence(honest.url, OFFENCE.slow, 'a slow answer (test)')
    await new Promise((r) => setTimeout(r, 700))
    const score = peerOf(node, honest)!.score
    expect(score).toBeGreaterThan(-OFFENCE.slow)
    expect(score).toBeLessThan(0)
  })
})

describe('per-block size caps', () => {
  it.each(['fat-block', 'stream'] as const)(
    'reads at most one block’s worth of a %s answer to GET /blocks/<hash>, and bans the peer',
    async (mode) => {
      const node = await startTestNode({ peerLimits: { pollMs: 250, banMs: 60_000 } })
      const h = await hostile(mode, { work: 'least' })
      expect((await node.node.peers.add(h.url)).ok).toBe(true)
      for (let i = 0; i < 4 && !banned(node, h); i++) {
        await sendOrphan(node, h)
        await waitFor(
          () => blockAnswers(h).length > i || banned(node, h),
          'the oversized answer to be cut',
          10_000
        )
      }
      expect(banned(node, h)).toBe(true)
      const answers = blockAnswers(h)
      figure(
        `${mode} to GET /blocks/<hash>: cap ${MAX_BLOCK_WIRE_BYTES} B; written per answer ${answers.map((a) => a.sent).join(', ')} B; ${answers.length} answers to the ban`
      )
      expect(answers.length).toBeLessThanOrEqual(Math.ceil(100 / OFFENCE.tooLarge))
      for (const a of answers) {
        expect(a.path).toMatch(/^\/blocks\/[0-9a-f]{64}$/)
        expect(a.complete).toBe(false)
        expect(a.sent).toBeLessThanOrEqual(MAX_BLOCK_WIRE_BYTES + SLACK)
      }
      // The node counted no more than the hostile server wrote, and nothing after the ban.
      expect(peerOf(node, h)!.bytesIn).toBeLessThanOrEqual(
        answers.reduce((s, a) => s + a.sent, 0) + 64 * 1024
      )
      const before = h.requests.length
      await new Promise((r) => setTimeout(r, 600))
      expect(h.requests.length).toBe(before)
    }
  )

  it.each(['fat-block', 'stream'] as const)(
    'reads at most one block’s worth of a %s answer to a batch, and bans the peer within a bounded number of answers',
    async (mode) => {
      const node = await startTestNode({ peerLimits: { pollMs: 250, banMs: 60_000 } })
      const h = await hostile(mode)
      expect((await node.node.peers.add(h.url)).ok).toBe(true)
      await waitFor(() => banned(node, h), 'the oversizing peer to be banned', 20_000).catch(
        (e: Error) => {
          throw new Error(`${e.message}: ${describePeer(node, h)}`)
        }
      )
      const answers = blockAnswers(h)
      figure(
        `${mode} to GET /blocks batches: cap per block ${MAX_BLOCK_WIRE_BYTES} B; written per answer ${answers.map((a) => a.sent).join(', ')} B; ${answers.length} answers to the ban`
      )
      expect(answers.length).toBeGreaterThan(0)
      expect(answers.length).toBeLessThanOrEqual(Math.ceil(100 / OFFENCE.tooLarge))
      for (const a of answers) {
        expect(a.complete).toBe(false)
        expect(a.sent).toBeLessThanOrEqual(MAX_BLOCK_WIRE_BYTES + SLACK)
      }
      expect(node.node.service.chain.tip().index).toBe(1)
    }
  )
})

describe('an honest peer among slow ones', () => {
  it('catches up from an honest peer while a peer claiming more work drips, and bans the dripping one', async () => {
    const honest = await startTestNode()
    const blocks = buildChain(300)
    honest.node.service.submitBlocks(blocks)
    expect(tipHash(honest)).toBe(blocks[blocks.length - 1].hash)
    // Deadlines long enough that waiting on the drip first would show (5 s per request), short
    // enough that its ban (three slow answers) comes within the test.
    const node = await startTestNode({
      peerLimits: {
        pollMs: 250,
        chainTimeoutMs: 5000,
        blockTimeoutMs: 5000,
        stallMs: 500,
        banMs: 60_000
      }
    })
    const drip = await hostile('drip')
    expect((await node.node.peers.add(drip.url)).ok).toBe(true)
    await waitFor(
      () => drip.requests.some((r) => r.startsWith('GET /blocks')),
      'the node to ask the dripping peer'
    )
    const t0 = Date.now()
    expect((await node.node.peers.add(honest.url)).ok).toBe(true)
    await waitFor(
      () => tipHash(node) === tipHash(honest),
      'the node to reach the honest tip',
      20_000
    )
    const ms = Date.now() - t0
    figure(`catch-up of 300 blocks beside a dripping peer (5 s deadlines, stallMs 500): ${ms} ms`)
    // Waiting on the drip first would hold the node for its 5 s deadline; the honest peer's
    // catch-up starts once the drip has stalled for stallMs.
    expect(ms).toBeLessThan(4000)
    // The drip claims more work than the honest chain, so it is tried again until its slow
    // answers get it banned; nothing it sent was stored.
    await waitFor(() => banned(node, drip), 'the dripping peer to be banned', 25_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}: ${describePeer(node, drip)}`)
      }
    )
    expect(blockAnswers(drip).length).toBeLessThanOrEqual(Math.ceil(100 / OFFENCE.slow))
    expect(tipHash(node)).toBe(tipHash(honest))
  })
})
