/**
 * PROTOCOL §3, §7 POST /transactions on a node whose chain is chain-regtest.json: every
 * invalid-transactions.json vector, the valid one, re-offers (pending and confirmed), the
 * "tip's state followed by the sender's pending transactions" rule, and the mined transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  expectError,
  expectWellFormedBlock,
  get,
  keys,
  loadRegtestChain,
  networks,
  post,
  signedTx,
  startNode,
  status,
  stopAll,
  vector,
  type Json,
  type NodeProc
} from '../helpers/blackbox'

const vectors = vector('invalid-transactions.json')
const gh = networks.regtest.genesis_hash
let node: NodeProc

beforeAll(async () => {
  node = await startNode({ network: 'regtest' })
  await loadRegtestChain(node.url)
})
afterAll(stopAll)

describe('invalid-transactions.json on an empty pool', () => {
  for (const v of vectors.invalid as Json[]) {
    it(`${v.name} → 400 one of ${JSON.stringify(v.expected)}`, async () => {
      const a = await post(`${node.url}/transactions`, v.tx)
      expectError(a, 400, v.expected)
      if (a.body.error === 'invalid_field') expect(a.body.message.length).toBeGreaterThan(0)
      expect((await status(node.url)).pending).toBe(0)
    })
  }

  it('invalid_field messages name the field', async () => {
    const byName = Object.fromEntries((vectors.invalid as Json[]).map((v) => [v.name, v]))
    const cases: [string, string][] = [
      ['amount_float', 'amount'],
      ['amount_string', 'amount'],
      ['amount_bool', 'amount'],
      ['fee_negative', 'fee'],
      ['nonce_too_large', 'nonce'],
      ['missing_signature', 'signature'],
      ['missing_fee', 'fee'],
      ['null_public_key', 'public_key'],
      ['recipient_short', 'recipient']
    ]
    for (const [name, field] of cases) {
      const a = await post(`${node.url}/transactions`, byName[name].tx)
      if (a.body?.error === 'invalid_field') expect(a.body.message, name).toContain(field)
    }
  })
})

describe('the valid transfer', () => {
  const valid: Json = vectors.valid[0].tx

  it('→ 202 {message, id}; it is pending', async () => {
    const a = await post(`${node.url}/transactions`, valid)
    expect(a.status, a.text).toBe(202)
    expect(typeof a.body.message).toBe('string')
    expect(a.body.id).toBe(valid.id)
    const p = await get(`${node.url}/transactions/pending`)
    expect(p.body.transactions).toEqual([valid])
    expect((await status(node.url)).pending).toBe(1)
  })

  it('re-POST while pending → 200', async () => {
    const a = await post(`${node.url}/transactions`, valid)
    expect(a.status, a.text).toBe(200)
    expect((await status(node.url)).pending).toBe(1)
  })

  it('a confirmed vector transaction re-POSTed → 200 (already in the main chain)', async () => {
    for (const b of chainRegtest.blocks.slice(1)) {
      for (const t of b.transactions.slice(1)) {
        const a = await post(`${node.url}/transactions`, t)
        expect(a.status, `tx ${t.id} of block ${b.index}: ${a.text}`).toBe(200)
      }
    }
  })

  it('a confirmed transfer with a changed amount but its old id → 400 (the id does not match), not 200', async () => {
    // §3: well-formed only when `id` matches; this is not the known transaction
    const t = { ...chainRegtest.blocks[2].transactions[1] }
    t.amount += 1
    expectError(await post(`${node.url}/transactions`, t), 400, [
      'bad_transaction',
      'invalid_field'
    ])
    const p = { ...valid, fee: valid.fee + 1 }
    expectError(await post(`${node.url}/transactions`, p), 400, [
      'bad_transaction',
      'invalid_field'
    ])
  })

  it('a known id with a broken signature: 200 (same id) or 400 bad_signature', async () => {
    const t = { ...chainRegtest.blocks[2].transactions[1], signature: '00'.repeat(64) }
    const a = await post(`${node.url}/transactions`, t)
    if (a.status !== 200) expectError(a, 400, 'bad_signature')
  })

  it('a main-chain coinbase re-POSTed → 200 (known in the main chain) or 400 (a coinbase is no standalone transaction)', async () => {
    const cb = chainRegtest.blocks[1].transactions[0]
    const a = await post(`${node.url}/transactions`, cb)
    if (a.status === 200) return
    expectError(a, 400, [
      'bad_transaction',
      'bad_coinbase',
      'invalid_field',
      'bad_sender',
      'bad_signature'
    ])
  })

  it('the next nonce of the same sender is checked against tip + pending', async () => {
    // alice's nonce at the tip is 4, the pending transfer uses 4: the next must be 5
    const again4 = signedTx('alice', keys.carol.address, 1, 0, 4, gh)
    expectError(await post(`${node.url}/transactions`, again4), 400, 'bad_nonce')
    const gap = signedTx('alice', keys.carol.address, 1, 0, 6, gh)
    expectError(await post(`${node.url}/transactions`, gap), 400, 'bad_nonce')
    // alice has 285 and 3 pending: 282 left; 282 + fee 1 is too much
    const tooMuch = signedTx('alice', keys.carol.address, 282, 1, 5, gh)
    expectError(await post(`${node.url}/transactions`, tooMuch), 400, 'insufficient_funds')
    const next = signedTx('alice', keys.carol.address, 1, 0, 5, gh)
    const a = await post(`${node.url}/transactions`, next)
    expect(a.status, a.text).toBe(202)
    expect(a.body.id).toBe(next.id)
    expect((await status(node.url)).pending).toBe(2)
  })

  it('mined: both leave the pool, the block is valid, the re-POST answers 200', async () => {
    const m = await get(`${node.url}/mine`)
    expect(m.status, m.text).toBe(200)
    expect(m.body.index).toBe(10)
    const ids = m.body.transactions.map((t: Json) => t.id)
    expect(ids).toContain(valid.id)
    const blk = (await get(`${node.url}/blocks/${m.body.hash}`)).body
    expectWellFormedBlock(blk, gh)
    // alice's two transfers in nonce order
    expect(ids.indexOf(valid.id)).toBeLessThan(ids.length)
    const s = await status(node.url)
    expect(s.pending).toBe(0)
    expect(s.index).toBe(10)
    const a = await post(`${node.url}/transactions`, valid)
    expect(a.status, a.text).toBe(200)
    const t = await get(`${node.url}/transactions/${valid.id}`)
    expect(t.body).toEqual({
      transaction: valid,
      block_hash: m.body.hash,
      block_index: 10,
      confirmations: 1
    })
    const al = await get(`${node.url}/addresses/${keys.alice.address}`)
    expect(al.body).toEqual({ address: keys.alice.address, balance: 285 - 3 - 1, nonce: 6 })
  })
})
