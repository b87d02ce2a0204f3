/**
 * The proof-of-work miner (PROTOCOL §4): worker threads, one per core by default, each hashing
 * four proofs at a time in WebAssembly SIMD. The main thread only hands out work and checks
 * solutions, so it stays free for the node's HTTP server and the window.
 *
 * Usage (plain Node, vitest, tsx: the defaults run ./worker.ts with tsx):
 * ```ts
 * const miner = new MinerEngine()
 * miner.on('progress', (p) => console.log(p.hashRate))
 * const { proof, hash } = await miner.solve({ header }) // rejects with AbortError if superseded
 * await miner.close()
 * ```
 * In the Electron build the shell passes the bundled worker:
 * `import workerPath from './miner/worker?modulePath'` and `new MinerEngine({ workerPath })`.
 */
import { EventEmitter } from 'node:events'
import { Worker } from 'node:worker_threads'
import { blockHash, isHash, MAX_JSON_INT, MAX_U32 } from '../core/codec'
import { meetsDifficulty } from '../core/pow'
import type { BlockHeader } from '../core/types'
import {
  Control,
  MAX_WORKERS,
  type FromWorker,
  type HeaderTemplate,
  type ToWorker,
  type WorkerInit
} from './protocol'
import { checkThreads as checkThreadRule, defaultThreads } from '../node/settings'

/** What to mine: a block header without its proof. */
export interface MiningWork {
  header: Omit<BlockHeader, 'proof'>
}

/** A proof that makes the header's hash meet its difficulty, and that hash (hex). */
export interface Solution {
  proof: number
  hash: string
}

export interface MinerProgress {
  /** Proofs tried since the engine was created, by all workers. */
  hashes: number
  /** Proofs per second over the last few seconds. */
  hashRate: number
  /** Difficulty of the current (or last) work. */
  difficulty: number
  /** Expected ms to a solution at this rate: 2^difficulty / hashRate (Infinity at rate 0). */
  expectedMs: number
  /** Worker threads running and ready. */
  workers: number
  /** Whether there is work being mined. */
  active: boolean
}

export interface MinerEngineOptions {
  /** Number of worker threads. Default: one per core, within the limit (node/settings.ts). */
  threads?: number
  /**
   * The worker script. Default: worker.ts next to this file, run with `--import tsx` (plain Node,
   * vitest, tsx). The Electron build passes the bundled worker from a `?modulePath` import.
   */
  workerPath?: string | URL
  /** Node options for the workers. Default: ['--import', 'tsx'] for a .ts worker, else []. */
  execArgv?: string[]
  /**
   * 'lowest' (the default): the workers hash at the lowest scheduling priority where that lowers
   * only their threads (priority.ts), so the node's main thread always gets a core. 'normal':
   * they compete like any thread, for callers whose threads must make progress beside other busy
   * work (the engine's tests, run beside other test files).
   */
  priority?: 'lowest' | 'normal'
  /** The worker threads end after this long without work (default IDLE_MS). */
  idleMs?: number
  /** The first back-off of a crash loop (default RESTART_BACKOFF_MS; at most 20× it). */
  restartBackoffMs?: number
}

export interface WorkerErrorEvent {
  workerId: number
  error: Error
}

/** See `MinerEngine.workerStates`. */
export interface WorkerStates {
  /** Generation of the current work, 0 when idle. */
  generation: number
  /** `hashing`: the generation the worker is hashing for, 0 when idle. */
  workers: Array<{ workerId: number; threadId: number; hashing: number }>
}

export interface MinerEngineEvents {
  /** About every 500 ms while there is work. */
  progress: [MinerProgress]
  /** A worker crashed or exited; it is restarted and given the current work. */
  'worker-error': [WorkerErrorEvent]
  /** The engine has no more work: solved, stopped or aborted (not when superseded). */
  idle: []
}

