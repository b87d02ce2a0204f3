/**
 * Side by side with the walkthrough's Flask node (issue 12): the original `blockchain.py` of
 * dvf/blockchain (vendored untouched in bench/reference/) and Blockforge's headless node
 * (`node out/node/headless.js`, the built JavaScript), both in child processes on 127.0.0.1,
 * measured in the same run, rounds interleaved (which goes first alternates), medians:
 *
 * 1. Start-up and idle memory: time from spawn to the first answered request (ours GET /status;
 *    the original has no /status, so its GET /chain), and RSS one second later (/proc).
 * 2. GET /chain of a 500- and a 1,000-block chain of coinbase-only blocks (the original's built
 *    through its own GET /mine, ours through GET /mine on regtest): CLIENTS keep-alive clients
 *    (one connection each, each asking again as soon as its answer is read) for SECONDS;
 *    requests/s and requests per CPU-second of the server process (utime + stime from
 *    /proc/<pid>/stat before and after, worker threads included). Only whole 200 answers count;
 *    anything else is reported as refused.
 * 3. RSS of each server after serving the 1,000-block chain to those clients (and its peak).
 *    Ours is restarted on its data dir before the rounds of each size: GET /mine started its
 *    miner worker threads, which stay for the next block, and the figure is about serving.
 * 4. An empty node catching up with that chain, the walkthrough's way: POST /nodes/register of
 *    the server, then GET /nodes/resolve, timed until the resolve's answer is read; ours also
 *    until its GET /status shows the peer's tip. CPU of the catching-up process over that span.
 *
 * Where python3 or Flask (or requests) is missing, one line says so and only our figures are
 * reported: the bench run never fails for it. `npx tsx bench/flask.ts` (or `npm run bench --
 * flask`) prints a table and, last, one JSON line with every figure. BF_BENCH_ROUNDS and
 * BF_FLASK_SECONDS change the rounds (5) and the seconds per throughput round (2),
 * BF_FLASK_SIZES the chain sizes (500,1000). BF_FLASK_BEFORE=<another tree's
 * out/node/headless.js> measures that build too, in the same rounds (a before/after of a change).
 *
 * The clients run in this process: on two cores they, the server and whatever else runs share
 * the CPU, so requests/s is bounded by the machine as much as by the server; requests per server
 * CPU-second is the server's own cost.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { median } from './stats'

const ROOT = resolve(import.meta.dirname, '..')
const REFERENCE = join(ROOT, 'bench/reference')
const HEADLESS = join(ROOT, 'out/node/headless.js')
const SIZES = (process.env.BF_FLASK_SIZES ?? '500,1000').split(',').map(Number)
const ROUNDS = Number(process.env.BF_BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BF_FLASK_SECONDS ?? 2)
const CLIENTS = 8
const SETTLE_MS = 1000
/** clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere we run). */
const HZ = 100
const MB = 1024 * 1024

/** The original, this tree's node, and (BF_FLASK_BEFORE) another tree's build of it. */
type Kind = 'flask' | 'ours' | 'before'
const LABEL: Record<Kind, string> = { flask: 'original', ours: 'blockforge', before: 'before' }
/** BF_FLASK_BEFORE=<a tree's out/node/headless.js>: that build measured in the same run too. */
const BEFORE = process.env.BF_FLASK_BEFORE

interface Server {
  kind: Kind
  url: string
  pid: number
  /** ms from spawn to the first answered request. */
  firstAnswerMs: number
  stop(): Promise<void>
  /** Ours: stops it, keeping its data dir, and starts it again on that dir (same kind). */
  restart?: () => Promise<Server>
}

/**
 * The original, imported (not run as a script: its own `__main__` listens on 0.0.0.0) and its
 * Flask app run on 127.0.0.1 with Flask's defaults otherwise (threaded, HTTP/1.1 keep-alive).
 * Its request log and valid_chain's prints go to /dev/null.
 */
const FLASK_RUNNER = `
import sys
sys.path.insert(0, sys.argv[1])
import blockchain
blockchain.app.run(host='127.0.0.1', port=int(sys.argv[2]))
`

function flaskMissing(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import flask, requests'], { encoding: 'utf8' })
  if (r.error) return 'python3 is not installed'
  if (r.status !== 0)
    return `python3 cannot import flask and requests (${r.stderr.trim().split('\n').pop()})`
  return undefined
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

interface Answer {
  status: number
  body: Buffer
}

function httpDo(
  url: string,
  opts: { method?: string; body?: unknown; agent?: Agent; timeoutMs?: number } = {}
): Promise<Answer> {
  return new Promise((res, rej) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const r = request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: opts.agent ?? false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' }
      },
      (rs) => {
        const chunks: Buffer[] = []
        rs.on('data', (c: Buffer) => chunks.push(c))
        rs.on('end', () => res({ status: rs.statusCode ?? 0, body: Buffer.concat(chunks) }))
        rs.on('error', rej)
      }
    )
    r.setTimeout(opts.timeoutMs ?? 120_000, () => r.destroy(new Error(`timeout: ${url}`)))
    r.on('error', rej)
    r.end(body)
  })
}

