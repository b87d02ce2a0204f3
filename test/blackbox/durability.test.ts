/**
 * PROTOCOL §6: "A block answered 201, or a transaction answered 202, is stored: it survives the
 * node's process being killed at any moment after the answer." The whole process group gets
 * SIGKILL right after the answer; a new process on the same data dir must have it.
 */
import { afterAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  get,
  keys,
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
afterAll(stopAll)

describe('SIGKILL right after the answer', () => {
  it('every block answered 201 is there after a restart', async () => {
    let n = await startNode()
    const dataDir = n.dataDir
    for (const b of chainRegtest.blocks.slice(1)) {
      const a = await post(`${n.url}/blocks`, b)
      expect(a.status, a.text).toBe(201)
      await n.kill9()
      n = await startNode({ dataDir })
      const g = await get(`${n.url}/blocks/${b.hash}`)
      expect(g.status, `block ${b.index} after SIGKILL`).toBe(200)
      expect((await status(n.url)).tip_hash).toBe(b.hash)
    }
    expect((await status(n.url)).total_work).toBe(chainRegtest.tip.total_work)
    const al = await get(`${n.url}/addresses/${keys.alice.address}`)
    expect(al.body.balance).toBe(chainRegtest.state[keys.alice.address].balance)
  })

  it('a side block answered 201 is there after a restart', async () => {
    let n = await startNode()
    const dataDir = n.dataDir
    for (const b of chainRegtest.blocks.slice(1))
      expect((await post(`${n.url}/blocks`, b)).status).toBe(201)
    const side = vector('invalid-blocks.json').accepted[0].block
    const a = await post(`${n.url}/blocks`, side)
    expect(a.status).toBe(201)
    expect(a.body.status).toBe('side')
    await n.kill9()
    n = await startNode({ dataDir })
    expect((await get(`${n.url}/blocks/${side.hash}`)).status).toBe(200)
    expect((await status(n.url)).tip_hash).toBe(chainRegtest.tip.hash)
    expect((await post(`${n.url}/blocks`, side)).status).toBe(200)
  })

  it('a reorg answered 201 survives: the new branch, its balances and the old block as a side block', async () => {
    const { coinbase, mineBlock } = await import('../helpers/blackbox')
    let n = await startNode()
    const dataDir = n.dataDir
    for (const b of chainRegtest.blocks.slice(1))
      expect((await post(`${n.url}/blocks`, b)).status).toBe(201)
    const side = vector('invalid-blocks.json').accepted[0].block
    expect((await post(`${n.url}/blocks`, side)).status).toBe(201)
    const child = mineBlock(side, [coinbase(keys.carol.address, 50, 10, gh)], {
      timestamp: side.timestamp + 5000
    })
    const a = await post(`${n.url}/blocks`, child)
    expect(a.status).toBe(201)
    expect(a.body.status).toBe('main')
    await n.kill9()
    n = await startNode({ dataDir })
    const s = await status(n.url)
    expect(s.tip_hash).toBe(child.hash)
    expect(s.total_work).toBe(String(10 * 256))
    const st8 = chainRegtest.states_after[7]
    for (const who of ['alice', 'bob', 'carol']) {
      const addr = keys[who].address
      const want = st8[addr].balance + (who === 'carol' ? 100 : 0)
      expect((await get(`${n.url}/addresses/${addr}`)).body).toEqual({
        address: addr,
        balance: want,
        nonce: st8[addr].nonce
      })
    }
    expect((await get(`${n.url}/chain`)).body.chain.map((b: Json) => b.hash)).toEqual([
      ...chainRegtest.blocks.slice(0, 8).map((b: Json) => b.hash),
      side.hash,
      child.hash
    ])
    expect((await get(`${n.url}/blocks/${chainRegtest.tip.hash}`)).status).toBe(200)
  })

  it('a transaction answered 202 is pending after a restart', async () => {
    let n = await startNode()
    const dataDir = n.dataDir
    for (const b of chainRegtest.blocks.slice(1))
      expect((await post(`${n.url}/blocks`, b)).status).toBe(201)
    const tx = vector('invalid-transactions.json').valid[0].tx
    const a = await post(`${n.url}/transactions`, tx)
    expect(a.status, a.text).toBe(202)
    await n.kill9()
    n = await startNode({ dataDir })
    const t = await get(`${n.url}/transactions/${tx.id}`)
    expect(t.status).toBe(200)
    expect(t.body).toEqual({
      transaction: tx,
      block_hash: null,
      block_index: null,
      confirmations: 0
    })
    expect((await status(n.url)).pending).toBe(1)
    // a second one, straight after the first, with no read in between
    const tx2 = signedTx('alice', keys.bob.address, 1, 0, 5, gh)
    const b = await post(`${n.url}/transactions`, tx2)
    expect(b.status, b.text).toBe(202)
    await n.kill9()
    n = await startNode({ dataDir })
    const p = (await get(`${n.url}/transactions/pending`)).body.transactions.map((x: Json) => x.id)
    expect(p).toEqual([tx.id, tx2.id])
  })

  it('a block from /mine and a transaction from /transactions/new survive too', async () => {
    let n = await startNode()
    const dataDir = n.dataDir
    const m = await get(`${n.url}/mine`)
    expect(m.status).toBe(200)
    const t = await post(`${n.url}/transactions/new`, { recipient: keys.bob.address, amount: 5 })
    expect(t.status).toBe(201)
    await n.kill9()
    n = await startNode({ dataDir })
    expect((await status(n.url)).tip_hash).toBe(m.body.hash)
    expect((await get(`${n.url}/transactions/${t.body.id}`)).body.confirmations).toBe(0)
    // the wallet is the same after the restart: the next block pays the same address
    const m2 = await get(`${n.url}/mine`)
    expect(m2.body.transactions[0].recipient).toBe(m.body.transactions[0].recipient)
    expect(m2.body.transactions.map((x: Json) => x.id)).toContain(t.body.id)
  })

  it('a data dir of one network is refused by the other network (non-zero exit)', async () => {
    const n = await startNode({ network: 'regtest' })
    const dataDir = n.dataDir
    await n.stop()
    await expect(startNode({ network: 'main', dataDir, timeoutMs: 30_000 })).rejects.toThrow(
      /exited before listening/
    )
  })
})
