/**
 * End-to-end harness: real headless nodes (regtest, temp data dirs, free ports) serving the built
 * renderer, and Chromium (test/helpers/chromium.ts) driven by playwright-core. Chromium missing is
 * a failure, not a skip: these tests are the only check that the UI works against a real node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { testTmp } from '../helpers/temp'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Browser, Page } from 'playwright-core'
import { findFreePort } from '../../src/main/app/config'

export const ROOT = resolve(import.meta.dirname, '../..')
/**
 * Whether this run takes the docs' screenshots: `npm run screenshots` (vitest.config.ts sets
 * UPDATE_SCREENSHOTS=1 for it). An ordinary test run walks the same screens and makes the same
 * checks, but takes no pictures: none would be kept, and it writes nothing into the checkout.
 */
export const CAPTURE = !!process.env.UPDATE_SCREENSHOTS
/** The committed screenshots, which the README shows. */
export const SCREENSHOTS = join(ROOT, 'docs/screenshots')

/** Saves the page as docs/screenshots/<name>.png, when this run takes screenshots (CAPTURE). */
export async function capture(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {}
): Promise<void> {
  if (!CAPTURE) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    fullPage: opts.fullPage ?? false
  })
}

let built: string | null = null
/**
 * Builds the app once per test process into a private folder (not out/, which a build running
 * beside the tests would replace under the nodes' feet) and returns its renderer directory.
 */
export function buildRenderer(): string {
  if (built) return built
  const outDir = mkdtempSync(join(testTmp(), 'bf-e2e-build-'))
  const cli = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js')
  const r = spawnSync(process.execPath, [cli, 'build', '--outDir', outDir], {
    cwd: ROOT,
    encoding: 'utf8'
  })
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`)
  builtDir = outDir
  const renderer = join(outDir, 'renderer')
  if (!existsSync(join(renderer, 'index.html')))
    throw new Error(`the build left no ${renderer}/index.html`)
  built = renderer
  return renderer
}

let builtDir: string | null = null
/** Removes the private build. */
export function cleanUpHarness(): void {
  if (builtDir) rmSync(builtDir, { recursive: true, force: true })
  builtDir = built = null
}

/** What the lab's files compare of a node's status: its tip's height and hash. */
export interface TipStatus {
  index: number
  tipHash: string
}

/** Two regtest nodes, A and B, in one temp home, serving the built UI (not peers yet). */
export interface NodePair {
  home: string
  a: TestNode
  b: TestNode
  /** Ends both nodes, removes the home and the harness's build. */
  stop(): Promise<void>
}

/**
 * The lab's end-to-end files' start: the renderer built, a temp home `bf-e2e-<name>-home-…`,
 * nodes `<name>-a` and `<name>-b` started in it. A node that started is ended again if the other
 * did not, so a failed start leaves nothing running.
 */
export async function startNodePair(name: string): Promise<NodePair> {
  const ui = buildRenderer()
  const home = mkdtempSync(join(testTmp(), `bf-e2e-${name}-home-`))
  const started = await Promise.allSettled([
    startHeadlessNode(`${name}-a`, home, ui),
    startHeadlessNode(`${name}-b`, home, ui)
  ])
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()))
    rmSync(home, { recursive: true, force: true })
    cleanUpHarness()
  }
  const failed = started.find((r) => r.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return { home, a: nodes[0], b: nodes[1], stop }
}

export interface TestNode {
  url: string
  token: string
  dataDir: string
  /** The page URL that hands the UI its token. */
  uiUrl: string
  stop(): Promise<void>
}

/**
 * A user's home folder in a temp folder, with the per-user config root inside it where the app
 * puts it on Linux (~/.config/Blockforge): nodes started with `user` keep their data dirs there,
 * so what they show (Settings' data directory, as ~/…) reads as on a user's machine.
 */
export interface TestUser {
  /** HOME for the nodes. */
  home: string
  /** The per-user config root (BLOCKFORGE_HOME), <home>/.config/Blockforge. */
  configRoot: string
  remove(): void
}

export function tempUser(): TestUser {
  const base = mkdtempSync(join(testTmp(), 'bf-e2e-user-'))
  const home = join(base, 'home')
  const configRoot = join(home, '.config', 'Blockforge')
  mkdirSync(configRoot, { recursive: true })
  return { home, configRoot, remove: () => rmSync(base, { recursive: true, force: true }) }
}

export interface NodeOptions {
  /**
   * Run as this user (HOME set to its home) with the data dir `<configRoot>/<profile>`, where the
   * app keeps its own (regtest, regtest-2, ...). Without it, a temp data dir.
   */
  user?: TestUser
  profile?: string
  /**
   * Leave the first-run screen to show, as on a user's first start. Without it the node is told
   * the screen was seen before any page opens, so that it does not cover the screens other tests
   * drive (test/e2e/first-run.test.ts is the first run's own test).
   */
  firstRun?: boolean
}

/**
 * A headless regtest node on a free port with its own data dir, serving out/renderer. Nodes given
 * the same `home` (the per-user config root) see each other as "nodes on this machine".
 */
export async function startHeadlessNode(
  name: string,
  home: string,
  uiDir: string,
  opts: NodeOptions = {}
): Promise<TestNode> {
  const port = await findFreePort('127.0.0.1')
  const dataDir = opts.user
    ? join(opts.user.configRoot, opts.profile ?? 'regtest')
    : mkdtempSync(join(testTmp(), `bf-e2e-${name}-`))
  const token = `tok-${name}-${Math.random().toString(36).slice(2)}`
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      // BF_E2E_ENTRY: another entry script taking the same flags, for trying a node change.
      process.env.BF_E2E_ENTRY ?? join(ROOT, 'src/main/headless.ts'),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      '--network',
      'regtest',
      '--api-token',
      token
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...(opts.user
          ? { HOME: opts.user.home, XDG_CONFIG_HOME: join(opts.user.home, '.config') }
          : {}),
        BLOCKFORGE_HOME: home,
        BLOCKFORGE_UI_DIR: uiDir
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let log = ''
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`node ${name} did not start in 30 s:\n${log}`)),
      30_000
    )
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log = (log + line + '\n').slice(-4000)
      const m = /listening on (http:\/\/\S+)/.exec(line)
      if (m) {
        clearTimeout(timer)
        res(m[1].replace(/\/$/, ''))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`node ${name} exited with ${code}:\n${log}`))
    })
  })
  const node: TestNode = {
    url,
    token,
    dataDir,
    uiUrl: `${url}/?token=${encodeURIComponent(token)}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  if (!opts.firstRun) await callNode(node, 'updateSettings', { welcomeSeen: true })
  return node
}

