/**
 * The lab's link faults on real nodes over HTTP on 127.0.0.1 (PROTOCOL §6: forks made on
 * purpose): one node cuts itself off from another through its UI API alone, both mine their own
 * branch, neither hears of the other's blocks and neither scores the other down; healed, they
 * converge on the branch with the most work, the lighter one reorganising. Latency and loss on a
 * link slow blocks down without stopping them, and cost no peer a point even when the latency is
 * longer than the peer's deadline. A request naming a faulted peer gets no answer at all, one
 * naming none (a person's curl) is served. The API refuses a link that is not on this machine,
 * and the timeline records each fault. In-process regtest nodes, temp SQLite data dirs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TimelineEntry } from '../../src/shared/api'
import { NODE_URL_HEADER } from '../../src/main/p2p/types'
import {
  closeAll,
  http,
  mine,
  startTestNodes,
  tipHash,
  tipIndex,
  waitFor,
  type TestNode
} from '../helpers/node-harness'

afterEach(closeAll)

const CLEAR = { paused: false, latencyMs: 0, lossPercent: 0 }

/** `x`'s record of peer `y`: its score, and whether x reached it at its last try. */
function seen(x: TestNode, y: TestNode): { score: number; reachable: boolean | null } {
  const p = x.node.peers.get(y.url)
  if (p === undefined) throw new Error(`${y.url} is not a peer of ${x.url}`)
  return { score: p.score, reachable: p.reachable }
}

/** Two nodes peered both ways, at the same tip. */
async function pair(): Promise<[TestNode, TestNode]> {
  const [a, b] = await startTestNodes(2)
  expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
  await mine(a, 2)
  await waitFor(
    () => tipHash(b) === tipHash(a) && b.node.peers.get(a.url) !== undefined,
    'b to follow a and know it'
  )
  return [a, b]
}

async function timeline(t: TestNode): Promise<TimelineEntry[]> {
  const r = await t.node.api.getTimeline(['fault', 'reorg', 'peer-scored', 'peer-banned'], 2_000)
  if (!r.ok) throw new Error(r.message)
  return r.value.reverse() // oldest first
}

/** A request as peer `from` would send it (its X-Node-Url), answered or not. */
async function asPeer(to: TestNode, from: string): Promise<number | 'no answer'> {
  try {
    const res = await fetch(`${to.url}/status`, { headers: { [NODE_URL_HEADER]: from } })
    return res.status
  } catch {
    return 'no answer'
  }
}

