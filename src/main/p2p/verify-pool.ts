/**
 * Parallel signature checks for catching up (PROTOCOL §3, §4 rule 7). Before a fetched batch of
 * blocks is submitted, its transfers' signatures are checked on worker threads, one per core, and
 * the ones that verify are remembered; the chain's verifier then answers from that memory and
 * falls back to node:crypto for anything else. Validation itself is unchanged: the same strict
 * check runs for every transfer, only earlier and on several cores.
 *
 * The worker starts like the miner's: the .ts file beside this one under tsx, or a built path.
 *
 * Workers start on first need (a batch of at least minBatch transfers: a catch-up of
 * coinbase-only blocks never starts one) and stop after idleMs without work, so an idle node
 * holds no worker thread (each costs about 10 MB of RSS).
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import {
  isAddress,
  isCoinbase,
  txSigningBytes,
  verifyWithNodeCrypto,
  type SignatureVerifier,
  type Transaction
} from '../core'
import { ITEM_BYTES, type VerifyRequest, type VerifyResponse } from './verify-protocol'

export interface VerifyPoolOptions {
  genesisHash: string
  /** Worker threads (default: one per core). */
  threads?: number
  /** Built worker script (Electron); default: verify-worker.ts beside this file, run under tsx. */
  workerPath?: string
  execArgv?: string[]
  /** Verified signatures remembered (default 100 000). */
  cacheSize?: number
  /** Batches smaller than this are left to the inline check (default 32). */
  minBatch?: number
  /** Workers are stopped after this long without a job (default IDLE_MS). */
  idleMs?: number
}

/** How long the workers outlive their last job: a catch-up's batches come well within it. */
export const IDLE_MS = 15_000

interface Job {
  resolve: (r: Uint8Array) => void
  reject: (e: Error) => void
}

interface Slot {
  worker: Worker
  jobs: Map<number, Job>
  /** Stopped on purpose (idle): its exit is not a failure. */
  stopping: boolean
}

const key = (id: string, tx: Transaction): string => `${id}${tx.publicKey}${tx.signature}`

export class VerifyPool {
  private readonly genesisHash: string
  private readonly threads: number
  private readonly workerPath: string | URL
  private readonly execArgv: string[]
  private readonly cacheSize: number
  private readonly minBatch: number
  private readonly idleMs: number
  private readonly good = new Set<string>()
  private slots: Slot[] = []
  private nextJob = 1
  private closed = false
  private failures = 0
  private idleTimer: NodeJS.Timeout | undefined

  /** A verifier for NodeService: a remembered good signature, else node:crypto. */
  readonly verifier: SignatureVerifier = (tx, bytes) =>
    this.good.has(key(tx.id, tx)) || verifyWithNodeCrypto(tx, bytes)

  constructor(opts: VerifyPoolOptions) {
    this.genesisHash = opts.genesisHash
    this.threads = Math.max(1, opts.threads ?? availableParallelism())
    this.workerPath = opts.workerPath ?? new URL('./verify-worker.ts', import.meta.url)
    const isTs = String(this.workerPath).endsWith('.ts')
    this.execArgv = opts.execArgv ?? (isTs ? ['--import', 'tsx'] : [])
    this.cacheSize = opts.cacheSize ?? 100_000
    this.minBatch = opts.minBatch ?? 32
    this.idleMs = opts.idleMs ?? IDLE_MS
  }

  /** Worker threads running now (started on first need, stopped when idle). */
  get running(): number {
    return this.slots.filter(Boolean).length
  }

