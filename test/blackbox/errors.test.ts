/**
 * PROTOCOL §7 error answers: `{"error", "message"}` with a 4xx for every bad request, never a 5xx,
 * and the node keeps answering. Malformed JSON, bodies that are not objects, wrong or missing
 * content-type, empty bodies, bodies over 2 MiB (413 payload_too_large), unknown routes (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expect4xxError,
  expectError,
  fetchReq,
  get,
  keys,
  networks,
  post,
  req,
  startNode,
  stopAll,
  type NodeProc
} from '../helpers/blackbox'

let node: NodeProc
const POST_ROUTES = ['/blocks', '/transactions', '/transactions/new', '/nodes/register']
const JSON_CT = { 'content-type': 'application/json' }

beforeAll(async () => {
  node = await startNode({ network: 'regtest' })
})
afterAll(stopAll)

async function stillAnswers(): Promise<void> {
  const s = await get(`${node.url}/status`)
  expect(s.status).toBe(200)
  expect(s.body.genesis_hash).toBe(networks.regtest.genesis_hash)
}

describe('bodies that are not a JSON object → 400 invalid_json', () => {
  const bodies: [string, string][] = [
    ['malformed', '{"index": 2,'],
    ['garbage', 'not json at all'],
    ['trailing garbage', '{"a":1} x'],
    ['array', '[1,2,3]'],
    ['empty array', '[]'],
    ['string', '"hello"'],
    ['number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['whitespace only', '   ']
  ]
  for (const route of POST_ROUTES) {
    for (const [what, body] of bodies) {
      it(`POST ${route}: ${what}`, async () => {
        const a = await post(`${node.url}${route}`, body, JSON_CT)
        expectError(a, 400, 'invalid_json')
      })
    }
  }

  it('an empty body with content-type application/json → 400 invalid_json', async () => {
    for (const route of POST_ROUTES) {
      const a = await req('POST', `${node.url}${route}`, '', JSON_CT)
      expectError(a, 400, 'invalid_json')
    }
  })

  it('no body and no content-type → 4xx in the error shape', async () => {
    for (const route of POST_ROUTES) {
      const a = await req('POST', `${node.url}${route}`)
      expect4xxError(a, ['invalid_json', 'invalid_field'])
    }
  })

  it('the node still answers', stillAnswers)
})

describe('content-type', () => {
  const validJsonButObject = JSON.stringify({ nodes: 'x' })
  for (const ct of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'multipart/form-data; boundary=x'
  ]) {
    it(`POST with content-type ${ct} → 4xx in the error shape (never a 5xx)`, async () => {
      for (const route of POST_ROUTES) {
        const a = await post(`${node.url}${route}`, validJsonButObject, { 'content-type': ct })
        // "JSON in": either the body is read as JSON anyway (then nodes:'x' is invalid_field /
        // the object lacks fields), or the content-type is refused; in both cases a §7 error.
        expect4xxError(a)
      }
    })
  }

  it('application/json; charset=utf-8 is JSON', async () => {
    const a = await post(`${node.url}/nodes/register`, JSON.stringify({ nodes: 'x' }), {
      'content-type': 'application/json; charset=utf-8'
    })
    expectError(a, 400, 'invalid_field')
  })

  it('the node still answers', stillAnswers)
})

describe('payload_too_large', () => {
  const big = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024 + 10) })
  for (const route of POST_ROUTES) {
    it(`POST ${route} with a body over 2 MiB → 413 payload_too_large`, async () => {
      // fetch, like a script: a raw client that keeps writing after the 413 may see EPIPE
      const a = await fetchReq('POST', `${node.url}${route}`, big, JSON_CT)
      expectError(a, 413, 'payload_too_large')
    })
  }

  it('chunked (no content-length) over 2 MiB → 413 payload_too_large', async () => {
    const a = await req('POST', `${node.url}/blocks`, big, {
      ...JSON_CT,
      'transfer-encoding': 'chunked'
    }).catch((e) => e as Error)
    // a server may close the connection after answering 413 while the client still writes
    if (a instanceof Error) {
      expect(String(a)).toMatch(/EPIPE|ECONNRESET|socket hang up/)
    } else expectError(a, 413, 'payload_too_large')
  })

  it('a body just under 2 MiB is not refused as too large', async () => {
    const under = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024 - 100) })
    expect(Buffer.byteLength(under)).toBeLessThan(2 * 1024 * 1024)
    const a = await post(`${node.url}/blocks`, under, JSON_CT)
    expect(a.status).not.toBe(413)
    expect4xxError(a)
  })

  it('the node still answers', stillAnswers)
})

describe('unknown routes → 404 not_found', () => {
  for (const [m, p] of [
    ['GET', '/nope'],
    ['GET', '/does/not/exist'],
    ['GET', '/index.html'],
    ['GET', '/status/extra'],
    ['POST', '/status'],
    ['PUT', '/blocks'],
    ['DELETE', '/chain'],
    ['GET', '/transactions'],
    ['GET', '/blocks/abc/def'],
    ['POST', '/mine'],
    ['PATCH', '/nodes']
  ] as const) {
    it(`${m} ${p}`, async () => {
      const body = m === 'GET' || m === 'DELETE' ? undefined : {}
      const a = await req(m, `${node.url}${p}`, body)
      // an unknown route is 404 not_found; a known path with the wrong method may also be 405
      if (a.status === 405) expect4xxError(a)
      else expectError(a, 404, 'not_found')
    })
  }
  it('the node still answers', stillAnswers)

  it('GET / is no protocol route: 404 not_found, or (documented extension) the desktop UI as HTML', async () => {
    const a = await get(`${node.url}/`)
    if (a.status === 200) expect(a.headers['content-type']).toMatch(/text\/html/)
    else expectError(a, 404, 'not_found')
  })
})

describe('wrong field types on POST routes → 400 invalid_field, message names the field', () => {
  it('POST /blocks with a half-empty object', async () => {
    const a = await post(`${node.url}/blocks`, { index: 2 })
    expectError(a, 400, 'invalid_field')
  })
  it('POST /blocks where transactions is not a list', async () => {
    const b = { ...networks.regtest.genesis, index: 2, transactions: 'none' }
    const a = await post(`${node.url}/blocks`, b)
    expectError(a, 400, 'invalid_field')
    expect(a.body.message).toContain('transactions')
  })
  it('POST /blocks with hex of the wrong case', async () => {
    const b = {
      ...networks.regtest.genesis,
      previous_hash: networks.regtest.genesis_hash.toUpperCase(),
      index: 2
    }
    expectError(await post(`${node.url}/blocks`, b), 400, 'invalid_field')
  })
  it('POST /transactions with an empty object', async () => {
    expectError(await post(`${node.url}/transactions`, {}), 400, 'invalid_field')
  })
  it('POST /transactions with a huge integer, a nested object, deep nesting', async () => {
    const base = {
      id: '00'.repeat(32),
      sender: keys.alice.address,
      recipient: keys.bob.address,
      amount: 1,
      fee: 0,
      nonce: 0,
      public_key: keys.alice.public_key,
      signature: '00'.repeat(64)
    }
    for (const patch of [{ amount: 1e300 }, { amount: { n: 1 } }, { nonce: [0] }, { fee: null }]) {
      const a = await post(`${node.url}/transactions`, { ...base, ...patch })
      expectError(a, 400, ['invalid_field', 'bad_transaction'])
    }
    const deep = '['.repeat(50_000) + ']'.repeat(50_000)
    const a = await post(`${node.url}/transactions`, `{"id":${deep}}`, JSON_CT)
    expect4xxError(a)
  })
  it('the node still answers', stillAnswers)
})

describe('prototype-shaped keys are just keys', () => {
  it('__proto__ and constructor keys: a 4xx in the error shape, or the body read as plain data', async () => {
    for (const route of POST_ROUTES) {
      for (const body of [
        '{"__proto__": {"x": 1}}',
        '{"constructor": {"prototype": {"x": 1}}}',
        '{"nodes": [], "__proto__": null}'
      ]) {
        const a = await post(`${node.url}${route}`, body, JSON_CT)
        expect(a.status, `${route} ${body}: ${a.text}`).toBeLessThan(500)
        if (a.status >= 400) expect4xxError(a)
      }
    }
  })
  it('the node still answers', stillAnswers)
})

describe('queries and paths never give a 5xx', () => {
  it('odd paths', async () => {
    for (const p of [
      '/blocks/%ZZ',
      '/transactions/%00',
      '/addresses/%2e%2e',
      '/blocks?from=%ZZ',
      '/chain?limit[]=1',
      '/blocks?from=1&from=2',
      '/transactions/' + 'a'.repeat(5000),
      '/addresses/' + 'b'.repeat(40) + '/x'
    ]) {
      const a = await get(`${node.url}${p}`)
      expect(a.status, `${p}: ${a.text}`).toBeLessThan(500)
      if (a.status >= 400) expect4xxError(a)
    }
  })
  it('the node still answers', stillAnswers)
})
