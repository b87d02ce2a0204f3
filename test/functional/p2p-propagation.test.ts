/**
 * Blocks and transactions travel between three real regtest nodes on 127.0.0.1 (in-process,
 * each with its own SQLite data dir and HTTP server): a block mined on one becomes every node's
 * tip, a transaction sent to one is mined by another, and adding a peer on one side is enough
 * for both to know each other (X-Node-Url). Everything goes over real HTTP between the nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

let a: TestNode, b: TestNode, c: TestNode

beforeAll(async () => {
  ;[a, b, c] = await startTestNodes(3)
  // A line a - b - c, each link added on one side only.
  expect((await a.node.peers.add(b.url)).ok).toBe(true)
  expect((await c.node.peers.add(b.url)).ok).toBe(true)
})
afterAll(closeAll)

describe('three nodes', () => {
  it('learns the peer that added it (X-Node-Url) so one side is enough', async () => {
    await waitFor(
      () => b.node.peers.urls().includes(a.url) && b.node.peers.urls().includes(c.url),
      'b to learn a and c'
    )
    expect((await http(b.url, '/nodes')).body.nodes.sort()).toEqual([a.url, c.url].sort())
    expect((await http(b.url, '/status')).body.peers).toBe(2)
  })

  it('brings a block mined on one node to the tip of the others', async () => {
    await mine(a)
    const want = tipHash(a)
    await waitFor(() => tipHash(b) === want && tipHash(c) === want, 'the block to reach b and c')
    expect(tipIndex(c)).toBe(2)
  })

  it('has a transaction sent to one node mined by another', async () => {
    await mine(a, 2) // a's wallet needs coins
    await waitFor(() => tipHash(c) === tipHash(a), 'c to catch up')
    const recipient = c.node.service.wallet.address
    const sent = await http(a.url, '/transactions/new', { body: { recipient, amount: 7, fee: 2 } })
    expect(sent.status).toBe(201)
    expect(sent.body.message).toBe(`Transaction will be added to Block ${tipIndex(a) + 1}`)
    const id: string = sent.body.id
    await waitFor(() => c.node.service.pool.has(id), 'the transaction to reach c through b')
    const mined = await http(c.url, '/mine')
    expect(mined.status).toBe(200)
    expect(mined.body.transactions.map((t: { id: string }) => t.id)).toContain(id)
    await waitFor(() => tipHash(a) === mined.body.hash, "c's block to reach a")
    const lookup = await http(a.url, `/transactions/${id}`)
    expect(lookup.body).toMatchObject({ block_hash: mined.body.hash, confirmations: 1 })
    expect(a.node.service.pool.has(id)).toBe(false)
    const acct = await http(b.url, `/addresses/${recipient}`)
    expect(acct.body.balance).toBe(50 + 2 + 7)
  })
})
