/**
 * A network of local nodes (issue #12): N headless nodes as child processes on loopback, each
 * peered with 3 random others, measured for N = 4, 8 and 16.
 *
 * Wiring. Each node picks 3 others at random (a seeded RNG; the seed is printed and `--seed S`
 * replays it); a link is undirected (the dialled node learns its dialler from X-Node-Url), so a
 * node ends with 3 or more peers. The graph must be connected, else the next seed is taken.
 * Every link runs through two counting TCP proxies in this process, one per direction: node A
 * knows B only as "B's proxy for A" and B knows A only as "A's proxy for B", so every byte between
 * two nodes crosses one proxy that knows who sent it (the request side is the dialler's, the
 * answer side the dialled node's). Each proxy acts as a port forward in front of a node would:
 * the dialled node sees its own address in Host and the dialler's X-Node-Url as the URL it knows
 * the dialler by (LinkProxy.rewriteHead), so gossip can tell whom a block came from. Any real URL
 * a node learns all the same is removed through the UI API (`removePeer`, which also keeps it
 * from being learned back), so the only paths are the proxied ones.
 *
 * 1. Propagation: 50 times, `GET /mine` on a random node; the time from the block's acceptance on
 *    that node to its acceptance on the last node, each told by the node's UI event stream
 *    (`GET /api/ui/events`: a `block` event, or the coalesced `status` event's tip as a
 *    fallback, counted), timestamped on arrival in this process: no polling. Rounds are 300 ms
 *    apart or more, so each block is the first of its node's event burst window (BURST_MS) and
 *    is told at once. The reference, from the same rounds: one hop (the miner's fastest
 *    neighbour) times the miner's eccentricity (hops to the farthest node).
 * 2. Bytes per block per node: what each node sent on its links during a round (its requests
 *    and its answers), all traffic (status polls included) and block pushes alone
 *    (`POST /blocks` and their answers); and, per round, how many times the block crossed each
 *    link (read from each push's body by the block's hash, late copies included). The reference:
 *    the bytes of one push; a block crossing each link at most once costs at most (links)
 *    pushes in all, a spanning tree (N - 1); flooding costs 2·links − (N − 1).
 * 3. Partition: the nodes are split in two halves (each half connected), the links between them
 *    removed on both ends (`removePeer`: the user's disconnect, not learned back); one node per
 *    side mines (`GET /mine` at random intervals, 500 ms on average) for 30 s; the links are
 *    added back on both ends (`addPeer`), and the time until every node's tip is the one with the
 *    most work is measured by polling GET /status every 100 ms (the resolution). Reorganisation
 *    depth: the largest `disconnected` of the `reorg` events.
 *
 * Nothing is asserted. `npx tsx bench/network.ts [4 8 16] [--seed S]` prints a table and, last,
 * one JSON line; `npm run bench -- network` runs 4, 8 and 16. NET_BENCH_LOG=info prints the log
 * of the slowest node to converge after healing, timed from the healing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { get as httpGet, type IncomingMessage } from 'node:http'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { mulberry32 as rng } from '../test/helpers/prng'
import { percentile, runAsScript } from './stats'

/** The figures' "median": the nearest-rank 50th percentile, a value some node really had. */
const p50 = (xs: readonly number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50
  )

const ROOT = resolve(import.meta.dirname, '..')
const HEADLESS = join(ROOT, 'out', 'node', 'headless.js')
const PEERS_EACH = 3
const ROUNDS = 50
const ROUND_GAP_MS = 300
const SPLIT_MS = 30_000
const SPLIT_MEAN_GAP_MS = 500
const POLL_MS = 100
const ROUND_TIMEOUT_MS = 20_000
const CONVERGE_TIMEOUT_MS = 120_000

// ---------------------------------------------------------------- small tools

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')

// ---------------------------------------------------------------- the graph

type Edge = readonly [number, number]

/** Each node dials `k` random others; links are undirected and counted once. */
function randomGraph(n: number, k: number, next: () => number): Edge[] {
  const key = (a: number, b: number): string => (a < b ? `${a}-${b}` : `${b}-${a}`)
  const edges = new Map<string, Edge>()
  for (let i = 0; i < n; i++) {
    const others = [...Array(n).keys()].filter((j) => j !== i)
    for (let c = 0; c < Math.min(k, others.length); c++) {
      const j = others.splice(Math.floor(next() * others.length), 1)[0]
      edges.set(key(i, j), i < j ? [i, j] : [j, i])
    }
  }
  return [...edges.values()]
}

