/**
 * Sync benchmark (issue 3): how fast a node catches up from a peer over loopback, against how
 * fast this machine checks Ed25519 signatures, measured in the same run.
 *
 * 1. Ed25519 verifications per second on one core with node:crypto (the core's verifyEd25519,
 *    which is what a node runs per transfer), over signatures of the benchmark chain itself.
 * 2. A 5,000-block regtest chain carrying 20,000 signed transfers is built (headers mined with
 *    node:crypto at difficulty 8), loaded into a data dir, and served by a headless node in a
 *    child process. A fresh node in this process adds it as a peer and catches up: fork point,
 *    500-block batches, signatures checked on its verify pool (one worker per core) while the
 *    previous batch is connected. Blocks/s and transfers/s are over the whole catch-up, from
 *    adding the peer to having its tip.
 * 3. Propagation: two connected nodes in this process; a block mined on one, timed from its
 *    acceptance there to its acceptance as the peer's tip (median and p99 over 100 blocks).
 * 4. Coinbase-only catch-up (issue 12): an empty node in this process catches up with a headless
 *    node (child process) holding 500 or 1,000 coinbase-only blocks, two ways: the walkthrough's
 *    POST /nodes/register then GET /nodes/resolve (timed until the resolve's answer is read),
 *    and the app's addPeer (`peers.add`, as `--peer` does; timed until its tip is the peer's).
 *    Sizes and ways are interleaved round by round; medians of COINBASE_ROUNDS, with the CPU
 *    time of this process (the catching-up node) over the same span.
 *
 * `npx tsx bench/sync.ts` prints a table and, last, one JSON line with every figure;
 * `npx tsx bench/sync.ts coinbase` runs part 4 only (e.g. under `node --cpu-prof --import tsx`).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'
import {
  isCoinbase,
  NETWORKS,
  txSigningBytes,
  verifyEd25519,
  type Block,
  type Transaction
} from '../src/main/core'
import { NodeService } from '../src/main/node/service'
import { startNode, type RunningNode } from '../src/main/app/run'
import { VerifyPool } from '../src/main/p2p/verify-pool'
import { chainWithTransfers, emptyBlocks, namedWallet } from '../test/helpers/chain-builder'
import { median, percentile, runAsScript } from './stats'

const BLOCKS = 5000
const TRANSFERS = 20_000
const PROPAGATION_SAMPLES = 100
const COINBASE_SIZES = [500, 1000] as const
const COINBASE_ROUNDS = Number(process.env.BF_BENCH_ROUNDS ?? 7)
const HEADLESS = fileURLToPath(new URL('../src/main/headless.ts', import.meta.url))
const REGTEST = NETWORKS.regtest

const temps: string[] = []
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  temps.push(d)
  return d
}

function transfers(blocks: readonly Block[]): Transaction[] {
  return blocks.flatMap((b) => b.transactions.filter((t) => !isCoinbase(t)))
}

/** One core, node:crypto, the core's own check (key import included, as a node does it). */
function verifyRate(txs: readonly Transaction[]): number {
  const sample = txs
    .slice(0, 6000)
    .map((t) => ({ t, bytes: txSigningBytes(t, REGTEST.genesisHash) }))
  for (const { t, bytes } of sample.slice(0, 500)) verifyEd25519(t.publicKey!, bytes, t.signature!) // warm-up
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < 2000) {
    for (const { t, bytes } of sample) {
      if (!verifyEd25519(t.publicKey!, bytes, t.signature!))
        throw new Error('a benchmark signature does not verify')
      n++
    }
  }
  return n / ((performance.now() - t0) / 1000)
}

/** Load the chain into a data dir the way a node stores it (signatures checked on a pool). */
async function loadSource(dir: string, blocks: readonly Block[]): Promise<void> {
  const pool = new VerifyPool({ genesisHash: REGTEST.genesisHash })
  const service = NodeService.open({ dataDir: dir, network: REGTEST, verifier: pool.verifier })
  try {
    for (let i = 0; i < blocks.length; i += 500) {
      const batch = blocks.slice(i, i + 500)
      await pool.prime(transfers(batch))
      for (const b of batch) {
        const o = service.submitBlock(b)
        if (o.kind !== 'accepted') throw new Error(`source block ${b.index}: ${JSON.stringify(o)}`)
      }
    }
  } finally {
    service.close()
    await pool.close()
  }
}

/** The headless node on `dir` in a child process; resolves with its URL and a stop function. */
async function serve(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', HEADLESS, '--port', '0', '--data-dir', dir, '--network', 'regtest'],
    {
      env: { ...process.env, BLOCKFORGE_HOME: temp('bf-bench-home-') },
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l)
      if (m) resolve(m[1])
    })
    void exited.then(() => reject(new Error('the source node exited')))
  })
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    }
  }
}

