/**
 * Issue #8, "Web origins": no web page can drive a node on the user's machine.
 *
 * - DNS rebinding: raw node:http requests to 127.0.0.1 carrying a forged `Host: evil.example:PORT`
 *   (exactly what a browser sends once an attacker's name resolves to 127.0.0.1) are refused on
 *   every route that acts or reads private data, with or without the API token; peer routes
 *   stay open to any name.
 * - Cross-site requests: real Chromium loads an attacker page from another origin (127.0.0.1 on
 *   another port, and localhost) whose <img>, form POSTs and no-cors fetches hit the node; the node
 *   mines nothing and its pool and peers stay as they were, while the UI it serves at its own
 *   origin keeps working and curl keeps working as the README's walkthrough shows.
 * - Secrets: the API token is never printed, never on a child's command line.
 * - X-Node-Url: a remote client in a network namespace (a real non-loopback address) cannot make
 *   the node contact loopback or another private address; the same client needs the token for
 *   control routes and is refused with a rebinding Host even with it.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import {
  request as httpRequest,
  createServer,
  type IncomingHttpHeaders,
  type Server
} from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockToWire } from '../../src/main/core'
import { NodeOrigins } from '../../src/main/http/origins'
import { spawnLocalNode } from '../../src/main/app/launch'
import { makeBlock, namedWallet } from '../helpers/chain-builder'
import { launchChromium } from '../helpers/chromium'
import {
  closeAll,
  runCli,
  startTestNode,
  tipIndex,
  waitFor,
  type TestNode
} from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

const TOKEN = 'web-origins-token-42'
const RECIPIENT = '0000000000000000000000000000000000000001'

interface Raw {
  status: number
  body: string
  headers: IncomingHttpHeaders
}

/** One request with exactly the headers given (Host included): what fetch will not let us forge. */
function raw(
  url: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Raw> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(opts.body === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(opts.body)
              }),
          ...opts.headers
        },
        timeout: 20_000
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      }
    )
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`timeout on ${path}`)))
    req.end(opts.body)
  })
}

/** An HTTP/1.0 request without a Host header, as old tools send it; the raw answer. */
function http10(url: string, path: string): Promise<string> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(`GET ${path} HTTP/1.0\r\n\r\n`))
    let text = ''
    s.setEncoding('utf8')
    s.on('data', (c: string) => (text += c))
    s.on('end', () => resolve(text))
    s.on('error', reject)
    s.setTimeout(20_000, () => s.destroy(new Error('timeout')))
  })
}

/** Exactly these bytes as a request (what no HTTP client library lets us forge); the raw answer. */
function rawRequest(url: string, head: string): Promise<string> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(head))
    let text = ''
    s.setEncoding('utf8')
    s.on('data', (c: string) => {
      text += c
      // One answer is all we wait for (the connection may be kept alive).
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) s.end()
    })
    s.on('end', () => resolve(text))
    s.on('close', () => resolve(text))
    s.on('error', reject)
    s.setTimeout(20_000, () => s.destroy(new Error('timeout')))
  })
}

const portOf = (t: TestNode): number => Number(new URL(t.url).port)

/** Everything a web page could change: the tip, the pool, the peers. */
function snapshot(t: TestNode): {
  tip: number
  pool: number
  peers: string[]
  cutOff: boolean
} {
  return {
    tip: tipIndex(t),
    pool: t.node.service.pool.size,
    peers: t.node.peers.urls(),
    // The lab's link faults: a page must not cut the node off from its local peers either.
    cutOff: t.node.peers.faults.isolated
  }
}

/** The control routes as a web page would hit them (bodies the walkthrough would send). */
const CONTROL: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/mine' },
  { method: 'GET', path: '/nodes/resolve' },
  {
    method: 'POST',
    path: '/transactions/new',
    body: JSON.stringify({ recipient: RECIPIENT, amount: 5, fee: 1 })
  },
  {
    method: 'POST',
    path: '/nodes/register',
    body: JSON.stringify({ nodes: ['http://127.0.0.1:9'] })
  }
]
const UI: { method: string; path: string; body?: string }[] = [
  { method: 'POST', path: '/api/ui/mineOnce', body: '{"args":[]}' },
  { method: 'POST', path: '/api/ui/getWallet', body: '{"args":[]}' },
  { method: 'POST', path: '/api/ui/setIsolated', body: '{"args":[true]}' },
  { method: 'GET', path: '/api/ui/events' },
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/assets/app.js' }
]
const PUBLIC = ['/status', '/chain', '/blocks', '/nodes', '/transactions/pending']

