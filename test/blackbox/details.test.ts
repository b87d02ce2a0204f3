/**
 * Finer points of PROTOCOL §1, §4, §6, §7: integers taken by value, u32 limits, orphans connected
 * when their parent arrives, the pool after a conflicting block, maxBlockTxs in /mine, parallel
 * /mine calls, JSON content-type on every answer.
 */
import { afterAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  coinbase,
  expectError,
  expectWellFormedBlock,
  get,
  keys,
  loadRegtestChain,
  mineBlock,
  networks,
  post,
  signedTx,
  startNode,
  status,
  stopAll,
  vector,
  type Json
} from '../helpers/blackbox'

const gh = networks.regtest.genesis_hash
const blocks: Json[] = chainRegtest.blocks
afterAll(stopAll)

describe('§1 JSON integers are taken by value', () => {
  it('a transaction with "amount": 2.0 and "fee": 1e0 is the same transaction → 202', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    const tx = vector('invalid-transactions.json').valid[0].tx
    const text = JSON.stringify(tx)
      .replace('"amount":2', '"amount":2.0')
      .replace('"fee":1', '"fee":1e0')
      .replace('"nonce":4', '"nonce":4.00')
    expect(text).toContain('2.0')
    const a = await post(`${n.url}/transactions`, text, { 'content-type': 'application/json' })
    expect(a.status, a.text).toBe(202)
    expect(a.body.id).toBe(tx.id)
  })

  it('a block with "index": 2.0, "difficulty": 8.0, "version": 1.0 → 201', async () => {
    const n = await startNode()
    const b = blocks[1]
    const text = JSON.stringify(b)
      .replace('"index":2,', '"index":2.0,')
      .replace('"difficulty":8,', '"difficulty":8.0,')
      .replace('"version":1,', '"version":1.0,')
    expect(text).toContain('"index":2.0')
    const a = await post(`${n.url}/blocks`, text, { 'content-type': 'application/json' })
    expect(a.status, a.text).toBe(201)
    expect((await get(`${n.url}/blocks/${b.hash}`)).body.index).toBe(2)
  })

  it('version or difficulty above 2^32 - 1 → 400 invalid_field', async () => {
    const n = await startNode()
    for (const patch of [
      { version: 2 ** 32 },
      { difficulty: 2 ** 32 },
      { version: -1 },
      { difficulty: 8.5 },
      { proof: 2 ** 53 },
      { timestamp: '1' }
    ]) {
      const a = await post(`${n.url}/blocks`, { ...blocks[1], ...patch })
      expectError(a, 400, 'invalid_field')
      expect(a.body.message, JSON.stringify(patch)).toContain(Object.keys(patch)[0])
    }
  })

  it('every answer is JSON (content-type application/json), errors included', async () => {
    const n = await startNode()
    for (const [m, p, body] of [
      ['GET', '/status'],
      ['GET', '/chain'],
      ['GET', '/nope'],
      ['POST', '/blocks', '[]'],
      ['GET', '/blocks/' + '0'.repeat(64)],
      ['GET', '/mine'],
      ['GET', '/nodes']
    ] as [string, string, string?][]) {
      const { req } = await import('../helpers/blackbox')
      const a = await req(
        m,
        `${n.url}${p}`,
        body,
        body ? { 'content-type': 'application/json' } : {}
      )
      expect(a.headers['content-type'], `${m} ${p}`).toMatch(/^application\/json/)
      expect(a.body, `${m} ${p}`).toBeTypeOf('object')
    }
  })
})

