/**
 * Every vector of test/vectors/invalid-blocks.json and invalid-transactions.json over real
 * HTTP (PROTOCOL §7) against a node whose main chain is chain-regtest.json: each invalid block
 * gets one of the answers its `http` field allows, each invalid transaction a 400 with one of its
 * `expected` codes, and nothing changes the node's tip or state; the valid side block gets 201
 * "side", the valid transfer 202, and offering either again 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseBlock } from '../../src/main/core'
import { closeAll, http, startTestNode, tipHash, type TestNode } from '../helpers/node-harness'
import { loadVector } from '../helpers/vectors'

const chain = loadVector('chain-regtest.json')
const badBlocks = loadVector('invalid-blocks.json')
const badTxs = loadVector('invalid-transactions.json')

let node: TestNode

beforeAll(async () => {
  node = await startTestNode()
  for (const wire of chain.blocks) {
    const r = await http(node.url, '/blocks', { body: wire })
    expect([200, 201]).toContain(r.status)
  }
  expect(tipHash(node)).toBe(chain.tip.hash)
})
afterAll(closeAll)

describe('invalid blocks over POST /blocks', () => {
  for (const v of badBlocks.invalid) {
    it(`answers ${v.name} with ${v.http.map((h: { status: number; error: string }) => `${h.status} ${h.error}`).join(' or ')}`, async () => {
      const r = await http(node.url, '/blocks', { body: v.block })
      expect(v.http).toContainEqual({ status: r.status, error: r.body.error })
      expect(typeof r.body.message).toBe('string')
      expect(tipHash(node)).toBe(chain.tip.hash)
    })
  }

  it('accepts the valid side block as "side" and leaves the tip', async () => {
    const [v] = badBlocks.accepted
    const r = await http(node.url, '/blocks', { body: v.block })
    expect(r.status).toBe(v.http.status)
    expect(r.body.status).toBe(v.http.status_field)
    expect(tipHash(node)).toBe(chain.tip.hash)
    expect((await http(node.url, '/blocks', { body: v.block })).status).toBe(200)
    const hash = parseBlock(v.block)
    expect(hash.ok && (await http(node.url, `/blocks/${hash.value.hash}`)).status).toBe(200)
  })

  it('answers a block it has with 200', async () => {
    expect((await http(node.url, '/blocks', { body: chain.blocks[3] })).status).toBe(200)
  })
})

describe('invalid transactions over POST /transactions', () => {
  for (const v of badTxs.invalid) {
    it(`refuses ${v.name} with ${v.expected.join(' or ')}`, async () => {
      const r = await http(node.url, '/transactions', { body: v.tx })
      expect(r.status).toBe(400)
      expect(v.expected).toContain(r.body.error)
      expect((await http(node.url, '/transactions/pending')).body.transactions).toEqual([])
    })
  }

  it('takes the valid transfer into the pool (202), then knows it (200)', async () => {
    for (const v of badTxs.valid) {
      const r = await http(node.url, '/transactions', { body: v.tx })
      expect(r.status).toBe(v.http.status)
      expect(r.body.id).toBe(v.tx.id)
      const again = await http(node.url, '/transactions', { body: v.tx })
      expect(again.status).toBe(200)
      const found = await http(node.url, `/transactions/${v.tx.id}`)
      expect(found.body).toMatchObject({ block_hash: null, block_index: null, confirmations: 0 })
    }
  })

  it('reports the tip state per address', async () => {
    for (const [address, acc] of Object.entries(
      chain.state as Record<string, { balance: number; nonce: number }>
    )) {
      const r = await http(node.url, `/addresses/${address}`)
      expect(r.body).toEqual({ address, balance: acc.balance, nonce: acc.nonce })
    }
  })
})
