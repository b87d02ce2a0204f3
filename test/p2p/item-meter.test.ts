/**
 * The element meter of peer answers (p2p/http-client.ts ItemMeter) skips the inside of strings
 * with Buffer.indexOf; the rule it must keep is the byte-by-byte one below (its code before
 * that): the count of the current element's bytes restarts after each element that closes, or
 * a comma, at the list's depth, and an answer is cut as soon as one count passes the cap.
 * Random JSON-like bytes (quotes, escapes, brackets and commas in any order, so also junk and
 * unterminated strings), cut into random chunks, must get the same verdict and leave the same
 * state as the rule.
 */
import fc from 'fast-check'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { ItemMeter, peerRequest } from '../../src/main/p2p/http-client'

/** The rule, one byte at a time. */
class ByteByByte {
  depth = 0
  inString = false
  escaped = false
  run = 0
  constructor(private readonly max: number) {}
  feed(c: Buffer): boolean {
    for (let i = 0; i < c.length; i++) {
      const b = c[i]
      this.run++
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (b === 0x5c) this.escaped = true
        else if (b === 0x22) this.inString = false
      } else if (b === 0x22) this.inString = true
      else if (b === 0x7b || b === 0x5b) this.depth++
      else if (b === 0x7d || b === 0x5d) {
        this.depth--
        if (this.depth === 2) this.run = 0
      } else if (b === 0x2c && this.depth === 2) this.run = 0
      if (this.run > this.max) return false
    }
    return true
  }
}

/** Bytes that matter to the meter, and some that do not, as JSON text mostly has them. */
const PIECES = [
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  '\\',
  '\\"',
  '\\\\',
  'ab',
  '0123456789abcdef',
  ' ',
  'é'
]

const answer = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 400 })
  .map((parts) => Buffer.from(`{"blocks":[${parts.join('')}`))

/** `bytes` cut at the given (sorted, deduplicated) offsets. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let from = 0
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c))
    from = c
  }
  return out
}

describe('ItemMeter', () => {
  it('keeps the byte-by-byte rule however the answer is chunked', () => {
    fc.assert(
      fc.property(
        answer,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 120 }),
        (bytes, cuts, max) => {
          const fast = new ItemMeter(max)
          const rule = new ByteByByte(max)
          for (const c of chunked(bytes, cuts)) {
            const a = fast.feed(c)
            const b = rule.feed(c)
            expect(a).toBe(b)
            if (!b) return // the answer is cut here; what a cut meter holds does not matter
          }
          const { depth, inString, escaped, run } = rule
          expect(fast.state()).toEqual({ depth, inString, escaped, run })
        }
      ),
      { numRuns: 2000 }
    )
  })

  it('measures a long string in one element, and restarts after each element', () => {
    const m = new ItemMeter(120)
    const element = `{"hash":"${'ab'.repeat(40)}"}`
    expect(m.feed(Buffer.from(`{"blocks":[${element},${element}`))).toBe(true)
    expect(m.feed(Buffer.from(`,{"hash":"${'ab'.repeat(60)}"}`))).toBe(false)
  })
})

/**
 * peerRequest meters an answer only once it is longer than the cap (no element can be over the
 * cap before then), with the chunks held until then: the verdict is the meter's over every chunk.
 */
describe('a list answer with a cap per element, over real HTTP', () => {
  const servers: Server[] = []
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))

  /** Serves `chunks` one write at a time, each after the client had time to read the last. */
  async function serve(chunks: string[]): Promise<string> {
    const server = createServer(async (_req, res) => {
      res.setHeader('content-type', 'application/json')
      for (const c of chunks) {
        if (res.destroyed) return
        res.write(c)
        await new Promise((r) => setTimeout(r, 5))
      }
      res.end()
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/blocks`
  }
  const element = (n: number): string => `{"hash":"${'a'.repeat(n)}"}`
  const ask = (url: string) =>
    peerRequest(url, { timeoutMs: 5000, maxBytes: 100_000, maxItemBytes: 200 })

  it('takes an answer longer than the cap whose every element fits', async () => {
    const blocks = Array.from({ length: 40 }, () => element(150))
    const res = await ask(await serve([`{"blocks":[${blocks.join(',')}]}`]))
    expect(res.ok && (res.json as { blocks: unknown[] }).blocks).toHaveLength(40)
  })

  it('cuts an element over the cap after many that fit, and one in the first chunks', async () => {
    const fits = Array.from({ length: 20 }, () => element(150)).join(',')
    const late = await ask(await serve([`{"blocks":[${fits},`, element(300), ',', fits, ']}']))
    expect(late).toMatchObject({ ok: false, reason: 'too_large', element: true })
    // Over the cap only with the chunks held before the meter started: it reads them too.
    const early = await ask(
      await serve(['{"blocks":[{"hash":"', 'a'.repeat(150), 'a'.repeat(150), '"}]}'])
    )
    expect(early).toMatchObject({ ok: false, reason: 'too_large', element: true })
  })
})