describe('§6 orphans connect when their parent arrives', () => {
  it('blocks 2..9 offered in reverse order to a node without peers: 202 each, then all connect when block 2 arrives', async () => {
    const n = await startNode()
    for (const b of blocks.slice(2).reverse()) {
      const a = await post(`${n.url}/blocks`, b)
      expectError(a, 202, 'unknown_parent')
    }
    expect((await status(n.url)).index).toBe(1)
    const a = await post(`${n.url}/blocks`, blocks[1])
    expect(a.status, a.text).toBe(201)
    expect(a.body.status).toBe('main')
    // connected at once or very soon after
    const { waitFor } = await import('../helpers/blackbox')
    await waitFor(
      'the orphans connect',
      async () => (await status(n.url)).tip_hash === chainRegtest.tip.hash,
      5000
    )
    expect((await status(n.url)).total_work).toBe(chainRegtest.tip.total_work)
  })

  it('an orphan offered twice → 202 both times (or 200 the second time), never 201', async () => {
    const n = await startNode()
    const a = await post(`${n.url}/blocks`, blocks[4])
    expectError(a, 202, 'unknown_parent')
    const b = await post(`${n.url}/blocks`, blocks[4])
    expect([200, 202]).toContain(b.status)
  })
})

describe('the pending pool follows the chain', () => {
  it('a pending transfer made invalid by a new block leaves the pool; /mine still forges a valid block', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    const pend = signedTx('alice', keys.bob.address, 5, 0, 4, gh)
    expect((await post(`${n.url}/transactions`, pend)).status).toBe(202)
    const pendCarol = signedTx('carol', keys.bob.address, 1, 0, 4, gh)
    expect((await post(`${n.url}/transactions`, pendCarol)).status).toBe(202)
    // a block with another alice nonce-4 transfer
    const other = signedTx('alice', keys.carol.address, 7, 0, 4, gh)
    const b10 = mineBlock(blocks[8], [coinbase(keys.bob.address, 50, 10, gh), other], {
      timestamp: blocks[8].timestamp + 10_000
    })
    const a = await post(`${n.url}/blocks`, b10)
    expect(a.status, a.text).toBe(201)
    const ids = (await get(`${n.url}/transactions/pending`)).body.transactions.map(
      (t: Json) => t.id
    )
    expect(ids).not.toContain(pend.id)
    expect(ids).toContain(pendCarol.id)
    expect((await get(`${n.url}/transactions/${pend.id}`)).status).toBe(404)
    const m = await get(`${n.url}/mine`)
    expect(m.status, m.text).toBe(200)
    const blk = (await get(`${n.url}/blocks/${m.body.hash}`)).body
    expectWellFormedBlock(blk, gh)
    expect(blk.transactions.map((t: Json) => t.id)).toEqual([blk.transactions[0].id, pendCarol.id])
    expect((await status(n.url)).tip_hash).toBe(m.body.hash)
  })

  it('a mined transfer leaves the pool of a node that receives the block', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    const tx = signedTx('bob', keys.alice.address, 2, 1, 3, gh)
    expect((await post(`${n.url}/transactions`, tx)).status).toBe(202)
    const b10 = mineBlock(blocks[8], [coinbase(keys.carol.address, 51, 10, gh), tx], {
      timestamp: blocks[8].timestamp + 10_000
    })
    expect((await post(`${n.url}/blocks`, b10)).status).toBe(201)
    expect((await status(n.url)).pending).toBe(0)
    const t = await get(`${n.url}/transactions/${tx.id}`)
    expect(t.body).toEqual({
      transaction: tx,
      block_hash: b10.hash,
      block_index: 10,
      confirmations: 1
    })
  })
})

