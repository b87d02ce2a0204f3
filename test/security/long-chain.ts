/**
 * Helpers for the resource tests and bench/resources.ts: a data dir holding a long regtest chain
 * (written through Chain on a real SqliteStore, as a node writes it), a headless node serving it
 * in a child process (optionally under `prlimit --nofile=N`, so the file limit is the node's
 * own), that child's resident memory, and raw sockets from another loopback address.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { connect, type Socket } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { buildChain, ChainBuilder, openChain } from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const HEADLESS = resolve(ROOT, 'src/main/headless.ts')

/** Write `n` blocks after genesis into `dataDir` (transfers every third block). About 2 s per 3,000. */
export function writeLongChain(dataDir: string, n: number): { tipHash: string; length: number } {
  const c = openChain(dataDir)
  try {
    const builder = new ChainBuilder()
    for (let done = 0; done < n;) {
      const step = Math.min(500, n - done)
      const blocks = buildChain(step, builder)
      // One transaction per 500 blocks: the chain is written exactly as a node writes it, faster.
      c.store.batch(() => {
        for (const b of blocks) {
          const o = c.chain.submit(b)
          if (o.kind !== 'accepted')
            throw new Error(`block ${b.index} refused: ${JSON.stringify(o)}`)
        }
      })
      done += step
    }
    const tip = c.store.tip()
    return { tipHash: tip.hash, length: tip.index }
  } finally {
    c.close()
  }
}

export interface ChildNode {
  url: string
  pid: number
  child: ChildProcess
  stderr: string[]
  /** Resident set size of the node process in bytes (Linux /proc). */
  rss(): number
  stop(): Promise<void>
}

/**
 * The headless node on `dataDir` in a child process (node --import tsx, no npm in between, so
 * `pid` is the node's own). `nofile` runs it under `prlimit --nofile=N:N`, which execs the node.
 */
export async function serveChild(
  dataDir: string,
  opts: { nofile?: number; args?: string[] } = {}
): Promise<ChildNode> {
  const home = tempDir('bf-res-home-')
  const nodeArgs = [
    '--import',
    'tsx',
    HEADLESS,
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--network',
    'regtest',
    ...(opts.args ?? [])
  ]
  const [cmd, args] =
    opts.nofile === undefined
      ? [process.execPath, nodeArgs]
      : ['prlimit', [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...nodeArgs]]
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, BLOCKFORGE_HOME: home.path },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stderr: string[] = []
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l)
      if (m) res(m[1])
    })
    void exited.then(() =>
      rej(new Error(`the node exited before listening: ${stderr.join(' | ')}`))
    )
  })
  return {
    url,
    pid: child.pid!,
    child,
    stderr,
    rss: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      return m ? Number(m[1]) * 1024 : NaN
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(t)
      }
      home.remove()
    }
  }
}

/** A TCP connection to `url` from `localAddress` that sends nothing; resolves once connected. */
export function idleSocket(url: string, localAddress: string): Promise<Socket> {
  const u = new URL(url)
  return new Promise((res, rej) => {
    const s = connect({ host: u.hostname, port: Number(u.port), localAddress })
    s.once('connect', () => res(s))
    s.once('error', rej)
  })
}

/**
 * GET `url` on a new connection (no agent: a pooled connection opened before a flood would hide
 * it), with a deadline: the time it took, or Infinity when it failed or timed out.
 */
