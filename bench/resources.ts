/**
 * Resource benchmark (issue 8, "Resources"): what one client can take from a node, measured on a
 * headless node in a child process (its RSS from /proc, its file limit its own).
 *
 * 1. Whole-chain readers: a CHAIN-block regtest chain; READERS clients fetch the whole GET /chain
 *    at once (each on its own connection from its own loopback address, 127.0.0.11 on, reading
 *    as fast as loopback allows), while another
 *    client asks GET /status over and over on new connections. Figures: the node's RSS before
 *    and at its peak, /status latency (median, p99, worst) while the readers run, and how long
 *    the readers took in all.
 * 2. Connection flood: the node runs under `prlimit --nofile=1024`; FLOOD idle TCP connections are
 *    opened to it from 127.0.0.2 (another loopback address, so another remote host to the node)
 *    and held, while a client on 127.0.0.1 asks GET /status on a new connection every 50 ms for
 *    FLOOD_HOLD_MS. Figures: /status median, p99 and failures (no answer within 2 s), and how many
 *    of the flood's connections the node still holds open at the end.
 *
 * 3. Paged readers: PAGED_CLIENTS clients from 127.0.0.5 (in a child process, so their reading
 *    does not slow the measuring client) each ask `GET /chain?from=<random>&limit=500` or
 *    `GET /blocks?...` one after another (after a 503, they wait 1 s), while a client on
 *    127.0.0.1 asks GET /status every 100 ms for PAGED_HOLD_MS. Figures per client count:
 *    /status median and worst, pages served and refused.
 * 4. Multi-address flood: under `prlimit --nofile=1024`, 200 idle connections from each of
 *    127.0.0.2-7, each reopened as soon as it is closed, while 127.0.0.1 asks GET /status every
 *    150 ms (19 times). Figures: answered within 2 s, median and worst.
 *
 * Nothing is asserted: the figures are compared with the same node idle in the same run.
 * `npx tsx bench/resources.ts` prints a table and, last, one JSON line with every figure.
 */
import { rmSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import type { Socket } from 'node:net'
import { tempDir } from '../test/helpers/temp'
import {
  idleSocket,
  pagedReaders,
  percentile,
  reopeningFlood,
  serveChild,
  timedGet,
  writeLongChain,
  type ChildNode
} from '../test/security/long-chain'

const CHAIN = 5000
const READERS = 20
const FLOOD = 3000
const FLOOD_HOLD_MS = 6000
const PAGED_CLIENTS = [20, 50, 120]
const PAGED_HOLD_MS = 4000
const MB = 1024 * 1024

/** Read the whole of `url` on a new connection, counting bytes; resolves with the byte count (or -1). */
function drain(url: string, localAddress?: string): Promise<number> {
  return new Promise((res) => {
    let n = 0
    const r = httpGet(url, { agent: false, localAddress }, (rs) => {
      rs.on('data', (c: Buffer) => (n += c.length))
      rs.on('end', () => res(rs.statusCode === 200 ? n : -1))
      rs.on('error', () => res(-1))
    })
    r.setTimeout(120_000, () => r.destroy(new Error('timeout')))
    r.on('error', () => res(-1))
  })
}

/** /status on new connections one after another until `done()`; latencies in ms (Infinity = failed). */
async function pollStatus(
  url: string,
  done: () => boolean,
  gapMs = 0,
  timeoutMs = 5000
): Promise<number[]> {
  const out: number[] = []
  while (!done()) {
    const a = await timedGet(`${url}/status`, timeoutMs)
    out.push(a.status === 200 ? a.ms : Infinity)
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs))
  }
  return out.sort((a, b) => a - b)
}

function sampleRss(node: ChildNode): { stop: () => number } {
  let peak = node.rss()
  const t = setInterval(() => (peak = Math.max(peak, node.rss())), 25)
  return {
    stop: () => {
      clearInterval(t)
      return Math.max(peak, node.rss())
    }
  }
}