/** Shape of the rejection of a superseded, stopped or aborted `solve`. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError'
}

function abortError(message: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause })
  e.name = 'AbortError'
  return e
}

const PROGRESS_MS = 500
const RATE_WINDOW_MS = 3000
/** A worker that ran this long before crashing is not in a crash loop: restart it at once. */
const STABLE_MS = 10_000
/** Consecutive quick crashes after which a worker slot stays down until the next solve(). */
export const MAX_CRASHES = 5
/** The back-off before the second restart of a crash loop; it doubles for each one after. */
export const RESTART_BACKOFF_MS = 100

/**
 * How long to wait before restarting a worker after its `crashes`-th quick crash in a row: at once
 * the first time, then `base`, doubling, up to 20 × `base`, so a crash loop cannot eat the machine.
 */
export function restartDelay(crashes: number, base: number): number {
  return crashes <= 1 ? 0 : Math.min(base * 2 ** (crashes - 2), 20 * base)
}
/**
 * How long the worker threads outlive their last work. Each holds a V8 heap (about 14 MB of RSS
 * for two), so a node that mined one block (GET /mine, "Mine one block") gives the memory back;
 * continuous mining and back-to-back GET /mine calls come well within it, and starting the
 * threads again costs tens of milliseconds.
 */
export const IDLE_MS = 15_000

interface Slot {
  readonly id: number
  worker: Worker | null
  ready: boolean
  error: Error | null
  crashes: number
  startedAt: number
  restartTimer: NodeJS.Timeout | null
  gaveUp: boolean
  retired: boolean
  waiters: Array<() => void>
}

interface Job {
  readonly generation: number
  readonly header: HeaderTemplate
  readonly chunkBase: bigint
  resolve(solution: Solution): void
  reject(error: Error): void
  cleanup(): void
}

/** Mines block headers on worker threads. See the module comment for wiring. */
export class MinerEngine extends EventEmitter<MinerEngineEvents> {
  private readonly control = Control.create()
  private readonly workerPath: string | URL
  private readonly execArgv: string[]
  private readonly lowPriority: boolean
  private count: number
  private slots: Slot[] = []
  private job: Job | null = null
  private lastDifficulty = 0
  private samples: Array<{ t: number; hashes: number }> = []
  private ticker: NodeJS.Timeout | null = null
  private endedAt = 0
  private closed = false
  private readonly idleMs: number
  private readonly restartBackoffMs: number
  private idleTimer: NodeJS.Timeout | null = null
  /** Threads ended for idleness that have not exited yet (close and setThreads wait for them). */
  private ending: Promise<unknown> = Promise.resolve()

  constructor(opts: MinerEngineOptions = {}) {
    super()
    this.count = checkThreads(opts.threads ?? defaultThreads())
    this.workerPath = opts.workerPath ?? new URL('./worker.ts', import.meta.url)
    // TypeScript sources (development, tests) load through tsx; a bundled worker is plain JS.
    const isTs = String(this.workerPath).endsWith('.ts')
    this.execArgv = opts.execArgv ?? (isTs ? ['--import', 'tsx'] : [])
    this.lowPriority = (opts.priority ?? 'lowest') === 'lowest'
    this.idleMs = opts.idleMs ?? IDLE_MS
    this.restartBackoffMs = opts.restartBackoffMs ?? RESTART_BACKOFF_MS
  }

  /** Number of worker threads the engine runs while mining. */
  get threads(): number {
    return this.count
  }

