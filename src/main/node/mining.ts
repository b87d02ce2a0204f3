/**
 * The mining controller: one engine shared by continuous mining (`--mine`, the app's toggle) and
 * one-shot mining (`GET /mine`, the Mine button). It builds templates from the NodeService, hands
 * them to the engine (worker threads), and offers each solution to the chain like any other block.
 * A new tip or new pending transactions replace the work in progress.
 */
import { EventEmitter } from 'node:events'
import type { Block, BlockHeader } from '../core'
import type { AcceptedBlock } from '../chain/chain'
import { StorageUnavailableError } from '../store/faults'
import type { NodeFacade } from './facade'
import { STORAGE_RETRY_MS } from './service'

export interface Solution {
  proof: number
  hash: string
}

export interface EngineProgress {
  hashes: number
  hashRate: number
  difficulty: number
  expectedMs: number
  workers: number
  active: boolean
}

/** What the controller needs of the proof-of-work engine (src/main/miner). */
export interface PowEngine {
  solve(work: { header: Omit<BlockHeader, 'proof'> }, signal?: AbortSignal): Promise<Solution>
  setThreads(n: number): Promise<void>
  readonly threads: number
  stop(): void
  close(): Promise<void>
  on(event: 'progress', cb: (p: EngineProgress) => void): unknown
  on(event: 'worker-error', cb: (e: { workerId: number; error: unknown }) => void): unknown
}

export interface MiningState {
  active: boolean
  threads: number
  hashRate: number
  hashes: number
  difficulty: number
  expectedMs: number
  blocksFound: number
}

export interface MiningEvents {
  state: [MiningState]
  found: [Block]
  error: [Error]
  /** Progress of re-mining a copy (the tamper lab). */
  'copy-progress': [EngineProgress]
}

/** Re-mining a copy stopped: cancelled, or superseded by this node's own mining. */
export type CopyStop = 'cancelled' | 'superseded'

/** This node is mining (or re-mining another copy): the workers are not free for a copy. */
export class MinerBusyError extends Error {
  constructor() {
    super('the miner is busy: this node is mining, or another copy is being re-mined')
    this.name = 'MinerBusyError'
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError'
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)))

interface Waiter {
  resolve: (b: Block) => void
  reject: (e: Error) => void
}

export class MiningController extends EventEmitter<MiningEvents> {
  private continuous = false
  private blocksFound = 0
  private progress: EngineProgress | undefined
  private current: AbortController | undefined
  private loop: Promise<void> | undefined
  /** One-shot callers waiting for the next block this node mines. */
  private waiters: Waiter[] = []
  private closed = false
  /** Ends the loop's current back-off early (storage ok again, close). */
  private wake: (() => void) | undefined
  /** Re-mining a copy (the tamper lab), and whether it was cancelled. */
  private copy: { ac: AbortController; cancelled: boolean } | undefined

  constructor(
    private readonly node: NodeFacade,
    readonly engine: PowEngine
  ) {
    super()
    engine.on('progress', (p) => {
      if (this.copy !== undefined) return void this.emit('copy-progress', p)
      this.progress = p
      this.emit('state', this.state())
    })
    engine.on('worker-error', (e) => {
      this.emit(
        'error',
        new Error(`mining worker ${e.workerId} crashed and was restarted: ${String(e.error)}`)
      )
    })
    // Stale work is dropped as soon as the tip or the pool changes.
    node.on('block', (a: AcceptedBlock) => {
      if (a.status === 'main') this.current?.abort()
    })
    node.on('transaction', () => this.current?.abort())
    node.on('storage', (h) => {
      // Paused on a full disk: go on as soon as space is back, without waiting out the back-off.
      if (h.state === 'ok') this.wake?.()
      // A one-shot caller is told at once instead of waiting for a block that cannot be stored.
      else this.failWaiters(new StorageUnavailableError(h))
    })
  }

  get active(): boolean {
    return this.continuous
  }

  state(): MiningState {
    const p = this.progress
    let difficulty = p?.difficulty ?? 0
    try {
      if (p === undefined) difficulty = this.node.status().difficulty
    } catch (e) {
      // A damaged store must not make a state report (an event listener) throw.
      if (!this.node.reportStorageError(e)) throw e
    }
    const mining = this.continuous || this.loop !== undefined
    return {
      active: this.continuous,
      threads: this.engine.threads,
      hashRate: mining ? (p?.hashRate ?? 0) : 0,
      hashes: p?.hashes ?? 0,
      difficulty,
      expectedMs: p?.expectedMs ?? 0,
      blocksFound: this.blocksFound
    }
  }

  async setThreads(n: number): Promise<void> {
    await this.engine.setThreads(n)
    this.emit('state', this.state())
  }

  /** Start continuous mining (idempotent). */
  start(): void {
    if (this.closed) return
    this.continuous = true
    this.ensureLoop()
    this.emit('state', this.state())
  }

  /** Stop continuous mining; workers go idle. One-shot callers still waiting are served first. */
  stop(): void {
    this.continuous = false
    if (this.waiters.length === 0) {
      this.current?.abort()
      // A copy being re-mined (the tamper lab) is not this node's mining: it goes on.
      if (this.copy === undefined) this.engine.stop()
    }
    this.emit('state', this.state())
  }

