/**
 * Which Chromium the browser tests drive (test/helpers/chromium.ts), so that `npm install && npm
 * test` needs nothing else on a fresh Linux x64 machine: the lookup order as a pure decision, the
 * package's flags merged without the ones that switch off web security, the npm Chromium unpacked
 * once even by processes racing, and that Chromium really launched (system ones hidden) loading a
 * page from a real HTTP server with the same-origin policy still in force.
 */
import { existsSync, readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import sparticuz from '@sparticuz/chromium'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BASE_ARGS,
  chooseChromium,
  mergeArgs,
  resolveChromium,
  unpackNpmChromium
} from '../helpers/chromium'
import { tempDir } from '../helpers/temp'

const on =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p)

describe('choosing a Chromium', () => {
  const linux = { platform: 'linux' as const, arch: 'x64' }

  it('takes $CHROMIUM_PATH first, over a system Chromium', () => {
    const c = chooseChromium({
      ...linux,
      env: { CHROMIUM_PATH: '/opt/c/chrome' },
      exists: on('/opt/c/chrome', '/usr/bin/chromium')
    })
    expect(c).toEqual({ ok: true, source: 'CHROMIUM_PATH', path: '/opt/c/chrome' })
  })

  it('refuses a $CHROMIUM_PATH that does not exist instead of quietly using another browser', () => {
    const c = chooseChromium({
      ...linux,
      env: { CHROMIUM_PATH: '/nope' },
      exists: on('/usr/bin/chromium')
    })
    expect(c.ok).toBe(false)
    expect(!c.ok && c.reason).toContain('/nope')
  })

  it('uses a system Chromium or Chrome where the distribution installs it', () => {
    expect(chooseChromium({ ...linux, env: {}, exists: on('/usr/bin/chromium') })).toMatchObject({
      source: 'system',
      path: '/usr/bin/chromium'
    })
    expect(
      chooseChromium({ ...linux, env: {}, exists: on('/usr/bin/google-chrome') })
    ).toMatchObject({ path: '/usr/bin/google-chrome' })
  })

  it('falls back to the npm Chromium on Linux x64, also when system ones are set aside', () => {
    expect(chooseChromium({ ...linux, env: {}, exists: on() })).toEqual({ ok: true, source: 'npm' })
    const aside = { BLOCKFORGE_NO_SYSTEM_CHROMIUM: '1' }
    expect(chooseChromium({ ...linux, env: aside, exists: on('/usr/bin/chromium') })).toEqual({
      ok: true,
      source: 'npm'
    })
  })

  it('tells a machine the npm Chromium does not run on (arm64, macOS, Windows) to set CHROMIUM_PATH', () => {
    for (const where of [
      { platform: 'linux' as const, arch: 'arm64' },
      { platform: 'darwin' as const, arch: 'arm64' },
      { platform: 'win32' as const, arch: 'x64' }
    ]) {
      const c = chooseChromium({ ...where, env: {}, exists: on() })
      expect(c.ok).toBe(false)
      expect(!c.ok && c.reason).toMatch(/CHROMIUM_PATH/)
    }
  })

  it('finds Chrome where macOS and Windows install it', () => {
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
    expect(
      chooseChromium({ platform: 'darwin', arch: 'arm64', env: {}, exists: on(mac) })
    ).toMatchObject({ path: mac })
    const win = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'
    const env = { PROGRAMFILES: 'C:\\Program Files' }
    expect(chooseChromium({ platform: 'win32', arch: 'x64', env, exists: on(win) })).toMatchObject({
      path: win
    })
  })
})

describe("the npm Chromium's flags merged with ours", () => {
  const merged = mergeArgs(BASE_ARGS, sparticuz.args)
  const names = merged.map((a) => a.split('=')[0])

  it('keeps ours first and never names a flag twice', () => {
    expect(merged.slice(0, BASE_ARGS.length)).toEqual(BASE_ARGS)
    expect(new Set(names).size).toBe(names.length)
  })

  it('leaves out what switches off web security or replaces Playwright’s own feature lists', () => {
    for (const bad of [
      '--disable-web-security',
      '--allow-running-insecure-content',
      '--disable-site-isolation-trials',
      '--single-process',
      '--disable-features',
      '--enable-features'
    ]) {
      expect(
        sparticuz.args.some((a) => a.startsWith(bad)),
        `the package no longer passes ${bad}`
      ).toBe(true)
      expect(names).not.toContain(bad)
    }
    expect(names).toContain('--no-zygote')
  })
})

describe('the npm Chromium', () => {
  let server: Server
  let origin = ''
  let other = ''
  beforeAll(async () => {
    // Two origins on one server: the page's, and another port that answers without CORS headers.
    const page = `<!doctype html><html lang="en"><title>t</title><h1>Hello Blockforge</h1><script>
      fetch('http://127.0.0.1:' + location.search.slice(1) + '/data')
        .then(() => 'read', () => 'blocked').then((r) => { document.title = r })</script>`
    server = createServer((req, res) => {
      res.writeHead(200, {
        'content-type': req.url?.startsWith('/data') ? 'application/json' : 'text/html'
      })
      res.end(req.url?.startsWith('/data') ? '{"secret":1}' : page)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const second = createServer((_req, res) => res.end('{"secret":2}'))
    await new Promise<void>((r) => second.listen(0, '127.0.0.1', r))
    other = String((second.address() as { port: number }).port)
    server.once('close', () => second.close())
  })
  afterAll(async () => {
    await new Promise((r) => server?.close(r))
  })

  it('unpacks once into one folder even when two processes race for it', async () => {
    const cache = tempDir('bf-chromium-cache-')
    try {
      const [a, b] = await Promise.all([
        unpackNpmChromium(cache.path),
        unpackNpmChromium(cache.path)
      ])
      expect(a.executablePath).toBe(b.executablePath)
      expect(existsSync(a.executablePath)).toBe(true)
      // One finished copy, no half-unpacked folder left behind by the loser.
      expect(readdirSync(cache.path)).toEqual([a.dir.split('/').pop()])
    } finally {
      cache.remove()
    }
  }, 120_000)

  it('launches with system Chromium set aside, renders the page, and keeps the same-origin policy', async () => {
    const spec = await resolveChromium({
      ...process.env,
      CHROMIUM_PATH: '',
      BLOCKFORGE_NO_SYSTEM_CHROMIUM: '1'
    })
    expect(spec.source).toBe('npm')
    const browser = await chromium.launch({
      executablePath: spec.executablePath,
      headless: true,
      args: spec.args,
      env: spec.env
    })
    try {
      const page = await (await browser.newContext()).newPage()
      await page.goto(`${origin}/?${other}`)
      await page.waitForFunction('document.title !== "t"')
      expect(await page.title()).toBe('blocked')
      expect(await page.getByRole('heading').textContent()).toBe('Hello Blockforge')
      const width = await page.getByRole('heading').evaluate((h) => h.getBoundingClientRect().width)
      expect(width).toBeGreaterThan(50) // glyphs were found: text has width
      expect(browser.version()).toMatch(/^\d+\./)
    } finally {
      await browser.close()
    }
  }, 120_000)
})