describe('maxBlockTxs in /mine (coinbase included)', () => {
  it('1001 pending transfers: the mined block holds 1000 transactions (coinbase + 999), two stay pending', async () => {
    const n = await startNode()
    // 21 blocks paying alice 50 each: 1050 coins
    let p = networks.regtest.genesis
    for (let i = 0; i < 21; i++) {
      p = mineBlock(p, [coinbase(keys.alice.address, 50, p.index + 1, gh)], {
        timestamp: p.timestamp + 1000
      })
      expect((await post(`${n.url}/blocks`, p)).status).toBe(201)
    }
    for (let i = 0; i < 1001; i++) {
      const a = await post(
        `${n.url}/transactions`,
        signedTx('alice', keys.bob.address, 1, 0, i, gh)
      )
      if (a.status !== 202) throw new Error(`tx ${i}: ${a.status} ${a.text}`)
    }
    expect((await status(n.url)).pending).toBe(1001)
    const m = await get(`${n.url}/mine`)
    expect(m.status, m.text.slice(0, 200)).toBe(200)
    expect(m.body.transactions.length).toBe(1000)
    const blk = (await get(`${n.url}/blocks/${m.body.hash}`)).body
    expectWellFormedBlock(blk, gh)
    expect((await status(n.url)).pending).toBe(2)
    expect((await get(`${n.url}/transactions/pending`)).body.transactions[0].nonce).toBe(999)
  }, 60_000)
})

describe('parallel /mine', () => {
  it('three /mine at once: each 200 with a valid block; the chain grows', async () => {
    const n = await startNode()
    const answers = await Promise.all([1, 2, 3].map(() => get(`${n.url}/mine`)))
    for (const a of answers) {
      expect(a.status, a.text).toBe(200)
      expect(a.body.message).toBe('New Block Forged')
      const b = await get(`${n.url}/blocks/${a.body.hash}`)
      expect(b.status).toBe(200)
      expectWellFormedBlock(b.body, gh)
    }
    const s = await status(n.url)
    expect(s.index).toBeGreaterThanOrEqual(2)
    expect(s.index).toBe(Math.max(...answers.map((a) => a.body.index)))
  })
})

describe('§3 self-transfers and the state of pending transactions', () => {
  it('a self-transfer costs only the fee, in the pool as on the chain', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    // carol has 108, nonce 4
    const self = signedTx('carol', keys.carol.address, 108, 0, 4, gh)
    let a = await post(`${n.url}/transactions`, self)
    expect(a.status, a.text).toBe(202)
    // still 108 after the pending self-transfer: 107 + fee 1 is fine
    const next = signedTx('carol', keys.bob.address, 107, 1, 5, gh)
    a = await post(`${n.url}/transactions`, next)
    expect(a.status, a.text).toBe(202)
    const over = signedTx('carol', keys.bob.address, 1, 0, 6, gh)
    expectError(await post(`${n.url}/transactions`, over), 400, 'insufficient_funds')
    // /addresses is the tip's state: pending transactions do not count
    expect((await get(`${n.url}/addresses/${keys.carol.address}`)).body).toEqual({
      address: keys.carol.address,
      balance: 108,
      nonce: 4
    })
    const m = await get(`${n.url}/mine`)
    expect(m.status).toBe(200)
    expect(m.body.transactions.map((t: Json) => t.id)).toEqual([
      m.body.transactions[0].id,
      self.id,
      next.id
    ])
    expect(m.body.transactions[0].amount).toBe(51)
    expect((await get(`${n.url}/addresses/${keys.carol.address}`)).body).toEqual({
      address: keys.carol.address,
      balance: 0,
      nonce: 6
    })
  })
})