function neighbours(n: number, edges: readonly Edge[], within?: ReadonlySet<number>): number[][] {
  const adj: number[][] = Array.from({ length: n }, () => [])
  for (const [a, b] of edges) {
    if (within && !(within.has(a) && within.has(b))) continue
    adj[a].push(b)
    adj[b].push(a)
  }
  return adj
}

/** Hops from `from` to every node (Infinity: not reachable). */
function hops(adj: readonly number[][], from: number): number[] {
  const d = adj.map(() => Infinity)
  d[from] = 0
  const q = [from]
  while (q.length > 0) {
    const x = q.shift()!
    for (const y of adj[x])
      if (d[y] === Infinity) {
        d[y] = d[x] + 1
        q.push(y)
      }
  }
  return d
}

function connected(adj: readonly number[][], nodes: readonly number[]): boolean {
  if (nodes.length === 0) return true
  const d = hops(adj, nodes[0])
  return nodes.every((i) => d[i] !== Infinity)
}

// ---------------------------------------------------------------- a counting proxy per direction

interface Traffic {
  /** Bytes the dialling node sent (its requests). */
  up: number
  /** Bytes the dialled node sent (its answers). */
  down: number
  requests: number
}

/**
 * A TCP proxy for one direction of one link: `from` dials `to` through it. Bytes are counted as
 * they pass, by kind of request: a request's kind is read from the request line that starts a
 * chunk from the dialler (requests on one connection are sequential, one in flight), and the
 * answer's bytes are counted under it.
 */
class LinkProxy {
  readonly byKind = new Map<string, Traffic>()
  /** Block hash → how many times it was pushed (POST /blocks) through this proxy. */
  readonly pushesOf = new Map<string, number>()
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  port = 0

  constructor(
    readonly from: number,
    readonly to: number,
    private readonly targetPort: number
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /**
   * What a port forward in front of each node gives a real network: the dialled node sees its own
   * name in Host (else, the port being the proxy's, it would not trust X-Node-Url: http/sender.ts)
   * and the dialler named by the URL the dialled node knows it by (the proxy back to it), so
   * gossip can tell whom a block came from. Set by the network once both proxies exist.
   */
  rename: { host: string; senderFrom: string; senderTo: string } | undefined

  private rewriteHead(c: Buffer): Buffer {
    const r = this.rename
    if (r === undefined) return c
    const s = c.toString('latin1')
    const end = s.indexOf('\r\n\r\n')
    if (end < 0) return c
    const head = s
      .slice(0, end)
      .replace(/^host: .*$/im, `host: ${r.host}`)
      .replace(/^(x-node-url: *)(\S+)$/im, (all, k: string, v: string) =>
        v.replace(/\/$/, '') === r.senderFrom ? `${k}${r.senderTo}` : all
      )
    return Buffer.concat([Buffer.from(head, 'latin1'), c.subarray(end)])
  }

  private kind(k: string): Traffic {
    let t = this.byKind.get(k)
    if (t === undefined) this.byKind.set(k, (t = { up: 0, down: 0, requests: 0 }))
    return t
  }

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1')
      this.sockets.add(client).add(upstream)
      let current = this.kind('other')
      // The body of a POST /blocks so far, until its block's hash is read from it.
      let pushBody: string | undefined
      client.on('data', (c: Buffer) => {
        const m = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS) (\/[^\s?]*)/.exec(
          c.subarray(0, 96).toString('latin1')
        )
        if (m) {
          const k = requestKind(m[1], m[2])
          current = this.kind(k)
          current.requests++
          pushBody = k === 'POST /blocks' ? '' : undefined
        }
        current.up += c.length
        if (pushBody !== undefined) {
          pushBody += c.toString('latin1')
          // blockToWire puts the block's own hash last, after its transactions.
          const h = /"hash":"([0-9a-f]{64})"\}\s*$/.exec(pushBody)?.[1]
          if (h !== undefined) {
            this.pushesOf.set(h, (this.pushesOf.get(h) ?? 0) + 1)
            pushBody = undefined
          } else if (pushBody.length > 4 * 1024 * 1024) pushBody = undefined
        }
        upstream.write(m ? this.rewriteHead(c) : c)
      })
      upstream.on('data', (c: Buffer) => {
        current.down += c.length
        client.write(c)
      })
      const end = (): void => {
        client.destroy()
        upstream.destroy()
        this.sockets.delete(client)
        this.sockets.delete(upstream)
      }
      client.on('error', end).on('close', end)
      upstream.on('error', end).on('close', end)
    })
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r))
    this.port = (this.server.address() as { port: number }).port
  }

  snapshot(): Map<string, Traffic> {
    return new Map([...this.byKind].map(([k, t]) => [k, { ...t }]))
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}

