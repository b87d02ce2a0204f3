/**
 * Issue 12: the whole-chain answer (GET /chain, GET /nodes/resolve) served from bytes kept for
 * the tip (src/main/http/chain-cache.ts) instead of re-reading every row each time.
 *
 * - It is the same answer, byte for byte, as the streamed one, and as JSON.stringify of the
 *   stored blocks; after a new block or a reorganisation, the next answer is the new chain.
 * - Eight clients from one address (the walkthrough's way of benchmarking: one machine, keep-alive
 *   connections) are all answered once it is cached; before, one address got 2 whole-chain slots
 *   and the other 6 got 503.
 * - It is bounded: a chain longer than the cache's bytes is streamed from the store as before.
 * - A cached answer still cuts a reader that takes nothing.
 */
import { get as httpGet, type IncomingMessage } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { blockToWire } from '../../src/main/core'
import { ChainAnswerCache, FILL_MS } from '../../src/main/http/chain-cache'
import { chainJsonStream } from '../../src/main/http/chain-stream'
import { emptyBlocks, tipOf } from '../helpers/chain-builder'
import { closeAll, mine, startTestNode, type TestNode } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'
import { writeLongChain } from '../security/long-chain'

afterAll(closeAll)

function fetchAll(
  url: string
): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((res, rej) => {
    const r = httpGet(url, { agent: false }, (rs) => {
      const chunks: Buffer[] = []
      rs.on('data', (c: Buffer) => chunks.push(c))
      rs.on('end', () =>
        res({
          status: rs.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: rs.headers
        })
      )
      rs.on('error', rej)
    })
    r.setTimeout(30_000, () => r.destroy(new Error(`timeout ${url}`)))
    r.on('error', rej)
  })
}

/** GET /chain as the node's store says it should be now. */
function expectedChain(t: TestNode): string {
  const s = t.node.service
  const tip = s.tip().index
  const blocks = []
  for (let from = 1; from <= tip; from += 500) blocks.push(...s.store.mainBlocks(from, 500))
  return JSON.stringify({ chain: blocks.map(blockToWire), length: tip })
}