async function wholeChainReaders(
  dir: string,
  log: (s: string) => void
): Promise<Record<string, number>> {
  const node = await serveChild(dir)
  try {
    // Warm-up: code paths compiled, SQLite pages cached, one whole chain read.
    const size = await drain(`${node.url}/chain`)
    const idle = await pollStatus(
      node.url,
      (
        (n) => () =>
          n-- <= 0
      )(200)
    )
    const rssBefore = node.rss()
    const rss = sampleRss(node)
    let finished = 0
    const t0 = performance.now()
    // Each reader from its own address: one address holds at most 2 whole-chain slots.
    const readers = Array.from({ length: READERS }, (_, i) =>
      drain(`${node.url}/chain`, `127.0.0.${11 + i}`).finally(() => finished++)
    )
    const busy = pollStatus(node.url, () => finished === READERS)
    const sizes = await Promise.all(readers)
    const seconds = (performance.now() - t0) / 1000
    const lat = await busy
    const peak = rss.stop()
    const failed = sizes.filter((s) => s !== size).length
    const res = {
      chain_bytes: size,
      chain_readers: READERS,
      chain_rss_before_mb: rssBefore / MB,
      chain_rss_peak_mb: peak / MB,
      chain_rss_growth_mb: (peak - rssBefore) / MB,
      chain_status_p50_ms_idle: percentile(idle, 50),
      chain_status_p50_ms: percentile(lat, 50),
      chain_status_p99_ms: percentile(lat, 99),
      chain_status_max_ms: lat[lat.length - 1],
      chain_status_samples: lat.length,
      chain_readers_seconds: seconds,
      chain_readers_failed: failed
    }
    log(
      `${READERS} clients reading GET /chain of ${CHAIN} blocks (${(size / MB).toFixed(1)} MiB each) at once`
    )
    log(
      `  node RSS: ${res.chain_rss_before_mb.toFixed(0)} MiB before, ${res.chain_rss_peak_mb.toFixed(0)} MiB at peak (+${res.chain_rss_growth_mb.toFixed(0)} MiB)`
    )
    log(
      `  GET /status meanwhile: p50 ${res.chain_status_p50_ms.toFixed(1)} ms, p99 ${res.chain_status_p99_ms.toFixed(1)} ms, worst ${res.chain_status_max_ms.toFixed(1)} ms over ${lat.length} requests (idle p50 ${res.chain_status_p50_ms_idle.toFixed(2)} ms)`
    )
    log(`  all readers done in ${seconds.toFixed(2)} s; ${failed} failed or incomplete`)
    return res
  } finally {
    await node.stop()
  }
}

async function connectionFlood(
  dir: string,
  log: (s: string) => void
): Promise<Record<string, number>> {
  const node = await serveChild(dir, { nofile: 1024 })
  const sockets: Socket[] = []
  let closedByNode = 0
  try {
    const idle = await pollStatus(
      node.url,
      (
        (n) => () =>
          n-- <= 0
      )(100)
    )
    const opening = Array.from({ length: FLOOD }, () =>
      Promise.race([
        idleSocket(node.url, '127.0.0.2').then((s) => {
          sockets.push(s)
          s.on('error', () => undefined)
          s.once('close', () => closedByNode++)
        }),
        new Promise<void>((r) => setTimeout(r, 3000))
      ]).catch(() => undefined)
    )
    const t0 = Date.now()
    let openAfter1s = NaN
    setTimeout(() => (openAfter1s = sockets.length - closedByNode), 1000)
    const lat = await pollStatus(node.url, () => Date.now() - t0 > FLOOD_HOLD_MS, 50, 2000)
    await Promise.all(opening)
    const failures = lat.filter((x) => x === Infinity).length
    const res = {
      flood_sockets_connected: sockets.length,
      flood_sockets_open_after_1s: openAfter1s,
      flood_sockets_still_open: sockets.length - closedByNode,
      flood_status_p50_ms_idle: percentile(idle, 50),
      flood_status_p50_ms: percentile(lat, 50),
      flood_status_p99_ms: percentile(lat, 99),
      flood_status_failed: failures,
      flood_status_samples: lat.length
    }
    log(
      `${FLOOD} idle connections from 127.0.0.2 to a node allowed 1,024 files, held ${FLOOD_HOLD_MS / 1000} s`
    )
    log(
      `  connected ${res.flood_sockets_connected}; held open by the node after 1 s: ${openAfter1s}, at the end: ${res.flood_sockets_still_open}`
    )
    log(
      `  GET /status from 127.0.0.1 meanwhile: p50 ${res.flood_status_p50_ms.toFixed(1)} ms, p99 ${res.flood_status_p99_ms === Infinity ? 'no answer' : `${res.flood_status_p99_ms.toFixed(1)} ms`}, ${failures} of ${lat.length} unanswered within 2 s (idle p50 ${res.flood_status_p50_ms_idle.toFixed(2)} ms)`
    )
    return res
  } finally {
    for (const s of sockets) s.destroy()
    await node.stop()
  }
}

