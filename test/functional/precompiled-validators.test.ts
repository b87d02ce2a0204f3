/**
 * The built node's request validators (out/node/validators.cjs, scripts/validators.ts) are the
 * ones the node would compile on first use: every route with a schema has its own, and each
 * gives the same verdict and the same first error as Fastify's Ajv compiler with the node's
 * options, over valid and broken requests. A node given them answers a broken request as
 * before, and one given another build's file compiles its own. The module is generated here into
 * a temp folder under out/, as the build does.
 */
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockToWire, NETWORKS, txToWire } from '../../src/main/core'
import { ROUTES } from '../../src/main/http/routes'
import { AJV_OPTIONS, validatorKey } from '../../src/main/http/server'
import { UI_CALL_SCHEMA } from '../../src/main/http/ui-routes'
import { HTTP_API_PREFIX } from '../../src/shared/api'
import { validatorsModule } from '../../scripts/validators'
import { emptyBlocks, tipOf } from '../helpers/chain-builder'
import { closeAll, http, ROOT, startTestNode } from '../helpers/node-harness'

type Validate = ((data: unknown) => boolean) & { errors?: unknown }

// Under out/, as the build's: the module finds fastify (and Fastify's Ajv) from where it is.
mkdirSync(join(ROOT, 'out'), { recursive: true })
const dir = mkdtempSync(join(ROOT, 'out', 'test-validators-'))
const file = join(dir, 'validators.cjs')
let table: Record<string, Validate>
let sha256: string

beforeAll(async () => {
  const { code } = await validatorsModule()
  writeFileSync(file, code)
  sha256 = createHash('sha256').update(code).digest('hex')
  table = createRequire(import.meta.url)(file) as Record<string, Validate>
})
afterAll(async () => {
  await closeAll()
  rmSync(dir, { recursive: true, force: true })
})

const PARTS = ['body', 'querystring', 'params', 'headers'] as const
/** Every (route, part) with a schema, as Fastify compiles them (GET routes answer HEAD too). */
function schemaParts(): { key: string; route: Record<string, unknown> }[] {
  const routes = [
    ...ROUTES.map((r) => ({ method: r.method, url: r.url, schema: r.schema ?? {} })),
    { method: 'POST', url: `${HTTP_API_PREFIX}:method`, schema: UI_CALL_SCHEMA }
  ]
  return routes.flatMap((r) =>
    (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]).flatMap((method) =>
      PARTS.filter((part) => (r.schema as Record<string, unknown>)[part] !== undefined).map(
        (httpPart) => {
          const route = {
            method,
            url: r.url,
            httpPart,
            schema: (r.schema as Record<string, unknown>)[httpPart]
          }
          return { key: validatorKey(route), route }
        }
      )
    )
  )
}

const genesis = NETWORKS.regtest.genesis
const [block2] = emptyBlocks(tipOf(genesis), 1, '00'.repeat(20))
const coinbase = txToWire(block2.transactions[0])
/** Requests of every shape the routes see: valid ones, and each kind of broken field. */
const SAMPLES: unknown[] = [
  undefined,
  null,
  0,
  'x',
  [],
  {},
  { nodes: ['http://127.0.0.1:5001'] },
  { nodes: [1] },
  { nodes: 'http://127.0.0.1:5001' },
  { nodes: Array.from({ length: 65 }, () => 'http://a') },
  { nodes: ['x'.repeat(3000)] },
  blockToWire(block2),
  { ...blockToWire(block2), index: '1' },
  { ...blockToWire(block2), index: -1 },
  { ...blockToWire(block2), hash: 'AB'.repeat(32) },
  { ...blockToWire(block2), transactions: [{ ...coinbase, amount: 1.5 }] },
  coinbase,
  { ...coinbase, signature: 12 },
  { ...coinbase, public_key: null, signature: null },
  { recipient: '00'.repeat(20), amount: 5, fee: 1 },
  { recipient: '00'.repeat(20), amount: '5', fee: 1 },
  { recipient: 'zz', amount: 5 },
  { from: '1', limit: '500' },
  { from: '01x' },
  { limit: '12345678901234567' },
  { hash: block2.hash },
  { hash: 'g'.repeat(64) },
  { id: block2.transactions[0].id },
  { address: '00'.repeat(20) },
  { address: '00'.repeat(21) },
  { method: 'getStatus' },
  { method: 'm'.repeat(65) },
  { args: [] },
  { args: Array.from({ length: 9 }, () => 0) },
  { args: 'x' }
]

describe('precompiled request validators', () => {
  it('cover every route with a schema, and nothing else', () => {
    const expected = schemaParts()
      .map((p) => p.key)
      .sort()
    expect(expected.length).toBeGreaterThan(10)
    expect(Object.keys(table).sort()).toEqual(expected)
  })

  it("give the same verdicts and first errors as the node's own compiler", () => {
    const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))
    const compile = fastifyRequire('@fastify/ajv-compiler')()({}, AJV_OPTIONS) as (
      route: Record<string, unknown>
    ) => Validate
    for (const { key, route } of schemaParts()) {
      const own = compile(route)
      const pre = table[key]
      for (const sample of SAMPLES) {
        const what = `${key} on ${JSON.stringify(sample)?.slice(0, 80)}`
        expect(pre(sample), what).toBe(own(sample))
        expect(pre.errors ?? null, what).toEqual(own.errors ?? null)
      }
    }
  })

  it('answer a broken request from a node given them as the protocol says', async () => {
    const n = await startTestNode({ httpValidators: { path: file, sha256 } })
    const r = await http(n.url, '/nodes/register', { body: { nodes: [1] } })
    expect(r.status).toBe(400)
    expect(r.body).toEqual({ error: 'invalid_field', message: 'nodes[0] must be string' })
    const q = await http(n.url, '/blocks?from=1x')
    expect(q.status).toBe(400)
    expect(q.body.error).toBe('invalid_field')
    expect(q.body.message).toMatch(/^query parameter from /)
    const ok = await http(n.url, '/nodes/register', { body: { nodes: [n.url] } })
    expect(ok.status).not.toBe(400)
  })

  it('are used only when the file is the one built with the node', async () => {
    // A file of the same shape whose register check refuses everything, with a made-up error.
    const odd = join(dir, 'odd-validators.cjs')
    const code =
      `const v = () => { v.errors = [{ instancePath: '', keyword: 'odd', params: {}, ` +
      `message: 'odd check' }]; return false }\n` +
      `module.exports = { ${JSON.stringify('POST /nodes/register body')}: v }\n`
    writeFileSync(odd, code)
    const hash = createHash('sha256').update(code).digest('hex')
    const body = { nodes: ['http://127.0.0.1:9'] }
    // Its own hash: the node uses it (so the check below can tell).
    const a = await startTestNode({ httpValidators: { path: odd, sha256: hash } })
    expect((await http(a.url, '/nodes/register', { body })).body.message).toBe('body odd check')
    // Another build's hash (the file was replaced while the node ran): compiled as from source.
    const b = await startTestNode({ httpValidators: { path: odd, sha256: '00'.repeat(32) } })
    expect((await http(b.url, '/nodes/register', { body })).status).not.toBe(400)
  })
})