describe('§6 reorg: transactions of the blocks left, then the old pool, offered again', () => {
  it('block 9 is left for an equal-height branch with more work; its transfers and a pending one that depends on them stay valid', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    // alice's nonce is 4 at block 9 (her nonce-3 transfer is in block 9)
    const dep = signedTx('alice', keys.bob.address, 2, 0, 4, gh)
    expect((await post(`${n.url}/transactions`, dep)).status).toBe(202)
    const side = vector('invalid-blocks.json').accepted[0].block
    expect((await post(`${n.url}/blocks`, side)).body.status).toBe('side')
    const child = mineBlock(side, [coinbase(keys.carol.address, 50, side.index + 1, gh)], {
      timestamp: side.timestamp + 5000
    })
    const a = await post(`${n.url}/blocks`, child)
    expect(a.status, a.text).toBe(201)
    expect(a.body.status).toBe('main')
    expect((await status(n.url)).tip_hash).toBe(child.hash)
    const left: Json[] = blocks[8].transactions.slice(1)
    const pending: Json[] = (await get(`${n.url}/transactions/pending`)).body.transactions
    const ids = pending.map((t) => t.id)
    for (const t of left) expect(ids, `re-offered ${t.id}`).toContain(t.id)
    expect(ids).toContain(dep.id)
    expect(ids.length).toBe(left.length + 1)
    for (const t of left) {
      const g = await get(`${n.url}/transactions/${t.id}`)
      expect(g.body).toEqual({
        transaction: t,
        block_hash: null,
        block_index: null,
        confirmations: 0
      })
    }
    // block 9's coinbase is in no chain and no pool
    expect((await get(`${n.url}/transactions/${blocks[8].transactions[0].id}`)).status).toBe(404)
    // the balances are those of the new branch: state after block 8 + two coinbases to carol
    const st8 = chainRegtest.states_after[7]
    expect((await get(`${n.url}/addresses/${keys.alice.address}`)).body.balance).toBe(
      st8[keys.alice.address].balance
    )
    expect((await get(`${n.url}/addresses/${keys.carol.address}`)).body.balance).toBe(
      st8[keys.carol.address].balance + 100
    )
    const m = await get(`${n.url}/mine`)
    expect(m.status).toBe(200)
    const blk = (await get(`${n.url}/blocks/${m.body.hash}`)).body
    expectWellFormedBlock(blk, gh)
    expect(blk.transactions.length).toBe(left.length + 2)
  })
})

describe('/mine when the tip’s median time is ahead of the clock', () => {
  it('a tip 60 s in the future: /mine still forges a valid block (timestamp above the median)', async () => {
    const n = await startNode()
    const future = mineBlock(networks.regtest.genesis, [coinbase(keys.bob.address, 50, 2, gh)], {
      timestamp: Date.now() + 60_000
    })
    const a = await post(`${n.url}/blocks`, future)
    expect(a.status, a.text).toBe(201)
    const m = await get(`${n.url}/mine`)
    expect(m.status, m.text).toBe(200)
    const blk = (await get(`${n.url}/blocks/${m.body.hash}`)).body
    expect(blk.timestamp).toBeGreaterThan(future.timestamp)
    expect((await status(n.url)).tip_hash).toBe(m.body.hash)
    // another node accepts both
    const o = await startNode()
    expect((await post(`${o.url}/blocks`, future)).status).toBe(201)
    const r = await post(`${o.url}/blocks`, blk)
    expect(r.status, r.text).toBe(201)
  })
})

describe('blocks from /mine are accepted by another node', () => {
  it('five mined blocks with transfers replay on a fresh node as 201 main', async () => {
    const n = await startNode()
    const mined: string[] = []
    for (let i = 0; i < 5; i++) {
      if (i >= 1)
        expect(
          (
            await post(`${n.url}/transactions/new`, {
              recipient: keys.bob.address,
              amount: 3,
              fee: i
            })
          ).status
        ).toBe(201)
      mined.push((await get(`${n.url}/mine`)).body.hash)
    }
    const o = await startNode()
    for (const h of mined) {
      const b = (await get(`${n.url}/blocks/${h}`)).body
      const a = await post(`${o.url}/blocks`, b)
      expect(a.status, a.text).toBe(201)
      expect(a.body.status).toBe('main')
    }
    expect((await status(o.url)).total_work).toBe((await status(n.url)).total_work)
  })
})

