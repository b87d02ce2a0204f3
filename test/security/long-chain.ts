/**
 * Helpers for the resource tests and bench/resources.ts: a data dir holding a long regtest chain
 * (written through Chain on a real SqliteStore, as a node writes it), a headless node serving it
 * in a child process (optionally under `prlimit --nofile=N`, so the file limit is the node's
 * own), that child's resident memory, and raw sockets from another loopback address.
 */
import { spawn, type ChildProcess } from 'node:child_process'
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
    for (let done = 0; done < n; ) {
      const step = Math.min(500, n - done)
      const blocks = buildChain(step, builder)
      // One transaction per 500 blocks: the chain is written exactly as a node writes it, faster.
      c.store.batch(() => {
        for (const b of blocks) {
          const o = c.chain.submit(b)
          if (o.kind !== 'accepted') throw new Error(`block ${b.index} refused: ${JSON.stringify(o)}`)
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
export async function serveChild(dataDir: string, opts: { nofile?: number; args?: string[] } = {}): Promise<ChildNode> {
  const home = tempDir('bf-res-home-')
  const nodeArgs = ['--import', 'tsx', HEADLESS, '--port', '0', '--data-dir', dataDir, '--network', 'regtest', ...(opts.args ?? [])]
  const [cmd, args] =
    opts.nofile === undefined
      ? [process.execPath, nodeArgs]
      : ['prlimit', [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...nodeArgs]]
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, BLOCKFORGE_HOME: home.path }, stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr: string[] = []
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l)
      if (m) res(m[1])
    })
    void exited.then(() => rej(new Error(`the node exited before listening: ${stderr.join(' | ')}`)))
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
export function timedGet(url: string, timeoutMs = 5000, localAddress?: string): Promise<{ ms: number; status: number; text: string }> {
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