  /**
   * Mine one block paying our wallet and return it once the chain accepted it. Rejects at once
   * with StorageUnavailableError while the storage is full or damaged (a block could not be kept).
   */
  mineOnce(): Promise<Block> {
    if (this.closed) return Promise.reject(new Error('the node is shutting down'))
    if (!this.node.storageOk())
      return Promise.reject(new StorageUnavailableError(this.node.storageHealth()))
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.ensureLoop()
    })
  }

  /**
   * The tamper lab: solve a copy's header on the same workers. Refused (MinerBusyError) while this
   * node mines; the node's own mining started meanwhile takes the workers (its newer work
   * supersedes the copy's, and the copy stops as 'superseded'). Nothing found is offered to the
   * chain: the caller gets the proof and hash.
   */
  async mineCopy(header: Omit<BlockHeader, 'proof'>): Promise<Solution | CopyStop> {
    if (this.closed) throw new Error('the node is shutting down')
    if (this.continuous || this.loop !== undefined || this.copy !== undefined)
      throw new MinerBusyError()
    const copy = { ac: new AbortController(), cancelled: false }
    this.copy = copy
    try {
      return await this.engine.solve({ header }, copy.ac.signal)
    } catch (e) {
      if (!isAbort(e)) throw e
      return copy.cancelled ? 'cancelled' : 'superseded'
    } finally {
      this.copy = undefined
      if (!this.continuous && this.loop === undefined) this.engine.stop()
    }
  }

  /** Stop re-mining a copy; false when none is being re-mined. */
  cancelCopy(): boolean {
    if (this.copy === undefined) return false
    this.copy.cancelled = true
    this.copy.ac.abort()
    return true
  }

  private failWaiters(e: Error): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w.reject(e)
  }

  /** The 'error' event without throwing when nobody listens (EventEmitter would). */
  private report(e: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', e)
  }

  /** Wait `ms` (the bounded back-off), or less if woken (storage ok again, close). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wake = done
    })
  }

  private ensureLoop(): void {
    if (this.loop) return
    // run() handles its own errors; the catch is for a bug in it, which must not become an
    // unhandled rejection (a crash) nor re-arm the loop at once (a spin): it is reported, callers
    // are failed, and only a later start() or mineOnce() runs the loop again.
    this.loop = this.run()
      .then(
        () => true,
        (e: unknown) => {
          this.report(asError(e))
          this.failWaiters(asError(e))
          return false
        }
      )
      .then((clean) => {
        this.loop = undefined
        // A mineOnce() that came in while the loop was winding down found it still set: serve it.
        if (clean && !this.closed && (this.continuous || this.waiters.length > 0)) this.ensureLoop()
        this.emit('state', this.state())
      })
      .catch((e: unknown) => this.report(asError(e)))
  }

  private async run(): Promise<void> {
    while (!this.closed && (this.continuous || this.waiters.length > 0)) {
      // A full or damaged store cannot keep a block: pause, and look again after the back-off
      // (the node checks for space on the same period and wakes us when it is back).
      if (!this.node.storageOk()) {
        this.failWaiters(new StorageUnavailableError(this.node.storageHealth()))
        if (!this.continuous) break
        await this.pause(STORAGE_RETRY_MS)
        continue
      }
      let template: ReturnType<NodeFacade['blockTemplate']>
      try {
        template = this.node.blockTemplate()
      } catch (e) {
        // E.g. a damaged page under the tip: report it and back off, never spin on it.
        await this.failed(e)
        continue
      }
      const ac = new AbortController()
      this.current = ac
      let solution: Solution
      try {
        solution = await this.engine.solve({ header: template.header }, ac.signal)
      } catch (e) {
        if (isAbort(e)) continue
        this.report(asError(e))
        await this.pause(250)
        continue
      } finally {
        this.current = undefined
      }
      const block: Block = {
        ...template.header,
        proof: solution.proof,
        hash: solution.hash,
        transactions: template.transactions
      }
      // Validated like any other block before it is connected and offered to peers.
      let outcome: ReturnType<NodeFacade['submitBlock']>
      try {
        outcome = this.node.submitBlock(block, undefined, 'mined')
      } catch (e) {
        // Rolled back (a full disk): the node's storage state says why; the loop pauses above.
        await this.failed(e)
        continue
      }
      if (outcome.kind !== 'accepted') {
        if (outcome.kind === 'invalid')
          this.report(new Error(`mined block refused: ${outcome.code}: ${outcome.message}`))
        continue
      }
      this.blocksFound++
      this.emit('found', block)
      const waiters = this.waiters
      this.waiters = []
      for (const w of waiters) w.resolve(block)
    }
    if (!this.continuous) this.engine.stop()
  }

  /**
   * A template or a submit threw: storage faults go to the node's storage state (which pauses
   * the loop); anything else is reported. One-shot callers get the error; the loop backs off.
   */
  private async failed(e: unknown): Promise<void> {
    const storage = e instanceof StorageUnavailableError || this.node.reportStorageError(e)
    const err = storage ? new StorageUnavailableError(this.node.storageHealth()) : asError(e)
    if (!storage) this.report(new Error(`mining paused: ${err.message}`))
    this.failWaiters(err)
    if (this.node.storageOk()) await this.pause(STORAGE_RETRY_MS)
  }

  async close(): Promise<void> {
    this.closed = true
    this.continuous = false
    this.wake?.()
    this.failWaiters(new Error('the node is shutting down'))
    this.current?.abort()
    this.cancelCopy()
    this.engine.stop()
    await this.loop?.catch(() => undefined)
    await this.engine.close()
  }
}