describe('§6 reorg re-offer: "each is kept if valid on the new tip after those kept before it"', () => {
  it('leaving blocks 6..9: carol’s transfer funded by bob’s earlier one (block 6) is kept', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    // a branch from block 5 with 5 coinbase-only blocks paying an unrelated address: more work
    const payee = 'ab'.repeat(20)
    let p = blocks[4]
    const branch: Json[] = []
    for (let i = 0; i < 5; i++) {
      p = mineBlock(p, [coinbase(payee, 50, p.index + 1, gh)], { timestamp: p.timestamp + 9001 })
      branch.push(p)
    }
    for (const b of branch) {
      const a = await post(`${n.url}/blocks`, b)
      expect(a.status, a.text).toBe(201)
    }
    expect((await status(n.url)).tip_hash).toBe(branch[4].hash)
    // state after block 5: alice 117/2, bob 51/1, carol 32/2. Offered again in order:
    //  6: bob->carol 40+2 (kept), carol->alice 70+1 (kept: carol has 72 after bob's), alice->alice 7+2 (kept)
    //  8: bob->carol 63+1 (refused: bob's block-6 coinbase is gone, 9 left)
    //  9: alice->bob 3 n3 (kept), carol->bob 4+2 n3 (refused: carol has 1)
    const tx6 = blocks[5].transactions
    const expected = [tx6[1].id, tx6[2].id, tx6[3].id, blocks[8].transactions[1].id]
    const pending: string[] = (await get(`${n.url}/transactions/pending`)).body.transactions.map(
      (t: Json) => t.id
    )
    expect([...pending].sort()).toEqual([...expected].sort())
    const m = await get(`${n.url}/mine`)
    expect(m.status).toBe(200)
    const blk = (await get(`${n.url}/blocks/${m.body.hash}`)).body
    expectWellFormedBlock(blk, gh)
    expect(
      blk.transactions
        .slice(1)
        .map((t: Json) => t.id)
        .sort()
    ).toEqual([...expected].sort())
    expect((await status(n.url)).tip_hash).toBe(m.body.hash)
  })
})

describe('concurrent offers', () => {
  it('blocks 2..9 POSTed all at once: each 201, 202 or 200; the node ends at the vector tip', async () => {
    const n = await startNode()
    const answers = await Promise.all(blocks.slice(1).map((b) => post(`${n.url}/blocks`, b)))
    for (const a of answers) expect([200, 201, 202], a.text).toContain(a.status)
    const { waitFor } = await import('../helpers/blackbox')
    await waitFor(
      'tip 9',
      async () => (await status(n.url)).tip_hash === chainRegtest.tip.hash,
      5000
    )
    expect((await get(`${n.url}/chain`)).body.chain).toEqual(blocks)
  })

  it('the same transaction POSTed 5 times at once: one 202, the others 200', async () => {
    const n = await startNode()
    await loadRegtestChain(n.url)
    const tx = vector('invalid-transactions.json').valid[0].tx
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(`${n.url}/transactions`, tx)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202])
    expect((await status(n.url)).pending).toBe(1)
  })

  it('300 distinct orphans: each 202 unknown_parent; the node keeps answering', async () => {
    const n = await startNode()
    for (let i = 0; i < 300; i++) {
      const parent = {
        ...networks.regtest.genesis,
        index: 5,
        hash: i.toString(16).padStart(4, '0').repeat(16)
      }
      const o = mineBlock(parent, [coinbase(keys.bob.address, 50, 6, gh)], {
        timestamp: parent.timestamp + 1000
      })
      const a = await post(`${n.url}/blocks`, o)
      expect(a.status).toBe(202)
    }
    expect((await status(n.url)).index).toBe(1)
  })
})

describe('§4 rule 4 on the receiving node’s clock', () => {
  it('now + 100 s is accepted; now + 130 s is time_too_new', async () => {
    const n = await startNode()
    const g = networks.regtest.genesis
    const late = mineBlock(g, [coinbase(keys.bob.address, 50, 2, gh)], {
      timestamp: Date.now() + 130_000
    })
    expectError(await post(`${n.url}/blocks`, late), 400, 'time_too_new')
    const ok = mineBlock(g, [coinbase(keys.bob.address, 50, 2, gh)], {
      timestamp: Date.now() + 100_000
    })
    const a = await post(`${n.url}/blocks`, ok)
    expect(a.status, a.text).toBe(201)
  })
})