/** `POST /blocks`, `GET /status`, `GET /blocks/:hash`, ...: the routes' shapes, not their values. */
function requestKind(method: string, path: string): string {
  const p = path.replace(/^\/blocks\/[0-9a-f]{64}$/, '/blocks/:hash')
  return `${method} ${p}`
}

type Snapshot = Map<LinkProxy, Map<string, Traffic>>

function snapshotAll(proxies: readonly LinkProxy[]): Snapshot {
  return new Map(proxies.map((p) => [p, p.snapshot()]))
}

/** Traffic between two snapshots: bytes each node sent (all, and block pushes), pushes per link. */
function trafficBetween(
  n: number,
  a: Snapshot,
  b: Snapshot
): { sent: number[]; pushSent: number[]; pushBytes: number; pushes: Map<LinkProxy, number> } {
  const sent = Array<number>(n).fill(0)
  const pushSent = Array<number>(n).fill(0)
  const pushes = new Map<LinkProxy, number>()
  let pushBytes = 0
  for (const [p, after] of b) {
    const before = a.get(p) ?? new Map<string, Traffic>()
    for (const [k, t] of after) {
      const t0 = before.get(k) ?? { up: 0, down: 0, requests: 0 }
      const up = t.up - t0.up
      const down = t.down - t0.down
      sent[p.from] += up
      sent[p.to] += down
      if (k === 'POST /blocks') {
        pushSent[p.from] += up
        pushSent[p.to] += down
        pushBytes += up + down
        pushes.set(p, t.requests - t0.requests)
      }
    }
  }
  return { sent, pushSent, pushBytes, pushes }
}

// ---------------------------------------------------------------- the nodes

interface Node {
  i: number
  url: string
  port: number
  child: ChildProcess
  exited: Promise<void>
  dirs: string[]
  /** hash → when this node accepted it (performance.now() here, on the event's arrival). */
  seen: Map<string, number>
  /** When this node's status first named each tip hash (the fallback). */
  tips: Map<string, number>
  /** `disconnected.length` of every reorg event. */
  reorgs: number[]
  events: IncomingMessage | undefined
  /** The node's log lines (JSON), kept only with NET_BENCH_LOG. */
  lines: string[]
}

/** The built headless node, as `npm run node` runs it: rebuilt first only when a source changed. */
function buildHeadless(): void {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts', 'build-headless.mjs'), '--if-stale'],
    {
      cwd: ROOT,
      stdio: 'inherit'
    }
  )
  if (r.status !== 0) throw new Error('scripts/build-headless.mjs failed')
}

async function startNode(i: number): Promise<Node> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-bench-net-'))
  const home = mkdtempSync(join(tmpdir(), 'bf-bench-net-home-'))
  const child = spawn(
    process.execPath,
    [
      HEADLESS,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--network',
      'regtest',
      '--threads',
      '1',
      '--log-level',
      // NET_BENCH_LOG=info: the nodes' own account of a slow convergence (printed after it).
      process.env.NET_BENCH_LOG ?? 'warn',
      '--log-format',
      'json'
    ],
    { cwd: ROOT, env: { ...process.env, BLOCKFORGE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const stderr: string[] = []
  const lines: string[] = []
  createInterface({ input: child.stderr! }).on('line', (l) => {
    stderr.push(l)
    if (process.env.NET_BENCH_LOG && l.startsWith('{')) lines.push(l)
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l)
      if (m) res(m[1].replace(/\/$/, ''))
      else if (process.env.NET_BENCH_LOG) lines.push(l)
    })
    void exited.then(() => rej(new Error(`node ${i} exited: ${stderr.slice(-5).join(' | ')}`)))
  })
  const node: Node = {
    i,
    url,
    port: Number(new URL(url).port),
    child,
    exited,
    dirs: [dataDir, home],
    seen: new Map(),
    tips: new Map(),
    reorgs: [],
    events: undefined,
    lines
  }
  await subscribe(node)
  return node
}