  /**
   * Mines `work`: every worker gets it, with disjoint proof ranges handed out in chunks. Resolves
   * with the first proof whose full hash node:crypto confirms here. A newer `solve`, `stop`,
   * `close` or `signal` rejects it with an Error named 'AbortError', and the workers drop the old
   * work within a chunk (a few ms). Workers start on the first call.
   */
  solve(work: MiningWork, signal?: AbortSignal): Promise<Solution> {
    if (this.closed) return Promise.reject(new Error('the miner is closed'))
    if (signal?.aborted) return Promise.reject(abortError('mining aborted', signal.reason))
    let header: HeaderTemplate
    try {
      header = checkHeader(work.header)
    } catch (e) {
      return Promise.reject(e)
    }
    this.cancelIdle()
    const generation = this.control.bump()
    const previous = this.job
    this.job = null
    if (previous) {
      previous.cleanup()
      previous.reject(abortError('superseded by newer work'))
    } else if (performance.now() - this.endedAt >= PROGRESS_MS) {
      // A new start after a real pause: the rate window begins now. Back-to-back solves (an easy
      // chain) keep one window, so the rate is measured across them.
      this.samples = [{ t: performance.now(), hashes: this.control.hashes }]
    }
    return new Promise<Solution>((resolve, reject) => {
      const job: Job = {
        generation,
        header,
        chunkBase: this.control.chunkCounter,
        resolve,
        reject,
        cleanup: () => {}
      }
      if (signal) {
        const onAbort = (): void => {
          if (this.job === job) this.end(abortError('mining aborted', signal.reason))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        job.cleanup = () => signal.removeEventListener('abort', onAbort)
      }
      this.job = job
      this.lastDifficulty = header.difficulty
      for (const slot of this.slots) {
        if (slot.gaveUp) Object.assign(slot, { gaveUp: false, crashes: 0 }) // worth another try
        if (slot.ready) this.send(slot, this.workMessage(job))
      }
      this.ensureWorkers()
      this.ticker ??= setInterval(() => this.tick(), PROGRESS_MS)
    })
  }

  /** Aborts the current work, if any: its `solve` rejects and the workers go idle (no CPU). */
  stop(): void {
    if (this.job) this.end(abortError('mining stopped'))
    else this.control.bump()
  }

  /**
   * Changes the number of worker threads; resolves when the new ones are ready and the removed
   * ones have ended. Current work carries on (new workers join it).
   */
  async setThreads(n: number): Promise<void> {
    this.count = checkThreads(n)
    if (this.closed || (this.slots.length === 0 && !this.job)) {
      await this.ending // threads ended for idleness: gone when this resolves
      return
    }
    const removed = this.slots.splice(this.count)
    const endings = removed.map((slot) => this.retire(slot))
    this.ensureWorkers()
    await Promise.all([...endings, ...this.slots.map((slot) => this.whenReady(slot))])
  }

  /** Stops and terminates all workers. The engine cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return
    this.stop()
    this.stopTicker()
    this.cancelIdle()
    this.closed = true
    const slots = this.slots
    this.slots = []
    await Promise.all([this.ending, ...slots.map((slot) => this.retire(slot))])
  }

  /** A snapshot of what the 'progress' event reports. */
  progress(): MinerProgress {
    const hashes = this.control.hashes
    const now = performance.now()
    this.samples.push({ t: now, hashes })
    while (this.samples.length > 2 && now - this.samples[1].t >= RATE_WINDOW_MS) {
      this.samples.shift()
    }
    const first = this.samples[0]
    const seconds = (now - first.t) / 1000
    // Between back-to-back solves there is no job for a moment; the recent window still counts.
    const recent = this.job !== null || now - this.endedAt < PROGRESS_MS
    const hashRate = recent && seconds > 0 ? (hashes - first.hashes) / seconds : 0
    return {
      hashes,
      hashRate,
      difficulty: this.lastDifficulty,
      expectedMs: hashRate > 0 ? (2 ** this.lastDifficulty / hashRate) * 1000 : Infinity,
      workers: this.slots.filter((s) => s.ready).length,
      active: this.job !== null
    }
  }

  /**
   * Diagnostics and tests: each worker's id, thread and the work generation it is hashing for
   * (0 when idle), and the current generation.
   */
  workerStates(): WorkerStates {
    return {
      generation: this.job?.generation ?? 0,
      workers: this.slots.map((s) => ({
        workerId: s.id,
        threadId: s.worker?.threadId ?? -1,
        hashing: this.control.workerState(s.id)
      }))
    }
  }

  /** Diagnostics and tests: the live Worker objects by worker id. */
  workerHandles(): Map<number, Worker> {
    return new Map(this.slots.flatMap((s) => (s.worker ? [[s.id, s.worker] as const] : [])))
  }

  /** Test hook: makes worker `workerId` throw, as a bug would; the engine must restart it. */
  injectWorkerFault(workerId: number, message = 'injected fault'): void {
    const slot = this.slots.find((s) => s.id === workerId)
    if (!slot?.worker) throw new Error(`no running worker ${workerId}`)
    this.send(slot, { type: 'fault', message })
  }

  private workMessage(job: Job): ToWorker {
    return {
      type: 'work',
      generation: job.generation,
      header: job.header,
      chunkBase: job.chunkBase
    }
  }

  private send(slot: Slot, message: ToWorker): void {
    slot.worker?.postMessage(message)
  }

  /** Settles the current job (solution or error) and leaves the workers idle. */
  private end(outcome: Solution | Error): void {
    const job = this.job
    if (!job) return
    this.job = null
    this.control.bump()
    job.cleanup()
    if (outcome instanceof Error) job.reject(outcome)
    else job.resolve(outcome)
    // The ticker outlives the job: a miner on an easy chain solves in microseconds, back to back,
    // and must still report its rate. tick() stops it after a whole period without work.
    this.endedAt = performance.now()
    this.cancelIdle()
    this.idleTimer = setTimeout(() => void this.endWorkers(), this.idleMs)
    this.idleTimer.unref()
    this.emit('idle')
  }

  private cancelIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }

  /** No work for idleMs: the threads end (the next solve starts them again). */
  private async endWorkers(): Promise<void> {
    this.idleTimer = null
    if (this.closed || this.job) return
    const slots = this.slots
    this.slots = []
    this.ending = Promise.all(slots.map((slot) => this.retire(slot)))
    await this.ending
  }

  private tick(): void {
    this.emit('progress', this.progress())
    if (this.job === null && performance.now() - this.endedAt >= PROGRESS_MS) this.stopTicker()
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = null
  }

  private ensureWorkers(): void {
    if (this.closed) return
    for (let id = this.slots.length; id < this.count; id++) {
      this.slots.push({
        id,
        worker: null,
        ready: false,
        error: null,
        crashes: 0,
        startedAt: 0,
        restartTimer: null,
        gaveUp: false,
        retired: false,
        waiters: []
      })
    }
    for (const slot of this.slots) {
      if (!slot.worker && !slot.restartTimer && !slot.gaveUp) this.spawn(slot)
    }
  }

  private spawn(slot: Slot): void {
    const workerData: WorkerInit = {
      workerId: slot.id,
      control: this.control.buffer,
      lowPriority: this.lowPriority
    }
    let worker: Worker
    try {
      worker = new Worker(this.workerPath, {
        workerData,
        execArgv: this.execArgv,
        name: `blockforge-miner-${slot.id}`
      })
    } catch (e) {
      // A bad path or option throws here instead of failing in the thread: same handling, later.
      const error = e instanceof Error ? e : new Error(String(e))
      slot.startedAt = performance.now()
      // Held in restartTimer so that nothing spawns this slot again meanwhile.
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = null
        this.crashed(slot, error)
      }, 0)
      return
    }
    // An idle engine must not keep the process alive; while mining, the progress timer does.
    worker.unref()
    Object.assign(slot, { worker, ready: false, error: null, startedAt: performance.now() })
    worker.on('message', (m: FromWorker) => {
      if (slot.worker === worker) this.onMessage(slot, m)
    })
    worker.on('error', (e) => {
      if (slot.worker === worker) slot.error = e
    })
    worker.on('exit', (code) => {
      if (slot.worker === worker) this.onExit(slot, code)
    })
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const job = this.job
    switch (m.type) {
      case 'ready':
        slot.ready = true
        this.wake(slot)
        if (job) this.send(slot, this.workMessage(job))
        return
      case 'found':
        if (!job || m.generation !== job.generation) return // stale: newer work already out
        if (this.verify(job, m)) {
          slot.crashes = 0
          this.end({ proof: m.proof, hash: m.hash })
        } else {
          const error = new Error(
            `worker ${slot.id} reported proof ${m.proof}, which fails the check`
          )
          this.emit('worker-error', { workerId: slot.id, error })
          this.send(slot, this.workMessage(job))
        }
        return
      case 'exhausted':
        if (job && m.generation === job.generation) {
          this.end(new Error('every proof up to 2^53 - 1 was tried: change the header (timestamp)'))
        }
        return
    }
  }

  /** The host's own check: full 96-byte header, node:crypto. */
  private verify(job: Job, m: { proof: number; hash: string }): boolean {
    if (!Number.isSafeInteger(m.proof) || m.proof < 0) return false
    const hash = blockHash({ ...job.header, proof: m.proof })
    return hash === m.hash && meetsDifficulty(hash, job.header.difficulty)
  }

  private onExit(slot: Slot, code: number): void {
    const error = slot.error ?? new Error(`miner worker ${slot.id} exited with code ${code}`)
    Object.assign(slot, { worker: null, ready: false, error: null })
    // It cannot clear its own state any more (unless its id went to a new thread meanwhile: the
    // engine ended idle threads and a solve started new ones before this one's exit came).
    if (!this.slots.some((s) => s !== slot && s.id === slot.id))
      this.control.setWorkerState(slot.id, 0)
    this.crashed(slot, error)
  }

  /** Reports a worker that died (or never started) and restarts it, backing off in a crash loop. */
  private crashed(slot: Slot, error: Error): void {
    if (this.closed || slot.retired) return this.wake(slot)
    const quick = performance.now() - slot.startedAt < STABLE_MS
    slot.crashes = quick ? slot.crashes + 1 : 1
    this.emit('worker-error', { workerId: slot.id, error })
    if (slot.crashes > MAX_CRASHES) {
      slot.gaveUp = true
      this.wake(slot)
      const alive = this.slots.some((s) => !s.gaveUp)
      if (!alive) this.end(new Error('every miner worker keeps crashing', { cause: error }))
      return
    }
    const delay = restartDelay(slot.crashes, this.restartBackoffMs)
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null
      if (!this.closed && this.slots.includes(slot)) this.spawn(slot)
    }, delay)
    slot.restartTimer.unref()
  }

  private retire(slot: Slot): Promise<unknown> {
    slot.retired = true
    if (slot.restartTimer) clearTimeout(slot.restartTimer)
    slot.restartTimer = null
    this.wake(slot)
    return slot.worker?.terminate() ?? Promise.resolve()
  }

  private whenReady(slot: Slot): Promise<void> {
    if (slot.ready || slot.gaveUp || slot.retired) return Promise.resolve()
    return new Promise((resolve) => slot.waiters.push(resolve))
  }

  private wake(slot: Slot): void {
    for (const w of slot.waiters.splice(0)) w()
  }
}

