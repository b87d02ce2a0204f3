/**
 * GET /status latency on a node mining on all cores, against the same node idle (issue 4): the
 * miner must never block the node. Sequential requests over loopback keep the measurement about
 * the node's responsiveness, not about queueing in the client.
 */
import { rmSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNode } from '../src/main/app/run'

const REQUESTS = 5000
/** Mine until blocks take about a second, so the figure is about hashing, not connecting blocks. */
const STEADY_DIFFICULTY = 24
const WARMUP_CAP_MS = 40_000

async function sample(url: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const r = await fetch(`${url}/status`)
    await r.arrayBuffer()
    out.push(performance.now() - t0)
  }
  return out.sort((a, b) => a - b)
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

export async function runStatusBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'blockforge-bench-status-'))
  // main: difficulty 16 keeps the workers hashing most of the time, as on a real network.
  const node = await startNode({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    network: 'main',
    peers: [],
    mine: false
  })
  try {
    await sample(node.url, 200) // warm-up
    const idle = await sample(node.url, REQUESTS)
    node.mining.start()
    // A fresh main chain starts at difficulty 16: all cores find a block every few ms until the
    // retarget (every 10 blocks) has raised it. Measure once blocks are rare, as on a real network.
    const t0 = Date.now()
    while (
      node.service.chain.nextDifficulty() < STEADY_DIFFICULTY &&
      Date.now() - t0 < WARMUP_CAP_MS
    ) {
      await new Promise((r) => setTimeout(r, 200))
    }
    const difficulty = node.service.chain.nextDifficulty()
    const mining = await sample(node.url, REQUESTS)
    node.mining.stop()
    const res = {
      status_p50_ms_idle: pct(idle, 0.5),
      status_p99_ms_idle: pct(idle, 0.99),
      status_p50_ms_mining: pct(mining, 0.5),
      status_p99_ms_mining: pct(mining, 0.99),
      status_p99_ratio: pct(mining, 0.99) / pct(idle, 0.99),
      status_mining_difficulty: difficulty
    }
    console.log(`GET /status over ${REQUESTS} sequential requests (ms)`)
    console.log(
      `  idle:   p50 ${res.status_p50_ms_idle.toFixed(3)}  p99 ${res.status_p99_ms_idle.toFixed(3)}`
    )
    console.log(
      `  mining: p50 ${res.status_p50_ms_mining.toFixed(3)}  p99 ${res.status_p99_ms_mining.toFixed(3)}  (${node.mining.state().threads} workers, difficulty ${difficulty})`
    )
    console.log(`  p99 mining / idle: ${res.status_p99_ratio.toFixed(2)}x (target <= 2x)`)
    return res
  } finally {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runStatusBench().then((r) => console.log(JSON.stringify(r)))
}