describe('the whole-chain answer cache', () => {
  it('answers byte for byte what the store holds, and the new chain after a block or a reorganisation', async () => {
    const dir = tempDir('bf-cache-')
    writeLongChain(dir.path, 400) // with transfers: several 64 KiB pages
    const t = await startTestNode({ dataDir: dir.path })
    const first = await fetchAll(`${t.url}/chain`) // streamed from the store, fills the cache
    expect(first.status).toBe(200)
    expect(first.body).toBe(expectedChain(t))
    const second = await fetchAll(`${t.url}/chain`) // from the cache
    expect(second.body).toBe(first.body)
    expect(second.headers['content-type']).toBe(first.headers['content-type'])
    // /nodes/resolve (no peers): the same blocks after its message, from the cache too.
    const r = await fetchAll(`${t.url}/nodes/resolve`)
    expect(r.body).toBe(
      `{"message":"Our chain is authoritative","chain":${JSON.stringify(JSON.parse(first.body).chain)}}`
    )

    // A new block: the next answer has it (a stale cache would answer 401 blocks).
    await mine(t)
    const third = await fetchAll(`${t.url}/chain`)
    expect(JSON.parse(third.body).chain.length).toBe(402)
    expect(third.body).toBe(expectedChain(t))
    expect((await fetchAll(`${t.url}/chain`)).body).toBe(third.body)

    // A reorganisation below the tip: a longer branch from block 390 replaces the last 12.
    const s = t.node.service
    const fork = s.block(s.mainHash(390)!)!
    for (const b of emptyBlocks(tipOf(fork), 20, 'ff'.repeat(20), 7))
      expect(s.submitBlock(b).kind).toBe('accepted')
    expect(s.tip().index).toBe(410)
    const after = await fetchAll(`${t.url}/chain`)
    expect(after.body).toBe(expectedChain(t))
    expect(JSON.parse(after.body).chain[390].hash).not.toBe(JSON.parse(third.body).chain[390].hash)
    await t.close()
    dir.remove()
  }, 60_000)

  it('eight clients from one address are all answered once the answer is cached (before: 2 slots, 6 got 503)', async () => {
    const t = await startTestNode()
    await mine(t, 30)
    const one = await fetchAll(`${t.url}/chain`)
    const all = await Promise.all(Array.from({ length: 8 }, () => fetchAll(`${t.url}/chain`)))
    for (const a of all) {
      expect(a.status, a.body.slice(0, 200)).toBe(200)
      expect(a.body).toBe(one.body)
    }
  })

  it('a chain longer than the cache is streamed from the store every time, and still bounded by the gate', async () => {
    const t = await startTestNode({
      httpLimits: { chainCacheBytes: 1024, wholeChainReads: { perAddress: 2, queued: 0 } }
    })
    await mine(t, 30) // about 15 KiB of answer: over 1 KiB
    const one = await fetchAll(`${t.url}/chain`)
    expect(one.body).toBe(expectedChain(t))
    const all = await Promise.all(Array.from({ length: 8 }, () => fetchAll(`${t.url}/chain`)))
    // Nothing cached: the per-address limit still applies to these reads of the store.
    expect(all.filter((a) => a.status === 503).length).toBeGreaterThan(0)
    for (const a of all.filter((x) => x.status === 200)) expect(a.body).toBe(one.body)
  })

  it('ChainAnswerCache: kept only for the tip it was read at, within its bytes, one filler at a time', () => {
    let tip = 'a'
    const c = new ChainAnswerCache(() => tip, 10)
    const f = c.filler()!
    expect(c.filler()).toBeUndefined() // one at a time
    f.add(Buffer.from('{1},'))
    f.add(Buffer.from('{2}'))
    f.finish('a', 2)
    expect(c.current()).toEqual({ tipHash: 'a', lastIndex: 2, body: Buffer.from('{1},{2}') })
    tip = 'b' // the main chain changed: the entry is dropped
    expect(c.current()).toBeUndefined()
    expect(c.bytes).toBe(0)
    // Read at a tip that is no longer the tip when the stream ends: not kept.
    const g = c.filler()!
    g.add(Buffer.from('{1}'))
    g.finish('a', 1)
    expect(c.current()).toBeUndefined()
    // Over the bytes: not kept, and no other stream collects it until the main chain changes.
    const h = c.filler()!
    h.add(Buffer.from('0123456789'))
    h.add(Buffer.from('x'))
    expect(c.filler()).toBeUndefined()
    tip = 'c'
    const i = c.filler()!
    expect(i).toBeDefined()
    // A filler that has not finished within FILL_MS (a slow reader) gives way to the next.
    expect(c.filler()).toBeUndefined()
    const j = c.filler(Date.now() + FILL_MS)!
    expect(j).toBeDefined()
    i.add(Buffer.from('{1}'))
    i.finish('c', 1) // superseded: not kept
    expect(c.current()).toBeUndefined()
    j.add(Buffer.from('{2}'))
    j.finish('c', 1)
    expect(c.current()?.body.toString()).toBe('{2}')
  })

  it('ChainAnswerCache.extend: a block on the cached tip is appended, in place, without changing what readers hold', () => {
    let tip = 'g'
    const c = new ChainAnswerCache(() => tip, 40)
    const genesis = { hash: 'g', json: '{1}' }
    // A node whose chain was its genesis block: the entry starts with it.
    tip = 'b2'
    c.extend('g', { hash: 'b2', index: 2 }, '{2}', genesis)
    expect(c.current()).toEqual({ tipHash: 'b2', lastIndex: 2, body: Buffer.from('{1},{2}') })
    const held = c.current()!.body // a reader's view
    tip = 'b3'
    c.extend('b2', { hash: 'b3', index: 3 }, '{3}', genesis)
    expect(c.current()?.body.toString()).toBe('{1},{2},{3}')
    expect(held.toString()).toBe('{1},{2}')
    // A block on another parent (the entry is not its chain): dropped as stale, not appended.
    tip = 'x4'
    c.extend('zz', { hash: 'x4', index: 4 }, '{x}', genesis)
    expect(c.current()).toBeUndefined()
    // Over the bytes: dropped, and no stream collects it again until the chain changes.
    const d = new ChainAnswerCache(() => tip, 12)
    tip = 'b2'
    d.extend('g', { hash: 'b2', index: 2 }, '{2}', genesis)
    tip = 'b3'
    d.extend('b2', { hash: 'b3', index: 3 }, '{3333333}', genesis)
    expect(d.current()).toBeUndefined()
    expect(d.filler()).toBeUndefined()
  })

  it('stays byte for byte the chain while the node mines and while another node catches up from it', async () => {
    const a = await startTestNode()
    for (let i = 0; i < 3; i++) {
      await mine(a, 7)
      expect((await fetchAll(`${a.url}/chain`)).body).toBe(expectedChain(a))
    }
    const sent = await a.node.api.sendTransaction({ recipient: 'ef'.repeat(20), amount: 3, fee: 1 })
    expect(sent.ok).toBe(true)
    await mine(a, 2)
    expect((await fetchAll(`${a.url}/chain`)).body).toBe(expectedChain(a))
    const b = await startTestNode()
    expect((await b.node.api.addPeer(a.url)).ok).toBe(true)
    await expect
      .poll(() => b.node.service.tip().hash, { timeout: 15_000 })
      .toBe(a.node.service.tip().hash)
    expect((await fetchAll(`${b.url}/chain`)).body).toBe(expectedChain(a))
  })

  it('a cached answer still cuts a reader that takes nothing after stallMs', async () => {
    const cached = { tipHash: 'a', lastIndex: 1, body: Buffer.alloc(1024 * 1024, 0x20) }
    const source = { mainBlockJson: () => [] }
    const s = chainJsonStream(source, { head: '[', tail: () => ']', stallMs: 300, cached })
    const err = new Promise<Error>((r) => s.once('error', r))
    s.once('readable', () => undefined) // start it, then never read
    expect((await err).message).toMatch(/read nothing for 300 ms/)
    expect(s.destroyed).toBe(true)
  })
})
