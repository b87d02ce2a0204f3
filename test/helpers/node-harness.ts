/**
 * Real nodes for functional tests: in-process regtest nodes on 127.0.0.1 with a free port and a
 * temp data dir (startNode, the same code the app and the headless entry run), child processes
 * of the headless entry for command-line tests, and small HTTP and waiting helpers. No mocks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { createLogger } from '../../src/main/log'
import { startNode, type NodeConfig, type RunningNode } from '../../src/main/app/run'
import { tempDir } from './temp'

export const ROOT = resolve(__dirname, '../..')
export const HEADLESS = resolve(ROOT, 'src/main/headless.ts')

/** Fast polling so catching up takes a fraction of a second. */
export const TEST_PEER_LIMITS = {
  pollMs: 250,
  statusTimeoutMs: 1500,
  chainTimeoutMs: 5000,
  pushTimeoutMs: 2000
}

export interface TestNode {
  node: RunningNode
  url: string
  dataDir: string
  /** Close the node (the data dir stays until remove). */
  stop(): Promise<void>
  /** Close and delete the data dir. */
  close(): Promise<void>
}

const open: TestNode[] = []

/** A regtest node on 127.0.0.1:0 with a fresh (or the given) data dir. */
export async function startTestNode(cfg: Partial<NodeConfig> = {}): Promise<TestNode> {
  const dir = cfg.dataDir === undefined ? tempDir('bf-node-') : undefined
  const dataDir = cfg.dataDir ?? dir!.path
  const node = await startNode({
    port: 0,
    host: '127.0.0.1',
    network: 'regtest',
    peers: [],
    mine: false,
    threads: 1,
    announce: false,
    // BF_TEST_LOG=debug (or any level) shows the nodes' logs while a test runs.
    logger: process.env.BF_TEST_LOG
      ? createLogger({
          level: process.env.BF_TEST_LOG === '1' ? 'debug' : process.env.BF_TEST_LOG
        }).child({ dir: dataDir.slice(-6) })
      : undefined,
    ...cfg,
    dataDir,
    peerLimits: { ...TEST_PEER_LIMITS, ...cfg.peerLimits }
  })
  let stopped = false
  const t: TestNode = {
    node,
    url: node.url,
    dataDir,
    stop: async () => {
      if (stopped) return
      stopped = true
      await node.close()
    },
    close: async () => {
      await t.stop()
      dir?.remove()
    }
  }
  open.push(t)
  return t
}

export async function startTestNodes(
  n: number,
  cfg: Partial<NodeConfig> = {}
): Promise<TestNode[]> {
  const out: TestNode[] = []
  for (let i = 0; i < n; i++) out.push(await startTestNode(cfg))
  return out
}

/** Close every node started by this file's tests (afterEach/afterAll). */
export async function closeAll(): Promise<void> {
  await Promise.allSettled(open.splice(0).map((t) => t.close()))
}

/** Poll `cond` until it holds; fails with `what` after `ms`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000
): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await cond()) return
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface HttpAnswer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  headers: Headers
}

/** Plain HTTP: JSON body in (objects are stringified, strings sent as they are), JSON out. */
export async function http(
  base: string,
  path: string,
  init: {
    method?: string
    body?: unknown
    headers?: Record<string, string>
    timeoutMs?: number
  } = {}
): Promise<HttpAnswer> {
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body)
  const res = await fetch(base + path, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    body,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers
    },
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000)
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

/** The tip index of a node. */
export const tipIndex = (t: TestNode): number => t.node.service.chain.tip().index
export const tipHash = (t: TestNode): string => t.node.service.chain.tip().hash

/** Mine `n` blocks on a node, one after another. */
export async function mine(t: TestNode, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await t.node.mining.mineOnce()
}

export interface CliRun {
  child: ChildProcess
  stdout: string[]
  stderr: string[]
  /** Resolves with the URL once the node prints "listening on ...". */
  listening: Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Start the headless entry from source under tsx (what `npm run node` builds and runs), so the
 * tests run the code as it is, without a build step.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', HEADLESS, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return watchCli(child)
}

/** A started headless node's output lines, its listening URL and its exit. */
export function watchCli(child: ChildProcess): CliRun {
  const stdout: string[] = []
  const stderr: string[] = []
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal }))
  )
  const listening = new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      stdout.push(l)
      const m = /^listening on (http:\/\/\S+)$/.exec(l)
      if (m) res(m[1])
    })
    void exited.then(({ code }) =>
      rej(new Error(`the node exited (${code}) before listening: ${stderr.join(' | ')}`))
    )
  })
  listening.catch(() => undefined)
  return { child, stdout, stderr, listening, exited }
}

/** An HTTP proxy in front of `target` that records every request path (to count what a node asks). */
export async function recordingProxy(
  target: string
): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http')
  const paths: string[] = []
  const server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      fetch(target + req.url, {
        method: req.method,
        body,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }
      })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' })
          res.end(Buffer.from(await r.arrayBuffer()))
        })
        .catch(() => {
          res.writeHead(502)
          res.end()
        })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${addr.port}`,
    paths,
    // Closing waits for open connections: a node still polling through the proxy keeps one busy
    // (on a loaded machine, at the very moment of closing), so they are cut, not waited for.
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r())
        server.closeAllConnections()
      })
  }
}