/** The node's UI event stream (loopback needs no token): block, status and reorg events. */
function subscribe(node: Node): Promise<void> {
  return new Promise((res, rej) => {
    const req = httpGet(`${node.url}/api/ui/events`, (rs) => {
      if (rs.statusCode !== 200) return rej(new Error(`events: ${rs.statusCode}`))
      node.events = rs
      rs.setEncoding('utf8')
      let buf = ''
      rs.on('data', (c: string) => {
        const now = performance.now()
        buf += c
        let cut: number
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const msg = buf.slice(0, cut)
          buf = buf.slice(cut + 2)
          if (!msg.startsWith('data: ')) continue
          const e = JSON.parse(msg.slice(6)) as {
            type: string
            block?: { hash: string; onMain: boolean }
            status?: { tipHash: string }
            disconnected?: string[]
          }
          if (e.type === 'block' && e.block?.onMain && !node.seen.has(e.block.hash))
            node.seen.set(e.block.hash, now)
          else if (e.type === 'status' && e.status && !node.tips.has(e.status.tipHash))
            node.tips.set(e.status.tipHash, now)
          else if (e.type === 'reorg') node.reorgs.push(e.disconnected?.length ?? 0)
        }
      })
      res()
    })
    req.on('error', rej)
  })
}

async function stopNode(node: Node): Promise<void> {
  node.events?.destroy()
  if (node.child.exitCode === null && node.child.signalCode === null) {
    node.child.kill('SIGTERM')
    const t = setTimeout(() => node.child.kill('SIGKILL'), 10_000)
    await node.exited
    clearTimeout(t)
  }
  for (const d of node.dirs) rmSync(d, { recursive: true, force: true })
}

