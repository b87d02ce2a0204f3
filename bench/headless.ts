/**
 * The headless command's cost to a user (issue #10): how long from starting it to its
 * `listening on` line, and how much memory it holds, for the whole process tree a user starts
 * with `npm run node` (npm and what runs under it) and for the node process alone.
 *
 * Each way of starting is measured ROUNDS times, the ways interleaved within a round so that a
 * busier moment of the machine hits them all alike; figures are medians, and the ratios are
 * against references started the same way in the same run:
 *
 * - `ref`: a minimal node HTTP server (node:http, prints the same listening line): the floor any
 *   Node program has, through `npm run` (an `exec node` script) and directly;
 * - `new`: `npm run node -- ...` as it is now (the staleness check, then exec of the built
 *   out/node/headless.js), and `node out/node/headless.js` directly;
 * - `old`: the former `npm run node` (`tsx src/main/headless.ts` under npm and sh).
 *
 * RSS is read from /proc (Linux) one second after the listening line (the verify workers and
 * the store are up by then; mining is off), summed over every process of the tree.
 * `npx tsx bench/headless.ts` prints a table and, last, one JSON line with every figure.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { processTree } from '../test/helpers/proc'
import { median } from './stats'

const ROOT = resolve(import.meta.dirname, '..')
const ROUNDS = 5
const SETTLE_MS = 1000
const MB = 1024

type Way = 'ref_npm' | 'ref_direct' | 'new_npm' | 'new_direct' | 'old_npm'

interface Sample {
  ms: number
  treeKb: number
  nodeKb: number
  processes: number
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

const hasChildren = (pid: number): boolean => processTree(pid).length > 1

/**
 * A folder with a package.json whose scripts start the references as `npm run node` starts the
 * node (npm → sh → the command), and the project's node_modules (node 22, tsx) on its PATH.
 */
function referenceProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bf-bench-launch-'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  writeFileSync(
    join(dir, 'ref.mjs'),
    `import { createServer } from 'node:http'
const port = Number(process.argv[process.argv.indexOf('--port') + 1])
const srv = createServer((_, res) => res.end('{}'))
srv.listen(port, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + srv.address().port))
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => srv.close(() => process.exit(0)))
`
  )
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bf-bench-launch',
      private: true,
      type: 'module',
      scripts: { ref: 'exec node ref.mjs', old: `tsx ${join(ROOT, 'src/main/headless.ts')}` }
    })
  )
  return dir
}

function command(
  way: Way,
  refDir: string,
  flags: string[]
): { cmd: string; args: string[]; cwd: string } {
  const node = process.execPath
  switch (way) {
    case 'ref_npm':
      return { cmd: 'npm', args: ['run', '--silent', 'ref', '--', ...flags], cwd: refDir }
    case 'ref_direct':
      return { cmd: node, args: [join(refDir, 'ref.mjs'), ...flags], cwd: refDir }
    case 'new_npm':
      return { cmd: 'npm', args: ['run', '--silent', 'node', '--', ...flags], cwd: ROOT }
    case 'new_direct':
      return { cmd: node, args: [join(ROOT, 'out/node/headless.js'), ...flags], cwd: ROOT }
    case 'old_npm':
      return { cmd: 'npm', args: ['run', '--silent', 'old', '--', ...flags], cwd: refDir }
  }
}

async function measure(way: Way, refDir: string): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-bench-launch-data-'))
  const flags = ['--port', '0', '--data-dir', join(dataDir, 'd'), '--network', 'regtest']
  const { cmd, args, cwd } = command(way, refDir, flags)
  const t0 = performance.now()
  // Its own process group, so that the old way (which leaves its node behind on a signal to npm)
  // is cleaned up whole.
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'ignore'] })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  try {
    const ms = await new Promise<number>((res, rej) => {
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.startsWith('listening on ')) res(performance.now() - t0)
      })
      void exited.then(() => rej(new Error(`${way} exited before listening`)))
    })
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const pids = processTree(child.pid!)
    const leaf = pids.filter((p) => !hasChildren(p)).at(-1) ?? child.pid!
    return {
      ms,
      treeKb: pids.reduce((s, p) => s + rssKb(p), 0),
      nodeKb: rssKb(leaf),
      processes: pids.length
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // gone
    }
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}