describe('link faults between local nodes', () => {
  it('cuts a node off, lets both sides mine their own branch, and converges on the heavier one once healed', async () => {
    const [a, b] = await pair()
    const fork = tipIndex(a)

    // Only a acts: its UI API cuts it off from every node on this machine.
    const cut = await a.node.api.setIsolated(true)
    expect(cut).toMatchObject({ ok: true, value: { isolated: true } })
    await expect(a.node.api.listPeers().then((ps) => ps[0].fault)).resolves.toEqual({
      paused: true,
      latencyMs: 0,
      lossPercent: 0
    })
    // Each side's polls now fail: b's are dropped by a (no answer), a's never leave it. Polls in
    // flight when the cut fell are over once both are seen failing with none in flight.
    await waitFor(
      () =>
        seen(a, b).reachable === false &&
        seen(b, a).reachable === false &&
        a.node.peers.get(b.url)?.polling === false &&
        b.node.peers.get(a.url)?.polling === false,
      'both sides to find the other unreachable'
    )
    // In both directions: a request naming b gets no answer from a, a person's request does.
    expect(await asPeer(a, b.url)).toBe('no answer')
    expect((await http(a.url, '/status')).status).toBe(200)
    expect(await asPeer(b, a.url)).toBe(200)

    // Different numbers of blocks on each side: b's branch has more work.
    await mine(a, 1)
    await mine(b, 3)
    // Each asks the other for its chain now (every peer it talks to): the answers do not come.
    await Promise.all([a.node.peers.resolve(), b.node.peers.resolve()])
    const aBranch = tipHash(a)
    expect(tipIndex(a)).toBe(fork + 1)
    expect(tipIndex(b)).toBe(fork + 3)
    expect(b.node.service.chain.header(aBranch)).toBeUndefined()
    expect(a.node.service.chain.header(tipHash(b))).toBeUndefined()
    // An injected fault costs nobody a point.
    expect(seen(a, b).score).toBe(0)
    expect(seen(b, a).score).toBe(0)

    // Healed: a reorganises onto b's heavier branch by itself; b keeps its own.
    const bTip = tipHash(b)
    expect(await a.node.api.healAll()).toMatchObject({ ok: true, value: { isolated: false } })
    await waitFor(() => tipHash(a) === tipHash(b), 'a to reorganise onto b’s branch')
    expect(tipHash(b)).toBe(bTip)
    expect(a.node.service.chain.totalWork()).toBe(b.node.service.chain.totalWork())
    expect(a.node.service.chain.isOnMain(a.node.service.chain.header(aBranch)!)).toBe(false)
    expect(seen(a, b).score).toBe(0)
    expect(seen(b, a).score).toBe(0)

    const entries = await timeline(a)
    expect(entries.filter((e) => e.kind === 'fault').map((e) => e.fault)).toEqual([
      'cut-off',
      'healed'
    ])
    const reorg = entries.find((e) => e.kind === 'reorg')
    // At the block that gave b's branch more work than a's own (the rest of it then connects).
    expect(reorg).toMatchObject({
      forkIndex: fork,
      disconnected: 1,
      oldTip: aBranch,
      source: b.url
    })
    expect(BigInt(reorg!.newWork!)).toBeGreaterThan(BigInt(reorg!.oldWork!))
    expect(entries.findIndex((e) => e.kind === 'reorg')).toBeGreaterThan(
      entries.findIndex((e) => e.fault === 'healed')
    )
    for (const t of [a, b])
      expect((await timeline(t)).filter((e) => e.kind.startsWith('peer-'))).toEqual([])
  })

  it('pauses one link from one side only, and a paused link passes nothing until resumed', async () => {
    const [a, b] = await pair()
    // b pauses its link with a; a knows nothing of it.
    const r = await b.node.api.setLinkFault(a.url, { ...CLEAR, paused: true })
    expect(r).toMatchObject({ ok: true, value: { links: [{ peer: a.url, paused: true }] } })
    await waitFor(
      () =>
        seen(a, b).reachable === false &&
        a.node.peers.get(b.url)?.polling === false &&
        b.node.peers.get(a.url)?.polling === false,
      'a to find b unreachable'
    )
    await mine(a, 2)
    // a's gossip to b and b's polls of a fail; b's resolve gets nothing from a either.
    await b.node.peers.resolve()
    expect(b.node.service.chain.header(tipHash(a))).toBeUndefined()
    expect(seen(a, b).score).toBe(0)
    expect(seen(b, a).score).toBe(0)

    expect((await b.node.api.setLinkFault(a.url, CLEAR)).ok).toBe(true)
    await waitFor(() => tipHash(b) === tipHash(a), 'b to catch up once the link is resumed')
    const faults = (await timeline(b)).filter((e) => e.kind === 'fault')
    expect(faults).toMatchObject([
      { fault: 'link', peer: a.url, paused: true, latencyMs: 0, lossPercent: 0 },
      { fault: 'link', peer: a.url, paused: false, latencyMs: 0, lossPercent: 0 }
    ])
  })

  it('lets blocks through a link with latency and loss, scoring nobody, even past the peer’s deadline', async () => {
    const [a, b] = await pair()
    // Latency only, longer than a's /status deadline (1.5 s in tests): b waits before its own
    // requests go (outside their deadline) and holds a's at most half that deadline.
    expect(
      (await b.node.api.setLinkFault(a.url, { paused: false, latencyMs: 5_000, lossPercent: 0 })).ok
    ).toBe(true)
    const t0 = Date.now()
    expect(await asPeer(b, a.url)).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700)
    const t1 = Date.now()
    expect((await http(b.url, '/status')).status).toBe(200)
    expect(Date.now() - t1).toBeLessThan(700)
    // Several of a's polls of b answered late but within their deadline: no point lost.
    const contact = a.node.peers.get(b.url)!.lastContact!
    await waitFor(
      () => (a.node.peers.get(b.url)!.lastContact ?? 0) > contact + 1_500,
      'a to hear from b again, late',
      15_000
    )
    expect(seen(a, b)).toEqual({ score: 0, reachable: true })

    // Latency and loss: blocks get through both ways, eventually.
    expect(
      (await b.node.api.setLinkFault(a.url, { paused: false, latencyMs: 200, lossPercent: 25 })).ok
    ).toBe(true)
    await mine(a, 3)
    await waitFor(
      () => tipHash(b) === tipHash(a),
      'b to get a’s blocks through the lossy link',
      30_000
    )
    await mine(b, 2)
    await waitFor(
      () => tipHash(a) === tipHash(b),
      'a to get b’s blocks through the lossy link',
      30_000
    )
    expect(seen(a, b).score).toBe(0)
    expect(seen(b, a).score).toBe(0)
    expect((await timeline(b)).filter((e) => e.kind === 'fault')).toMatchObject([
      { fault: 'link', peer: a.url, latencyMs: 5_000, lossPercent: 0 },
      { fault: 'link', peer: a.url, latencyMs: 200, lossPercent: 25 }
    ])
  }, 60_000)

  it('refuses a fault on a link that is not on this machine, and bad arguments', async () => {
    const [a] = await startTestNodes(1)
    for (const url of [
      'http://192.168.1.20:5000',
      'http://example.com:5000',
      'ftp://127.0.0.1:1'
    ]) {
      const r = await a.node.api.setLinkFault(url, { ...CLEAR, paused: true })
      expect(r.ok, url).toBe(false)
      if (!r.ok) expect(r.error).toBe('invalid_field')
    }
    for (const fault of [
      { paused: false, latencyMs: 10_001, lossPercent: 0 },
      { paused: false, latencyMs: 0, lossPercent: 101 },
      null
    ]) {
      const r = await a.node.api.setLinkFault('http://127.0.0.1:9', fault as never)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error).toBe('invalid_field')
    }
    // On this machine but not a peer: no link to fault (not_found); healing one is allowed.
    const notPeer = await a.node.api.setLinkFault('http://127.0.0.1:9', { ...CLEAR, paused: true })
    expect(notPeer).toMatchObject({ ok: false, error: 'not_found' })
    if (!notPeer.ok) expect(notPeer.message).toContain('not a peer')
    expect((await a.node.api.setLinkFault('http://127.0.0.1:9', CLEAR)).ok).toBe(true)
    const bad = await a.node.api.setIsolated('yes' as never)
    expect(bad).toMatchObject({ ok: false, error: 'invalid_field' })
    expect(await a.node.api.getFaults()).toEqual({
      isolated: false,
      isolatedSince: null,
      links: []
    })
    expect((await timeline(a)).filter((e) => e.kind === 'fault')).toEqual([])
  })
})
