/**
 * The mining controller: one engine shared by continuous mining (`--mine`, the app's toggle) and
 * one-shot mining (`GET /mine`, the Mine button). It builds templates from the NodeService, hands
 * them to the engine (worker threads), and offers each solution to the chain like any other block.
 * A new tip or new pending transactions replace the work in progress.
 */
import { EventEmitter } from 'node:events'
import type { Block, BlockHeader } from '../core'
import type { AcceptedBlock } from '../chain/chain'
import type { NodeService } from './service'

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
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError'
}

export class MiningController extends EventEmitter<MiningEvents> {
  private continuous = false
  private blocksFound = 0
  private progress: EngineProgress | undefined
  private current: AbortController | undefined
  private loop: Promise<void> | undefined
  /** One-shot callers waiting for the next block this node mines. */
  private waiters: ((b: Block) => void)[] = []
  private closed = false

  constructor(
    private readonly node: NodeService,
    readonly engine: PowEngine
  ) {
    super()
    engine.on('progress', (p) => {
      this.progress = p
      this.emit('state', this.state())
    })
    engine.on('worker-error', (e) => {
      this.emit('error', new Error(`mining worker ${e.workerId} crashed and was restarted: ${String(e.error)}`))
    })
    // Stale work is dropped as soon as the tip or the pool changes.
    node.on('block', (a: AcceptedBlock) => {
      if (a.status === 'main') this.current?.abort()
    })
    node.on('transaction', () => this.current?.abort())
  }

  get active(): boolean {
    return this.continuous
  }

  state(): MiningState {
    const p = this.progress
    const difficulty = p?.difficulty ?? this.node.chain.nextDifficulty()
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
      this.engine.stop()
    }
    this.emit('state', this.state())
  }

  /** Mine one block paying our wallet and return it once the chain accepted it. */
  mineOnce(): Promise<Block> {
    if (this.closed) return Promise.reject(new Error('the node is shutting down'))
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      this.ensureLoop()
    })
  }

  private ensureLoop(): void {
    if (this.loop) return
    this.loop = this.run().finally(() => {
      this.loop = undefined
      // A mineOnce() that came in while the loop was winding down found it still set: serve it.
      if (!this.closed && (this.continuous || this.waiters.length > 0)) this.ensureLoop()
      this.emit('state', this.state())
    })
  }

  private async run(): Promise<void> {
    while (!this.closed && (this.continuous || this.waiters.length > 0)) {
      const template = this.node.blockTemplate()
      const ac = new AbortController()
      this.current = ac
      let solution: Solution
      try {
        solution = await this.engine.solve({ header: template.header }, ac.signal)
      } catch (e) {
        if (isAbort(e)) continue
        this.emit('error', e instanceof Error ? e : new Error(String(e)))
        await new Promise((r) => setTimeout(r, 250))
        continue
      } finally {
        this.current = undefined
      }
      const block: Block = { ...template.header, proof: solution.proof, hash: solution.hash, transactions: template.transactions }
      // Validated like any other block before it is connected and offered to peers.
      const outcome = this.node.submitBlock(block)
      if (outcome.kind !== 'accepted') {
        if (outcome.kind === 'invalid') this.emit('error', new Error(`mined block refused: ${outcome.code}: ${outcome.message}`))
        continue
      }
      this.blocksFound++
      this.emit('found', block)
      const waiters = this.waiters
      this.waiters = []
      for (const w of waiters) w(block)
    }
    if (!this.continuous) this.engine.stop()
  }

  async close(): Promise<void> {
    this.closed = true
    this.continuous = false
    this.current?.abort()
    this.engine.stop()
    await this.loop?.catch(() => undefined)
    await this.engine.close()
  }
}
