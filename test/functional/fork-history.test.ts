/**
 * The fork tree and the fork history across real nodes (in-process regtest nodes over HTTP on
 * 127.0.0.1, temp SQLite data dirs): A mines its own branch with a transfer in it while B, not
 * yet its peer, mines a longer one; once A learns B it reorganises onto B's branch. A's history
 * then records that switch (fork point, both tips, both branches' work, blocks and the transfer
 * that went back to its pool, B as the sender), the record outlives a restart, and A's fork tree
 * shows its old branch as a side branch beside the main chain it left; B's tree has none.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { ForkTree, ReorgEntry } from '../../src/shared/api'
import { blockToWire, NETWORKS } from '../../src/main/core'
import { parseForkTree } from '../../src/main/p2p/wire'
import { closeAll, mine, startTestNode, tipHash, waitFor } from '../helpers/node-harness'

afterEach(closeAll)

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!r.ok) throw new Error(r.message)
  return r.value
}

describe('fork history across nodes', () => {
  it('records the reorganisation a peer caused, shows the branch it left, and keeps it across a restart', async () => {
    let a = await startTestNode()
    const b = await startTestNode()
    await mine(a, 1)
    const sent = value(
      await a.node.api.sendTransaction({ recipient: 'ab'.repeat(20), amount: 5, fee: 1 })
    )
    await mine(a, 1)
    const left = [2, 3].map((i) => a.node.service.mainHash(i)!)
    await mine(b, 4)
    const bTip = tipHash(b)
    expect(value(await a.node.api.listReorgs(0, 10))).toEqual({ records: [], total: 0 })

    await a.node.peers.add(b.url)
    await waitFor(() => tipHash(a) === bTip, 'A to take B’s heavier chain')

    const { records, total } = value(await a.node.api.listReorgs(0, 10))
    expect(total).toBe(1)
    const r: ReorgEntry = records[0]
    expect(r).toMatchObject({
      seq: 1,
      forkIndex: 1,
      forkHash: a.node.service.network.genesisHash,
      oldTip: { hash: left[1], index: 3 },
      // The switch came with B's third block (more work than A's two); its fourth then extended it.
      newTip: { hash: b.node.service.mainHash(4), index: 4 },
      disconnected: left,
      disconnectedCount: 2,
      connected: [2, 3, 4].map((i) => b.node.service.mainHash(i)),
      connectedCount: 3,
      txsDisconnected: 1,
      txsConnected: 0,
      txsBack: [sent.id],
      txsBackCount: 1,
      source: b.url
    })
    expect(BigInt(r.newWork)).toBeGreaterThan(BigInt(r.oldWork))
    // It was offered back to the pool, which did not keep it: it spent the coinbase of A's first
    // block, which left the main chain with it (A's wallet has nothing on B's chain).
    expect(a.node.service.pendingTransactions().map((t) => t.id)).not.toContain(sent.id)

    // A's tree: B's chain is the main chain; A's two blocks are a side branch off the genesis.
    const tree: ForkTree = value(await a.node.api.getForkTree())
    expect(tree).toMatchObject({ tipIndex: 5, tipHash: bTip, sideOmitted: 0 })
    const side = tree.blocks.filter((x) => x.status === 'side')
    expect(side.map((x) => x.hash)).toEqual(left)
    expect(side[0].previousHash).toBe(a.node.service.network.genesisHash)
    const main = tree.blocks.filter((x) => x.status === 'main').map((x) => x.index)
    expect(main).toEqual([1, 2, 3, 4, 5])
    // B never left its chain: no side blocks, no history.
    const bTree = value(await b.node.api.getForkTree())
    expect(bTree.blocks.filter((x) => x.status !== 'main')).toEqual([])
    expect(value(await b.node.api.listReorgs(0, 10)).total).toBe(0)

    // Kept in the data dir.
    const dataDir = a.dataDir
    await a.stop()
    a = await startTestNode({ dataDir })
    expect(value(await a.node.api.listReorgs(0, 10)).records).toEqual(records)
  })

  it('draws an orphan with the parent it waits for, and refuses bad pages', async () => {
    const a = await startTestNode()
    const b = await startTestNode()
    await mine(b, 3)
    // Block 3 alone: A does not know its parent (and B is not its peer, so it stays waiting).
    const third = b.node.service.block(b.node.service.mainHash(3)!)!
    const res = await fetch(`${a.url}/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(blockToWire(third))
    })
    expect(res.status).toBe(202)
    const tree = value(await a.node.api.getForkTree())
    expect(tree.blocks.filter((x) => x.status === 'orphan')).toEqual([
      expect.objectContaining({
        hash: third.hash,
        index: 3,
        previousHash: third.previousHash,
        totalWork: null
      })
    ])
    for (const [o, l] of [
      [-1, 10],
      [0, 0],
      [0, 501],
      ['0', 10]
    ] as const) {
      expect(await a.node.api.listReorgs(o as number, l as number)).toMatchObject({
        ok: false,
        error: 'invalid_field'
      })
    }
  })

  it('serves its tree on GET /forks, and draws a peer’s tree from there', async () => {
    const a = await startTestNode()
    const b = await startTestNode()
    await mine(a, 2)
    await mine(b, 3)
    await a.node.peers.add(b.url)
    await waitFor(() => tipHash(a) === tipHash(b), 'A to take B’s chain')
    // GET /forks is A's tree in the wire's form, and reads back as the same tree.
    const res = await fetch(`${a.url}/forks`)
    expect(res.status).toBe(200)
    const own = value(await a.node.api.getForkTree())
    expect(own.blocks.filter((x) => x.status === 'side')).toHaveLength(2)
    expect(parseForkTree(await res.json())).toEqual(own)
    // B draws A's tree (A is its peer: it learned A from A's requests).
    await waitFor(() => b.node.peers.urls().includes(a.url), 'B to know A')
    expect(value(await b.node.api.getPeerForkTree(a.url))).toEqual(own)
    // Seen while B is cut off from A: looking at a peer's tree is not traffic between the nodes.
    value(await b.node.api.setIsolated(true))
    expect(value(await b.node.api.getPeerForkTree(a.url + '/'))).toEqual(own)
    value(await b.node.api.healAll())
    // Only a peer's: another URL is refused without a request.
    expect(await b.node.api.getPeerForkTree('http://127.0.0.1:1')).toMatchObject({
      ok: false,
      error: 'not_found'
    })
  })

  it('says a peer that serves no fork tree has none, and refuses one that sends junk', async () => {
    let forks: 'missing' | 'junk' = 'missing'
    const peer = createServer((req, res) => {
      if (req.url === '/status') {
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify({
            network: 'regtest',
            genesis_hash: NETWORKS.regtest.genesisHash,
            index: 1,
            tip_hash: NETWORKS.regtest.genesisHash,
            total_work: '1',
            difficulty: 1,
            pending: 0,
            peers: 0,
            version: 1
          })
        )
      } else if (req.url === '/forks' && forks === 'junk') {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ tip_index: 'x', blocks: 'all of them' }))
      } else {
        // What a Flask node answers for a route it does not have.
        res.statusCode = 404
        res.setHeader('content-type', 'text/html')
        res.end('<!doctype html><title>404 Not Found</title>')
      }
    })
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r))
    onTestFinished(() => new Promise<void>((r) => peer.close(() => r())))
    const url = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`
    const a = await startTestNode()
    value(await a.node.api.addPeer(url))
    expect(await a.node.api.getPeerForkTree(url)).toEqual({ ok: true, value: null })
    forks = 'junk'
    expect(await a.node.api.getPeerForkTree(url)).toMatchObject({ ok: false, error: 'bad_answer' })
    // Asked for by a person: the peer is not scored for it.
    expect(a.node.peers.get(url)?.score).toBe(0)
  })
})
