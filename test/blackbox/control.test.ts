/**
 * PROTOCOL §7 control routes from loopback: GET /mine, POST /transactions/new, POST
 * /nodes/register, GET /nodes/resolve; and a node started with --api-token (a Bearer token,
 * right or wrong, does not take loopback's rights away).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expectError,
  expectWellFormedBlock,
  get,
  keys,
  networks,
  post,
  startNode,
  status,
  stopAll,
  type Json,
  type NodeProc
} from '../helpers/blackbox'

const gh = networks.regtest.genesis_hash
let node: NodeProc
let wallet: string

beforeAll(async () => {
  node = await startNode({ network: 'regtest' })
})
afterAll(stopAll)

describe('GET /mine', () => {
  it('200 with exactly the walkthrough fields; the block is valid per §4', async () => {
    const before = await status(node.url)
    const a = await get(`${node.url}/mine`)
    expect(a.status, a.text).toBe(200)
    expect(Object.keys(a.body).sort()).toEqual(
      ['hash', 'index', 'message', 'previous_hash', 'proof', 'transactions'].sort()
    )
    expect(a.body.message).toBe('New Block Forged')
    expect(a.body.index).toBe(2)
    expect(a.body.previous_hash).toBe(before.tip_hash)
    expect(a.body.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(Number.isInteger(a.body.proof)).toBe(true)
    expect(a.body.transactions.length).toBe(1)
    wallet = a.body.transactions[0].recipient
    expect(wallet).toMatch(/^[0-9a-f]{40}$/)

    const b = (await get(`${node.url}/blocks/${a.body.hash}`)).body
    expect(b.hash).toBe(a.body.hash)
    expect(b.proof).toBe(a.body.proof)
    expect(b.transactions).toEqual(a.body.transactions)
    expect(b.previous_hash).toBe(a.body.previous_hash)
    expect(b.difficulty).toBe(8)
    expectWellFormedBlock(b, gh)
    expect(b.timestamp).toBeGreaterThan(networks.regtest.genesis.timestamp)
    expect(b.timestamp).toBeLessThanOrEqual(Date.now() + 120_000)

    const s = await status(node.url)
    expect(s.index).toBe(2)
    expect(s.tip_hash).toBe(a.body.hash)
    expect(s.total_work).toBe('512')
    const w = await get(`${node.url}/addresses/${wallet}`)
    expect(w.body).toEqual({ address: wallet, balance: 50, nonce: 0 })
  })

  it('mines again on top, paying the same wallet', async () => {
    const a = await get(`${node.url}/mine`)
    expect(a.status).toBe(200)
    expect(a.body.index).toBe(3)
    expect(a.body.transactions[0].recipient).toBe(wallet)
    expect((await get(`${node.url}/addresses/${wallet}`)).body.balance).toBe(100)
  })
})

describe('POST /transactions/new', () => {
  let txid: string

  it('→ 201 "Transaction will be added to Block <n>" and the id; the transaction is pending and signed', async () => {
    const a = await post(`${node.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 5,
      fee: 2
    })
    expect(a.status, a.text).toBe(201)
    expect(Object.keys(a.body).sort()).toEqual(['id', 'message'])
    expect(a.body.message).toBe('Transaction will be added to Block 4')
    expect(a.body.id).toMatch(/^[0-9a-f]{64}$/)
    txid = a.body.id
    const t = await get(`${node.url}/transactions/${txid}`)
    expect(t.status).toBe(200)
    expect(t.body.block_hash).toBeNull()
    expect(t.body.block_index).toBeNull()
    expect(t.body.confirmations).toBe(0)
    const tx = t.body.transaction
    expect(tx).toMatchObject({
      sender: wallet,
      recipient: keys.bob.address,
      amount: 5,
      fee: 2,
      nonce: 0
    })
    const { verifyTxSignature, txId, addressOf } = await import('../helpers/blackbox')
    expect(txId(tx, gh)).toBe(txid)
    expect(addressOf(tx.public_key)).toBe(wallet)
    expect(verifyTxSignature(tx, gh)).toBe(true)
    expect((await get(`${node.url}/transactions/pending`)).body.transactions).toEqual([tx])
  })

  it('fee is optional; sender equal to the wallet is accepted; nonces follow the pending ones', async () => {
    const a = await post(`${node.url}/transactions/new`, {
      recipient: keys.carol.address,
      amount: 1,
      sender: wallet
    })
    expect(a.status, a.text).toBe(201)
    expect(a.body.message).toBe('Transaction will be added to Block 4')
    const t = (await get(`${node.url}/transactions/${a.body.id}`)).body.transaction
    expect(t.nonce).toBe(1)
    expect(t.fee).toBe(0)
  })

  it('a sender other than the wallet → 400 bad_sender', async () => {
    const a = await post(`${node.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 1,
      sender: keys.alice.address
    })
    expectError(a, 400, 'bad_sender')
  })

  it('bad types → 400 invalid_field naming the field', async () => {
    const cases: [Json, string][] = [
      [{ recipient: keys.bob.address, amount: '5' }, 'amount'],
      [{ recipient: keys.bob.address, amount: 1.5 }, 'amount'],
      [{ recipient: keys.bob.address, amount: -1 }, 'amount'],
      [{ recipient: keys.bob.address, amount: true }, 'amount'],
      [{ recipient: keys.bob.address }, 'amount'],
      [{ recipient: keys.bob.address, amount: 2 ** 53 }, 'amount'],
      [{ recipient: keys.bob.address, amount: 1, fee: -1 }, 'fee'],
      [{ recipient: keys.bob.address, amount: 1, fee: '1' }, 'fee'],
      [{ recipient: keys.bob.address, amount: 1, fee: null }, 'fee'],
      [{ amount: 1 }, 'recipient'],
      [{ recipient: 'xyz', amount: 1 }, 'recipient'],
      [{ recipient: keys.bob.address.toUpperCase(), amount: 1 }, 'recipient'],
      [{ recipient: 42, amount: 1 }, 'recipient'],
      [{ recipient: keys.bob.address, amount: 1, sender: 5 }, 'sender']
    ]
    for (const [body, field] of cases) {
      const a = await post(`${node.url}/transactions/new`, body)
      expectError(a, 400, 'invalid_field')
      expect(a.body.message, JSON.stringify(body)).toContain(field)
    }
  })

  it('amount 0 or recipient "0" → 400 (bad_transaction or invalid_field)', async () => {
    for (const body of [
      { recipient: keys.bob.address, amount: 0 },
      { recipient: '0', amount: 1 }
    ]) {
      const a = await post(`${node.url}/transactions/new`, body)
      expectError(a, 400, ['bad_transaction', 'invalid_field'])
    }
  })

  it('insufficient funds (counting the pending ones) → 400 insufficient_funds', async () => {
    // 100 mined, 5 + 2 and 1 pending: 92 left
    let a = await post(`${node.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 1000
    })
    expectError(a, 400, 'insufficient_funds')
    a = await post(`${node.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 92,
      fee: 1
    })
    expectError(a, 400, 'insufficient_funds')
    expect((await status(node.url)).pending).toBe(2)
  })

  it('/mine puts the pending transactions in the block; coinbase = 50 + fees', async () => {
    const a = await get(`${node.url}/mine`)
    expect(a.status).toBe(200)
    expect(a.body.index).toBe(4)
    expect(a.body.transactions.length).toBe(3)
    expect(a.body.transactions[0].amount).toBe(52)
    expect(a.body.transactions.map((t: Json) => t.id)).toContain(txid)
    const b = (await get(`${node.url}/blocks/${a.body.hash}`)).body
    expectWellFormedBlock(b, gh)
    expect((await status(node.url)).pending).toBe(0)
    const t = await get(`${node.url}/transactions/${txid}`)
    expect(t.body).toMatchObject({ block_hash: a.body.hash, block_index: 4, confirmations: 1 })
    // wallet: 100 - 7 - 1 + 52
    expect((await get(`${node.url}/addresses/${wallet}`)).body).toEqual({
      address: wallet,
      balance: 144,
      nonce: 2
    })
    expect((await get(`${node.url}/addresses/${keys.bob.address}`)).body.balance).toBe(5)
  })
})

describe('POST /nodes/register', () => {
  it('nodes missing or not a list of http(s) URLs → 400 invalid_field naming nodes', async () => {
    for (const body of [
      {},
      { nodes: 'http://127.0.0.1:1' },
      { nodes: [1] },
      { nodes: ['ftp://127.0.0.1:1'] },
      { nodes: ['not a url'] },
      { nodes: [null] },
      { nodes: ['127.0.0.1:5000'] },
      { nodes: [['http://127.0.0.1:1']] },
      { node: ['http://127.0.0.1:1'] }
    ]) {
      const a = await post(`${node.url}/nodes/register`, body)
      expectError(a, 400, 'invalid_field')
      expect(a.body.message, JSON.stringify(body)).toContain('nodes')
    }
    expect((await get(`${node.url}/nodes`)).body.nodes).toEqual([])
  })

  it('→ 201 {"message": "New nodes have been added", "total_nodes": [...]}; listed by /nodes', async () => {
    const other = await startNode({ network: 'regtest' })
    const a = await post(`${node.url}/nodes/register`, { nodes: [other.url] })
    expect(a.status, a.text).toBe(201)
    expect(a.body.message).toBe('New nodes have been added')
    expect(Array.isArray(a.body.total_nodes)).toBe(true)
    expect(a.body.total_nodes).toContain(other.url)
    const n = await get(`${node.url}/nodes`)
    expect(n.body.nodes).toContain(other.url)
    expect((await status(node.url)).peers).toBeGreaterThanOrEqual(1)
    // registering it again does not list it twice
    const again = await post(`${node.url}/nodes/register`, { nodes: [other.url, `${other.url}/`] })
    expect(again.status).toBe(201)
    expect(
      again.body.total_nodes.filter((u: string) => u.replace(/\/$/, '') === other.url).length
    ).toBe(1)
    // an empty list is a list of URLs: nothing added
    const empty = await post(`${node.url}/nodes/register`, { nodes: [] })
    expect(empty.status, empty.text).toBe(201)
    expect(empty.body.total_nodes).toContain(other.url)
    await other.stop()
  })

  it('a node of another network → 201, not added, and named in rejected with why', async () => {
    // §7 keeps 400 for a body that is not a list of URLs; a peer is checked by its genesis hash.
    const other = await startNode({ network: 'main' })
    const a = await post(`${node.url}/nodes/register`, { nodes: [other.url] })
    expect(a.status, a.text).toBe(201)
    expect(a.body.total_nodes).not.toContain(other.url)
    expect(a.body.rejected.map((r: { url: string }) => r.url)).toEqual([other.url])
    expect((await get(`${node.url}/nodes`)).body.nodes).not.toContain(other.url)
    await other.stop()
  })

  it('a list of well-formed http(s) URLs whose nodes are not (yet) running → 201 all the same', async () => {
    // §7: 400 invalid_field only "when nodes is missing or not a list of http(s) URLs"
    const { freePort } = await import('../helpers/blackbox')
    const down = `http://127.0.0.1:${await freePort()}`
    const a = await post(`${node.url}/nodes/register`, { nodes: [down] })
    expect(a.status, a.text).toBe(201)
    expect(a.body.message).toBe('New nodes have been added')
    expect(a.body.total_nodes).toContain(down)
  })

  it('GET /nodes/resolve with every peer agreeing → "Our chain is authoritative" with chain', async () => {
    const a = await get(`${node.url}/nodes/resolve`)
    expect(a.status, a.text).toBe(200)
    expect(a.body.message).toBe('Our chain is authoritative')
    expect(a.body.chain).toEqual((await get(`${node.url}/chain`)).body.chain)
    expect(a.body.new_chain).toBeUndefined()
  })
})

describe('--api-token', () => {
  let tnode: NodeProc
  beforeAll(async () => {
    tnode = await startNode({ network: 'regtest', extra: ['--api-token', 's3cret-token'] })
  })

  it('loopback with the right Bearer token: control routes work', async () => {
    const h = { authorization: 'Bearer s3cret-token' }
    const m = await get(`${tnode.url}/mine`, h)
    expect(m.status, m.text).toBe(200)
    expect(m.body.message).toBe('New Block Forged')
    const t = await post(
      `${tnode.url}/transactions/new`,
      { recipient: keys.bob.address, amount: 1 },
      h
    )
    expect(t.status, t.text).toBe(201)
    const r = await post(`${tnode.url}/nodes/register`, { nodes: [node.url] }, h)
    expect(r.status, r.text).toBe(201)
    const v = await get(`${tnode.url}/nodes/resolve`, h)
    expect(v.status, v.text).toBe(200)
  })

  it('loopback with a wrong or malformed token, or none: still allowed', async () => {
    for (const h of [
      { authorization: 'Bearer wrong' },
      { authorization: 'Basic czNjcmV0' },
      { authorization: 'garbage' },
      {}
    ] as Record<string, string>[]) {
      const m = await get(`${tnode.url}/mine`, h)
      expect(m.status, `${JSON.stringify(h)}: ${m.text}`).toBe(200)
    }
  })

  it('forwarding headers do not change who the client is (the socket is loopback)', async () => {
    for (const h of [
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { 'x-real-ip': '203.0.113.7' }
    ] as Record<string, string>[]) {
      const m = await get(`${tnode.url}/mine`, h)
      expect(m.status, `${JSON.stringify(h)}: ${m.text}`).toBe(200)
    }
  })

  it('peer routes need no token', async () => {
    expect((await get(`${tnode.url}/status`)).status).toBe(200)
    expect((await get(`${tnode.url}/chain`)).status).toBe(200)
  })
})