/** A tiny stand-in for the built renderer: same origin calls to the UI API and event stream. */
function fakeUiDir(): string {
  const dir = tempDir('bf-ui-')
  mkdirSync(join(dir.path, 'assets'))
  writeFileSync(
    join(dir.path, 'index.html'),
    '<!doctype html><title>ui</title><script src="/assets/app.js"></script>'
  )
  writeFileSync(
    join(dir.path, 'assets', 'app.js'),
    `(async () => {
      try {
        const call = async (m) => {
          const r = await fetch('/api/ui/' + m, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"args":[]}' })
          if (!r.ok) throw new Error(m + ' answered ' + r.status)
          return r.json()
        }
        const es = new EventSource('/api/ui/events')
        const block = new Promise((res) => es.addEventListener('message', (e) => { if (JSON.parse(e.data).type === 'block') res(true) }))
        await new Promise((res, rej) => { es.onopen = res; es.onerror = () => rej(new Error('event stream refused')) })
        const before = (await call('getStatus')).index
        await call('mineOnce')
        await block
        const after = (await call('getStatus')).index
        window.result = { before, after }
      } catch (e) { window.result = { error: String(e) } }
    })()`
  )
  return dir.path
}

afterAll(closeAll)

describe('DNS rebinding: a forged Host is refused where it matters', () => {
  let open: TestNode
  let locked: TestNode
  beforeAll(async () => {
    const ui = fakeUiDir()
    open = await startTestNode({ serveUi: ui })
    locked = await startTestNode({ serveUi: ui, apiToken: TOKEN })
  })

  it('control routes, the UI API, the event stream and the served UI answer 403 forbidden to Host: evil.example:PORT', async () => {
    for (const [node, auth] of [
      [open, {}],
      [locked, { authorization: `Bearer ${TOKEN}` }]
    ] as const) {
      const before = snapshot(node)
      for (const r of [...CONTROL, ...UI]) {
        const a = await raw(node.url, r.path, {
          method: r.method,
          body: r.body,
          headers: { host: `evil.example:${portOf(node)}`, ...auth }
        })
        expect(a.status, `${r.method} ${r.path}: ${a.body}`).toBe(403)
        expect(JSON.parse(a.body)).toMatchObject({
          error: 'forbidden',
          message: expect.any(String)
        })
      }
      expect(snapshot(node)).toEqual(before)
    }
  })

  it('refuses loopback names on another port and names that only look local', async () => {
    const p = portOf(open)
    const before = snapshot(open)
    for (const host of [
      `localhost:${p + 1}`,
      `127.0.0.1:${p + 1}`,
      `localhost.evil.example:${p}`,
      `127.0.0.1.nip.io:${p}`,
      `evil.localhost:${p}`,
      'evil.example',
      `[::2]:${p}`
    ]) {
      const a = await raw(open.url, '/mine', { headers: { host } })
      expect(a.status, host).toBe(403)
    }
    expect(snapshot(open)).toEqual(before)
  })

  it('accepts the names the node answers to: 127.x, localhost, [::1] with its port; and HTTP/1.0 tools without Host', async () => {
    const p = portOf(open)
    for (const host of [
      `127.0.0.1:${p}`,
      `localhost:${p}`,
      `LOCALHOST:${p}`,
      `127.1.2.3:${p}`,
      `[::1]:${p}`
    ]) {
      const a = await raw(open.url, '/nodes/resolve', { headers: { host } })
      expect(a.status, `${host}: ${a.body}`).toBe(200)
    }
    // No Host at all is no browser (every browser sends one): a local HTTP/1.0 tool, served.
    const answer = await http10(open.url, '/nodes/resolve')
    expect(answer, answer).toMatch(/^HTTP\/1\.[01] 200 /)
  })

  it('takes the name from an absolute-form target, and refuses two Host headers or an HTTP/1.1 request without one', async () => {
    const p = portOf(open)
    const before = snapshot(open)
    // The authority of an absolute-form target overrides Host (RFC 9112 §3.2.2): that name is checked.
    const absolute = await rawRequest(
      open.url,
      `GET http://evil.example:${p}/mine HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n\r\n`
    )
    expect(absolute, absolute).toMatch(/^HTTP\/1\.1 403 /)
    expect(absolute).toContain('"error":"forbidden"')
    // Two Host headers, the first one ours: neither is taken (a 400 in the protocol's shape).
    for (const [first, second] of [
      [`127.0.0.1:${p}`, `evil.example:${p}`],
      [`evil.example:${p}`, `127.0.0.1:${p}`]
    ]) {
      const twice = await rawRequest(
        open.url,
        `GET /mine HTTP/1.1\r\nHost: ${first}\r\nHost: ${second}\r\n\r\n`
      )
      expect(twice, twice).toMatch(/^HTTP\/1\.1 400 /)
      expect(twice).toContain('"error":"invalid_field"')
    }
    const none = await rawRequest(open.url, 'GET /status HTTP/1.1\r\nConnection: close\r\n\r\n')
    expect(none, none).toMatch(/^HTTP\/1\.1 400 /)
    expect(none).toContain('"error":"invalid_field"')
    expect(snapshot(open)).toEqual(before)
    // Our own name in absolute form is served, as HTTP requires.
    const ours = await rawRequest(
      open.url,
      `GET http://127.0.0.1:${p}/status HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nConnection: close\r\n\r\n`
    )
    expect(ours, ours).toMatch(/^HTTP\/1\.1 200 /)
  })

  it('peer routes (GET /status, /chain, /blocks..., POST /blocks, /transactions) answer any Host', async () => {
    for (const path of PUBLIC) {
      const a = await raw(locked.url, path, {
        headers: { host: `peer.example.org:${portOf(locked)}` }
      })
      expect(a.status, path).toBe(200)
    }
    const tx = await raw(locked.url, '/transactions', {
      body: '{}',
      headers: { host: 'peer.example.org' }
    })
    expect(tx.status).toBe(400) // checked as a transaction, not refused as a request
    const block = await raw(locked.url, '/blocks', {
      body: '{}',
      headers: { host: 'peer.example.org' }
    })
    expect(block.status).toBe(400)
  })

  it('a rebound page (loopback, foreign Host, may set any header) cannot make the node contact a URL of its choosing', async () => {
    const asked: string[] = []
    const target = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`)
      res.writeHead(404)
      res.end()
    })
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r))
    const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}`
    try {
      const a = await raw(open.url, '/status', {
        headers: { host: `evil.example:${portOf(open)}`, 'x-node-url': targetUrl }
      })
      expect(a.status).toBe(200)
      await new Promise((r) => setTimeout(r, 700))
      expect(asked).toEqual([])
      // The same from a local process addressing the node by its name: learned (so this can fail).
      await raw(open.url, '/status', { headers: { 'x-node-url': targetUrl } })
      await waitFor(() => asked.length > 0, 'the node to probe a local sender')
      expect(asked[0]).toBe('GET /status')
    } finally {
      await new Promise((r) => target.close(r))
    }
  })

  it("a node on the wildcard address also answers to this machine's own interface addresses", async () => {
    const wild = await startTestNode({ host: '0.0.0.0' })
    const p = portOf(wild)
    const own = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && i.family === 'IPv4')
      .map((i) => i!.address)
    expect(own.length).toBeGreaterThan(0)
    for (const addr of own) {
      const a = await raw(`http://127.0.0.1:${p}`, '/nodes/resolve', {
        headers: { host: `${addr}:${p}` }
      })
      expect(a.status, addr).toBe(200)
    }
    expect(
      (
        await raw(`http://127.0.0.1:${p}`, '/nodes/resolve', {
          headers: { host: `evil.example:${p}` }
        })
      ).status
    ).toBe(403)
    await wild.close()
  })

  it('the --host name and the bound address are names the node answers to (one rule for control and UI routes)', () => {
    const named = new NodeOrigins(() => ({ address: '10.0.0.5', port: 5000 }), 'mynode.lan')
    expect(named.hostAllowed('mynode.lan:5000')).toBe(true)
    expect(named.hostAllowed('MyNode.LAN:5000')).toBe(true)
    expect(named.hostAllowed('10.0.0.5:5000')).toBe(true)
    expect(named.hostAllowed('localhost:5000')).toBe(true)
    expect(named.hostAllowed('mynode.lan:5001')).toBe(false)
    expect(named.hostAllowed('other.lan:5000')).toBe(false)
    expect(named.hostAllowed('10.0.0.6:5000')).toBe(false)
    expect(named.hostAllowed('mynode.lan:5000/x')).toBe(false)
    expect(named.hostAllowed('user@mynode.lan:5000')).toBe(false)
    expect(named.originAllowed('http://mynode.lan:5000')).toBe(true)
    expect(named.originAllowed('https://mynode.lan:5000')).toBe(false)
    expect(named.originAllowed('http://evil.example:5000')).toBe(false)
    expect(named.originAllowed('null')).toBe(false)
    const port80 = new NodeOrigins(() => ({ address: '127.0.0.1', port: 80 }))
    expect(port80.hostAllowed('localhost')).toBe(true)
    expect(port80.hostAllowed('localhost:80')).toBe(true)
  })
})