function waitForTip(node: RunningNode, hash: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (node.service.chain.tip().hash === hash) return resolve()
    const timer = setTimeout(() => {
      node.service.off('block', check)
      reject(
        new Error(
          `no tip ${hash.slice(0, 12)} after ${timeoutMs} ms (at ${node.service.chain.tip().index})`
        )
      )
    }, timeoutMs)
    const check = (): void => {
      if (node.service.chain.tip().hash !== hash) return
      clearTimeout(timer)
      node.service.off('block', check)
      resolve()
    }
    node.service.on('block', check)
  })
}

const startTemp = (): Promise<RunningNode> =>
  startNode({
    port: 0,
    host: '127.0.0.1',
    dataDir: temp('bf-bench-node-'),
    network: 'regtest',
    peers: [],
    mine: false,
    threads: 1,
    announce: false
  })

async function measureSync(
  blocks: readonly Block[],
  log: (s: string) => void
): Promise<{ seconds: number }> {
  const srcDir = temp('bf-bench-src-')
  let t0 = performance.now()
  await loadSource(srcDir, blocks)
  log(`  loaded the source data dir in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const src = await serve(srcDir)
  const dst = await startTemp()
  try {
    const tip = blocks[blocks.length - 1].hash
    t0 = performance.now()
    const added = await dst.peers.add(src.url)
    if (!added.ok) throw new Error(`could not add the source: ${added.message}`)
    await waitForTip(dst, tip, 300_000)
    return { seconds: (performance.now() - t0) / 1000 }
  } finally {
    await dst.close()
    await src.stop()
  }
}

async function measurePropagation(): Promise<number[]> {
  const a = await startTemp()
  const b = await startTemp()
  try {
    await b.peers.add(a.url)
    const samples: number[] = []
    for (let i = 0; i < PROPAGATION_SAMPLES + 5; i++) {
      let acceptedAt = 0
      const onA = (): void => {
        acceptedAt = performance.now()
      }
      a.service.once('block', onA)
      const block = await a.mining.mineOnce()
      const arrived = waitForTip(b, block.hash, 10_000)
      await arrived
      const ms = performance.now() - acceptedAt
      if (i >= 5) samples.push(ms) // the first few warm up connections and code paths
    }
    return samples
  } finally {
    await a.close()
    await b.close()
  }
}

type CatchUpWay = 'resolve' | 'add'

/** One catch-up of a fresh node from `src`: wall ms and this process's CPU ms. */
async function catchUpOnce(
  src: string,
  tip: string,
  way: CatchUpWay
): Promise<{ ms: number; cpuMs: number }> {
  const dst = await startTemp()
  try {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    if (way === 'resolve') {
      const reg = await fetch(`${dst.url}/nodes/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nodes: [src] })
      })
      if (reg.status !== 201) throw new Error(`register answered ${reg.status}`)
      await reg.arrayBuffer()
      const res = await fetch(`${dst.url}/nodes/resolve`)
      const body = (await res.json()) as { message: string }
      if (res.status !== 200) throw new Error(`resolve answered ${res.status}`)
      if (dst.service.chain.tip().hash !== tip)
        throw new Error(`resolve ended short: ${body.message}`)
    } else {
      const added = await dst.peers.add(src)
      if (!added.ok) throw new Error(`could not add the source: ${added.message}`)
      await waitForTip(dst, tip, 60_000)
    }
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
  } finally {
    await dst.close()
  }
}

