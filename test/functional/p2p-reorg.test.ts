/**
 * Chain selection across real nodes over HTTP (PROTOCOL §6): a node cut off from its peers mines
 * its own branch, and once reconnected reorganises onto the heavier chain by itself; a node far
 * behind catches up in batches from the fork point; an orphan makes a node fetch its ancestors
 * from the sender named by X-Node-Url. In-process regtest nodes, temp SQLite data dirs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { blockToWire, NETWORKS } from '../../src/main/core'
import { emptyBlocks, tipOf } from '../helpers/chain-builder'
import {
  closeAll,
  http,
  mine,
  recordingProxy,
  startTestNodes,
  tipHash,
  tipIndex,
  waitFor
} from '../helpers/node-harness'

afterEach(closeAll)

describe('reorganisation and catching up', () => {
  it('reorganises a node that was cut off onto the heavier chain once reconnected', async () => {
    const [a, b, c] = await startTestNodes(3)
    await a.node.peers.add(b.url)
    await c.node.peers.add(a.url)
    await c.node.peers.add(b.url)
    await mine(a, 2)
    await waitFor(
      () => tipHash(b) === tipHash(a) && tipHash(c) === tipHash(a),
      'everyone at index 3'
    )
    await waitFor(
      () => a.node.peers.urls().includes(c.url) && b.node.peers.urls().includes(c.url),
      'a and b to know c'
    )

    // Cut c off: both sides ban each other (a removed peer could be learned again from a request
    // still in flight; a banned one is neither contacted nor learned).
    c.node.peers.ban(a.url, 60)
    c.node.peers.ban(b.url, 60)
    a.node.peers.ban(c.url, 60)
    b.node.peers.ban(c.url, 60)
    // A banned peer is not polled again; a /status request already in flight when the ban fell
    // could still bring back a tip worth catching up from. Let those answers arrive first.
    const cut = [
      [c, a],
      [c, b],
      [a, c],
      [b, c]
    ] as const
    await waitFor(
      () => cut.every(([x, y]) => x.node.peers.get(y.url)?.polling === false),
      'the polls in flight across the cut to end'
    )
    await mine(c, 2)
    await mine(a, 4)
    await waitFor(() => tipHash(b) === tipHash(a), 'b to follow a')
    // c asks every peer it talks to for its chain and takes the heaviest, now rather than at its
    // next poll: were a or b still among them, c would be on a's 7 blocks once this returns.
    await c.node.peers.resolve()
    const cBranch = c.node.service.store.mainBlocks(4, 2).map((x) => x.hash)
    expect(tipIndex(c)).toBe(5)
    expect(tipIndex(a)).toBe(7)

    // Reconnect: c catches up from a and reorganises onto the heavier chain by itself.
    expect(a.node.peers.unban(c.url).ok).toBe(true)
    expect(c.node.peers.unban(a.url).ok).toBe(true)
    await waitFor(() => tipHash(c) === tipHash(a), 'c to reorganise onto the heavier chain')
    // c's own blocks are kept as a side branch.
    for (const h of cBranch) {
      expect(c.node.service.chain.isOnMain(c.node.service.chain.header(h)!)).toBe(false)
      expect((await http(c.url, `/blocks/${h}`)).status).toBe(200)
    }
    expect(c.node.service.chain.totalWork()).toBe(a.node.service.chain.totalWork())
  })

  it('catches up a long way (over several batches) from the fork point', async () => {
    const [a, c] = await startTestNodes(2)
    const genesis = NETWORKS.regtest.genesis
    const payTo = a.node.service.wallet.address
    const common = emptyBlocks(tipOf(genesis), 20, payTo)
    for (const blk of common) expect(a.node.service.submitBlock(blk).kind).toBe('accepted')
    for (const blk of common) expect(c.node.service.submitBlock(blk).kind).toBe('accepted')
    // c has a short branch of its own; a has 1100 more blocks on another.
    const mineC = emptyBlocks(tipOf(common[19]), 3, c.node.service.wallet.address, 1)
    for (const blk of mineC) c.node.service.submitBlock(blk)
    const long = emptyBlocks(tipOf(common[19]), 1100, payTo, 2)
    for (const blk of long) expect(a.node.service.submitBlock(blk).kind).toBe('accepted')

    // c reaches a through a proxy that records what c asks for.
    const proxy = await recordingProxy(a.url)
    try {
      await c.node.peers.add(proxy.url)
      await waitFor(() => tipHash(c) === tipHash(a), 'c to catch up 1100 blocks', 60_000)
    } finally {
      await proxy.close()
    }
    expect(tipIndex(c)).toBe(1121)
    const gets = proxy.paths.filter((p) => p.startsWith('GET /blocks?'))
    const batches = gets.filter((p) => !p.endsWith('limit=1'))
    const probes = gets.length - batches.length
    // Fork point found by probing back and bisecting: a handful of one-block requests.
    expect(probes).toBeGreaterThan(0)
    expect(probes).toBeLessThanOrEqual(12)
    // Then only what c lacks, from the fork point (index 21), in batches of 500.
    expect(batches).toEqual([
      'GET /blocks?from=22&limit=500',
      'GET /blocks?from=522&limit=500',
      'GET /blocks?from=1022&limit=500'
    ])
    expect(proxy.paths.some((p) => p.startsWith('GET /chain'))).toBe(false)
  })

  it('fetches the ancestors of an orphan from the node named by X-Node-Url', async () => {
    const [a, c] = await startTestNodes(2)
    await mine(a, 5)
    const tip = a.node.service.store.getBlock(tipHash(a))!
    // c has never heard of a; the orphan names a as its sender.
    const r = await http(c.url, '/blocks', {
      body: blockToWire(tip),
      headers: { 'x-node-url': a.url }
    })
    expect(r.status).toBe(202)
    expect(r.body.error).toBe('unknown_parent')
    await waitFor(() => tipHash(c) === tip.hash, "c to fetch the orphan's ancestors and connect it")
    expect(c.node.peers.urls()).toContain(a.url)
  })
})