describe('cross-site requests', () => {
  let node: TestNode
  beforeAll(async () => {
    node = await startTestNode({ serveUi: fakeUiDir() })
  })

  it('refuses control and UI requests whose Origin or Sec-Fetch-Site names another site (403 forbidden)', async () => {
    const p = portOf(node)
    const before = snapshot(node)
    const foreign: Record<string, string>[] = [
      { origin: `http://127.0.0.1:${p + 1}` },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `https://127.0.0.1:${p}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'same-site', origin: `http://127.0.0.1:${p}` }
    ]
    for (const h of foreign) {
      for (const r of [...CONTROL, ...UI.filter((u) => u.path.startsWith('/api/'))]) {
        const a = await raw(node.url, r.path, { method: r.method, body: r.body, headers: h })
        expect(a.status, `${JSON.stringify(h)} ${r.path}: ${a.body}`).toBe(403)
        expect(JSON.parse(a.body).error).toBe('forbidden')
      }
    }
    expect(snapshot(node)).toEqual(before)
  })

  it("serves the node's own origin, Sec-Fetch-Site same-origin / none, and peers on POST /blocks from anywhere", async () => {
    const p = portOf(node)
    const own: Record<string, string>[] = [
      { origin: `http://127.0.0.1:${p}` },
      { origin: `http://localhost:${p}` },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' }
    ]
    for (const h of own) {
      const a = await raw(node.url, '/nodes/resolve', { headers: h })
      expect(a.status, JSON.stringify(h)).toBe(200)
    }
    // A peer's push is not an act on our wallet: another site may send it (it is checked as data).
    const push = await raw(node.url, '/blocks', {
      body: '{}',
      headers: { origin: 'http://evil.example' }
    })
    expect(push.status).toBe(400)
  })

  it('curl and scripts (no Origin, no Sec-Fetch-*) run the README walkthrough as before', async () => {
    const [a, b] = [node, await startTestNode()]
    const curl = (...args: string[]): Promise<string> =>
      new Promise((res, rej) =>
        execFile('curl', ['-s', '--max-time', '20', ...args], (e, out) => (e ? rej(e) : res(out)))
      )
    const A = `localhost:${portOf(a)}`
    const B = `localhost:${portOf(b)}`
    const height = tipIndex(a)
    expect(JSON.parse(await curl(`${A}/mine`)).message).toBe('New Block Forged')
    expect(JSON.parse(await curl(`${B}/status`)).genesis_hash).toBe(
      a.node.service.network.genesisHash
    )
    const tx = JSON.parse(
      await curl(
        '-X',
        'POST',
        `${A}/transactions/new`,
        '-H',
        'content-type: application/json',
        '-d',
        JSON.stringify({ recipient: RECIPIENT, amount: 5, fee: 1 })
      )
    )
    expect(tx.message, JSON.stringify(tx)).toMatch(/Transaction will be added to Block/)
    expect(JSON.parse(await curl(`${A}/chain`)).length).toBe(height + 1)
    const reg = JSON.parse(
      await curl(
        '-X',
        'POST',
        `${B}/nodes/register`,
        '-H',
        'content-type: application/json',
        '-d',
        JSON.stringify({ nodes: [a.url] })
      )
    )
    expect(reg.total_nodes).toContain(a.url)
    // B may already have caught up from A on registering it; either way it now holds A's chain.
    const resolved = JSON.parse(await curl(`${B}/nodes/resolve`))
    expect(['Our chain was replaced', 'Our chain is authoritative']).toContain(resolved.message)
    expect(b.node.service.chain.tip().hash).toBe(a.node.service.chain.tip().hash)
    await b.close()
  })
})

