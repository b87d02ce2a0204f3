/**
 * An honest node among hostile peers (PROTOCOL §6, §7). Plain HTTP servers claim our genesis and
 * far more work, then serve invalid blocks, junk, answers far over the size limits or answers
 * that trickle in forever; another is on a different network. The honest node must keep
 * following its honest peer (blocks pushed to it and blocks it must fetch), never take a hostile
 * block, and score the offenders down until it drops them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHostilePeer, type HostilePeer } from '../helpers/hostile-peer'
import {
  closeAll,
  http,
  mine,
  startTestNode,
  tipHash,
  waitFor,
  type TestNode
} from '../helpers/node-harness'

let honest: TestNode
let other: TestNode
const hostile: Record<string, HostilePeer> = {}

beforeAll(async () => {
  const limits = { chainTimeoutMs: 1500, statusTimeoutMs: 1500, banMs: 60_000 }
  honest = await startTestNode({ peerLimits: limits })
  other = await startTestNode({ peerLimits: limits })
  for (const mode of ['invalid-blocks', 'wrong-genesis', 'huge', 'slow', 'garbage'] as const) {
    hostile[mode] = await startHostilePeer(mode)
  }
})
afterAll(async () => {
  await closeAll()
  await Promise.all(Object.values(hostile).map((h) => h.close()))
})

describe('hostile peers', () => {
  it('refuses a peer on another network and registers the others', async () => {
    const r = await http(honest.url, '/nodes/register', {
      body: { nodes: Object.values(hostile).map((h) => h.url) }
    })
    expect(r.status).toBe(201)
    expect(r.body.rejected).toEqual([
      expect.objectContaining({ url: hostile['wrong-genesis'].url, error: 'wrong_genesis' })
    ])
    expect(r.body.total_nodes).not.toContain(hostile['wrong-genesis'].url)
    expect(r.body.total_nodes).toHaveLength(4)
  })

  it('keeps following an honest peer, by push and by catching up, while the others misbehave', async () => {
    // The honest peer is 30 blocks ahead before the nodes meet: the node has to fetch them.
    await mine(other, 30)
    const t0 = Date.now()
    expect((await honest.node.peers.add(other.url)).ok).toBe(true)
    await waitFor(
      () => tipHash(honest) === tipHash(other),
      'the honest node to catch up',
      20_000
    ).catch((e: Error) => {
      throw new Error(
        `${e.message} (at ${honest.node.service.chain.tip().index}): ${JSON.stringify(honest.node.peers.list())}`
      )
    })
    const catchUpMs = Date.now() - t0
    // Then a block mined on the honest peer is pushed and becomes the tip at once.
    await mine(other)
    await waitFor(() => tipHash(honest) === tipHash(other), 'the pushed block', 5_000)
    expect(catchUpMs).toBeLessThan(15_000)
    // The node still answers promptly.
    const t1 = Date.now()
    expect((await http(honest.url, '/status')).status).toBe(200)
    expect(Date.now() - t1).toBeLessThan(1000)
  })

  it('stores nothing a hostile peer sent and drops the offenders', async () => {
    const peers = honest.node.peers
    await waitFor(
      () =>
        ['invalid-blocks', 'garbage', 'huge'].every(
          (m) => peers.list().find((p) => p.url === hostile[m].url)?.state === 'banned'
        ),
      'the invalid, garbage and oversize peers to be banned',
      30_000
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}: ${JSON.stringify(peers.list().map((p) => [p.url, p.state, p.score]))}`
      )
    })
    const slow = peers.list().find((p) => p.url === hostile.slow.url)!
    expect(slow.score < 0 || slow.state === 'banned').toBe(true)
    // Only blocks of the honest chain were stored.
    expect(honest.node.service.store.countBlocks()).toBe(other.node.service.store.countBlocks())
    expect((await http(honest.url, '/nodes')).body.nodes).not.toContain(
      hostile['invalid-blocks'].url
    )
    // A banned peer is not learned again through X-Node-Url.
    await http(honest.url, '/status', { headers: { 'x-node-url': hostile['invalid-blocks'].url } })
    expect(peers.list().find((p) => p.url === hostile['invalid-blocks'].url)?.state).toBe('banned')
  })

  it('does not learn a peer of another network that announces itself', async () => {
    const liar = hostile['wrong-genesis']
    const asked = () => liar.requests.filter((r) => r.startsWith('GET /status')).length
    const before = asked()
    await http(honest.url, '/status', { headers: { 'x-node-url': liar.url } })
    // The node checks the announced URL: it asks for its /status, and learned() waits until it
    // has decided on the answer.
    await waitFor(() => asked() > before, 'the node to ask the announced peer for its /status')
    expect(await honest.node.peers.learned(liar.url)).toBeUndefined()
    expect(honest.node.peers.list().map((p) => p.url)).not.toContain(liar.url)
  })
})