  private slot(i: number): Slot {
    let s = this.slots[i]
    if (s === undefined) {
      const worker = new Worker(this.workerPath, { execArgv: this.execArgv })
      worker.unref()
      const slot: Slot = { worker, jobs: new Map(), stopping: false }
      worker.on('message', (m: VerifyResponse) => {
        const job = slot.jobs.get(m.id)
        slot.jobs.delete(m.id)
        job?.resolve(m.results)
        this.scheduleIdle()
      })
      const fail = (e: Error): void => {
        for (const j of slot.jobs.values()) j.reject(e)
        slot.jobs.clear()
        if (this.slots[i] === slot) delete this.slots[i]
        if (slot.stopping) return
        // A worker that cannot start (e.g. a wrong workerPath in a build) is not retried forever:
        // the chain's inline check does the work.
        if (!this.closed && ++this.failures >= 3) void this.close()
      }
      worker.on('error', fail)
      worker.on('exit', (code) => fail(new Error(`verify worker exited (${code})`)))
      this.slots[i] = slot
      s = slot
    }
    return s
  }

  /** Start the workers ahead of a catch-up, so the first batch does not wait for them. */
  warm(): void {
    if (this.closed) return
    for (let i = 0; i < this.threads; i++) this.slot(i)
    this.scheduleIdle()
  }

  /** Once no job is in flight, stop the workers after idleMs (a new job cancels that). */
  private scheduleIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    if (this.closed || this.slots.some((s) => s !== undefined && s.jobs.size > 0)) return
    this.idleTimer = setTimeout(() => this.stopIdle(), this.idleMs)
    this.idleTimer.unref()
  }

  private stopIdle(): void {
    this.idleTimer = undefined
    if (this.slots.some((s) => s !== undefined && s.jobs.size > 0)) return
    const slots = this.slots.filter(Boolean)
    this.slots = []
    for (const s of slots) {
      s.stopping = true
      void s.worker.terminate()
    }
  }

  private run(i: number, packed: Buffer): Promise<Uint8Array> {
    clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    const slot = this.slot(i)
    const id = this.nextJob++
    const ab = packed.buffer.slice(
      packed.byteOffset,
      packed.byteOffset + packed.byteLength
    ) as ArrayBuffer
    return new Promise((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject })
      const req: VerifyRequest = { id, packed: ab }
      slot.worker.postMessage(req, [ab])
    })
  }

  /**
   * Check the transfers of `txs` on the workers and remember those that verify. Malformed ones
   * are skipped (the chain refuses them with their own code). Never throws: on a worker failure
   * the inline check simply does the work later.
   */
  async prime(txs: readonly Transaction[]): Promise<number> {
    if (this.closed) return 0
    const items: { key: string; tx: Transaction }[] = []
    for (const tx of txs) {
      if (isCoinbase(tx) || tx.publicKey === null || tx.signature === null) continue
      if (!isAddress(tx.recipient)) continue
      // Keyed by the claimed id: the worker vouches only if it is SHA-256 of the signing bytes.
      const k = key(tx.id, tx)
      if (!this.good.has(k)) items.push({ key: k, tx })
    }
    if (items.length < this.minBatch) return 0
    const n = Math.min(this.threads, Math.ceil(items.length / this.minBatch))
    const per = Math.ceil(items.length / n)
    const parts: Promise<void>[] = []
    for (let w = 0; w < n; w++) {
      const chunk = items.slice(w * per, (w + 1) * per)
      if (chunk.length === 0) continue
      const packed = Buffer.alloc(chunk.length * ITEM_BYTES)
      chunk.forEach(({ tx }, j) => {
        const o = j * ITEM_BYTES
        packed.write(tx.publicKey!, o, 32, 'hex')
        txSigningBytes(tx, this.genesisHash).copy(packed, o + 32)
        packed.write(tx.signature!, o + 132, 64, 'hex')
        packed.write(tx.id, o + 196, 32, 'hex')
      })
      parts.push(
        this.run(w, packed).then(
          (results) => {
            chunk.forEach((it, j) => {
              if (results[j] === 1) this.remember(it.key)
            })
          },
          () => undefined
        )
      )
    }
    await Promise.all(parts)
    return items.length
  }

  private remember(k: string): void {
    if (this.good.size >= this.cacheSize) this.good.delete(this.good.values().next().value!)
    this.good.add(k)
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.idleTimer)
    const slots = this.slots.filter(Boolean)
    this.slots = []
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }
}
