/**
 * The peer list (issue 3): it persists across restarts (bans included), it is bounded, removed
 * peers stay removed, and a banned peer is neither contacted nor listed in GET /nodes.
 * Real in-process regtest nodes; a node is stopped and started again on the same data dir.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, http, startTestNode, startTestNodes, waitFor } from '../helpers/node-harness'

afterEach(closeAll)

describe('the peer list', () => {
  it('persists across a restart, bans and removals included', async () => {
    const [a, b, c, d] = await startTestNodes(4)
    for (const p of [b, c, d]) expect((await a.node.peers.add(p.url)).ok).toBe(true)
    expect(a.node.peers.ban(c.url, 5).ok).toBe(true)
    expect(a.node.peers.remove(d.url).ok).toBe(true)
    await a.stop()

    const again = await startTestNode({ dataDir: a.dataDir })
    const list = again.node.peers.list()
    expect(list.map((p) => p.url).sort()).toEqual([b.url, c.url].sort())
    expect(list.find((p) => p.url === c.url)?.state).toBe('banned')
    expect((await http(again.url, '/nodes')).body.nodes).toEqual([b.url])
    await waitFor(
      () => again.node.peers.list().find((p) => p.url === b.url)?.state === 'connected',
      'b to be polled again'
    )
    expect(again.node.peers.unban(c.url).ok).toBe(true)
    expect((await http(again.url, '/nodes')).body.nodes.sort()).toEqual([b.url, c.url].sort())
  })

  it('is bounded', async () => {
    const a = await startTestNode({ peerLimits: { maxPeers: 2 } })
    const others = await startTestNodes(3)
    expect((await a.node.peers.add(others[0].url)).ok).toBe(true)
    expect((await a.node.peers.add(others[1].url)).ok).toBe(true)
    const third = await a.node.peers.add(others[2].url)
    expect(third.ok).toBe(false)
    expect(!third.ok && third.error).toBe('peer_limit')
    // Nor does a node that announces itself get in. The request hands its X-Node-Url to the peer
    // list before it is answered; learned() waits until the node has decided on that URL.
    await http(a.url, '/status', { headers: { 'x-node-url': others[2].url } })
    expect(await a.node.peers.learned(others[2].url)).toBeUndefined()
    expect(a.node.peers.urls()).toHaveLength(2)
  })

  it('answers requests made after shutdown with a value, without an unhandled error', async () => {
    const [a, b] = await startTestNodes(2)
    await a.stop()
    const r = await a.node.peers.request(b.url, '/status', { timeoutMs: 1000, maxBytes: 65536 })
    expect(r).toMatchObject({ ok: false, reason: 'aborted' })
  })

  it('refuses to add itself', async () => {
    const a = await startTestNode()
    const r = await a.node.peers.add(a.url)
    expect(r.ok).toBe(false)
    const viaLocalhost = await a.node.peers.add(a.url.replace('127.0.0.1', 'localhost'))
    expect(viaLocalhost.ok).toBe(false)
    expect(a.node.peers.urls()).toEqual([])
  })
})
