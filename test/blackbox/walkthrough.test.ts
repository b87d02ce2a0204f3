/**
 * The walkthrough session of PROTOCOL §7 with two real nodes (/mine, /transactions/new, /chain,
 * /nodes/register, /nodes/resolve), and /nodes/resolve against scripted peers: a chain with more
 * work replaces ours, a chain with an invalid block keeps its valid prefix.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import {
  chainRegtest,
  coinbase,
  fakePeer,
  fakeStatus,
  get,
  keys,
  MAIN_DIR,
  mineBlock,
  networks,
  post,
  startNode,
  status,
  stopAll,
  waitFor,
  type FakePeer,
  type Json
} from '../helpers/blackbox'

const peers: FakePeer[] = []
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()))
  await stopAll()
})

/**
 * The README's own session ("The walkthrough's session, over plain HTTP"): its curl lines, read
 * from README.md with only the two ports changed, each with the comment it carries.
 */
function readmeSession(): { command: string; comment: string }[] {
  const readme = readFileSync(join(MAIN_DIR, 'README.md'), 'utf8')
  const section = readme.split("### The walkthrough's session, over plain HTTP")[1]
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(.*?)\s+#\s+(.*)$/.exec(l)
      return m ? { command: m[1], comment: m[2] } : { command: l, comment: '' }
    })
}

