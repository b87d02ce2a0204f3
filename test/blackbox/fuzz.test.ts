/**
 * PROTOCOL §7: "A node never answers a bad request with a 5xx, and never stops because of one."
 * Every field of a valid block, of its transactions and of a valid transfer replaced by values of
 * the wrong type or range; each answer must be a 4xx in the error shape (or a success where the
 * value happens to be acceptable), and the node must keep its chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  expect4xxError,
  expectError,
  get,
  loadRegtestChain,
  post,
  startNode,
  status,
  stopAll,
  vector,
  type Answer,
  type Json,
  type NodeProc
} from '../helpers/blackbox'

let node: NodeProc
beforeAll(async () => {
  node = await startNode()
  await loadRegtestChain(node.url)
})
afterAll(stopAll)

const WEIRD: unknown[] = [
  null,
  true,
  false,
  '',
  'x',
  '10',
  -1,
  0,
  1.5,
  2 ** 53,
  2 ** 64,
  -0,
  1e308,
  [],
  [1],
  {},
  { a: 1 },
  'ab'.repeat(32),
  'AB'.repeat(32),
  'ab'.repeat(33),
  '0',
  'z'.repeat(64),
  'é'.repeat(10),
  '\u0000'
]

function answerOk(a: Answer, ctx: string): void {
  expect(a.status, `${ctx}: ${a.text.slice(0, 200)}`).toBeLessThan(500)
  if (a.status >= 400) expect4xxError(a)
}

describe('mutated blocks', () => {
  const base: Json = vector('invalid-blocks.json').invalid.find(
    (v: Json) => v.name === 'bad_version'
  ).block
  const fields = [
    'index',
    'timestamp',
    'transactions',
    'proof',
    'previous_hash',
    'merkle_root',
    'difficulty',
    'version',
    'hash'
  ]
  it('every top-level field, every weird value; and each field missing', async () => {
    for (const f of fields) {
      for (const v of WEIRD)
        answerOk(
          await post(`${node.url}/blocks`, { ...base, [f]: v }),
          `block.${f}=${JSON.stringify(v)}`
        )
      const { [f]: _, ...rest } = base
      const a = await post(`${node.url}/blocks`, rest)
      expectError(a, 400, 'invalid_field')
    }
    expect((await status(node.url)).tip_hash).toBe(chainRegtest.tip.hash)
  })

  it('every field of a transaction inside a block', async () => {
    const withTx: Json = vector('invalid-blocks.json').invalid.find(
      (v: Json) => v.name === 'bad_signature'
    ).block
    for (const f of [
      'id',
      'sender',
      'recipient',
      'amount',
      'fee',
      'nonce',
      'public_key',
      'signature'
    ]) {
      for (const i of [0, 1]) {
        for (const v of WEIRD) {
          const txs = withTx.transactions.map((t: Json, k: number) =>
            k === i ? { ...t, [f]: v } : t
          )
          answerOk(
            await post(`${node.url}/blocks`, { ...withTx, transactions: txs }),
            `tx[${i}].${f}=${JSON.stringify(v)}`
          )
        }
      }
    }
    for (const v of WEIRD) {
      answerOk(
        await post(`${node.url}/blocks`, { ...withTx, transactions: [v] }),
        `transactions=[${JSON.stringify(v)}]`
      )
    }
    expect((await status(node.url)).tip_hash).toBe(chainRegtest.tip.hash)
  })

  it('an invalid block offered again is refused again (not "already known")', async () => {
    const bad = vector('invalid-blocks.json').invalid.find(
      (v: Json) => v.name === 'bad_coinbase_amount'
    )
    for (let i = 0; i < 3; i++)
      expectError(await post(`${node.url}/blocks`, bad.block), 400, 'bad_coinbase')
  })
})

describe('mutated transactions', () => {
  const valid: Json = vector('invalid-transactions.json').valid[0].tx
  it('every field, every weird value; and each field missing', async () => {
    for (const f of Object.keys(valid)) {
      for (const v of WEIRD)
        answerOk(
          await post(`${node.url}/transactions`, { ...valid, [f]: v }),
          `tx.${f}=${JSON.stringify(v)}`
        )
      const { [f]: _, ...rest } = valid
      expectError(await post(`${node.url}/transactions`, rest), 400, [
        'invalid_field',
        'bad_transaction'
      ])
    }
    expect((await status(node.url)).pending).toBe(0)
  })

  it('control routes with weird values', async () => {
    for (const f of ['recipient', 'amount', 'fee', 'sender']) {
      for (const v of WEIRD) {
        answerOk(
          await post(`${node.url}/transactions/new`, {
            recipient: 'ab'.repeat(20),
            amount: 1,
            [f]: v
          }),
          `new.${f}=${JSON.stringify(v)}`
        )
      }
    }
    for (const v of WEIRD)
      answerOk(
        await post(`${node.url}/nodes/register`, { nodes: v }),
        `register ${JSON.stringify(v)}`
      )
    for (const v of WEIRD)
      answerOk(
        await post(`${node.url}/nodes/register`, { nodes: [v] }),
        `register [${JSON.stringify(v)}]`
      )
  })

  it('the node still answers and still has its chain', async () => {
    const c = await get(`${node.url}/chain`)
    expect(c.body.chain).toEqual(chainRegtest.blocks)
  })
})
