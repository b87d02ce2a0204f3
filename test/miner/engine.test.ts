/**
 * MinerEngine with real worker threads, bundled to plain JavaScript as the built app runs them
 * (one test runs worker.ts under tsx, as in development): solutions at several difficulties check
 * out with node:crypto; newer work and stop() make the workers drop the
 * old work (watched through the shared per-worker state and the hash counter); close() ends the
 * threads; a crashed or killed worker is reported, restarted and given the current work.
 * Difficulty 255 stands for work that never ends. No speed is asserted.
 */
import type { Worker } from 'node:worker_threads'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { blockHash } from '../../src/main/core/codec'
import { leadingZeroBits } from '../../src/main/core/pow'
import {
  isAbortError,
  MAX_CRASHES,
  MinerEngine,
  restartDelay,
  type MinerProgress,
  type MiningWork,
  type WorkerErrorEvent
} from '../../src/main/miner'
import { bundledWorker } from '../helpers/worker-bundle'

const header: MiningWork['header'] = {
  version: 1,
  index: 42,
  timestamp: 1_700_000_000_000,
  previousHash: '00ff'.repeat(16),
  merkleRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  difficulty: 12
}
const endless: MiningWork = { header: { ...header, difficulty: 255 } }

let workerPath: string
beforeAll(async () => {
  workerPath = await bundledWorker('miner')
})

const engines: MinerEngine[] = []
function engine(threads = 2, opts: { tsx?: boolean; idleMs?: number } = {}): MinerEngine {
  // Normal priority: these tests run beside other busy test files, where workers at the lowest
  // priority may get no CPU at all between two checks (test/shell/miner-priority.test.ts tests the
  // default, lowest).
  const e = new MinerEngine({
    threads,
    priority: 'normal',
    workerPath: opts.tsx ? undefined : workerPath,
    idleMs: opts.idleMs
  })
  engines.push(e)
  return e
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()))
})

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<number> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
  return performance.now() - t0
}

/** All `n` workers are running and hashing for the engine's current work. */
function allHashing(e: MinerEngine, n: number): () => boolean {
  return () => {
    const s = e.workerStates()
    return (
      s.workers.length === n &&
      s.workers.every((w) => w.threadId > 0 && w.hashing === s.generation && s.generation > 0)
    )
  }
}

function allIdle(e: MinerEngine): () => boolean {
  return () => e.workerStates().workers.every((w) => w.hashing === 0)
}

function expectValid(work: MiningWork, s: { proof: number; hash: string }): void {
  expect(Number.isSafeInteger(s.proof)).toBe(true)
  expect(s.hash).toBe(blockHash({ ...work.header, proof: s.proof }))
  expect(leadingZeroBits(s.hash)).toBeGreaterThanOrEqual(work.header.difficulty)
}

