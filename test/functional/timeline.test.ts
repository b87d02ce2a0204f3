/**
 * The event timeline on two real nodes over HTTP on 127.0.0.1: a catch-up is one entry for its
 * run of blocks from the peer, a mined block, a transfer, a refused block, a peer added and
 * dropped, and a reorganisation with its fork point and the blocks that left and joined, each
 * naming its block, transaction or peer; filtered by kind; bad arguments refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimelineEntry, TimelineKind } from '../../src/shared/api'
import {
  closeAll,
  http,
  mine,
  startTestNode,
  tipHash,
  tipIndex,
  waitFor,
  type TestNode
} from '../helpers/node-harness'

let a: TestNode
let b: TestNode

beforeAll(async () => {
  a = await startTestNode()
  b = await startTestNode()
})
afterAll(() => closeAll())

async function timeline(
  t: TestNode,
  kinds: TimelineKind[] | null = null
): Promise<TimelineEntry[]> {
  const r = await t.node.api.getTimeline(kinds, 2_000)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

describe('event timeline', () => {
  it('tells a catch-up as one run of blocks from the peer, after the peer was added', async () => {
    await mine(b, 30)
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    await waitFor(() => tipHash(a) === tipHash(b), 'a to catch up with b')
    const entries = (await timeline(a)).reverse() // oldest first
    const added = entries.findIndex((e) => e.kind === 'peer-added' && e.peer === b.url)
    const run = entries.findIndex((e) => e.kind === 'block')
    expect(added).toBeGreaterThanOrEqual(0)
    expect(run).toBeGreaterThan(added)
    expect(entries[run]).toMatchObject({
      kind: 'block',
      index: 2,
      lastIndex: 31,
      count: 30,
      hash: tipHash(b),
      source: b.url
    })
    expect(entries.filter((e) => e.kind === 'block')).toHaveLength(1)
  })

  it('records a mined block, a transfer and a refused block, each naming what it was', async () => {
    await mine(a, 1)
    const mined = (await timeline(a, ['mined']))[0]
    expect(mined).toMatchObject({ kind: 'mined', index: tipIndex(a), hash: tipHash(a) })
    await waitFor(() => tipHash(b) === tipHash(a), 'b to receive the mined block')
    expect((await timeline(b, ['block']))[0]).toMatchObject({ hash: tipHash(a), source: a.url })

    const sent = await a.node.api.sendTransaction({ recipient: 'ab'.repeat(20), amount: 3, fee: 1 })
    if (!sent.ok) throw new Error(sent.message)
    expect((await timeline(a, ['transaction']))[0]).toMatchObject({
      txId: sent.value.id,
      amount: 3,
      source: 'wallet'
    })

    const tip = (await http(a.url, `/blocks/${tipHash(a)}`)).body
    const forged = { ...tip, proof: tip.proof + 1, hash: 'cd'.repeat(32) }
    expect((await http(a.url, '/blocks', { body: forged })).status).toBe(400)
    expect((await timeline(a, ['refused']))[0]).toMatchObject({
      what: 'block',
      code: 'bad_hash',
      hash: 'cd'.repeat(32),
      source: 'http'
    })
  })

  it('records a peer dropped and the reorganisation when the heavier branch arrives', async () => {
    expect((await a.node.api.removePeer(b.url)).ok).toBe(true)
    expect((await b.node.api.removePeer(a.url)).ok).toBe(true)
    expect((await timeline(a, ['peer-dropped']))[0]).toMatchObject({ peer: b.url })
    const fork = tipIndex(a)
    await mine(a, 1)
    await mine(b, 3)
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    await waitFor(() => tipHash(a) === tipHash(b), 'a to reorganise onto b')
    // b's first block has only as much work as a's and waits on a side branch; its second makes
    // the branch heavier (the reorganisation: a's one block out, b's two in); its third extends it.
    const [side, reorg, next] = (await timeline(a, ['side', 'reorg', 'block']))
      .slice(0, 3)
      .reverse()
    expect(side).toMatchObject({ kind: 'side', index: fork + 1, source: b.url })
    expect(reorg).toMatchObject({
      kind: 'reorg',
      forkIndex: fork,
      disconnected: 1,
      connected: 2,
      oldWork: String(2 ** 8), // regtest: difficulty 8, a block's work 2^8
      newWork: String(2 * 2 ** 8),
      txsBack: 0,
      index: fork + 2,
      source: b.url
    })
    expect(next).toMatchObject({ kind: 'block', index: fork + 3, hash: tipHash(b), source: b.url })
  })

  it('refuses kinds it does not know and limits out of range', async () => {
    for (const [kinds, limit] of [
      [['nope'], 10],
      ['block', 10],
      [null, 0],
      [null, 2_001]
    ] as const) {
      const r = await a.node.api.getTimeline(kinds as unknown as TimelineKind[], limit)
      expect(r.ok ? 'ok' : r.error, JSON.stringify([kinds, limit])).toBe('invalid_field')
    }
  })
})