/** Parsed JSON of the two servers' answers, read field by field as each route documents it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

const json = async (url: string, opts?: Parameters<typeof httpDo>[1]): Promise<Json> => {
  const a = await httpDo(url, opts)
  if (a.status >= 300) throw new Error(`${url}: ${a.status} ${a.body.toString().slice(0, 200)}`)
  return JSON.parse(a.body.toString('utf8'))
}

/** Asks `url` every 2 ms until something answers; ms since `t0` at that answer. */
async function firstAnswer(url: string, t0: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error(`exited before answering ${url}`)
    try {
      await httpDo(url, { timeoutMs: 5000 })
      return performance.now() - t0
    } catch {
      await new Promise((r) => setTimeout(r, 2))
    }
  }
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r()
    else child.once('exit', () => r())
  })
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(t)
    }
    cleanup()
  }
}

async function startFlask(): Promise<Server> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn('python3', ['-c', FLASK_RUNNER, REFERENCE, String(port)], {
    stdio: ['ignore', 'ignore', 'ignore']
  })
  let gone = false
  child.once('exit', () => (gone = true))
  const url = `http://127.0.0.1:${port}`
  const stop = stopper(child, () => undefined)
  try {
    const firstAnswerMs = await firstAnswer(`${url}/chain`, t0, () => gone)
    return { kind: 'flask', url, pid: child.pid!, firstAnswerMs, stop }
  } catch (e) {
    await stop()
    throw e
  }
}

async function startOurs(
  kind: 'ours' | 'before',
  dir = mkdtempSync(join(tmpdir(), 'bf-bench-flask-'))
): Promise<Server> {
  const t0 = performance.now()
  const entry = kind === 'before' ? BEFORE! : HEADLESS
  const child = spawn(
    process.execPath,
    [entry, '--port', '0', '--data-dir', join(dir, 'data'), '--network', 'regtest'],
    {
      cwd: ROOT,
      env: { ...process.env, BLOCKFORGE_HOME: join(dir, 'home') },
      stdio: ['ignore', 'pipe', 'ignore']
    }
  )
  let gone = false
  child.once('exit', () => (gone = true))
  let keep = false
  const stop = stopper(child, () => {
    if (!keep) rmSync(dir, { recursive: true, force: true })
  })
  const restart = async (): Promise<Server> => {
    keep = true
    await stop()
    return startOurs(kind, dir)
  }
  try {
    const url = await new Promise<string>((res, rej) => {
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /^listening on (\S+)/.exec(l)
        if (m) res(m[1])
      })
      child.once('exit', () => rej(new Error('the headless node exited before listening')))
    })
    const firstAnswerMs = await firstAnswer(`${url}/status`, t0, () => gone)
    return { kind, url, pid: child.pid!, firstAnswerMs, stop, restart }
  } catch (e) {
    await stop()
    throw e
  }
}

const start = (k: Kind): Promise<Server> => (k === 'flask' ? startFlask() : startOurs(k))

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

/** CPU seconds (user + system, every thread) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th
  // field of the line, the 12th after ")".
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / HZ
}

/** Mines through the server's own GET /mine until its chain holds `blocks` blocks. */
async function mineTo(s: Server, blocks: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    // Both chains start with a genesis block at index 1: the tip's index is the block count.
    let have =
      s.kind === 'flask'
        ? (await json(`${s.url}/chain`, { agent })).length
        : (await json(`${s.url}/status`, { agent })).index
    for (; have < blocks; have++) await json(`${s.url}/mine`, { agent })
  } finally {
    agent.destroy()
  }
}

interface Throughput {
  rps: number
  perCpuSecond: number
  refused: number
  bytes: number
  peakRss: number
}

/** CLIENTS keep-alive clients asking GET /chain for `seconds`; whole 200 answers of `size` bytes count. */
async function throughput(s: Server, size: number, seconds: number): Promise<Throughput> {
  const agents = Array.from(
    { length: CLIENTS },
    () => new Agent({ keepAlive: true, maxSockets: 1 })
  )
  let ok = 0
  let refused = 0
  let peakRss = rssBytes(s.pid)
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(s.pid))), 50)
  const cpu0 = cpuSeconds(s.pid)
  const t0 = performance.now()
  const end = t0 + seconds * 1000
  await Promise.all(
    agents.map(async (agent) => {
      while (performance.now() < end) {
        const a = await httpDo(`${s.url}/chain`, { agent })
        if (a.status === 200 && a.body.length === size) ok++
        else refused++
      }
    })
  )
  const wall = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(s.pid) - cpu0
  clearInterval(sampler)
  for (const a of agents) a.destroy()
  return { rps: ok / wall, perCpuSecond: ok / cpu, refused, bytes: size, peakRss }
}