async function pagedReads(dir: string, log: (s: string) => void): Promise<Record<string, number>> {
  const node = await serveChild(dir)
  const res: Record<string, number> = {}
  try {
    await drain(`${node.url}/chain?from=1&limit=500`) // warm-up
    for (const n of PAGED_CLIENTS) {
      const readers = pagedReaders(node.url, n, '127.0.0.5', CHAIN - 500)
      await new Promise((r) => setTimeout(r, 500))
      const t0 = Date.now()
      const lat = await pollStatus(node.url, () => Date.now() - t0 > PAGED_HOLD_MS, 100, 5000)
      const { served, refused } = await readers.stop()
      res[`paged_${n}_status_p50_ms`] = percentile(lat, 50)
      res[`paged_${n}_status_max_ms`] = lat[lat.length - 1]
      res[`paged_${n}_served`] = served
      res[`paged_${n}_refused`] = refused
      log(
        `${n} paged readers from 127.0.0.5 (500 blocks a page): /status from 127.0.0.1 p50 ${percentile(lat, 50).toFixed(0)} ms, worst ${lat[lat.length - 1].toFixed(0)} ms over ${lat.length}; pages served ${served}, refused ${refused}`
      )
    }
    return res
  } finally {
    await node.stop()
  }
}

async function multiAddressFlood(
  dir: string,
  log: (s: string) => void
): Promise<Record<string, number>> {
  const node = await serveChild(dir, { nofile: 1024 })
  const f = reopeningFlood(
    node.url,
    ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'],
    200
  )
  try {
    await new Promise((r) => setTimeout(r, 1500))
    const held = f.open()
    const lat: number[] = []
    for (let i = 0; i < 19; i++) {
      const a = await timedGet(`${node.url}/status`, 2000)
      lat.push(a.status === 200 ? a.ms : Infinity)
      await new Promise((r) => setTimeout(r, 150))
    }
    lat.sort((a, b) => a - b)
    const answered = lat.filter((x) => x !== Infinity).length
    log(
      `200 reopened idle connections from each of 127.0.0.2-7 (node allowed 1,024 files; ${held} held): /status from 127.0.0.1 answered ${answered} of 19, p50 ${percentile(lat, 50).toFixed(1)} ms, worst ${lat[18] === Infinity ? 'no answer' : `${lat[18].toFixed(1)} ms`}`
    )
    return {
      multi_flood_held: held,
      multi_flood_answered: answered,
      multi_flood_status_p50_ms: percentile(lat, 50),
      multi_flood_status_max_ms: lat[18]
    }
  } finally {
    f.stop()
    await node.stop()
  }
}

const PARTS = ['chain', 'flood', 'paged', 'multi'] as const

export async function runResourcesBench(
  log: (s: string) => void = console.log,
  parts: readonly string[] = PARTS
): Promise<Record<string, number>> {
  const dir = tempDir('bf-bench-res-')
  try {
    const t0 = performance.now()
    writeLongChain(dir.path, CHAIN - 1)
    log(`  built a ${CHAIN}-block chain in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const run = {
      chain: wholeChainReaders,
      flood: connectionFlood,
      paged: pagedReads,
      multi: multiAddressFlood
    }
    let out: Record<string, number> = {}
    for (const p of PARTS) if (parts.includes(p)) out = { ...out, ...(await run[p](dir.path, log)) }
    return out
  } finally {
    rmSync(dir.path, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npx tsx bench/resources.ts paged multi`: only those parts (chain, flood, paged, multi).
  const parts = process.argv.slice(2)
  runResourcesBench(console.log, parts.length > 0 ? parts : PARTS).then((r) =>
    console.log(JSON.stringify(r))
  )
}