/** The one thread rule (node/settings.ts), also the bound of the shared control block (MAX_WORKERS). */
function checkThreads(n: number): number {
  const c = checkThreadRule(n)
  if (!c.ok || c.value > MAX_WORKERS)
    throw new RangeError(c.ok ? `threads must be at most ${MAX_WORKERS}, got ${n}` : c.message)
  return c.value
}

/** Copies the header's fields (a Block may carry transactions: they need not cross threads). */
function checkHeader(h: Omit<BlockHeader, 'proof'>): HeaderTemplate {
  const ints: Array<[string, number, number]> = [
    ['version', h.version, MAX_U32],
    ['index', h.index, MAX_JSON_INT],
    ['timestamp', h.timestamp, MAX_JSON_INT],
    ['difficulty', h.difficulty, MAX_U32]
  ]
  for (const [name, v, max] of ints) {
    if (!Number.isInteger(v) || v < 0 || v > max)
      throw new RangeError(`header.${name} is not a valid value: ${v}`)
  }
  if (!isHash(h.previousHash)) throw new RangeError('header.previousHash is not 64 lowercase hex')
  if (!isHash(h.merkleRoot)) throw new RangeError('header.merkleRoot is not 64 lowercase hex')
  const { version, index, timestamp, previousHash, merkleRoot, difficulty } = h
  return { version, index, timestamp, previousHash, merkleRoot, difficulty }
}