/** The attacker: a page from another origin whose images, forms and no-cors fetches hit the node. */
function attackPage(node: string): string {
  const body = (o: unknown): string => JSON.stringify(JSON.stringify(o))
  const jsonForm = (id: string, path: string, o: Record<string, unknown>): string => {
    // enctype=text/plain writes name=value: a name holding a JSON prefix yields a JSON body.
    const text = JSON.stringify({ ...o, pad: '' }).slice(0, -2)
    return `<iframe name="${id}-t" id="${id}-t"></iframe>
      <form id="${id}" action="${node}${path}" method="POST" enctype="text/plain" target="${id}-t">
      <input type="hidden" name='${text.replace(/'/g, '&#39;')}' value='"}'></form>`
  }
  return `<!doctype html><html><body>
  <img id="i1" src="${node}/mine"><img id="i2" src="${node}/nodes/resolve"><img id="i3" src="${node}/mine?again=1">
  ${jsonForm('f1', '/transactions/new', { recipient: RECIPIENT, amount: 5, fee: 1 })}
  ${jsonForm('f2', '/nodes/register', { nodes: ['http://127.0.0.1:9'] })}
  ${jsonForm('f3', '/api/ui/mineOnce', { args: [] })}
  <script>
  const settle = (p) => p.then(() => 'ok', (e) => String(e))
  const loaded = (el) => new Promise((r) => { el.onload = r; el.onerror = r })
  const imgs = ['i1', 'i2', 'i3'].map((id) => { const el = document.getElementById(id); return el.complete ? Promise.resolve() : loaded(el) })
  const frames = ['f1', 'f2', 'f3'].map((id) => { const f = document.getElementById(id + '-t'); const p = loaded(f); document.getElementById(id).submit(); return p })
  const fetches = [
    fetch('${node}/transactions/new', { mode: 'no-cors', method: 'POST', body: ${body({ recipient: RECIPIENT, amount: 5, fee: 1 })} }),
    fetch('${node}/nodes/register', { mode: 'no-cors', method: 'POST', body: ${body({ nodes: ['http://127.0.0.1:9'] })} }),
    fetch('${node}/api/ui/mineOnce', { mode: 'no-cors', method: 'POST', body: '{"args":[]}' }),
    fetch('${node}/api/ui/setIsolated', { mode: 'no-cors', method: 'POST', body: '{"args":[true]}' }),
    fetch('${node}/mine', { mode: 'no-cors' }),
    fetch('${node}/nodes/resolve', { mode: 'no-cors', credentials: 'include' })
  ].map(settle)
  Promise.all([...imgs, ...frames, ...fetches]).then(() => { document.title = 'done' })
  </script></body></html>`
}

