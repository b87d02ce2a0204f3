/**
 * PROTOCOL §6 and §7 between peers: blocks and transactions offered to peers with POST /blocks and
 * POST /transactions, orphans fetched from the X-Node-Url sender with GET /blocks/<hash>, and peers
 * learnt from X-Node-Url after a /status check.
 */
import { afterAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  coinbase,
  expectError,
  fakePeer,
  fakeStatus,
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
  waitFor,
  type FakePeer,
  type Json
} from '../helpers/blackbox'

const gh = networks.regtest.genesis_hash
const fakes: FakePeer[] = []
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()))
  await stopAll()
})

describe('two real nodes peered', () => {
  it('a block mined on A reaches B; a transaction made on A reaches B’s pool; mined on B, A follows', async () => {
    const A = await startNode()
    const B = await startNode({ extra: ['--peer', A.url] })
    // B knows A from --peer; A may learn B from X-Node-Url
    await waitFor('B lists A', async () =>
      ((await get(`${B.url}/nodes`)).body.nodes as string[]).includes(A.url)
    )

    const m = await get(`${A.url}/mine`)
    expect(m.status).toBe(200)
    await waitFor('B has A’s block', async () => (await status(B.url)).tip_hash === m.body.hash)

    // A's wallet pays via /transactions/new on A: it must reach B's pending pool
    const t = await post(`${A.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 3,
      fee: 1
    })
    expect(t.status, t.text).toBe(201)
    await waitFor('B has the transaction pending', async () => {
      const p = await get(`${B.url}/transactions/${t.body.id}`)
      return p.status === 200 && p.body.confirmations === 0
    })

    const m2 = await get(`${B.url}/mine`)
    expect(m2.status).toBe(200)
    expect(m2.body.transactions.map((x: Json) => x.id)).toContain(t.body.id)
    await waitFor('A has B’s block', async () => (await status(A.url)).tip_hash === m2.body.hash)
    expect((await status(A.url)).pending).toBe(0)
  })

  it('a signed transaction POSTed to one node reaches the other’s pool', async () => {
    const A = await startNode()
    const B = await startNode()
    await loadRegtestChain(A.url)
    await loadRegtestChain(B.url)
    const r = await post(`${A.url}/nodes/register`, { nodes: [B.url] })
    expect(r.status, r.text).toBe(201)
    const tx = signedTx('alice', keys.carol.address, 4, 1, 4, gh)
    const a = await post(`${A.url}/transactions`, tx)
    expect(a.status, a.text).toBe(202)
    await waitFor('B has it pending', async () => {
      const p = await get(`${B.url}/transactions/pending`)
      return p.body.transactions.some((x: Json) => x.id === tx.id)
    })
  })
})

describe('what a node sends its peers', () => {
  function recordingPeer(): Promise<FakePeer> {
    return fakePeer((method, path) => {
      if (method === 'GET' && path.startsWith('/status'))
        return {
          status: 200,
          body: fakeStatus(networks.regtest.genesis, networks.regtest.genesis_work)
        }
      if (method === 'GET' && path.startsWith('/blocks'))
        return { status: 200, body: { blocks: [networks.regtest.genesis] } }
      if (method === 'GET' && path.startsWith('/chain'))
        return { status: 200, body: { chain: [networks.regtest.genesis], length: 1 } }
      if (method === 'GET' && path.startsWith('/nodes')) return { status: 200, body: { nodes: [] } }
      if (method === 'POST' && path === '/blocks')
        return { status: 201, body: { message: 'ok', status: 'main' } }
      if (method === 'POST' && path === '/transactions')
        return { status: 202, body: { message: 'ok', id: 'x' } }
      return undefined
    })
  }

  it('a mined block is offered with POST /blocks, a newly accepted transaction with POST /transactions', async () => {
    const peer = await recordingPeer()
    fakes.push(peer)
    const A = await startNode()
    const r = await post(`${A.url}/nodes/register`, { nodes: [peer.url] })
    expect(r.status, r.text).toBe(201)

    const m = await get(`${A.url}/mine`)
    const gossip = await waitFor('POST /blocks with the mined block', async () =>
      peer.requests.find(
        (q) =>
          q.method === 'POST' && q.path === '/blocks' && JSON.parse(q.body).hash === m.body.hash
      )
    )
    expect(gossip.headers['content-type']).toMatch(/application\/json/)
    const blk = JSON.parse(gossip.body)
    expect(blk).toEqual((await get(`${A.url}/blocks/${m.body.hash}`)).body)

    const t = await post(`${A.url}/transactions/new`, { recipient: keys.bob.address, amount: 2 })
    expect(t.status).toBe(201)
    await waitFor('POST /transactions with the new transaction', async () =>
      peer.requests.find(
        (q) =>
          q.method === 'POST' && q.path === '/transactions' && JSON.parse(q.body).id === t.body.id
      )
    )

    // a block accepted over POST /blocks is offered on, too
    const tip = (await get(`${A.url}/blocks/${m.body.hash}`)).body
    const next = mineBlock(tip, [coinbase(keys.carol.address, 50, tip.index + 1, gh)], {
      timestamp: Date.now()
    })
    const p = await post(`${A.url}/blocks`, next)
    expect(p.status, p.text).toBe(201)
    await waitFor('POST /blocks with the relayed block', async () =>
      peer.requests.find(
        (q) => q.method === 'POST' && q.path === '/blocks' && JSON.parse(q.body).hash === next.hash
      )
    )
  })

  it('X-Node-Url: the receiver checks the sender’s /status and learns it as a peer', async () => {
    const peer = await recordingPeer()
    fakes.push(peer)
    const A = await startNode()
    const tx = signedTx('alice', keys.bob.address, 1, 0, 0, gh) // alice has nothing on a fresh node
    const a = await post(`${A.url}/transactions`, tx, { 'x-node-url': peer.url })
    expectError(a, 400, 'insufficient_funds')
    // any request between peers may carry the header; use a read as well
    await get(`${A.url}/status`, { 'X-Node-Url': peer.url })
    await waitFor(
      'A lists the sender',
      async () => ((await get(`${A.url}/nodes`)).body.nodes as string[]).includes(peer.url),
      10_000
    )
    expect(peer.requests.some((q) => q.method === 'GET' && q.path.startsWith('/status'))).toBe(true)
    expect((await status(A.url)).peers).toBe(1)
  })

  it('X-Node-Url of a node on another network, of nothing, or of the node itself is not learnt', async () => {
    const other = await fakePeer((method, path) =>
      path.startsWith('/status')
        ? {
            status: 200,
            body: fakeStatus(networks.main.genesis, networks.main.genesis_work, 'main')
          }
        : undefined
    )
    fakes.push(other)
    const marker = await recordingPeer()
    fakes.push(marker)
    const A = await startNode()
    await get(`${A.url}/status`, { 'X-Node-Url': other.url })
    await get(`${A.url}/chain`, { 'X-Node-Url': 'http://127.0.0.1:1' })
    await get(`${A.url}/chain`, { 'X-Node-Url': 'not a url' })
    await get(`${A.url}/chain`, { 'X-Node-Url': A.url })
    // A has checked the other network's node: it asked for its /status (and had its answer at once).
    await waitFor('A asks the other network’s node for its /status', async () =>
      other.requests.some((q) => q.method === 'GET' && q.path.startsWith('/status'))
    )
    // Then a node of A's own network announces itself the same way. Learning it takes A a request
    // and an answer after every announcement above, so once A lists it, A has dealt with those
    // (a closed port refuses at once; the last two are not contacted at all): only it is learnt.
    await get(`${A.url}/chain`, { 'X-Node-Url': marker.url })
    await waitFor('A learns the node of its own network', async () =>
      ((await get(`${A.url}/nodes`)).body.nodes as string[]).includes(marker.url)
    )
    expect((await get(`${A.url}/nodes`)).body.nodes).toEqual([marker.url])
    expect((await get(`${A.url}/status`)).status).toBe(200)
  })
})

describe('orphans (§6)', () => {
  it('the tip of chain-regtest.json offered alone with X-Node-Url → 202 unknown_parent, then the ancestors are fetched and it connects', async () => {
    const A = await startNode()
    await loadRegtestChain(A.url)
    const B = await startNode()
    const tip = chainRegtest.blocks[8]
    const a = await post(`${B.url}/blocks`, tip, { 'X-Node-Url': A.url })
    expectError(a, 202, 'unknown_parent')
    await waitFor(
      'B connects the orphan',
      async () => (await status(B.url)).tip_hash === tip.hash,
      20_000
    )
    expect((await status(B.url)).total_work).toBe(chainRegtest.tip.total_work)
  })

  it('the missing ancestors are asked for with GET /blocks/<hash> (a peer serving only that and /status)', async () => {
    const byHash = new Map<string, Json>(chainRegtest.blocks.map((b: Json) => [b.hash, b]))
    const peer = await fakePeer((method, path) => {
      if (method === 'GET' && path.startsWith('/status'))
        return {
          status: 200,
          body: fakeStatus(chainRegtest.blocks[8], chainRegtest.tip.total_work)
        }
      const m = /^\/blocks\/([0-9a-f]{64})$/.exec(path)
      if (method === 'GET' && m && byHash.has(m[1])) return { status: 200, body: byHash.get(m[1]) }
      return undefined
    })
    fakes.push(peer)
    const B = await startNode()
    const a = await post(`${B.url}/blocks`, chainRegtest.blocks[8], { 'X-Node-Url': peer.url })
    expectError(a, 202, 'unknown_parent')
    await waitFor(
      'B connects the orphan',
      async () => (await status(B.url)).tip_hash === chainRegtest.tip.hash,
      20_000
    )
    for (const b of chainRegtest.blocks.slice(1, 8)) {
      expect(
        peer.requests.some((q) => q.method === 'GET' && q.path === `/blocks/${b.hash}`),
        `asked for block ${b.index}`
      ).toBe(true)
    }
  })

  it('an orphan from a client without X-Node-Url: the node asks its other peers', async () => {
    const A = await startNode()
    await loadRegtestChain(A.url)
    const B = await startNode({ extra: ['--peer', A.url] })
    // B may catch up with A on its own through the --peer; offer a new block mined on A's tip's child
    const c10 = mineBlock(chainRegtest.blocks[8], [coinbase(keys.bob.address, 50, 10, gh)], {
      timestamp: chainRegtest.blocks[8].timestamp + 10_000
    })
    const c11 = mineBlock(c10, [coinbase(keys.bob.address, 50, 11, gh)], {
      timestamp: c10.timestamp + 10_000
    })
    // A gets block 10 without gossiping it to B? It may gossip it; either way B must end at 11.
    expect((await post(`${A.url}/blocks`, c10)).status).toBe(201)
    const r = await post(`${B.url}/blocks`, c11)
    expect([201, 202]).toContain(r.status)
    if (r.status === 202) expectError(r, 202, 'unknown_parent')
    await waitFor('B at block 11', async () => (await status(B.url)).tip_hash === c11.hash, 20_000)
  })

  it('invalid-blocks.json bad_previous_hash over HTTP → 202 unknown_parent, the node still answers', async () => {
    const v = (vector('invalid-blocks.json').invalid as Json[]).find(
      (x) => x.name === 'bad_previous_hash'
    )!
    const B = await startNode()
    await loadRegtestChain(B.url)
    const a = await post(`${B.url}/blocks`, v.block)
    expect(a.status).toBe(202)
    expect(a.body.error).toBe('unknown_parent')
    expect((await status(B.url)).tip_hash).toBe(chainRegtest.tip.hash)
  })
})

describe('peers on any TCP port', () => {
  // Ports that WHATWG fetch refuses ("bad ports"): 5060/5061 (SIP), 6000 (X11), 6665-6669 (IRC),
  // 10080. --port accepts them, so a node listening there must be reachable by its peers.
  it('a peer listening on a fetch "bad port" (e.g. 6000, 5060) is synced from by /nodes/resolve', async () => {
    const { createServer } = await import('node:net')
    const isFree = (p: number): Promise<boolean> =>
      new Promise((r) => {
        const s = createServer()
        s.once('error', () => r(false))
        s.listen(p, '127.0.0.1', () => s.close(() => r(true)))
      })
    let port: number | undefined
    for (const p of [6000, 5060, 5061, 6665, 6666, 6667, 6668, 6669, 10080])
      if (await isFree(p)) {
        port = p
        break
      }
    if (port === undefined) return // none free here: nothing to check
    const A = await startNode({ port })
    await loadRegtestChain(A.url)
    const B = await startNode()
    const r = await post(`${B.url}/nodes/register`, { nodes: [A.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    expect(
      (await status(B.url)).tip_hash,
      `peer on port ${port}; resolve said ${res.body.message}`
    ).toBe(chainRegtest.tip.hash)
  })
})