export async function runHeadlessBench(): Promise<Record<string, number>> {
  if (process.platform !== 'linux') throw new Error('bench/headless.ts reads /proc: Linux only')
  // The build is measured once on its own; every start below finds it fresh.
  const b0 = performance.now()
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-headless.mjs')], {
    encoding: 'utf8'
  })
  if (built.status !== 0) throw new Error(built.stderr)
  const buildMs = performance.now() - b0
  const refDir = referenceProject()
  const ways: Way[] = ['ref_npm', 'new_npm', 'old_npm', 'ref_direct', 'new_direct']
  const samples = Object.fromEntries(ways.map((w) => [w, [] as Sample[]])) as Record<Way, Sample[]>
  try {
    for (const w of ways) await measure(w, refDir) // warm the file cache; not counted
    for (let i = 0; i < ROUNDS; i++) for (const w of ways) samples[w].push(await measure(w, refDir))
  } finally {
    rmSync(refDir, { recursive: true, force: true })
  }
  const res: Record<string, number> = { headless_build_ms: buildMs }
  for (const w of ways) {
    res[`launch_ms_${w}`] = median(samples[w].map((s) => s.ms))
    res[`launch_rss_tree_mb_${w}`] = median(samples[w].map((s) => s.treeKb)) / MB
    res[`launch_rss_node_mb_${w}`] = median(samples[w].map((s) => s.nodeKb)) / MB
    res[`launch_processes_${w}`] = median(samples[w].map((s) => s.processes))
  }
  res.launch_ms_ratio_new_vs_ref_npm = res.launch_ms_new_npm / res.launch_ms_ref_npm
  res.launch_ms_ratio_new_vs_ref_direct = res.launch_ms_new_direct / res.launch_ms_ref_direct
  res.launch_ms_ratio_old_vs_new_npm = res.launch_ms_old_npm / res.launch_ms_new_npm
  res.launch_rss_tree_ratio_new_vs_ref_npm =
    res.launch_rss_tree_mb_new_npm / res.launch_rss_tree_mb_ref_npm
  res.launch_rss_node_ratio_new_vs_ref_direct =
    res.launch_rss_node_mb_new_direct / res.launch_rss_node_mb_ref_direct
  res.launch_rss_tree_ratio_old_vs_new_npm =
    res.launch_rss_tree_mb_old_npm / res.launch_rss_tree_mb_new_npm

  console.log(
    `headless start-up, median of ${ROUNDS} (RSS ${SETTLE_MS / 1000} s after the listening line; build ${buildMs.toFixed(0)} ms)`
  )
  console.log('  way          listening   RSS tree   RSS node   processes')
  for (const w of ways) {
    console.log(
      `  ${w.padEnd(11)} ${res[`launch_ms_${w}`].toFixed(0).padStart(7)} ms ${res[`launch_rss_tree_mb_${w}`].toFixed(1).padStart(7)} MB ${res[`launch_rss_node_mb_${w}`].toFixed(1).padStart(7)} MB ${String(res[`launch_processes_${w}`]).padStart(8)}`
    )
  }
  console.log(
    `  new / ref (npm run): listening ${res.launch_ms_ratio_new_vs_ref_npm.toFixed(2)}x, RSS tree ${res.launch_rss_tree_ratio_new_vs_ref_npm.toFixed(2)}x`
  )
  console.log(
    `  new / ref (node alone): listening ${res.launch_ms_ratio_new_vs_ref_direct.toFixed(2)}x, RSS ${res.launch_rss_node_ratio_new_vs_ref_direct.toFixed(2)}x`
  )
  console.log(
    `  old / new (npm run): listening ${res.launch_ms_ratio_old_vs_new_npm.toFixed(2)}x, RSS tree ${res.launch_rss_tree_ratio_old_vs_new_npm.toFixed(2)}x`
  )
  return res
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runHeadlessBench().then((r) => console.log(JSON.stringify(r)))
}