describe('cross-site requests in Chromium', () => {
  let node: TestNode
  let browser: Browser
  let attacker: Server
  let attackerPort = 0
  beforeAll(async () => {
    node = await startTestNode({ serveUi: fakeUiDir() })
    attacker = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(attackPage(node.url))
    })
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r))
    attackerPort = (attacker.address() as { port: number }).port
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await new Promise((r) => attacker?.close(r))
  })

  for (const site of ['127.0.0.1', 'localhost']) {
    it(`a page on http://${site}:<other port> mines nothing and changes neither pool nor peers (img, form POST, no-cors fetch)`, async () => {
      const before = snapshot(node)
      const context = await browser.newContext() // a fresh profile each time
      const page = await context.newPage()
      const hits: { url: string; status: number }[] = []
      page.on('response', (r) => {
        if (r.url().startsWith(node.url)) hits.push({ url: r.url(), status: r.status() })
      })
      await page.goto(`http://${site}:${attackerPort}/`)
      await page.waitForFunction('document.title === "done"', undefined, { timeout: 20_000 })
      await context.close()
      // Whatever the node was going to do with those requests, it has done by now.
      await new Promise((r) => setTimeout(r, 300))
      expect(snapshot(node)).toEqual(before)
      // The requests did reach the node (this is no test of Chromium's own blocking) and got 403.
      const paths = new Set(hits.map((h) => new URL(h.url).pathname))
      for (const p of [
        '/mine',
        '/nodes/resolve',
        '/transactions/new',
        '/nodes/register',
        '/api/ui/mineOnce',
        '/api/ui/setIsolated'
      ])
        expect(paths, p).toContain(p)
      for (const h of hits) expect(h.status, h.url).toBe(403)
    }, 40_000)
  }

  it("the served UI at the node's own origin still works (UI API, event stream, mining) and cannot be framed", async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const res = await page.goto(`${node.url}/`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(res?.headers()['x-frame-options']).toBe('DENY')
    // Functions, not strings: the UI's CSP forbids eval.
    await page.waitForFunction(
      () => (globalThis as { result?: unknown }).result !== undefined,
      undefined,
      { timeout: 20_000 }
    )
    const result = await page.evaluate(() => (globalThis as { result?: unknown }).result)
    expect(result).toEqual({ before: expect.any(Number), after: expect.any(Number) })
    const r = result as { before: number; after: number }
    expect(r.after).toBe(r.before + 1)
    await context.close()
  }, 40_000)
})

