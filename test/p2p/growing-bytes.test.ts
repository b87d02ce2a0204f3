/**
 * How a peer's answer is held while it comes (p2p/growing-bytes.ts): in one buffer
 * that doubles, whatever the chunks. A peer may send its answer a byte per chunk (chunked
 * encoding); held one Buffer per chunk, that cost hundreds of bytes of memory per byte of answer
 * (a 16 MB answer took a node to 6.5 GB).
 */
import fc from 'fast-check'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { GrowingBytes } from '../../src/main/p2p/growing-bytes'
import { peerRequest } from '../../src/main/p2p/http-client'

describe('GrowingBytes', () => {
  it('holds every byte in order, in at most twice the bytes that came', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40_000 }), { maxLength: 40 }),
        fc.nat({ max: 50_000 }),
        (chunks, expected) => {
          const body = new GrowingBytes(expected)
          for (const c of chunks) body.add(Buffer.from(c))
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)))
          expect(body.bytes().equals(all)).toBe(true)
          expect(body.length).toBe(all.length)
          expect(body.capacity()).toBeLessThanOrEqual(Math.max(expected, 2 * all.length, 16 * 1024))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('holds a hundred thousand one-byte chunks in one buffer of at most twice their size', () => {
    const body = new GrowingBytes()
    for (let i = 0; i < 100_000; i++) body.add(Buffer.from([48 + (i % 10)]))
    expect(body.length).toBe(100_000)
    expect(body.capacity()).toBeLessThanOrEqual(200_000)
    expect(body.bytes().subarray(0, 12).toString()).toBe('012345678901')
  })
})

describe('an answer sent a byte per chunk, over real HTTP', () => {
  const servers: Server[] = []
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))

  /** Writes `text` one byte per chunk (no Content-Length: chunked encoding). */
  async function oneBytePerChunk(text: string): Promise<string> {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      for (const b of Buffer.from(text)) res.write(Buffer.from([b]))
      res.end()
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/blocks`
  }

  it('reads it whole, and still cuts an element over the cap', async () => {
    const blocks = Array.from({ length: 100 }, (_, i) => ({ index: i, hash: 'a'.repeat(64) }))
    const ok = await peerRequest(await oneBytePerChunk(JSON.stringify({ blocks })), {
      timeoutMs: 10_000,
      maxBytes: 100_000,
      maxItemBytes: 200
    })
    expect(ok.ok && ok.json).toEqual({ blocks })

    const over = [...blocks.slice(0, 50), { index: 50, hash: 'a'.repeat(300) }, ...blocks]
    const cut = await peerRequest(await oneBytePerChunk(JSON.stringify({ blocks: over })), {
      timeoutMs: 10_000,
      maxBytes: 100_000,
      maxItemBytes: 200
    })
    expect(cut).toMatchObject({ ok: false, reason: 'too_large', element: true })
  })
})