interface CatchUp {
  ms: number
  /** Ours: until its tip is the peer's (the original has no such moment apart from the answer). */
  tipMs: number
  cpuMs: number
}

/** A fresh empty node of `kind` catches up with `peer`: register, then resolve. */
async function catchUp(kind: Kind, peer: Server, blocks: number): Promise<CatchUp> {
  const node = await start(kind)
  try {
    const tip = peer.kind === 'flask' ? undefined : (await json(`${peer.url}/status`)).tip_hash
    const cpu0 = cpuSeconds(node.pid)
    const t0 = performance.now()
    await json(`${node.url}/nodes/register`, { method: 'POST', body: { nodes: [peer.url] } })
    const r = await json(`${node.url}/nodes/resolve`)
    const ms = performance.now() - t0
    const got = (r.new_chain ?? r.chain) as unknown[]
    if (got.length !== blocks)
      throw new Error(`${kind} resolved to ${got.length} blocks, not ${blocks}: ${r.message}`)
    let tipMs = ms
    if (kind !== 'flask') {
      for (;;) {
        if ((await json(`${node.url}/status`)).tip_hash === tip) break
        await new Promise((res) => setTimeout(res, 1))
      }
      tipMs = performance.now() - t0
    }
    return { ms, tipMs, cpuMs: (cpuSeconds(node.pid) - cpu0) * 1000 }
  } finally {
    await node.stop()
  }
}

/** Each round runs every kind once, the first of them alternating round by round. */
async function interleaved<T>(
  kinds: readonly Kind[],
  rounds: number,
  one: (k: Kind) => Promise<T>
): Promise<Record<Kind, T[]>> {
  const out = { flask: [] as T[], ours: [] as T[], before: [] as T[] }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? kinds : [...kinds].reverse()
    for (const k of order) out[k].push(await one(k))
  }
  return out
}

function loadLine(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return '?'
  }
}

