/**
 * PROTOCOL §7, the read routes between peers: /status, /chain, /blocks, /blocks/<hash>,
 * /transactions/<id>, /transactions/pending, /addresses/<address>, /nodes. One regtest node holding
 * chain-regtest.json, one fresh main node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  expect4xxError,
  expectError,
  get,
  keys,
  loadRegtestChain,
  networks,
  post,
  startNode,
  signedTx,
  status,
  stopAll,
  type Json,
  type NodeProc
} from '../helpers/blackbox'

const blocks: Json[] = chainRegtest.blocks
let node: NodeProc
let mainNode: NodeProc

beforeAll(async () => {
  ;[node, mainNode] = await Promise.all([
    startNode({ network: 'regtest' }),
    startNode({ network: 'main' })
  ])
})
afterAll(stopAll)

describe('GET /status', () => {
  it('fresh main node: every field, typed, genesis hash of networks.json', async () => {
    const a = await get(`${mainNode.url}/status`)
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toMatch(/application\/json/)
    const s = a.body
    expect(s).toEqual({
      network: 'main',
      genesis_hash: networks.main.genesis_hash,
      index: 1,
      tip_hash: networks.main.genesis_hash,
      total_work: networks.main.genesis_work,
      difficulty: 16,
      pending: 0,
      peers: 0,
      version: 1
    })
  })

  it('fresh regtest node: genesis only', async () => {
    const s = await status(node.url)
    expect(s).toEqual({
      network: 'regtest',
      genesis_hash: networks.regtest.genesis_hash,
      index: 1,
      tip_hash: networks.regtest.genesis_hash,
      total_work: networks.regtest.genesis_work,
      difficulty: 8,
      pending: 0,
      peers: 0,
      version: 1
    })
    expect(typeof s.total_work).toBe('string')
    expect(s.total_work).toMatch(/^(0|[1-9][0-9]*)$/)
  })

  it('after chain-regtest.json: tip, total_work and next difficulty of the vector', async () => {
    await loadRegtestChain(node.url)
    const s = await status(node.url)
    expect(s.index).toBe(chainRegtest.tip.index)
    expect(s.tip_hash).toBe(chainRegtest.tip.hash)
    expect(s.total_work).toBe(chainRegtest.tip.total_work)
    expect(s.difficulty).toBe(chainRegtest.tip.next_difficulty)
    expect(s.pending).toBe(0)
    expect(s.peers).toBe(0)
    expect(s.version).toBe(1)
  })
})

describe('GET /chain', () => {
  it('whole main chain, walkthrough shape', async () => {
    const a = await get(`${node.url}/chain`)
    expect(a.status).toBe(200)
    expect(Object.keys(a.body).sort()).toEqual(['chain', 'length'])
    expect(a.body.length).toBe(9)
    expect(a.body.chain).toEqual(blocks)
  })

  it('?from=&limit= slices; length stays the whole chain’s', async () => {
    let a = await get(`${node.url}/chain?from=3&limit=2`)
    expect(a.status).toBe(200)
    expect(a.body.length).toBe(9)
    expect(a.body.chain).toEqual(blocks.slice(2, 4))

    a = await get(`${node.url}/chain?from=7`)
    expect(a.body.length).toBe(9)
    expect(a.body.chain).toEqual(blocks.slice(6))

    a = await get(`${node.url}/chain?limit=3`)
    expect(a.body.length).toBe(9)
    expect(a.body.chain).toEqual(blocks.slice(0, 3))

    a = await get(`${node.url}/chain?from=20`)
    expect(a.status).toBe(200)
    expect(a.body.chain).toEqual([])
    expect(a.body.length).toBe(9)
  })

  it('bad query values are a 4xx error or ignored, never a 5xx', async () => {
    for (const q of [
      'from=abc',
      'limit=-1',
      'from=1.5',
      'limit=x',
      'from=',
      'from=99999999999999999999'
    ]) {
      const a = await get(`${node.url}/chain?${q}`)
      if (a.status >= 400) expect4xxError(a, 'invalid_field')
      else expect(a.status, q).toBe(200)
    }
  })
})

describe('GET /blocks', () => {
  it('defaults: from 1, up to 500', async () => {
    const a = await get(`${node.url}/blocks`)
    expect(a.status).toBe(200)
    expect(Object.keys(a.body)).toEqual(['blocks'])
    expect(a.body.blocks).toEqual(blocks)
  })

  it('from and limit', async () => {
    let a = await get(`${node.url}/blocks?from=2&limit=1`)
    expect(a.body.blocks).toEqual([blocks[1]])
    a = await get(`${node.url}/blocks?from=9&limit=10`)
    expect(a.body.blocks).toEqual([blocks[8]])
    a = await get(`${node.url}/blocks?from=10`)
    expect(a.status).toBe(200)
    expect(a.body.blocks).toEqual([])
    a = await get(`${node.url}/blocks?limit=2`)
    expect(a.body.blocks).toEqual(blocks.slice(0, 2))
  })

  it('bad query values: 4xx invalid_field or ignored, never a 5xx', async () => {
    for (const q of ['from=abc', 'limit=-5', 'limit=0', 'from=0', 'from=-1', 'limit=1e400']) {
      const a = await get(`${node.url}/blocks?${q}`)
      if (a.status >= 400) expect4xxError(a, 'invalid_field')
      else expect(a.status, q).toBe(200)
    }
  })
})

describe('GET /blocks/<hash>', () => {
  it('every main-chain block by hash, genesis included', async () => {
    for (const b of blocks) {
      const a = await get(`${node.url}/blocks/${b.hash}`)
      expect(a.status).toBe(200)
      expect(a.body).toEqual(b)
    }
  })

  it('unknown hash → 404 not_found; a malformed one → 4xx', async () => {
    const a = await get(`${node.url}/blocks/${'ab'.repeat(32)}`)
    expectError(a, 404, 'not_found')
    const m = await get(`${node.url}/blocks/xyz`)
    expect4xxError(m)
    const upper = await get(`${node.url}/blocks/${blocks[3].hash.toUpperCase()}`)
    expect4xxError(upper)
  })
})

describe('GET /transactions/<id>', () => {
  it('a confirmed transaction: block fields and confirmations = tip index - block index + 1', async () => {
    for (const b of blocks.slice(1)) {
      for (const t of b.transactions) {
        const a = await get(`${node.url}/transactions/${t.id}`)
        expect(a.status).toBe(200)
        expect(a.body).toEqual({
          transaction: t,
          block_hash: b.hash,
          block_index: b.index,
          confirmations: 9 - b.index + 1
        })
      }
    }
  })

  it('unknown id → 404 not_found', async () => {
    expectError(await get(`${node.url}/transactions/${'cd'.repeat(32)}`), 404, 'not_found')
  })
})

describe('GET /addresses/<address>', () => {
  it('balance and nonce at the tip equal the vector state', async () => {
    for (const [addr, st] of Object.entries<Json>(chainRegtest.state)) {
      const a = await get(`${node.url}/addresses/${addr}`)
      expect(a.status).toBe(200)
      expect(a.body).toEqual({ address: addr, balance: st.balance, nonce: st.nonce })
    }
  })

  it('an unseen address: balance 0, nonce 0', async () => {
    const addr = 'ab'.repeat(20)
    const a = await get(`${node.url}/addresses/${addr}`)
    expect(a.status).toBe(200)
    expect(a.body).toEqual({ address: addr, balance: 0, nonce: 0 })
  })

  it('a malformed address is a 4xx (not a 5xx)', async () => {
    for (const bad of ['xyz', 'AB'.repeat(20), 'ab'.repeat(19), '0']) {
      const a = await get(`${node.url}/addresses/${bad}`)
      expect4xxError(a)
    }
  })
})

describe('GET /transactions/pending and a pending GET /transactions/<id>', () => {
  it('a pending transfer: block fields null, confirmations 0', async () => {
    let a = await get(`${node.url}/transactions/pending`)
    expect(a.status).toBe(200)
    expect(a.body).toEqual({ transactions: [] })

    const tx = signedTx(
      'alice',
      keys.bob.address,
      3,
      2,
      chainRegtest.state[keys.alice.address].nonce,
      networks.regtest.genesis_hash
    )
    const p = await post(`${node.url}/transactions`, tx)
    expect(p.status, p.text).toBe(202)

    a = await get(`${node.url}/transactions/pending`)
    expect(a.body).toEqual({ transactions: [tx] })
    a = await get(`${node.url}/transactions/${tx.id}`)
    expect(a.status).toBe(200)
    expect(a.body).toEqual({
      transaction: tx,
      block_hash: null,
      block_index: null,
      confirmations: 0
    })
    expect((await status(node.url)).pending).toBe(1)
  })
})

describe('GET /nodes', () => {
  it('no peers: an empty list', async () => {
    const a = await get(`${node.url}/nodes`)
    expect(a.status).toBe(200)
    expect(a.body).toEqual({ nodes: [] })
  })
})

describe('GET /mine on main', () => {
  it('forges a block at difficulty 16 that checks out', async () => {
    const { expectWellFormedBlock } = await import('../helpers/blackbox')
    const a = await get(`${mainNode.url}/mine`)
    expect(a.status, a.text).toBe(200)
    const b = (await get(`${mainNode.url}/blocks/${a.body.hash}`)).body
    expect(b.difficulty).toBe(16)
    expect(b.previous_hash).toBe(networks.main.genesis_hash)
    expectWellFormedBlock(b, networks.main.genesis_hash)
    const s = await status(mainNode.url)
    expect(s.total_work).toBe(String(2 * 65536))
    expect(s.difficulty).toBe(16)
  })
})
