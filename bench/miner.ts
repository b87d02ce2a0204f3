/**
 * Miner benchmark: proofs per second of MinerEngine with one worker and with all cores, next to
 * references measured in the same run on the same machine:
 * - openssl_hps_64: `openssl speed -bytes 64 sha256`, one core hashing 64-byte messages (two
 *   compressions each, like a header without a midstate);
 * - sha_limit_cps: OpenSSL's bulk rate / 64 bytes, i.e. compressions per second with the CPU's
 *   SHA instructions, the ceiling for one compression per try;
 * - seed_python_hps: the classic walkthrough's Python loop
 *   (`sha256(f'{last_proof}{proof}')...[:4] == '0000'`).
 * Everything is timed by wall clock (openssl with -elapsed). About 35 s.
 *
 * Alone: `npx tsx bench/miner.ts` prints a table, then one JSON line.
 */
import { execFile } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { MinerEngine } from '../src/main/miner'
import { median } from './stats'

const run = promisify(execFile)

const WARMUP_MS = 1000
const RUN_MS = 3000
const RUNS = 3

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Hashes/s of an engine with `threads` workers on work that never ends: median of the runs. */
async function minerRate(threads: number): Promise<number> {
  const engine = new MinerEngine({ threads })
  const header = {
    version: 1,
    index: 2,
    timestamp: Date.now(),
    previousHash: '00'.repeat(32),
    merkleRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    difficulty: 255 // never solved: the full-hash check rejects the rare first-word candidates
  }
  const solving = engine.solve({ header }).catch(() => {})
  try {
    // Covers thread start and V8's tier-up from baseline to optimised WebAssembly.
    await sleep(WARMUP_MS)
    const rates: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const h0 = engine.progress().hashes
      const t0 = performance.now()
      await sleep(RUN_MS)
      rates.push((engine.progress().hashes - h0) / ((performance.now() - t0) / 1000))
    }
    return median(rates)
  } finally {
    await engine.close()
    await solving
  }
}

/** Bytes per second of `openssl speed` for one message size, or NaN if openssl is not there. */
async function opensslRate(bytes: number): Promise<number> {
  try {
    const args = ['speed', '-elapsed', '-seconds', '3', '-bytes', String(bytes), 'sha256']
    const { stdout } = await run('openssl', args, { timeout: 60_000 })
    const m = /^sha256\s+([\d.]+)k/im.exec(stdout)
    if (!m) throw new Error(`cannot read openssl speed output:\n${stdout}`)
    return Number(m[1]) * 1000
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    console.log('openssl is not installed (apt-get install openssl): its figures are NaN')
    return NaN
  }
}

const PYTHON_LOOP = `
import hashlib, time

def valid_proof(last_proof, proof):
    guess = f'{last_proof}{proof}'.encode()
    guess_hash = hashlib.sha256(guess).hexdigest()
    return guess_hash[:4] == "0000"

last_proof, proof, tries = 100, 0, 0
start = time.perf_counter()
while time.perf_counter() - start < 3.0:
    for _ in range(10000):
        if valid_proof(last_proof, proof):
            last_proof, proof = proof, 0  # the walkthrough's next block
        else:
            proof += 1
    tries += 10000
print(tries / (time.perf_counter() - start))
`

/** Tries per second of the walkthrough's proof-of-work loop in Python, or NaN without python3. */
async function pythonRate(): Promise<number> {
  try {
    const { stdout } = await run('python3', ['-c', PYTHON_LOOP], { timeout: 60_000 })
    return Number(stdout.trim())
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    console.log('python3 is not installed: seed_python_hps is NaN')
    return NaN
  }
}

const fmt = (hps: number): string => (Number.isNaN(hps) ? 'n/a' : `${(hps / 1e6).toFixed(2)} M/s`)
const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) ? `x${(a / b).toFixed(2)}` : 'n/a'

/** Measures the miner and its references; prints a table and returns the figures. */
export async function runMinerBench(): Promise<Record<string, number>> {
  const cores = availableParallelism()
  const openssl_hps_64 = (await opensslRate(64)) / 64
  const miner_hps_1 = await minerRate(1)
  const miner_hps_all = await minerRate(cores)
  const sha_limit_cps = (await opensslRate(16384)) / 64
  const seed_python_hps = await pythonRate()
  const vs = (x: number, refs: Array<[number, string]>): string =>
    refs.map(([ref, name]) => `${ratio(x, ref)} ${name}`).join(', ')
  const rows: Array<[string, string, string]> = [
    [
      'miner, 1 worker',
      fmt(miner_hps_1),
      vs(miner_hps_1, [
        [openssl_hps_64, 'OpenSSL'],
        [sha_limit_cps, 'SHA-NI limit'],
        [seed_python_hps, 'python']
      ])
    ],
    [
      `miner, ${cores} workers`,
      fmt(miner_hps_all),
      vs(miner_hps_all, [
        [miner_hps_1, 'one worker'],
        [seed_python_hps, 'python']
      ])
    ],
    ['openssl sha256, 64 B', fmt(openssl_hps_64), 'one core, two compressions per hash'],
    ['SHA-NI limit (bulk / 64)', fmt(sha_limit_cps), 'one core, compressions'],
    ['walkthrough python loop', fmt(seed_python_hps), 'one core']
  ]
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  for (const [name, value, note] of rows) {
    console.log(`${name.padEnd(w0)}  ${value.padStart(w1)}  ${note}`)
  }
  return { miner_hps_1, miner_hps_all, openssl_hps_64, sha_limit_cps, seed_python_hps }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMinerBench()
    .then((figures) => console.log(JSON.stringify(figures)))
    .catch((e: unknown) => {
      console.error(e)
      process.exit(1)
    })
}
