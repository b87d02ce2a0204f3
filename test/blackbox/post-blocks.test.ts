/**
 * PROTOCOL §4, §5, §7 POST /blocks: chain-regtest.json replayed block by block, re-offers, every
 * invalid-blocks.json vector (its `http` answers), the accepted side block, an orphan; the main
 * network's retarget vectors; and the 500 cap of /blocks and /chain on a long chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  coinbase,
  expectError,
  get,
  keys,
  mineBlock,
  networks,
  post,
  startNode,
  status,
  stopAll,
  vector,
  type Json,
  type NodeProc
} from '../helpers/blackbox'

const blocks: Json[] = chainRegtest.blocks
const invalidBlocks = vector('invalid-blocks.json')
const retarget = vector('chain-main-retarget.json')

afterAll(stopAll)

describe('POST /blocks on regtest', () => {
  let node: NodeProc
  beforeAll(async () => {
    node = await startNode({ network: 'regtest' })
  })

  it('re-offering genesis → 200 (already known)', async () => {
    const a = await post(`${node.url}/blocks`, blocks[0])
    expect(a.status, a.text).toBe(200)
  })

  it('chain-regtest.json one by one: each 201 {message, status: "main"}; the tip follows', async () => {
    for (const b of blocks.slice(1)) {
      const a = await post(`${node.url}/blocks`, b)
      expect(a.status, `block ${b.index}: ${a.text}`).toBe(201)
      expect(typeof a.body.message).toBe('string')
      expect(a.body.status).toBe('main')
      const s = await status(node.url)
      expect(s.index).toBe(b.index)
      expect(s.tip_hash).toBe(b.hash)
      expect(chainRegtest.states_after[b.index - 1]).toBeDefined()
    }
    expect((await status(node.url)).total_work).toBe(chainRegtest.tip.total_work)
  })

  it('balances after each block match states_after (checked at the tip)', async () => {
    for (const [addr, st] of Object.entries<Json>(chainRegtest.state)) {
      const a = await get(`${node.url}/addresses/${addr}`)
      expect(a.body.balance).toBe(st.balance)
      expect(a.body.nonce).toBe(st.nonce)
    }
  })

  it('re-POST of every known block → 200, tip unchanged', async () => {
    for (const b of blocks.slice(1)) {
      const a = await post(`${node.url}/blocks`, b)
      expect(a.status, `block ${b.index}: ${a.text}`).toBe(200)
    }
    expect((await status(node.url)).tip_hash).toBe(chainRegtest.tip.hash)
  })

  it('a tampered copy of a known block whose header no longer hashes to its hash field → 400 bad_hash, not 200', async () => {
    // §4 rule 1: `hash` = SHA-256(header bytes) [bad_hash]; such a block is not the known one
    for (const patch of [{ proof: blocks[3].proof + 1 }, { timestamp: blocks[3].timestamp + 1 }]) {
      const a = await post(`${node.url}/blocks`, { ...blocks[3], ...patch })
      expectError(a, 400, 'bad_hash')
    }
  })

  it('a known header with other transactions (merkle root unchanged): 200 (same block hash) or 400', async () => {
    const a = await post(`${node.url}/blocks`, {
      ...blocks[3],
      transactions: blocks[3].transactions.slice(0, 1)
    })
    if (a.status !== 200) expectError(a, 400, ['bad_merkle_root', 'bad_coinbase'])
  })

  for (const v of invalidBlocks.invalid as Json[]) {
    it(`invalid vector ${v.name}: one of ${JSON.stringify(v.http)}`, async () => {
      const a = await post(`${node.url}/blocks`, v.block)
      const ok = (v.http as Json[]).some((h) => h.status === a.status && a.body?.error === h.error)
      expect(ok, `${v.name} (${v.description}): got HTTP ${a.status} ${a.text.slice(0, 300)}`).toBe(
        true
      )
      expectError(
        a,
        (v.http as Json[]).map((h) => h.status)
      )
      // "invalid_field (its message names the field)"
      if (a.body.error === 'invalid_field' && v.name === 'invalid_field_index_string')
        expect(a.body.message).toContain('index')
      if (a.body.error === 'invalid_field' && v.name === 'invalid_field_tx_amount_float')
        expect(a.body.message).toContain('amount')
      const s = await status(node.url)
      expect(s.tip_hash).toBe(chainRegtest.tip.hash)
    })
  }

  it('none of the invalid blocks is served by /blocks/<hash> (bad_previous_hash may be a kept orphan)', async () => {
    for (const v of invalidBlocks.invalid as Json[]) {
      if (v.name === 'bad_previous_hash' || typeof v.block.hash !== 'string') continue
      const a = await get(`${node.url}/blocks/${v.block.hash}`)
      expect(a.status, v.name).toBe(404)
    }
  })

  it('the accepted side block: 201 status "side", tip unchanged; it is served by /blocks/<hash>', async () => {
    const acc = invalidBlocks.accepted[0]
    const a = await post(`${node.url}/blocks`, acc.block)
    expect(a.status, a.text).toBe(201)
    expect(a.body.status).toBe('side')
    expect(typeof a.body.message).toBe('string')
    const s = await status(node.url)
    expect(s.tip_hash).toBe(chainRegtest.tip.hash)
    expect(s.total_work).toBe(chainRegtest.tip.total_work)
    const g = await get(`${node.url}/blocks/${acc.block.hash}`)
    expect(g.status).toBe(200)
    expect(g.body).toEqual(acc.block)
    // a side block is not in the main chain
    const c = await get(`${node.url}/chain`)
    expect(c.body.chain.map((b: Json) => b.hash)).not.toContain(acc.block.hash)
    // its coinbase is not a main-chain transaction
    const t = await get(`${node.url}/transactions/${acc.block.transactions[0].id}`)
    if (t.status === 200) expect(t.body.block_hash).not.toBe(acc.block.hash)
    else expect(t.status).toBe(404)
    // re-offer → 200
    expect((await post(`${node.url}/blocks`, acc.block)).status).toBe(200)
  })

  it('a side branch with more work becomes the main chain (reorg in one step)', async () => {
    const acc = invalidBlocks.accepted[0].block
    // child of the side block: its branch now has more work than the tip
    const wallet = keys.carol.address
    const child = mineBlock(
      acc,
      [coinbase(wallet, 50, acc.index + 1, networks.regtest.genesis_hash)],
      {
        timestamp: acc.timestamp + 5000
      }
    )
    const a = await post(`${node.url}/blocks`, child)
    expect(a.status, a.text).toBe(201)
    expect(a.body.status).toBe('main')
    const s = await status(node.url)
    expect(s.tip_hash).toBe(child.hash)
    expect(s.index).toBe(10)
    expect(s.total_work).toBe(String(2304 + 256))
    const c = await get(`${node.url}/chain`)
    expect(c.body.chain.map((b: Json) => b.hash)).toEqual([
      ...blocks.slice(0, 8).map((b) => b.hash),
      acc.hash,
      child.hash
    ])
    // the old block 9 is now a side block and still served
    expect((await get(`${node.url}/blocks/${blocks[8].hash}`)).status).toBe(200)
    // the transactions of the abandoned block 9 went back to the pool when still valid
    const left: Json[] = blocks[8].transactions.slice(1)
    const pend = (await get(`${node.url}/transactions/pending`)).body.transactions.map(
      (t: Json) => t.id
    )
    const sideIds = new Set(acc.transactions.map((t: Json) => t.id))
    for (const t of left) if (!sideIds.has(t.id)) expect(pend, `re-offered ${t.id}`).toContain(t.id)
  })

  it('an orphan (unknown parent) → 202 {"error": "unknown_parent", message}', async () => {
    const parent = { ...blocks[8], hash: 'ee'.repeat(32), index: 9 }
    const orphan = mineBlock(parent, [
      coinbase(keys.bob.address, 50, 10, networks.regtest.genesis_hash)
    ])
    const a = await post(`${node.url}/blocks`, orphan)
    expectError(a, 202, 'unknown_parent')
    // the node still answers
    expect((await get(`${node.url}/status`)).status).toBe(200)
  })
})

describe('POST /blocks on main: the retarget vectors (§5)', () => {
  let node: NodeProc
  beforeAll(async () => {
    node = await startNode({ network: 'main' })
  })

  it('increase: blocks 2..12 → main; next difficulty 17, total work 917504', async () => {
    for (const b of retarget.increase.blocks.slice(1)) {
      const a = await post(`${node.url}/blocks`, b)
      expect(a.status, `increase ${b.index}: ${a.text}`).toBe(201)
      expect(a.body.status).toBe('main')
    }
    const s = await status(node.url)
    expect(s.tip_hash).toBe(retarget.increase.tip.hash)
    expect(s.total_work).toBe(retarget.increase.tip.total_work)
    expect(s.total_work).toBe('917504')
    if (retarget.increase.tip.next_difficulty !== undefined)
      expect(s.difficulty).toBe(retarget.increase.tip.next_difficulty)
  })

  it('decrease and boundary branches: every block a side block, tip unchanged', async () => {
    for (const br of ['decrease', 'boundary']) {
      for (const b of retarget[br].blocks.slice(1)) {
        const a = await post(`${node.url}/blocks`, b)
        if (a.status === 200) continue // shared with another branch
        expect(a.status, `${br} ${b.index}: ${a.text}`).toBe(201)
        expect(a.body.status, `${br} ${b.index}`).toBe('side')
      }
    }
    const s = await status(node.url)
    expect(s.tip_hash).toBe(retarget.increase.tip.hash)
  })

  for (const v of retarget.invalid as Json[]) {
    it(`retarget invalid ${v.name} → 400 ${JSON.stringify(v.expected)}`, async () => {
      const a = await post(`${node.url}/blocks`, v.block)
      expectError(a, 400, v.expected)
    })
  }
})

describe('/blocks and /chain cap of 500 on a long regtest chain', () => {
  let node: NodeProc
  const chain: Json[] = [networks.regtest.genesis]
  beforeAll(async () => {
    node = await startNode({ network: 'regtest' })
    const gh = networks.regtest.genesis_hash
    for (let i = 0; i < 510; i++) {
      const p = chain[chain.length - 1]
      chain.push(
        mineBlock(p, [coinbase(keys.alice.address, 50, p.index + 1, gh)], {
          timestamp: p.timestamp + 1000
        })
      )
    }
    for (const b of chain.slice(1)) {
      const a = await post(`${node.url}/blocks`, b)
      if (a.status !== 201) throw new Error(`block ${b.index}: ${a.status} ${a.text}`)
    }
  }, 120_000)

  it('GET /blocks: default limit 500 from index 1; limit capped at 500', async () => {
    let a = await get(`${node.url}/blocks`)
    expect(a.body.blocks.length).toBe(500)
    expect(a.body.blocks[0]).toEqual(chain[0])
    expect(a.body.blocks[499]).toEqual(chain[499])
    a = await get(`${node.url}/blocks?limit=1000`)
    expect(a.body.blocks.length).toBe(500)
    a = await get(`${node.url}/blocks?from=400&limit=1000`)
    expect(a.body.blocks.length).toBe(112)
    expect(a.body.blocks[0].index).toBe(400)
    expect(a.body.blocks.at(-1).index).toBe(511)
  })

  it('GET /chain: the whole main chain when no query is given; capped slices; length is the whole chain', async () => {
    let a = await get(`${node.url}/chain`)
    expect(a.body.length).toBe(511)
    // "the whole main chain" without a query; "at most N (default and cap 500)" only with one
    expect(a.body.chain.length).toBe(511)
    expect(a.body.chain.map((b: Json) => b.hash)).toEqual(chain.map((b) => b.hash))
    a = await get(`${node.url}/chain?from=1&limit=1000`)
    expect(a.body.length).toBe(511)
    expect(a.body.chain.length).toBe(500)
    a = await get(`${node.url}/chain?from=11`)
    expect(a.body.chain.length).toBe(500)
    expect(a.body.chain[0].index).toBe(11)
    expect(a.body.length).toBe(511)
  })

  it('status reports the long chain', async () => {
    const s = await status(node.url)
    expect(s.index).toBe(511)
    expect(s.total_work).toBe(String(511 * 256))
  })
})