async function ui(node: Node, method: string, ...args: unknown[]): Promise<unknown> {
  const r = await fetch(`${node.url}/api/ui/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args })
  })
  if (r.status !== 200)
    throw new Error(`${method} on node ${node.i}: ${r.status} ${await r.text()}`)
  return r.json()
}

async function status(node: Node): Promise<{ tipHash: string; index: number; totalWork: bigint }> {
  const s = (await (await fetch(`${node.url}/status`)).json()) as {
    tip_hash: string
    index: number
    total_work: string
  }
  return { tipHash: s.tip_hash, index: s.index, totalWork: BigInt(s.total_work) }
}

async function mine(node: Node): Promise<string> {
  const r = await fetch(`${node.url}/mine`)
  if (r.status !== 200) throw new Error(`GET /mine on node ${node.i}: ${r.status}`)
  return ((await r.json()) as { hash: string }).hash
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms: number,
  stepMs = POLL_MS
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await sleep(stepMs)
  }
}

// ---------------------------------------------------------------- one network

interface Net {
  nodes: Node[]
  edges: Edge[]
  adj: number[][]
  /** `${from}>${to}` → the proxy `from` dials `to` through. */
  proxies: Map<string, LinkProxy>
}

const proxyKey = (from: number, to: number): string => `${from}>${to}`

/**
 * Peer every link through its two proxies, and only through them: the real URLs each node
 * learns from X-Node-Url while the links come up are removed (and so not learned back).
 */
async function wire(net: Net): Promise<void> {
  const want = net.nodes.map(() => new Set<string>())
  for (const p of net.proxies.values()) want[p.from].add(p.url)
  for (let attempt = 0; ; attempt++) {
    await Promise.all(
      net.nodes.map(async (node) => {
        const have = (await ui(node, 'listPeers')) as { url: string; state: string }[]
        for (const p of have) if (!want[node.i].has(p.url)) await ui(node, 'removePeer', p.url)
        const urls = new Set(have.map((p) => p.url))
        for (const u of want[node.i])
          if (!urls.has(u)) {
            const r = (await ui(node, 'addPeer', u)) as { ok: boolean; error?: string }
            if (!r.ok && attempt > 4) throw new Error(`node ${node.i}: addPeer ${u}: ${r.error}`)
          }
      })
    )
    await sleep(500)
    const ok = await Promise.all(
      net.nodes.map(async (node) => {
        const have = (await ui(node, 'listPeers')) as { url: string; state: string }[]
        return (
          have.length === want[node.i].size &&
          have.every((p) => want[node.i].has(p.url) && p.state === 'connected')
        )
      })
    )
    if (ok.every(Boolean)) return
    if (attempt > 8) throw new Error('the links did not settle')
  }
}

async function startNet(n: number, seed: number, log: (s: string) => void): Promise<Net> {
  let s = seed
  let edges: Edge[]
  let adj: number[][]
  for (;;) {
    edges = randomGraph(n, PEERS_EACH, rng(s))
    adj = neighbours(n, edges)
    if (connected(adj, [...Array(n).keys()])) break
    log(`  graph seed ${s}: not connected, taking seed ${s + 1}`)
    s++
  }
  const nodes: Node[] = []
  try {
    // Two at a time: starting sixteen Node processes at once on two cores only slows them all.
    for (let i = 0; i < n; i += 2)
      nodes.push(...(await Promise.all([i, i + 1].filter((j) => j < n).map(startNode))))
  } catch (e) {
    await Promise.all(nodes.map(stopNode))
    throw e
  }
  const proxies = new Map<string, LinkProxy>()
  for (const [a, b] of edges) {
    proxies.set(proxyKey(a, b), new LinkProxy(a, b, nodes[b].port))
    proxies.set(proxyKey(b, a), new LinkProxy(b, a, nodes[a].port))
  }
  await Promise.all([...proxies.values()].map((p) => p.listen()))
  for (const p of proxies.values())
    p.rename = {
      host: `127.0.0.1:${nodes[p.to].port}`,
      senderFrom: nodes[p.from].url,
      senderTo: proxies.get(proxyKey(p.to, p.from))!.url
    }
  const net = { nodes, edges, adj, proxies }
  await wire(net)
  const degrees = adj.map((x) => x.length)
  const diameter = Math.max(...adj.map((_, i) => Math.max(...hops(adj, i))))
  log(
    `  ${n} nodes, graph seed ${s}: ${edges.length} links, peers per node ${Math.min(...degrees)}–${Math.max(...degrees)} (mean ${(
      (2 * edges.length) /
      n
    ).toFixed(1)}), diameter ${diameter}`
  )
  return net
}

async function stopNet(net: Net): Promise<void> {
  await Promise.all(net.nodes.map(stopNode))
  await Promise.all([...net.proxies.values()].map((p) => p.close()))
}

/** When `node` took `hash` as its tip: its block event, else its status event. */
function arrival(node: Node, hash: string): { t: number; fallback: boolean } | undefined {
  const t = node.seen.get(hash)
  if (t !== undefined) return { t, fallback: false }
  const u = node.tips.get(hash)
  return u === undefined ? undefined : { t: u, fallback: true }
}

// ---------------------------------------------------------------- 1 and 2: propagation and bytes

interface RoundsResult {
  all: number[]
  hopRef: number[]
  fallbacks: number
  sentPerNode: number[]
  pushSentPerNode: number[]
  pushBytes: number[]
  /** Per round and undirected link: how many times the block crossed it. */
  crossings: number[]
  /** Per round: the block's pushes over all links. */
  pushesPerBlock: number[]
  onePush: number
}

async function rounds(net: Net, next: () => number): Promise<RoundsResult> {
  const n = net.nodes.length
  const proxies = [...net.proxies.values()]
  const res: RoundsResult = {
    all: [],
    hopRef: [],
    fallbacks: 0,
    sentPerNode: [],
    pushSentPerNode: [],
    pushBytes: [],
    crossings: [],
    pushesPerBlock: [],
    onePush: NaN
  }
  const onePush: number[] = []
  // One block first, untimed: code paths warm, and every node past genesis.
  await mine(net.nodes[0])
  await sleep(1000)
  const hashes: string[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const m = Math.floor(next() * n)
    const before = snapshotAll(proxies)
    const hash = await mine(net.nodes[m])
    const times = await until(
      `block ${hash.slice(0, 12)} on every node`,
      async () => {
        const a = net.nodes.map((x) => arrival(x, hash))
        return a.every((x) => x !== undefined) ? a : undefined
      },
      ROUND_TIMEOUT_MS,
      20 // only this process's own record of events is read: no request
    )
    // Late copies (answered 200) still count for this block: wait before the next one.
    await sleep(ROUND_GAP_MS)
    const after = snapshotAll(proxies)
    const t0 = times[m]!.t
    res.all.push(Math.max(...times.map((x) => x!.t)) - t0)
    res.fallbacks += times.filter((x) => x!.fallback).length
    const ecc = Math.max(...hops(net.adj, m))
    const firstHop = Math.min(...net.adj[m].map((j) => times[j]!.t)) - t0
    res.hopRef.push(ecc * firstHop)
    const t = trafficBetween(n, before, after)
    res.sentPerNode.push(...t.sent)
    res.pushSentPerNode.push(...t.pushSent)
    res.pushBytes.push(t.pushBytes)
    hashes.push(hash)
    const pushes = [...t.pushes.values()].reduce((x, y) => x + y, 0)
    if (pushes > 0) onePush.push(t.pushBytes / pushes)
  }
  res.onePush = p50(onePush)
  // Crossings by the block's own hash, read from each push's body, late copies included.
  await sleep(1000)
  for (const h of hashes) {
    let total = 0
    for (const [a, b] of net.edges) {
      const c =
        (net.proxies.get(proxyKey(a, b))!.pushesOf.get(h) ?? 0) +
        (net.proxies.get(proxyKey(b, a))!.pushesOf.get(h) ?? 0)
      res.crossings.push(c)
      total += c
    }
    res.pushesPerBlock.push(total)
  }
  return res
}

// ---------------------------------------------------------------- 3: partition

interface SplitResult {
  blocksA: number
  blocksB: number
  cut: number
  convergeMs: number
  reorgDepth: number
  expectedDepth: number
}

/** Two halves, each connected inside (tried in random order); the links between them. */
function split(net: Net, next: () => number): { a: number[]; b: number[]; cut: Edge[] } {
  const n = net.nodes.length
  let best: { a: number[]; b: number[] } | undefined
  for (let t = 0; t < 200; t++) {
    const order = [...Array(n).keys()].sort(() => next() - 0.5)
    const a = order.slice(0, Math.floor(n / 2)).sort((x, y) => x - y)
    const b = order.slice(Math.floor(n / 2)).sort((x, y) => x - y)
    best ??= { a, b }
    if (
      connected(neighbours(n, net.edges, new Set(a)), a) &&
      connected(neighbours(n, net.edges, new Set(b)), b)
    ) {
      best = { a, b }
      break
    }
  }
  const inA = new Set(best!.a)
  const cut = net.edges.filter(([x, y]) => inA.has(x) !== inA.has(y))
  return { ...best!, cut }
}

async function partition(
  net: Net,
  next: () => number,
  log: (s: string) => void
): Promise<SplitResult> {
  const { a, b, cut } = split(net, next)
  const sameTip = async (group: readonly number[]): Promise<string | undefined> => {
    const tips = await Promise.all(group.map((i) => status(net.nodes[i])))
    return tips.every((t) => t.tipHash === tips[0].tipHash) ? tips[0].tipHash : undefined
  }
  const all = net.nodes.map((x) => x.i)
  const forkTip = await until('one tip before the split', () => sameTip(all), 30_000)
  const forkIndex = (await status(net.nodes[0])).index
  for (const x of net.nodes) x.reorgs.length = 0
  await Promise.all(
    cut.flatMap(([x, y]) => [
      ui(net.nodes[x], 'removePeer', net.proxies.get(proxyKey(x, y))!.url),
      ui(net.nodes[y], 'removePeer', net.proxies.get(proxyKey(y, x))!.url)
    ])
  )
  const minerA = a[Math.floor(next() * a.length)]
  const minerB = b[Math.floor(next() * b.length)]
  const cutProxies = cut.flatMap(([x, y]) => [
    net.proxies.get(proxyKey(x, y))!,
    net.proxies.get(proxyKey(y, x))!
  ])
  const cutBefore = snapshotAll(cutProxies)
  const mineFor = async (i: number): Promise<number> => {
    let count = 0
    const end = Date.now() + SPLIT_MS
    while (Date.now() < end) {
      await mine(net.nodes[i])
      count++
      await sleep(-Math.log(1 - next()) * SPLIT_MEAN_GAP_MS)
    }
    return count
  }
  const mined = await Promise.all([mineFor(minerA), mineFor(minerB)])
  let blocksA = mined[0]
  const blocksB = mined[1]
  // Equal work on both sides would leave each side on its own tip (PROTOCOL §6: the first stays).
  if (blocksA === blocksB) {
    await mine(net.nodes[minerA])
    blocksA++
  }
  const cutAfter = snapshotAll(cutProxies)
  const leaked = trafficBetween(net.nodes.length, cutBefore, cutAfter).pushBytes
  const tipA = await until('side A on one tip', () => sameTip(a), 30_000)
  const tipB = await until('side B on one tip', () => sameTip(b), 30_000)
  const winner = blocksA > blocksB ? tipA : tipB
  // Heal: the user's add on both ends lifts the removal.
  const proxies = [...net.proxies.values()]
  const healBefore = snapshotAll(proxies)
  const t0 = performance.now()
  for (const x of net.nodes) x.lines.length = 0
  await Promise.all(
    cut.flatMap(([x, y]) => [
      ui(net.nodes[x], 'addPeer', net.proxies.get(proxyKey(x, y))!.url),
      ui(net.nodes[y], 'addPeer', net.proxies.get(proxyKey(y, x))!.url)
    ])
  )
  const healMs = performance.now() - t0
  const wall0 = Date.now() - healMs
  // When each node took the winning tip (polled: ±POLL_MS).
  const reached = new Map<number, number>()
  await until(
    'every node on the tip with the most work',
    async () => {
      const tips = await Promise.all(net.nodes.map((x) => status(x)))
      const now = performance.now() - t0
      tips.forEach((t, i) => {
        if (t.tipHash === winner && !reached.has(i)) reached.set(i, now)
      })
      return reached.size === net.nodes.length ? true : undefined
    },
    CONVERGE_TIMEOUT_MS
  )
  const convergeMs = performance.now() - t0
  const requests = new Map<string, number>()
  for (const p of proxies)
    for (const [k, t] of p.byKind)
      if (k !== 'GET /status' && k !== 'other')
        requests.set(
          k,
          (requests.get(k) ?? 0) + t.requests - (healBefore.get(p)?.get(k)?.requests ?? 0)
        )
  // Each losing node's time, with its hops (inside its half) from the nearest end of a cut link.
  const losing = blocksA > blocksB ? b : a
  const inLosing = new Set(losing)
  const adjLosing = neighbours(net.nodes.length, net.edges, inLosing)
  const ends = cut.flatMap(([x, y]) => [x, y]).filter((i) => inLosing.has(i))
  const fromCut = losing.map((i) => Math.min(...ends.map((e) => hops(adjLosing, e)[i])))
  const losers = losing
    .map((i, k) => ({ s: reached.get(i)! / 1000, h: fromCut[k] }))
    .sort((x, y) => x.s - y.s)
    .map((x) => `${x.s.toFixed(2)} s (${x.h} hop${x.h === 1 ? '' : 's'})`)
  if (process.env.NET_BENCH_LOG) {
    const slowest = losing.reduce((x, y) => (reached.get(y)! > reached.get(x)! ? y : x))
    log(`  log of node ${slowest} (slowest to converge), ms after healing began:`)
    for (const l of net.nodes[slowest].lines) {
      const j = JSON.parse(l) as { time: number | string }
      const at = typeof j.time === 'number' ? j.time : Date.parse(j.time)
      log(`    ${at - wall0} ${l.slice(0, 300)}`)
    }
  }
  log(`  addPeer on both ends of the ${cut.length} cut links took ${healMs.toFixed(0)} ms`)
  log(
    `  healing: the losing side's nodes took the winning tip after ${losers.join(', ')} from the cut; requests meanwhile (status polls aside): ` +
      [...requests]
        .filter(([, c]) => c > 0)
        .map(([k, c]) => `${c} ${k}`)
        .join(', ')
  )
  const reorgDepth = Math.max(0, ...net.nodes.flatMap((x) => x.reorgs))
  log(
    `  split ${a.length} | ${b.length} nodes over ${cut.length} links from block ${forkIndex} (${forkTip.slice(0, 12)}): ` +
      `${blocksA} | ${blocksB} blocks in ${SPLIT_MS / 1000} s; block bytes across the cut meanwhile: ${leaked}`
  )
  return {
    blocksA,
    blocksB,
    cut: cut.length,
    convergeMs,
    reorgDepth,
    expectedDepth: Math.min(blocksA, blocksB)
  }
}