describe('the API token is a secret', () => {
  it('the headless node never prints it, and says how to open the UI instead', async () => {
    const run = runCli([
      '--port',
      '0',
      '--network',
      'regtest',
      '--data-dir',
      tempDir('bf-tok-').path,
      '--api-token',
      TOKEN,
      '--ui-dir',
      fakeUiDir()
    ])
    try {
      const url = await run.listening
      await waitFor(() => run.stdout.some((l) => l.includes('?token=')), 'the line about the UI')
      const all = [...run.stdout, ...run.stderr].join('\n')
      expect(all).not.toContain(TOKEN)
      expect(all).toContain(`${url}/?token=<your API token>`)
    } finally {
      run.child.kill('SIGTERM')
      await run.exited
    }
  })

  it('BLOCKFORGE_API_TOKEN sets it without a flag (documented in --help)', async () => {
    const help = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../../src/main/headless.ts', import.meta.url)),
        '--help'
      ],
      {
        encoding: 'utf8'
      }
    )
    expect(help).toContain('BLOCKFORGE_API_TOKEN')
    const run = runCli(
      ['--port', '0', '--network', 'regtest', '--data-dir', tempDir('bf-tok-').path],
      { BLOCKFORGE_API_TOKEN: TOKEN }
    )
    try {
      const url = await run.listening
      // The UI API always needs the token when one is set, even on loopback.
      expect((await raw(url, '/api/ui/getStatus', { body: '{"args":[]}' })).status).toBe(403)
      expect(
        (
          await raw(url, '/api/ui/getStatus', {
            body: '{"args":[]}',
            headers: { authorization: `Bearer ${TOKEN}` }
          })
        ).status
      ).toBe(200)
    } finally {
      run.child.kill('SIGTERM')
      await run.exited
    }
  })

  it('a node started from the app ("Start another node") gets the token without it showing in the process list', async () => {
    const base = tempDir('bf-spawn-')
    const spawned = await spawnLocalNode({
      entry: fileURLToPath(new URL('../../src/main/headless.ts', import.meta.url)),
      execArgv: ['--import', 'tsx'],
      network: 'regtest',
      host: '127.0.0.1',
      dataDirBase: join(base.path, 'n'),
      peers: [],
      apiToken: TOKEN
    })
    try {
      const cmdline = readFileSync(`/proc/${spawned.child.pid}/cmdline`, 'utf8')
      expect(cmdline).toContain('--data-dir')
      expect(cmdline).not.toContain(TOKEN)
      expect((await raw(spawned.url, '/api/ui/getStatus', { body: '{"args":[]}' })).status).toBe(
        403
      )
      expect(
        (
          await raw(spawned.url, '/api/ui/getStatus', {
            body: '{"args":[]}',
            headers: { authorization: `Bearer ${TOKEN}` }
          })
        ).status
      ).toBe(200)
    } finally {
      const exited = new Promise((r) => spawned.child.once('exit', r))
      spawned.child.kill('SIGTERM')
      await exited
      base.remove()
    }
  }, 40_000)
})