describe('MinerEngine', () => {
  it('mines headers that node:crypto confirms at difficulties 1, 8, 12, 16 and 20', async () => {
    const e = engine()
    for (const difficulty of [1, 8, 12, 16, 20]) {
      const work = { header: { ...header, index: difficulty, difficulty } }
      expectValid(work, await e.solve(work))
    }
    expect(e.progress().active).toBe(false)
  })

  it('mines with worker.ts itself under tsx, as in development', async () => {
    const e = engine(1, { tsx: true })
    const work = { header: { ...header, difficulty: 8 } }
    expectValid(work, await e.solve(work))
  })

  it('rejects the older solve() when newer work comes, and the workers switch to it', async () => {
    const e = engine()
    const first = e.solve(endless)
    const firstSettled = first.then(
      () => 'resolved',
      (err: unknown) => (isAbortError(err) ? 'aborted' : `failed: ${err}`)
    )
    await waitFor('workers on the first work', allHashing(e, 2))
    const oldGeneration = e.workerStates().generation
    const t0 = performance.now()
    const second = e.solve({ header: { ...endless.header, index: 43 } })
    expect(await firstSettled).toBe('aborted')
    const rejectedMs = performance.now() - t0
    const switchMs = await waitFor('workers on the newer work', allHashing(e, 2))
    expect(e.workerStates().generation).toBeGreaterThan(oldGeneration)
    console.log(
      `older solve rejected after ${rejectedMs.toFixed(1)} ms,` +
        ` workers switched in ${switchMs.toFixed(1)} ms`
    )
    expect(switchMs).toBeLessThan(5000) // a sanity bound: it takes a chunk, a few ms
    e.stop()
    await expect(second).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('resolves newer work after older work was dropped', async () => {
    const e = engine()
    const first = e.solve(endless)
    await waitFor('workers on the first work', allHashing(e, 2))
    const work = { header: { ...header, difficulty: 16 } }
    const second = e.solve(work)
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    expectValid(work, await second)
  })

  it('stop() leaves every worker idle: no hashing, no CPU', async () => {
    const e = engine()
    const idle = new Promise<void>((r) => e.once('idle', r))
    const p = e.solve(endless)
    await waitFor('workers hashing', allHashing(e, 2))
    e.stop()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    await idle
    await waitFor('workers idle', allIdle(e))
    await new Promise((r) => setTimeout(r, 50))
    const hashes = e.progress().hashes
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await new Promise((r) => setTimeout(r, 400))
    const cpu = process.cpuUsage(cpu0)
    const wallMs = performance.now() - t0
    const cpuMs = (cpu.user + cpu.system) / 1000
    console.log(`after stop: ${cpuMs.toFixed(1)} ms CPU in ${wallMs.toFixed(0)} ms`)
    expect(e.progress().hashes).toBe(hashes)
    expect(e.progress().active).toBe(false)
    // Two hashing workers would use ~2x the wall time; an idle process uses next to nothing.
    expect(cpuMs).toBeLessThan(wallMs * 0.5)
  })

  it('rejects with AbortError when the signal aborts', async () => {
    const e = engine(1)
    const ac = new AbortController()
    const p = e.solve(endless, ac.signal)
    await waitFor('worker hashing', allHashing(e, 1))
    ac.abort(new Error('tip changed'))
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    await waitFor('worker idle', allIdle(e))
    const aborted = new AbortController()
    aborted.abort()
    await expect(e.solve(endless, aborted.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('reports progress while mining', async () => {
    const e = engine()
    const p = e.solve({ header: { ...endless.header, difficulty: 40 } })
    await waitFor('workers hashing', allHashing(e, 2))
    const before = e.progress().hashes
    // Awaited, not timed: the first progress event (they come every 500 ms) that shows the hash
    // count risen past `before`. Events that never show it leave the test to fail at its timeout.
    const risen = await new Promise<MinerProgress>((resolve) => {
      const onProgress = (ev: MinerProgress): void => {
        if (ev.hashes <= before) return
        e.off('progress', onProgress)
        resolve(ev)
      }
      e.on('progress', onProgress)
    })
    e.stop()
    await p.catch(() => {})
    expect(risen.active).toBe(true)
    expect(risen.difficulty).toBe(40)
    expect(risen.workers).toBe(2)
    expect(risen.hashRate).toBeGreaterThan(0)
    expect(risen.expectedMs).toBeCloseTo((2 ** 40 / risen.hashRate) * 1000, 0)
  })

  it('ends its threads after idleMs without work, and starts them again for the next solve', async () => {
    const e = engine(2, { idleMs: 100 })
    const work = { header: { ...header, difficulty: 8 } }
    expectValid(work, await e.solve(work))
    const first = [...e.workerHandles().values()]
    expect(first).toHaveLength(2)
    const exited = first.map((w) => new Promise<number>((r) => w.once('exit', r)))
    // Work that comes within idleMs keeps the same threads.
    expectValid(work, await e.solve(work))
    expect([...e.workerHandles().values()]).toEqual(first)
    await Promise.all(exited)
    expect(e.workerHandles().size).toBe(0)
    expect(e.progress().workers).toBe(0)
    // The next solve starts new threads and completes.
    const next = { header: { ...header, index: 43, difficulty: 12 } }
    expectValid(next, await e.solve(next))
    const second = [...e.workerHandles().values()]
    expect(second).toHaveLength(2)
    for (const w of second) expect(first).not.toContain(w)
  })

  it('close() during the idle ending resolves only once those threads have exited', async () => {
    const e = engine(2, { idleMs: 20 })
    const work = { header: { ...header, difficulty: 8 } }
    expectValid(work, await e.solve(work))
    const threads = [...e.workerHandles().values()]
    const exited = new Set<Worker>()
    for (const w of threads) w.once('exit', () => exited.add(w))
    // The moment the idle timer has fired: the threads are being ended, not yet gone.
    await waitFor('the idle ending', () => e.workerHandles().size === 0)
    await e.close()
    expect(exited.size).toBe(2)
  })

  it('close() ends every worker thread', async () => {
    const e = engine()
    const p = e.solve(endless)
    await waitFor('workers hashing', allHashing(e, 2))
    const workers = [...e.workerHandles().values()]
    expect(workers).toHaveLength(2)
    const exits = workers.map((w) => new Promise((r) => w.once('exit', r)))
    const rejected = expect(p).rejects.toMatchObject({ name: 'AbortError' })
    await e.close()
    await rejected
    await Promise.all(exits)
    expect(workers.map((w) => w.threadId)).toEqual([-1, -1])
    expect(e.workerHandles().size).toBe(0)
    await expect(e.solve(endless)).rejects.toThrow(/closed/)
  })

  it('restarts a worker that throws, reports it, and hands it the current work', async () => {
    const e = engine()
    const errors: WorkerErrorEvent[] = []
    e.on('worker-error', (ev) => errors.push(ev))
    const p = e.solve(endless)
    await waitFor('workers hashing', allHashing(e, 2))
    const before = e.workerStates().workers[0].threadId
    e.injectWorkerFault(0)
    await waitFor('the error event', () => errors.length === 1)
    expect(errors[0].workerId).toBe(0)
    expect(errors[0].error.message).toContain('injected fault')
    await waitFor('the restarted worker on the current work', allHashing(e, 2))
    expect(e.workerStates().workers[0].threadId).not.toBe(before)
    e.stop()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('restarts a worker terminated from outside, and solving completes', async () => {
    const e = engine()
    const errors: WorkerErrorEvent[] = []
    e.on('worker-error', (ev) => errors.push(ev))
    const first = e.solve(endless)
    await waitFor('workers hashing', allHashing(e, 2))
    await e.workerHandles().get(1)!.terminate()
    await waitFor('the error event', () => errors.length === 1)
    expect(errors[0].workerId).toBe(1)
    await waitFor('the restarted worker on the current work', allHashing(e, 2))
    const work = { header: { ...header, difficulty: 16 } }
    const second = e.solve(work)
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    expectValid(work, await second)
  })

  it('completes a solve whose only worker crashed in the middle of it', async () => {
    const e = engine(1)
    const errors: WorkerErrorEvent[] = []
    e.on('worker-error', (ev) => errors.push(ev))
    const first = e.solve(endless)
    await waitFor('worker hashing', allHashing(e, 1))
    // The worker reads the fault before the new work, so it dies with the work unread: only the
    // restarted worker, handed the current work, can solve it.
    e.injectWorkerFault(0)
    const work = { header: { ...header, difficulty: 20 } }
    const second = e.solve(work)
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    expectValid(work, await second)
    expect(errors.map((ev) => ev.workerId)).toEqual([0])
  })

  it('changes the number of threads while mining', async () => {
    const e = engine(1)
    const p = e.solve(endless)
    await waitFor('one worker hashing', allHashing(e, 1))
    await e.setThreads(2)
    expect(e.threads).toBe(2)
    await waitFor('two workers hashing', allHashing(e, 2))
    const second = e.workerHandles().get(1)!
    await e.setThreads(1)
    expect(second.threadId).toBe(-1)
    await waitFor('one worker hashing', allHashing(e, 1))
    e.stop()
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    await expect(e.setThreads(0)).rejects.toThrow(RangeError)
  })

  it('fails the solve, instead of hanging, when no worker can start', async () => {
    // Back-offs of 5 to 40 ms (restartDelay) instead of the default's 100 to 800.
    const e = new MinerEngine({
      threads: 1,
      workerPath: '/nonexistent/miner-worker.js',
      restartBackoffMs: 5
    })
    engines.push(e)
    const errors: WorkerErrorEvent[] = []
    e.on('worker-error', (ev) => errors.push(ev))
    await expect(e.solve(endless)).rejects.toThrow(/keeps crashing/)
    // The first start and MAX_CRASHES restarts, then it gives up.
    expect(errors).toHaveLength(1 + MAX_CRASHES)
  })

  it('restarts a crash loop at once, then after back-offs that double up to a ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n, 100))).toEqual([
      0, 100, 200, 400, 800, 1600, 2000, 2000
    ])
    expect(restartDelay(3, 5)).toBe(10)
  })

  it('refuses a malformed header', async () => {
    const e = engine(1)
    await expect(e.solve({ header: { ...header, previousHash: 'xyz' } })).rejects.toThrow(
      /previousHash/
    )
    await expect(e.solve({ header: { ...header, difficulty: 1.5 } })).rejects.toThrow(/difficulty/)
    expect(e.workerHandles().size).toBe(0)
  })
})
