/**
 * Fuzzed requests (fast-check) against a real node over HTTP: random JSON values, raw bytes and
 * text under several content types, and valid blocks and transactions with one field replaced,
 * sent to every POST route, plus random path segments and query strings on every GET route.
 * Bodies must get only 4xx answers of the protocol's error shape (PROTOCOL §7); GET routes never
 * a 5xx; and the node still answers afterwards.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockToWire, NETWORKS, txToWire } from '../../src/main/core'
import { ROUTES } from '../../src/main/http/routes'
import { API_METHODS } from '../../src/shared/api'
import { makeBlock, namedWallet, tipOf } from '../helpers/chain-builder'
import { closeAll, http, mine, startTestNode, type TestNode } from '../helpers/node-harness'

let node: TestNode
const RUNS = 60

beforeAll(async () => {
  node = await startTestNode()
  await mine(node, 2)
})
afterAll(closeAll)

const contentTypes = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  ''
)

const rawBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '{"__proto__": {"x": 1}}',
    '{"constructor": {"prototype": {}}}',
    '{"a":1}{'
  )
)

async function send(path: string, body: string, type: string) {
  const headers: Record<string, string> = type ? { 'content-type': type } : {}
  return http(node.url, path, { method: 'POST', body, headers })
}

function expectClientError(r: {
  status: number
  body: { error?: unknown; message?: unknown }
}): void {
  expect(r.status).toBeGreaterThanOrEqual(400)
  expect(r.status).toBeLessThan(500)
  expect(typeof r.body.error).toBe('string')
  expect(typeof r.body.message).toBe('string')
}

const postRoutes = ROUTES.filter((r) => r.method === 'POST').map((r) => r.url)

describe('fuzzed bodies', () => {
  for (const path of postRoutes) {
    it(`POST ${path} answers random bodies with 4xx`, async () => {
      await fc.assert(
        fc.asyncProperty(rawBody, contentTypes, async (body, type) => {
          expectClientError(await send(path, body, type))
        }),
        { numRuns: RUNS }
      )
    })

    it(`POST ${path} answers random JSON objects with 4xx`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 10 }),
          async (obj) => {
            expectClientError(await send(path, JSON.stringify(obj), 'application/json'))
          }
        ),
        { numRuns: RUNS }
      )
    })
  }

  it('POST /blocks answers a valid block with one field replaced with 4xx', async () => {
    const svc = node.node.service
    const parent = svc.store.getBlock(svc.chain.tip().hash)!
    const fresh = blockToWire(
      makeBlock(tipOf(parent), [], namedWallet('fuzz').address, {
        timestamp: parent.timestamp + 1000
      })
    )
    const fields = Object.keys(fresh)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.jsonValue(), async (field, value) => {
        fc.pre(
          JSON.stringify(value) !==
            JSON.stringify((fresh as unknown as Record<string, unknown>)[field])
        )
        expectClientError(
          await send('/blocks', JSON.stringify({ ...fresh, [field]: value }), 'application/json')
        )
      }),
      { numRuns: RUNS * 2 }
    )
  })

  it('POST /transactions answers a signed transfer with one field replaced with 4xx', async () => {
    const w = namedWallet('fuzz-sender')
    const tx = txToWire(
      w.transfer(
        { recipient: namedWallet('x').address, amount: 1, fee: 0, nonce: 0 },
        NETWORKS.regtest.genesisHash
      )
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(tx)),
        fc.jsonValue(),
        async (field, value) => {
          fc.pre(
            JSON.stringify(value) !==
              JSON.stringify((tx as unknown as Record<string, unknown>)[field])
          )
          expectClientError(
            await send(
              '/transactions',
              JSON.stringify({ ...tx, [field]: value }),
              'application/json'
            )
          )
        }
      ),
      { numRuns: RUNS * 2 }
    )
  })

  it('POST bodies over 2 MiB get 413 payload_too_large', async () => {
    for (const path of postRoutes) {
      const r = await send(
        path,
        JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
        'application/json'
      )
      expect(r.status).toBe(413)
      expect(r.body.error).toBe('payload_too_large')
    }
  })
})

describe('fuzzed UI API calls', () => {
  const methods = API_METHODS.filter(
    (m) => !['mineOnce', 'startMining', 'startLocalNode', 'updateSettings', 'resolve'].includes(m)
  )
  it('POST /api/ui/<method> with random arguments never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.array(fc.jsonValue(), { maxLength: 4 }),
        async (m, args) => {
          const r = await send(`/api/ui/${m}`, JSON.stringify({ args }), 'application/json')
          expect(r.status).toBeLessThan(500)
        }
      ),
      { numRuns: RUNS * 3 }
    )
  })

  it('POST /api/ui/<method> with random bodies answers 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), rawBody, async (m, body) => {
        fc.pre(!/^\s*\{/.test(body))
        expectClientError(await send(`/api/ui/${m}`, body, 'application/json'))
      }),
      { numRuns: RUNS }
    )
  })
})

describe('fuzzed paths and queries', () => {
  const segment = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 70 }),
    fc.constantFrom('%', '%zz', '..', '0', '-1')
  )
  const getRoutes = ROUTES.filter((r) => r.method === 'GET').map((r) => r.url)

  for (const url of getRoutes) {
    it(`GET ${url} never answers 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(segment, segment, async (a, b) => {
          const path = url.includes(':') ? url.replace(/:[a-z]+/, encodeURIComponent(a)) : url
          const r = await http(
            node.url,
            `${path}?from=${encodeURIComponent(a)}&limit=${encodeURIComponent(b)}`
          )
          expect(r.status).toBeLessThan(500)
          if (r.status >= 400) expect(typeof r.body.error).toBe('string')
        }),
        { numRuns: url === '/mine' || url === '/nodes/resolve' ? 5 : RUNS }
      )
    })
  }

  it('still answers after all of that', async () => {
    const r = await http(node.url, '/status')
    expect(r.status).toBe(200)
    expect(r.body.index).toBeGreaterThanOrEqual(3)
  })
})