// ---------------------------------------------------------------- a real remote client

function ipNetnsAllowed(): { ok: true } | { ok: false; why: string } {
  const probe = `bfprobe${process.pid}`
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' })
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' })
    return { ok: true }
  } catch (e) {
    return { ok: false, why: String((e as { stderr?: Buffer }).stderr ?? e).trim() }
  }
}
const netns = ipNetnsAllowed()
if (!netns.ok)
  console.warn(
    `web-origins: skipping the network-namespace test: \`ip netns add\` is not permitted here (${netns.why})`
  )

/**
 * The client inside the namespace: sends its requests, runs a server of its own (the honest
 * "this is me" X-Node-Url), and prints what it saw as one JSON line.
 */
const REMOTE_CLIENT = `
import http from 'node:http'
const cfg = JSON.parse(process.argv[2])
const hits = []
const srv = http.createServer((q, s) => { hits.push(q.method + ' ' + q.url); s.writeHead(404); s.end() })
await new Promise((r) => srv.listen(0, cfg.self, r))
const mine = 'http://' + cfg.self + ':' + srv.address().port
function send(path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(cfg.node)
    const q = http.request({ host: u.hostname, port: u.port, path, method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode, body: text }))
    })
    q.on('error', reject)
    q.end(body)
  })
}
const out = {}
const auth = { authorization: 'Bearer ' + cfg.token }
for (const [name, path, method, body] of cfg.control) {
  out['none ' + name] = (await send(path, { method, body })).status
  out['token ' + name] = (await send(path, { method, body, headers: auth })).status
  out['rebound ' + name] = (await send(path, { method, body, headers: { ...auth, host: 'evil.example:' + new URL(cfg.node).port } })).status
}
for (const victim of cfg.victims) {
  out['status naming ' + victim] = (await send('/status', { headers: { 'x-node-url': victim } })).status
  out['orphan naming ' + victim] = (await send('/blocks', { method: 'POST', body: cfg.orphan, headers: { 'x-node-url': victim } })).status
}
out['status naming itself'] = (await send('/status', { headers: { 'x-node-url': mine } })).status
const deadline = Date.now() + 8000
while (!hits.some((h) => h.startsWith('GET /status')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
out.selfContacted = hits.some((h) => h.startsWith('GET /status'))
srv.close()
console.log(JSON.stringify(out))
`