/**
 * Chromium with a fresh profile: $CHROMIUM_PATH, a system Chrome/Chromium, or the one from npm
 * (test/helpers/chromium.ts says which and why). Each node gets its own browser context, as a user
 * would have one browser profile per node: cookies are per host, not per port, so two nodes on
 * 127.0.0.1 would otherwise share them.
 */
export { launchChromium } from '../helpers/chromium'

export interface UiOptions {
  /** Browser permissions granted to the node's page (e.g. 'notifications'). */
  permissions?: string[]
  /** A script run in the page before the UI's own (e.g. to observe window.Notification). */
  initScript?: string
}

/** A page that fails the test on any uncaught error or console error of the UI. */
export async function openUi(
  browser: Browser,
  node: TestNode,
  errors: string[],
  opts: UiOptions = {}
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  if (opts.permissions) await context.grantPermissions(opts.permissions, { origin: node.url })
  if (opts.initScript) await context.addInitScript(opts.initScript)
  const page = await context.newPage()
  page.on('pageerror', (e) => errors.push(`${node.url}: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${node.url}: console: ${m.text()}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${node.url}: HTTP ${r.status()} for ${r.url()}`)
  })
  if (process.env.BF_E2E_DEBUG) {
    page.on('response', (r) => {
      if (r.url().includes('/api/ui/') && !r.url().endsWith('/events'))
        void r.text().then((t) => console.log(node.url, r.url().split('/').pop(), t.slice(0, 200)))
    })
  }
  const res = await page.goto(node.uiUrl)
  if (!res?.ok() || !(res.headers()['content-type'] ?? '').includes('text/html')) {
    throw new Error(
      `${node.url}/ answered ${res?.status()} instead of the UI: the headless node must serve the built ` +
        `renderer (this harness passes its folder as BLOCKFORGE_UI_DIR)`
    )
  }
  await page.getByRole('navigation').waitFor()
  return page
}

/** Goes to a hash route the way a user would land on it. */
export async function visit(page: Page, route: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(route)}`)
}

/** Calls the node's UI API directly, for test set-up and clean-up that is not under test. */
export async function callNode(
  node: TestNode,
  method: string,
  ...args: unknown[]
): Promise<unknown> {
  const res = await fetch(`${node.url}/api/ui/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${node.token}` },
    body: JSON.stringify({ args })
  })
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`)
  return res.json()
}

/**
 * Posts the node's tip block back to it with its proof changed and `hash` claimed (not the
 * header's SHA-256), as a forger would: the node refuses it with bad_hash. Returns the status.
 */
export async function postForgedTip(node: TestNode, hash: string): Promise<number> {
  const status = (await (await fetch(`${node.url}/status`)).json()) as { tip_hash: string }
  const tip = (await (await fetch(`${node.url}/blocks/${status.tip_hash}`)).json()) as {
    proof: number
  }
  const res = await fetch(`${node.url}/blocks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...tip, proof: tip.proof + 1, hash })
  })
  return res.status
}

/**
 * Calls the node's UI API and unwraps the answer: an action's ApiResult value (a refusal
 * throws, naming the method), or a read's bare value.
 */
export async function callValue<T>(node: TestNode, method: string, ...args: unknown[]): Promise<T> {
  const r = (await callNode(node, method, ...args)) as { ok?: boolean; value?: T }
  if (r && typeof r === 'object' && 'ok' in r) {
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r)}`)
    return r.value as T
  }
  return r as T
}
