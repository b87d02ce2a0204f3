/**
 * Who may use what (PROTOCOL §7) and the OpenAPI document. Control routes answer loopback
 * clients, and others only with `Authorization: Bearer <token>`; peer routes answer anyone; the
 * UI transport needs the token when one is set, else a loopback client using a loopback name.
 * Non-loopback clients are simulated with Fastify's inject (remoteAddress) on the node's own
 * server code, so no traffic leaves 127.0.0.1; the event stream is read over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createHttpServer } from '../../src/main/http/server'
import { nullLogger } from '../../src/main/log'
import { registerUiRoutes } from '../../src/main/http/ui-routes'
import { ROUTES } from '../../src/main/http/routes'
import { closeAll, http, startTestNode, type TestNode } from '../helpers/node-harness'

const TOKEN = 'test-token-123'
const REMOTE = '203.0.113.7'
let node: TestNode
let withToken: FastifyInstance
let noToken: FastifyInstance

beforeAll(async () => {
  node = await startTestNode({ apiToken: TOKEN })
  const { service, peers, mining, api, subscribe } = node.node
  withToken = createHttpServer({ service, peers, mining, apiToken: TOKEN, log: nullLogger() })
  registerUiRoutes(withToken, { api, subscribe }, { apiToken: TOKEN })
  noToken = createHttpServer({ service, peers, mining, log: nullLogger() })
  registerUiRoutes(noToken, { api, subscribe }, {})
  await withToken.ready()
  await noToken.ready()
})
afterAll(async () => {
  await withToken.close()
  await noToken.close()
  await closeAll()
})

const control = ROUTES.filter((r) => r.control)

describe('control routes', () => {
  it('refuses non-loopback clients without the token (403 forbidden)', async () => {
    for (const r of control) {
      const res = await withToken.inject({
        method: r.method,
        url: r.url,
        remoteAddress: REMOTE,
        payload: r.method === 'POST' ? {} : undefined
      })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({ error: 'forbidden' })
    }
    const wrong = await withToken.inject({
      url: '/mine',
      remoteAddress: REMOTE,
      headers: { authorization: 'Bearer nope' }
    })
    expect(wrong.statusCode).toBe(403)
    const none = await noToken.inject({
      url: '/mine',
      remoteAddress: REMOTE,
      headers: { authorization: `Bearer ${TOKEN}` }
    })
    expect(none.statusCode).toBe(403)
  })

  it('serves non-loopback clients that send the token, and loopback clients without it', async () => {
    const viaToken = await withToken.inject({
      url: '/mine',
      remoteAddress: REMOTE,
      headers: { authorization: `Bearer ${TOKEN}` }
    })
    expect(viaToken.statusCode).toBe(200)
    expect(viaToken.json().message).toBe('New Block Forged')
    const loop = await noToken.inject({ url: '/nodes/resolve', remoteAddress: '127.0.0.1' })
    expect(loop.statusCode).toBe(200)
    expect((await http(node.url, '/mine')).status).toBe(200)
  })

  it('serves peer routes to anyone', async () => {
    for (const url of ['/status', '/chain', '/blocks', '/nodes', '/transactions/pending']) {
      expect((await withToken.inject({ url, remoteAddress: REMOTE })).statusCode).toBe(200)
    }
  })
})

describe('UI transport', () => {
  it('needs the token when one is set, even on loopback', async () => {
    const call = (
      app: FastifyInstance,
      headers: Record<string, string>,
      remoteAddress = '127.0.0.1'
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/ui/getStatus',
        payload: { args: [] },
        headers: { host: '127.0.0.1', ...headers },
        remoteAddress
      })
    expect((await call(withToken, {})).statusCode).toBe(403)
    const ok = await call(withToken, { authorization: `Bearer ${TOKEN}` }, REMOTE)
    expect(ok.statusCode).toBe(200)
    expect(ok.json().walletAddress).toBe(node.node.service.wallet.address)
    expect((await call(noToken, {})).statusCode).toBe(200)
    expect((await call(noToken, {}, REMOTE)).statusCode).toBe(403)
    // A web page reaching loopback under another name (DNS rebinding) is refused.
    expect((await call(noToken, { host: 'evil.example:5000' })).statusCode).toBe(403)
    const unknown = await noToken.inject({
      method: 'POST',
      url: '/api/ui/nope',
      payload: { args: [] },
      headers: { host: 'localhost' }
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error).toBe('not_found')
  })

  it("answers the lab's fault methods only on the UI transport, behind the token", async () => {
    const call = (
      app: FastifyInstance,
      method: string,
      args: unknown[],
      headers: Record<string, string>,
      remoteAddress = '127.0.0.1'
    ) =>
      app.inject({
        method: 'POST',
        url: `/api/ui/${method}`,
        payload: { args },
        headers: { host: '127.0.0.1', ...headers },
        remoteAddress
      })
    const faults = node.node.peers.faults
    const link = ['http://127.0.0.1:9', { paused: true, latencyMs: 0, lossPercent: 0 }]
    for (const [m, args] of [
      ['setIsolated', [true]],
      ['setLinkFault', link],
      ['healAll', []],
      ['getFaults', []]
    ] as const) {
      // No token (when one is set), a remote client without it, another site's page.
      expect((await call(withToken, m, [...args], {})).statusCode, m).toBe(403)
      expect((await call(noToken, m, [...args], {}, REMOTE)).statusCode, m).toBe(403)
      expect(
        (await call(noToken, m, [...args], { origin: 'http://evil.example' })).statusCode
      ).toBe(403)
      expect((await call(noToken, m, [...args], { host: 'evil.example:5000' })).statusCode).toBe(
        403
      )
    }
    expect(faults.view()).toEqual({ isolated: false, isolatedSince: null, links: [] })
    // The protocol's routes have no way to a fault: none is named so, and none answers.
    expect(ROUTES.filter((r) => /fault|isolat|heal/i.test(r.url))).toEqual([])
    for (const url of ['/faults', '/nodes/faults', '/nodes/isolate', '/nodes/heal'])
      expect((await noToken.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(404)
    // With the token, from anywhere; without one, from this machine.
    const viaToken = await call(
      withToken,
      'setIsolated',
      [true],
      { authorization: `Bearer ${TOKEN}` },
      REMOTE
    )
    expect(viaToken.json()).toMatchObject({ ok: true, value: { isolated: true } })
    // A fault is set on a link to a peer: one kept though it does not answer (register's way).
    expect((await node.node.peers.register(link[0] as string)).ok).toBe(true)
    const local = await call(noToken, 'setLinkFault', link, {})
    expect(local.json()).toMatchObject({ ok: true, value: { links: [{ peer: link[0] }] } })
    expect((await call(noToken, 'healAll', [], {})).json()).toMatchObject({
      ok: true,
      value: { isolated: false, links: [] }
    })
  })

  it('streams node events as server-sent events (token in the query)', async () => {
    const ac = new AbortController()
    const res = await fetch(`${node.url}/api/ui/events?token=${TOKEN}`, { signal: ac.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    void http(node.url, '/mine')
    let text = ''
    const deadline = Date.now() + 10_000
    while (!/data: \{"type":"block"/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read()
      if (done) break
      text += Buffer.from(value).toString()
    }
    ac.abort()
    expect(text).toMatch(/data: \{"type":"block"/)
    expect((await fetch(`${node.url}/api/ui/events`)).status).toBe(403)
  })
})

describe('the built renderer over HTTP', () => {
  it('serves index.html and assets to the UI audience only, and nothing outside its folder', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tempDir } = await import('../helpers/temp')
    const ui = tempDir('bf-ui-')
    mkdirSync(join(ui.path, 'assets'))
    writeFileSync(join(ui.path, 'index.html'), '<!doctype html><title>Blockforge</title>')
    writeFileSync(join(ui.path, 'assets', 'app.js'), 'console.log(1)')
    const { service, peers, mining, api, subscribe } = node.node
    const app = createHttpServer({ service, peers, mining, apiToken: TOKEN, log: nullLogger() })
    registerUiRoutes(app, { api, subscribe }, { apiToken: TOKEN, serveUi: ui.path })
    try {
      const page = await app.inject({ url: `/?token=${TOKEN}`, remoteAddress: REMOTE })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toContain('text/html')
      expect(page.headers['content-security-policy']).toContain("default-src 'none'")
      const cookie = String(page.headers['set-cookie'])
      expect(cookie).toContain('HttpOnly')
      const asset = await app.inject({
        url: '/assets/app.js',
        remoteAddress: REMOTE,
        headers: { cookie: cookie.split(';')[0] }
      })
      expect(asset.statusCode).toBe(200)
      expect(asset.headers['content-type']).toContain('javascript')
      expect((await app.inject({ url: '/', remoteAddress: REMOTE })).statusCode).toBe(403)
      expect((await app.inject({ url: '/assets/app.js', remoteAddress: REMOTE })).statusCode).toBe(
        403
      )
      const escape = await app.inject({
        url: '/assets/..%2f..%2fpackage.json',
        remoteAddress: REMOTE,
        headers: { authorization: `Bearer ${TOKEN}` }
      })
      expect(escape.statusCode).toBe(404)
    } finally {
      await app.close()
      ui.remove()
    }
  })
})

describe('OpenAPI document', () => {
  it('describes every route of the endpoint', async () => {
    const doc = (await http(node.url, '/openapi.json')).body
    expect(doc.openapi).toBe('3.1.0')
    for (const r of ROUTES) {
      const path = r.url.replace(/:([a-z]+)/g, '{$1}')
      const op = doc.paths[path]?.[r.method.toLowerCase()]
      expect(op, `${r.method} ${r.url}`).toBeDefined()
      if (r.schema?.body)
        expect(op.requestBody.content['application/json'].schema).toEqual(
          JSON.parse(JSON.stringify(r.schema.body))
        )
      if (r.control) expect(op.security).toContainEqual({ bearer: [] })
    }
  })
})