// ---------------------------------------------------------------- the bench

export async function runNetworkBench(
  sizes: readonly number[] = [4, 8, 16],
  seed = Date.now() % 100_000,
  log: (s: string) => void = console.log
): Promise<Record<string, number>> {
  buildHeadless()
  log(`seed ${seed} (replay: npx tsx bench/network.ts ${sizes.join(' ')} --seed ${seed})`)
  const out: Record<string, number> = {}
  const rows: string[][] = []
  for (const n of sizes) {
    log(`\nN = ${n} (load ${load()})`)
    const next = rng(seed * 31 + n)
    const net = await startNet(n, seed + n, log)
    try {
      const r = await rounds(net, next)
      const loadProp = loadavg()[0]
      const all = [...r.all].sort((x, y) => x - y)
      const ratio = r.all.map((x, i) => x / r.hopRef[i]).sort((x, y) => x - y)
      const crossed = r.crossings
      const twice = crossed.filter((c) => c >= 2).length / crossed.length
      const never = crossed.filter((c) => c === 0).length / crossed.length
      const sentPerBlock = p50(r.sentPerNode)
      const pushPerBlock = p50(r.pushSentPerNode)
      const pushesPerBlock = p50(r.pushesPerBlock)
      log(
        `  propagation to every node over ${ROUNDS} blocks: median ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms; ` +
          `× (eccentricity × first hop) median ${percentile(ratio, 50).toFixed(2)}; status fallbacks ${r.fallbacks} (load ${loadProp.toFixed(2)})`
      )
      log(
        `  bytes sent per block per node (median): ${sentPerBlock.toFixed(0)} in all, ${pushPerBlock.toFixed(0)} pushing the block; one push ${r.onePush.toFixed(0)} B; ` +
          `pushes per block ${pushesPerBlock.toFixed(1)} (links ${net.edges.length}, spanning tree ${n - 1}, flooding 2·links − (N − 1) = ${2 * net.edges.length - (n - 1)})`
      )
      log(
        `  per block and link: crossed twice ${(twice * 100).toFixed(0)} %, never ${(never * 100).toFixed(0)} %, at most ${Math.max(...crossed)} times`
      )
      const s = await partition(net, next, log)
      log(
        `  converged ${(s.convergeMs / 1000).toFixed(2)} s after healing (±${POLL_MS} ms); deepest reorganisation ${s.reorgDepth} blocks (the losing side mined ${s.expectedDepth}) (load ${load()})`
      )
      Object.assign(out, {
        [`net${n}_links`]: net.edges.length,
        [`net${n}_prop_median_ms`]: percentile(all, 50),
        [`net${n}_prop_p99_ms`]: percentile(all, 99),
        [`net${n}_prop_vs_hops_ratio`]: percentile(ratio, 50),
        [`net${n}_bytes_per_block_node`]: sentPerBlock,
        [`net${n}_push_bytes_per_block_node`]: pushPerBlock,
        [`net${n}_push_bytes_one`]: r.onePush,
        [`net${n}_pushes_per_block`]: pushesPerBlock,
        [`net${n}_links_crossed_twice_frac`]: twice,
        [`net${n}_split_blocks_a`]: s.blocksA,
        [`net${n}_split_blocks_b`]: s.blocksB,
        [`net${n}_converge_ms`]: s.convergeMs,
        [`net${n}_reorg_depth`]: s.reorgDepth,
        [`net${n}_load1`]: loadProp
      })
      rows.push([
        String(n),
        String(net.edges.length),
        percentile(all, 50).toFixed(1),
        percentile(all, 99).toFixed(1),
        sentPerBlock.toFixed(0),
        pushPerBlock.toFixed(0),
        `${pushesPerBlock.toFixed(1)}`,
        `${(twice * 100).toFixed(0)} %`,
        `${s.blocksA} | ${s.blocksB}`,
        (s.convergeMs / 1000).toFixed(2),
        String(s.reorgDepth),
        loadProp.toFixed(2)
      ])
    } finally {
      await stopNet(net)
    }
  }
  log(
    '\n| N | links | prop. median ms | prop. p99 ms | bytes/block/node | push bytes/block/node | pushes/block | links crossed twice | split blocks | converge s | reorg depth | load |'
  )
  log('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of rows) log(`| ${r.join(' | ')} |`)
  out.net_seed = seed
  return out
}

runAsScript(import.meta.url, () => {
  const argv = process.argv.slice(2)
  const at = argv.indexOf('--seed')
  const seed = at >= 0 ? Number(argv[at + 1]) : undefined
  const sizes = argv.filter((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--seed').map(Number)
  return runNetworkBench(sizes.length > 0 ? sizes : [4, 8, 16], seed)
})