export async function runFlaskBench(): Promise<Record<string, number>> {
  if (process.platform !== 'linux') throw new Error('bench/flask.ts reads /proc: Linux only')
  const built = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/build-headless.mjs'), '--if-stale'],
    {
      encoding: 'utf8'
    }
  )
  if (built.status !== 0) throw new Error(built.stderr)
  const missing = flaskMissing()
  if (missing !== undefined)
    console.log(`flask: ${missing}: the original is not measured, only Blockforge's figures follow`)
  const kinds: Kind[] = [
    ...(missing === undefined ? (['flask'] as const) : []),
    'ours',
    ...(BEFORE === undefined ? [] : (['before'] as const))
  ]
  const res: Record<string, number> = {}
  const put = (name: string, k: Kind, v: number): void => {
    res[`flask_${name}_${LABEL[k]}`] = v
  }
  const table: string[][] = [
    ['figure', 'original', 'Blockforge', 'ratio', ...(BEFORE ? ['before', 'vs before'] : [])]
  ]
  /** A row: each kind's figure, and Blockforge's against the original's (and the before build's). */
  const row = (
    label: string,
    name: string,
    unit: string,
    digits: number,
    higherBetter: boolean
  ): void => {
    const v = (k: Kind): number | undefined => res[`flask_${name}_${LABEL[k]}`]
    const cell = (x: number | undefined): string =>
      x === undefined ? '-' : `${x.toFixed(digits)} ${unit}`
    const b = v('ours')!
    const ratio = (k: Kind, key: string): string => {
      const o = v(k)
      if (o === undefined || o === 0) return '-' // 0: under the clock's 10 ms tick
      res[key] = b / o
      return `${(b / o).toFixed(2)}x${higherBetter ? '' : ' (lower is better)'}`
    }
    table.push([
      label,
      cell(v('flask')),
      cell(b),
      ratio('flask', `flask_${name}_ratio`),
      ...(BEFORE ? [cell(v('before')), ratio('before', `flask_${name}_ratio_vs_before`)] : [])
    ])
  }
  console.log(`load average at start: ${loadLine()}`)

  // 1. Start-up and idle memory, fresh processes (one warm-up each, not counted).
  for (const k of kinds) await (await start(k)).stop()
  const starts = await interleaved(kinds, ROUNDS, async (k) => {
    const s = await start(k)
    try {
      await new Promise((r) => setTimeout(r, SETTLE_MS))
      return { ms: s.firstAnswerMs, rss: rssBytes(s.pid) }
    } finally {
      await s.stop()
    }
  })
  for (const k of kinds) {
    put('start_ms', k, median(starts[k].map((x) => x.ms)))
    put('idle_rss_mb', k, median(starts[k].map((x) => x.rss)) / MB)
  }
  row('start to first answer', 'start_ms', 'ms', 0, false)
  row('RSS idle', 'idle_rss_mb', 'MB', 1, false)

  // 2-4. One long-lived server of each kind, grown to each size in turn.
  const servers = Object.fromEntries(
    await Promise.all(kinds.map(async (k) => [k, await start(k)] as const))
  ) as Record<Kind, Server>
  try {
    for (const blocks of SIZES) {
      const t0 = performance.now()
      for (const k of kinds) await mineTo(servers[k], blocks)
      const sizes = {} as Record<Kind, number>
      for (const k of kinds) {
        const a = await httpDo(`${servers[k].url}/chain`)
        const got = JSON.parse(a.body.toString()).chain.length
        if (got !== blocks) throw new Error(`${k}: ${got} blocks, not ${blocks}`)
        sizes[k] = a.body.length
      }
      console.log(
        `${blocks} blocks mined through /mine in ${((performance.now() - t0) / 1000).toFixed(1)} s; GET /chain is ${kinds.map((k) => `${(sizes[k] / 1024).toFixed(0)} KiB (${k})`).join(', ')}`
      )
      // Ours is restarted on its data dir: /mine started the miner's worker threads, which stay
      // for the next block (~29 MB), and the figures are about serving the chain. The original
      // mines in its request thread and keeps its chain only in memory, so it goes on as it is.
      for (const k of kinds) {
        if (k === 'flask') continue
        put(`mined_rss_mb_${blocks}`, k, rssBytes(servers[k].pid) / MB)
        servers[k] = await servers[k].restart!()
      }
      // A warm-up round each (JIT, caches), not counted.
      for (const k of kinds) await throughput(servers[k], sizes[k], Math.min(1, SECONDS))
      const runs = await interleaved(kinds, ROUNDS, (k) =>
        throughput(servers[k], sizes[k], SECONDS)
      )
      for (const k of kinds) {
        put(`chain_rps_${blocks}`, k, median(runs[k].map((x) => x.rps)))
        put(`chain_per_cpu_s_${blocks}`, k, median(runs[k].map((x) => x.perCpuSecond)))
        put(
          `chain_refused_${blocks}`,
          k,
          runs[k].reduce((n, x) => n + x.refused, 0)
        )
      }
      row(
        `GET /chain ${blocks} blocks, ${CLIENTS} clients`,
        `chain_rps_${blocks}`,
        'req/s',
        1,
        true
      )
      row(`  per server CPU-second`, `chain_per_cpu_s_${blocks}`, 'req', 1, true)
      if (blocks === SIZES[SIZES.length - 1]) {
        for (const k of kinds) {
          put('served_rss_mb', k, rssBytes(servers[k].pid) / MB)
          put('served_peak_rss_mb', k, Math.max(...runs[k].map((x) => x.peakRss)) / MB)
        }
        row(`RSS after serving ${blocks} blocks`, 'served_rss_mb', 'MB', 1, false)
        row(`  peak while serving`, 'served_peak_rss_mb', 'MB', 1, false)
        row(
          `  ours after mining them, before its restart`,
          `mined_rss_mb_${blocks}`,
          'MB',
          1,
          false
        )
      }
      const catchUps = await interleaved(kinds, ROUNDS, (k) => catchUp(k, servers[k], blocks))
      for (const k of kinds) {
        put(`catchup_ms_${blocks}`, k, median(catchUps[k].map((x) => x.ms)))
        put(`catchup_cpu_ms_${blocks}`, k, median(catchUps[k].map((x) => x.cpuMs)))
      }
      for (const k of kinds)
        if (k !== 'flask')
          put(`catchup_tip_ms_${blocks}`, k, median(catchUps[k].map((x) => x.tipMs)))
      row(`catch-up ${blocks} blocks (register + resolve)`, `catchup_ms_${blocks}`, 'ms', 0, false)
      row(`  CPU of the catching-up node`, `catchup_cpu_ms_${blocks}`, 'ms', 0, false)
      row(`  ours until its tip is the peer's`, `catchup_tip_ms_${blocks}`, 'ms', 0, false)
    }
  } finally {
    for (const k of kinds) await servers[k].stop()
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)))
  console.log(
    `side by side with the Flask original, median of ${ROUNDS} interleaved rounds (${CLIENTS} keep-alive clients, ${SECONDS} s a round; load average now ${loadLine()})`
  )
  for (const r of table) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '))
  return res
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runFlaskBench().then((r) => console.log(JSON.stringify(r)))
}