/** Part 4: coinbase-only catch-up, both ways, both sizes, interleaved; medians. */
export async function measureCoinbaseCatchUp(
  log: (s: string) => void = console.log
): Promise<Record<string, number>> {
  const payTo = namedWallet('bench-coinbase').address
  const genesis = {
    hash: REGTEST.genesisHash,
    index: 1,
    timestamp: REGTEST.params.genesisTimestamp
  }
  const all = emptyBlocks(genesis, Math.max(...COINBASE_SIZES), payTo)
  const sources: { n: number; url: string; tip: string; stop: () => Promise<void> }[] = []
  const out: Record<string, number> = {}
  try {
    for (const n of COINBASE_SIZES) {
      const dir = temp('bf-bench-cb-')
      await loadSource(dir, all.slice(0, n))
      const s = await serve(dir)
      sources.push({ n, url: s.url, tip: all[n - 1].hash, stop: s.stop })
    }
    const samples = new Map<string, { ms: number[]; cpu: number[] }>()
    // BF_CPU_PROF=<file>: a CPU profile of this process over the measured catch-ups only (not
    // over building and loading the chain), for chrome://inspect or any .cpuprofile reader.
    const profile = process.env.BF_CPU_PROF
    const session = profile ? new Session() : undefined
    for (let r = -1; r < COINBASE_ROUNDS; r++) {
      if (r === 0 && session) {
        session.connect()
        await session.post('Profiler.enable')
        await session.post('Profiler.setSamplingInterval', { interval: 100 })
        await session.post('Profiler.start')
      }
      for (const src of sources) {
        for (const way of ['resolve', 'add'] as const) {
          const x = await catchUpOnce(src.url, src.tip, way)
          if (r < 0) continue // the first round warms up code paths and connections
          const k = `${way}_${src.n}`
          const s = samples.get(k) ?? { ms: [], cpu: [] }
          s.ms.push(x.ms)
          s.cpu.push(x.cpuMs)
          samples.set(k, s)
        }
      }
    }
    if (session) {
      const { profile: p } = await session.post('Profiler.stop')
      writeFileSync(profile!, JSON.stringify(p))
      session.disconnect()
      log(`CPU profile of the catch-ups: ${profile}`)
    }
    log('')
    log(
      `| coinbase-only catch-up (median of ${COINBASE_ROUNDS}) | wall | CPU of the catching-up node |`
    )
    log('| --- | --- | --- |')
    for (const [k, s] of samples) {
      out[`catchup_${k}_ms`] = +median(s.ms).toFixed(1)
      out[`catchup_${k}_cpu_ms`] = +median(s.cpu).toFixed(1)
      const [way, n] = k.split('_')
      const what =
        way === 'resolve' ? 'POST /nodes/register + GET /nodes/resolve' : 'addPeer until the tip'
      log(
        `| ${n} blocks, ${what} | ${out[`catchup_${k}_ms`]} ms (${Math.min(...s.ms).toFixed(1)}–${Math.max(...s.ms).toFixed(1)}) | ${out[`catchup_${k}_cpu_ms`]} ms |`
      )
    }
    return out
  } finally {
    for (const s of sources) await s.stop()
  }
}

export async function runSyncBench(
  log: (s: string) => void = console.log
): Promise<Record<string, number>> {
  try {
    let t0 = performance.now()
    const blocks = chainWithTransfers(BLOCKS, TRANSFERS)
    const txs = transfers(blocks)
    log(
      `built ${blocks.length} blocks with ${txs.length} transfers in ${((performance.now() - t0) / 1000).toFixed(1)} s`
    )

    const verify = verifyRate(txs)
    log(`Ed25519 verify, 1 core, node:crypto: ${verify.toFixed(0)}/s`)

    const { seconds } = await measureSync(blocks, log)
    const blocksPerS = blocks.length / seconds
    const txPerS = txs.length / seconds

    t0 = performance.now()
    const prop = (await measurePropagation()).sort((x, y) => x - y)
    const median = percentile(prop, 50)
    const p99 = percentile(prop, 99)

    const out = {
      sync_blocks: blocks.length,
      sync_transfers: txs.length,
      sync_seconds: +seconds.toFixed(2),
      sync_blocks_per_s: Math.round(blocksPerS),
      sync_tx_per_s: Math.round(txPerS),
      ed25519_verify_per_s_1core: Math.round(verify),
      sync_tx_vs_verify_ratio: +(txPerS / verify).toFixed(2),
      propagation_median_ms: +median.toFixed(1),
      propagation_p99_ms: +p99.toFixed(1)
    }
    log('')
    log('| figure | value |')
    log('| --- | --- |')
    log(
      `| catch-up of ${blocks.length} blocks / ${txs.length} transfers over loopback | ${seconds.toFixed(2)} s |`
    )
    log(`| blocks/s | ${out.sync_blocks_per_s} |`)
    log(`| transfers/s | ${out.sync_tx_per_s} |`)
    log(`| Ed25519 verifications/s, 1 core | ${out.ed25519_verify_per_s_1core} |`)
    log(
      `| transfers/s ÷ 1-core verifications/s | ${out.sync_tx_vs_verify_ratio} (target >= 1.0, issue 12) |`
    )
    log(
      `| block propagation to a peer's tip, median / p99 (${prop.length} blocks) | ${out.propagation_median_ms} / ${out.propagation_p99_ms} ms |`
    )
    return { ...out, ...(await measureCoinbaseCatchUp(log)) }
  } finally {
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
  }
}

// `coinbase`: part 4 alone (e.g. under `node --cpu-prof --import tsx`).
runAsScript(import.meta.url, () =>
  process.argv[2] === 'coinbase'
    ? measureCoinbaseCatchUp().finally(() => {
        for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
      })
    : runSyncBench()
)