export function timedGet(
  url: string,
  timeoutMs = 5000,
  localAddress?: string
): Promise<{ ms: number; status: number; text: string }> {
  const t0 = performance.now()
  return new Promise((res) => {
    const fail = (): void => res({ ms: Infinity, status: 0, text: '' })
    const r = httpGet(url, { agent: false, localAddress }, (rs) => {
      let text = ''
      rs.setEncoding('utf8')
      rs.on('data', (c: string) => (text += c))
      rs.on('end', () => res({ ms: performance.now() - t0, status: rs.statusCode ?? 0, text }))
      rs.on('error', fail)
    })
    r.setTimeout(timeoutMs, () => r.destroy(new Error('timeout')))
    r.on('error', fail)
  })
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/**
 * The whole-chain hog of the attacker's review: `n` sockets from `localAddress`, each with a
 * tiny receive buffer (SO_RCVBUF, which Node cannot set: a Python child holds them), asking
 * GET /chain and never reading it; a socket that is closed or answered 503 is replaced at once.
 * Returns a stop function. Undefined when python3 is missing.
 */
export function chainHog(
  url: string,
  n: number,
  localAddress: string
): { stop: () => void; ready: Promise<void> } | undefined {
  if (spawnSync('python3', ['--version']).status !== 0) return undefined
  const u = new URL(url)
  const py = `
import socket, select, sys, time
host, port, n, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def one():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.bind((src, 0))
    s.connect((host, port))
    s.sendall(b"GET /chain HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")
    return s
socks = [one() for _ in range(n)]
print("ready", flush=True)
while True:
    time.sleep(0.05)
    for i, s in enumerate(socks):
        try:
            head = s.recv(12, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        except OSError:
            head = b""
        if head == b"" or head.startswith(b"HTTP/1.1 503"):
            s.close()
            try:
                socks[i] = one()
            except OSError:
                pass
`
  const child = spawn('python3', ['-c', py, u.hostname, u.port, String(n), localAddress], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const ready = new Promise<void>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && res())
    child.once('exit', (code) => rej(new Error(`the hog exited (${code})`)))
  })
  ready.catch(() => undefined)
  return { stop: () => void child.kill('SIGKILL'), ready }
}

/**
 * `perAddress` idle connections from each of `addresses`, each reopened as soon as it is
 * closed (by the node's caps or its first-request deadline), until stop().
 */
export function reopeningFlood(
  url: string,
  addresses: string[],
  perAddress: number
): { stop: () => void; open: () => number } {
  let stopped = false
  const live = new Set<Socket>()
  const keep = (addr: string): void => {
    if (stopped) return
    idleSocket(url, addr).then(
      (s) => {
        if (stopped) return void s.destroy()
        live.add(s)
        s.on('error', () => undefined)
        s.once('close', () => {
          live.delete(s)
          setImmediate(() => keep(addr))
        })
      },
      () => setTimeout(() => keep(addr), 20)
    )
  }
  for (const a of addresses) for (let i = 0; i < perAddress; i++) keep(a)
  return {
    stop: () => {
      stopped = true
      for (const s of live) s.destroy()
    },
    open: () => live.size
  }
}

/**
 * `n` clients from `localAddress` in a child process (so their reading does not slow the test's
 * own measurements), each asking `GET /chain?from=<random>&limit=500` or `GET /blocks?...`
 * (alternately) on new connections, one after another, until stopped; after a 503 a client
 * waits `backoffMs`. `maxFrom`: the highest `from` asked. stop() gives the answers counted.
 */
export function pagedReaders(
  url: string,
  n: number,
  localAddress: string,
  maxFrom: number,
  backoffMs = 1000
): { stop: () => Promise<{ served: number; refused: number; other: number }> } {
  const js = `
const http = require('node:http')
const [url, n, localAddress, maxFrom, backoff] = process.argv.slice(1)
let stop = false, served = 0, refused = 0, other = 0
process.stdin.on('data', () => { stop = true })
const one = (path) => new Promise((res) => {
  const r = http.get(url + path, { agent: false, localAddress }, (rs) => {
    rs.resume()
    rs.on('end', () => res(rs.statusCode))
    rs.on('error', () => res(0))
  })
  r.setTimeout(30000, () => r.destroy())
  r.on('error', () => res(0))
})
const reader = async (i) => {
  while (!stop) {
    const from = 1 + Math.floor(Math.random() * Number(maxFrom))
    const s = await one(i % 2 ? '/chain?from=' + from + '&limit=500' : '/blocks?from=' + from + '&limit=500')
    if (s === 200) served++
    else if (s === 503) { refused++; await new Promise((r) => setTimeout(r, Number(backoff))) }
    else other++
  }
}
Promise.all(Array.from({ length: Number(n) }, (_, i) => reader(i))).then(() => {
  process.stdout.write(JSON.stringify({ served, refused, other }) + '\\n')
})
`
  const child = spawn(
    process.execPath,
    ['-e', js, url, String(n), localAddress, String(maxFrom), String(backoffMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit']
    }
  )
  const result = new Promise<{ served: number; refused: number; other: number }>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', (l) => res(JSON.parse(l)))
    child.once('exit', (code) => rej(new Error(`the readers exited (${code})`)))
  })
  result.catch(() => undefined)
  return {
    stop: async () => {
      child.stdin!.write('stop\n')
      const r = await result
      child.kill()
      return r
    }
  }
}