describe.skipIf(!netns.ok)('a remote client (network namespace, real non-loopback address)', () => {
  const id = `${process.pid % 100000}`
  const ns = `bfweb${id}`
  const hostIf = `bfh${id}`
  const nsIf = `bfn${id}`
  const net = `10.231.${(process.pid % 200) + 20}`
  const hostAddr = `${net}.1`
  const remoteAddr = `${net}.2`
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: 'pipe' })
  }
  let victims: Server[] = []
  const victimHits: string[] = []
  let node: TestNode

  beforeAll(async () => {
    ip('netns', 'add', ns)
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf)
    ip('link', 'set', nsIf, 'netns', ns)
    ip('addr', 'add', `${hostAddr}/24`, 'dev', hostIf)
    ip('link', 'set', hostIf, 'up')
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${remoteAddr}/24`, 'dev', nsIf)
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up')
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up')
    // Services of the user's own machine that a web page or remote client must not reach through us.
    for (const addr of ['127.0.0.1', hostAddr]) {
      const v = createServer((req, res) => {
        victimHits.push(`${addr} ${req.method} ${req.url}`)
        res.writeHead(404)
        res.end()
      })
      await new Promise<void>((r) => v.listen(0, addr, r))
      victims.push(v)
    }
    node = await startTestNode({ host: hostAddr, apiToken: TOKEN })
  }, 30_000)

  afterAll(async () => {
    await node?.close()
    await Promise.all(victims.map((v) => new Promise((r) => v.close(r))))
    victims = []
    try {
      ip('netns', 'del', ns)
    } catch {
      /* already gone */
    }
    try {
      ip('link', 'del', hostIf)
    } catch {
      /* went with the namespace */
    }
  })

  it('needs the token for control routes, refuses a rebinding Host even with it, and learns no loopback or private peer from X-Node-Url', async () => {
    const dir = tempDir('bf-ns-')
    const script = join(dir.path, 'client.mjs')
    writeFileSync(script, REMOTE_CLIENT)
    const orphan = makeBlock(
      { hash: 'ab'.repeat(32), index: 7, timestamp: Date.now() - 60_000 },
      [],
      namedWallet('ns').address
    )
    const victimUrls = victims.map((v) => {
      const a = v.address() as { address: string; port: number }
      return `http://${a.address}:${a.port}`
    })
    const before = snapshot(node)
    const cfg = {
      node: node.url,
      self: remoteAddr,
      token: TOKEN,
      victims: victimUrls,
      orphan: JSON.stringify(blockToWire(orphan)),
      control: [
        ['mine', '/mine', 'GET'],
        ['resolve', '/nodes/resolve', 'GET'],
        [
          'transactions/new',
          '/transactions/new',
          'POST',
          JSON.stringify({ recipient: RECIPIENT, amount: 1, fee: 1 })
        ],
        [
          'register',
          '/nodes/register',
          'POST',
          JSON.stringify({ nodes: [`http://${remoteAddr}:9`] })
        ]
      ]
    }
    const out = await new Promise<string>((res, rej) =>
      execFile(
        'ip',
        ['netns', 'exec', ns, process.execPath, script, JSON.stringify(cfg)],
        { timeout: 30_000 },
        (e, stdout, stderr) => (e ? rej(new Error(`${e.message}\n${stderr}`)) : res(stdout))
      )
    )
    dir.remove()
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | boolean>
    for (const name of ['mine', 'resolve', 'transactions/new', 'register']) {
      expect(r[`none ${name}`], `without the token: ${name}`).toBe(403)
      expect(r[`rebound ${name}`], `rebinding Host with the token: ${name}`).toBe(403)
    }
    expect(r['token mine']).toBe(200)
    expect(r['token resolve']).toBe(200)
    expect(r['token transactions/new']).toBe(201)
    expect(r['token register']).toBe(201)
    for (const v of victimUrls) {
      expect(r[`status naming ${v}`]).toBe(200)
      expect(r[`orphan naming ${v}`]).toBe(202)
    }
    // The honest case works: a client naming its own address is contacted (so the test can fail)…
    expect(r.selfContacted).toBe(true)
    // …while loopback and the machine's other addresses were never contacted on its say-so.
    await new Promise((res) => setTimeout(res, 500))
    expect(victimHits).toEqual([])
    const peers = node.node.peers.urls()
    for (const v of victimUrls) expect(peers).not.toContain(v)
    expect(tipIndex(node)).toBe(before.tip + 1) // the one /mine sent with the token
  }, 60_000)
})