describe("the README's walkthrough session, as written", () => {
  it('two nodes as the README starts them; each curl line answers what its comment says, resolve included', async () => {
    const A = await startNode()
    const B = await startNode({ extra: ['--peer', A.url] })
    const steps = readmeSession()
    expect(
      steps.map((s) =>
        s.command
          .split(/\s+/)
          .find((w) => /localhost:\d+\//.test(w))
          ?.replace(/^.*localhost:\d+/, '')
      )
    ).toEqual([
      '/mine',
      '/status',
      '/transactions/new',
      '/chain',
      '/nodes/register',
      '/nodes/resolve'
    ])
    const answers: Json[] = []
    for (const step of steps) {
      const cmd = step.command.replaceAll(':5000', `:${A.port}`).replaceAll(':6000', `:${B.port}`)
      const out = await promisify(execFile)('bash', ['-c', cmd])
      const body = JSON.parse(out.stdout)
      answers.push(body)
      if (step.command.includes('/chain')) {
        // Background sync usually gets there before the user registers and resolves: wait for it,
        // so that the case the README's comment must hold in is the one tested.
        await waitFor(
          "B to take A's block",
          async () => (await status(B.url)).tip_hash === body.chain.at(-1).hash
        )
      }
    }
    const [mined, statusB, sent, chainA, registered, resolved] = answers
    expect(steps[0].comment).toMatch(/^"New Block Forged"/)
    expect(mined.message).toBe('New Block Forged')
    expect(steps[1].comment).toMatch(/same genesis_hash/)
    expect(statusB.genesis_hash).toBe((await status(A.url)).genesis_hash)
    expect(sent.message).toBe('Transaction will be added to Block 3')
    expect(chainA.length).toBe(2)
    expect(registered.message).toBe('New nodes have been added')
    expect(registered.total_nodes).toEqual([`http://127.0.0.1:${A.port}`])
    expect(steps[5].comment).toBe('"Our chain was replaced"')
    expect(resolved.message, JSON.stringify(resolved).slice(0, 200)).toBe('Our chain was replaced')
    expect(resolved.new_chain).toEqual((await get(`${B.url}/chain`)).body.chain)
    expect(resolved.new_chain.map((b: Json) => b.hash)).toEqual(
      chainA.chain.map((b: Json) => b.hash)
    )
    // Nobody changed B's chain since: asked again, it is authoritative.
    const again = await get(`${B.url}/nodes/resolve`)
    expect(again.body.message).toBe('Our chain is authoritative')
    expect(again.body.chain).toEqual(resolved.new_chain)
    // The UI API's resolve carries the same outcome as a boolean (its display is translated).
    const ui = await post(`${B.url}/api/ui/resolve`, { args: [] })
    expect(ui.body).toEqual({
      ok: true,
      value: { replaced: false, message: 'Our chain is authoritative', length: 2 }
    })
  })

  it('a node whose own mining extended its chain since the last resolve stays authoritative', async () => {
    const A = await startNode()
    expect((await get(`${A.url}/nodes/resolve`)).body.message).toBe('Our chain is authoritative')
    expect((await get(`${A.url}/mine`)).status).toBe(200)
    const res = await get(`${A.url}/nodes/resolve`)
    expect(res.body.message).toBe('Our chain is authoritative')
    expect(res.body.chain.length).toBe(2)
  })
})

describe('walkthrough with two nodes', () => {
  it('mine on A twice, send, register A on B, mine on B, resolve on B: B ends on the most work', async () => {
    const [A, B] = await Promise.all([startNode(), startNode()])
    expect((await get(`${A.url}/mine`)).status).toBe(200)
    expect((await get(`${A.url}/mine`)).status).toBe(200)
    const t = await post(`${A.url}/transactions/new`, {
      recipient: keys.bob.address,
      amount: 7,
      fee: 1
    })
    expect(t.status, t.text).toBe(201)
    expect(t.body.message).toBe('Transaction will be added to Block 4')
    const chainA = await get(`${A.url}/chain`)
    expect(chainA.body.length).toBe(3)
    expect(chainA.body.chain.length).toBe(3)

    const r = await post(`${B.url}/nodes/register`, { nodes: [A.url] })
    expect(r.status, r.text).toBe(201)
    expect(r.body.message).toBe('New nodes have been added')
    expect(r.body.total_nodes).toEqual([A.url])

    expect((await get(`${B.url}/mine`)).status).toBe(200)
    const aStatus = await status(A.url)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status, res.text).toBe(200)
    const after = await status(B.url)
    const chainB = (await get(`${B.url}/chain`)).body.chain

    // B ends on the valid chain with the most work
    expect(BigInt(after.total_work)).toBeGreaterThanOrEqual(BigInt(aStatus.total_work))
    // B's chain came from A since it started (by catching up on registering, or in this
    // resolve), whether or not this resolve moved the tip itself: replaced.
    expect(res.body.message).toBe('Our chain was replaced')
    expect(res.body.new_chain).toEqual(chainB)
    // then asked again, nothing changes
    const again = await get(`${B.url}/nodes/resolve`)
    expect(again.body.message).toBe('Our chain is authoritative')
    expect(again.body.chain).toEqual(chainB)
  })

  it('B with less work than A, resolving against A → "Our chain was replaced" with new_chain = A’s chain', async () => {
    const [A, B] = await Promise.all([startNode(), startNode()])
    for (let i = 0; i < 3; i++) expect((await get(`${A.url}/mine`)).status).toBe(200)
    expect((await get(`${B.url}/mine`)).status).toBe(200)
    const chainA = (await get(`${A.url}/chain`)).body.chain
    const r = await post(`${B.url}/nodes/register`, { nodes: [A.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    const sB = await status(B.url)
    expect(sB.tip_hash).toBe(chainA.at(-1).hash)
    // Whether B synced from A on registration or in this resolve, its chain is now A's: replaced
    expect(res.body.message).toBe('Our chain was replaced')
    expect(res.body.new_chain).toEqual(chainA)
    // the block B mined itself is still known, as a side block
    const bChain = await get(`${B.url}/blocks/${chainA[1].hash}`)
    expect(bChain.status).toBe(200)
  })
})

function chainPeer(chain: Json[], totalWork: string): Promise<FakePeer> {
  return fakePeer((method, path) => {
    const url = new URL(path, 'http://x')
    if (method === 'GET' && url.pathname === '/status')
      return { status: 200, body: fakeStatus(chain.at(-1), totalWork) }
    if (method === 'GET' && url.pathname === '/chain') {
      const from = Number(url.searchParams.get('from') ?? 1)
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 500)
      return {
        status: 200,
        body: { chain: chain.filter((b) => b.index >= from).slice(0, limit), length: chain.length }
      }
    }
    if (method === 'GET' && url.pathname === '/blocks') {
      const from = Number(url.searchParams.get('from') ?? 1)
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 500)
      return { status: 200, body: { blocks: chain.filter((b) => b.index >= from).slice(0, limit) } }
    }
    if (method === 'GET' && url.pathname.startsWith('/blocks/')) {
      const b = chain.find((x) => x.hash === url.pathname.slice(8))
      return b ? { status: 200, body: b } : undefined
    }
    if (method === 'GET' && url.pathname === '/nodes') return { status: 200, body: { nodes: [] } }
    if (method === 'POST') return { status: 200, body: { message: 'ok' } }
    return undefined
  })
}

describe('/nodes/resolve against scripted peers', () => {
  it('a peer with chain-regtest.json (more work) → "Our chain was replaced", new_chain = that chain', async () => {
    const peer = await chainPeer(chainRegtest.blocks, chainRegtest.tip.total_work)
    peers.push(peer)
    const B = await startNode()
    const r = await post(`${B.url}/nodes/register`, { nodes: [peer.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    expect((await status(B.url)).tip_hash).toBe(chainRegtest.tip.hash)
    // also when B had synced from the peer on its own before resolve was asked
    expect(res.body.message).toBe('Our chain was replaced')
    expect(res.body.new_chain).toEqual(chainRegtest.blocks)
    const a = await get(`${B.url}/addresses/${keys.alice.address}`)
    expect(a.body.balance).toBe(chainRegtest.state[keys.alice.address].balance)
  })

  async function expectPrefixKept(served: Json[]): Promise<void> {
    const peer = await chainPeer(served, String(served.length * 256))
    peers.push(peer)
    const B = await startNode()
    const r = await post(`${B.url}/nodes/register`, { nodes: [peer.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    const s = await status(B.url)
    // §7: "takes its blocks as if offered one by one (a valid prefix is kept, the rest refused)"
    expect(s.index, `resolve answered ${res.text.slice(0, 200)}`).toBe(5)
    expect(s.tip_hash).toBe(chainRegtest.blocks[4].hash)
    expect(s.total_work).toBe(String(5 * 256))
    // B may have caught up on its own on registration; either way its chain came from the peer
    expect(res.body.message).toBe('Our chain was replaced')
    expect(res.body.new_chain).toEqual(chainRegtest.blocks.slice(0, 5))
    expect((await get(`${B.url}/blocks/${served[5].hash}`)).status).toBe(404)
  }

  it('a peer whose block 6 is invalid (bad coinbase, chain linked) → the valid prefix (to block 5) is kept', async () => {
    const gh = networks.regtest.genesis_hash
    const served: Json[] = chainRegtest.blocks.slice(0, 5)
    let p = served[4]
    for (let i = 0; i < 4; i++) {
      // block 6 pays 51: bad_coinbase; 7.. are fine on top of it
      const b = mineBlock(p, [coinbase(keys.carol.address, i === 0 ? 51 : 50, p.index + 1, gh)], {
        timestamp: p.timestamp + 9000
      })
      served.push(b)
      p = b
    }
    await expectPrefixKept(served)
  })

  it('a peer whose block 6 carries a wrong hash → the valid prefix (to block 5) is kept', async () => {
    const broken = chainRegtest.blocks.map((b: Json) => ({ ...b }))
    broken[5] = {
      ...broken[5],
      hash: broken[5].hash.slice(0, 63) + (broken[5].hash.endsWith('0') ? '1' : '0')
    }
    await expectPrefixKept(broken)
  })

  it('two peers: the one with the most work wins, whatever the order', async () => {
    const short = await chainPeer(chainRegtest.blocks.slice(0, 5), String(5 * 256))
    const long = await chainPeer(chainRegtest.blocks, chainRegtest.tip.total_work)
    peers.push(short, long)
    const B = await startNode()
    const r = await post(`${B.url}/nodes/register`, { nodes: [long.url, short.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    expect((await status(B.url)).tip_hash).toBe(chainRegtest.tip.hash)
    const chain = res.body.new_chain ?? res.body.chain
    expect(chain).toEqual(chainRegtest.blocks)
  })

  it('a peer with a different chain of equal work → "Our chain is authoritative", first seen stays', async () => {
    const gh = networks.regtest.genesis_hash
    const theirs = [
      networks.regtest.genesis,
      mineBlock(networks.regtest.genesis, [coinbase(keys.alice.address, 50, 2, gh)], {
        timestamp: networks.regtest.genesis.timestamp + 5000
      })
    ]
    const peer = await chainPeer(theirs, String(2 * 256))
    peers.push(peer)
    const B = await startNode()
    const mine = await get(`${B.url}/mine`)
    const r = await post(`${B.url}/nodes/register`, { nodes: [peer.url] })
    expect(r.status, r.text).toBe(201)
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    expect(res.body.message).toBe('Our chain is authoritative')
    expect(res.body.chain.map((b: Json) => b.hash)).toEqual([gh, mine.body.hash])
    expect((await status(B.url)).tip_hash).toBe(mine.body.hash)
  })

  it('a peer on another network is not followed', async () => {
    const mainChain = [networks.main.genesis]
    const peer = await fakePeer((method, path) => {
      if (path.startsWith('/status'))
        return { status: 200, body: fakeStatus(mainChain[0], networks.main.genesis_work, 'main') }
      if (path.startsWith('/chain')) return { status: 200, body: { chain: mainChain, length: 1 } }
      return undefined
    })
    peers.push(peer)
    const B = await startNode()
    await post(`${B.url}/nodes/register`, { nodes: [peer.url] })
    const res = await get(`${B.url}/nodes/resolve`)
    expect(res.status).toBe(200)
    expect(res.body.message).toBe('Our chain is authoritative')
    expect((await status(B.url)).genesis_hash).toBe(networks.regtest.genesis_hash)
  })
})
