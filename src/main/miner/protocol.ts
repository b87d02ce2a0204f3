/**
 * What the engine (main thread) and its mining workers share: the message union and a small
 * SharedArrayBuffer control block. A worker busy hashing does not read messages, so everything it
 * must notice between chunks (new work, stop) is in the control block, read with Atomics.
 */
import type { BlockHeader } from '../core/types'

/** Work as it crosses the thread boundary: the header without its proof. */
export type HeaderTemplate = Omit<BlockHeader, 'proof'>

/** Proofs per chunk: ~2 ms of one core at full speed, the longest a worker works on stale work. */
export const CHUNK_PROOFS = 2 ** 15

/** Highest number of workers (slots in the control block). */
export const MAX_WORKERS = 256

export type ToWorker =
  /** Mine `header` while the control block's generation is `generation`. */
  | { type: 'work'; generation: number; header: HeaderTemplate; chunkBase: bigint }
  /** Test hook: throw from the message handler, as a bug in the worker would. */
  | { type: 'fault'; message: string }

export type FromWorker =
  | { type: 'ready' }
  /** A proof whose full hash the worker checked with node:crypto: it meets the difficulty. */
  | { type: 'found'; generation: number; proof: number; hash: string }
  /** Every proof up to 2^53 - 1 was tried: the header cannot be mined as it is. */
  | { type: 'exhausted'; generation: number }

/** Data every worker is started with. */
export interface WorkerInit {
  workerId: number
  control: SharedArrayBuffer
  /** Hash at the lowest scheduling priority (priority.ts); false: the default priority. */
  lowPriority: boolean
}

// Layout: Int32 [0] generation; BigInt64 [1] next chunk, [2] hashes; Int32 [8 + id] per-worker
// generation being hashed (0 = idle).
const GENERATION = 0
const NEXT_CHUNK = 1
const HASHES = 2
const WORKER_STATE = 8

/**
 * The shared control block. Chunks are handed out from one counter that never goes back, so
 * workers (restarted ones included) never hash the same proofs for the same work; each work item
 * numbers its chunks from the counter's value when it was issued (`chunkBase`).
 */
export class Control {
  private readonly i32: Int32Array
  private readonly i64: BigInt64Array

  constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer)
    this.i64 = new BigInt64Array(buffer, 0, 4)
  }

  static create(): Control {
    return new Control(new SharedArrayBuffer(4 * (WORKER_STATE + MAX_WORKERS)))
  }

  get generation(): number {
    return Atomics.load(this.i32, GENERATION)
  }

  /** Makes all current work stale; returns the new generation. */
  bump(): number {
    return Atomics.add(this.i32, GENERATION, 1) + 1
  }

  /** Value that the next `claimChunk` of any worker will at least return. */
  get chunkCounter(): bigint {
    return Atomics.load(this.i64, NEXT_CHUNK)
  }

  claimChunk(): bigint {
    return Atomics.add(this.i64, NEXT_CHUNK, 1n)
  }

  get hashes(): number {
    return Number(Atomics.load(this.i64, HASHES))
  }

  addHashes(n: number): void {
    Atomics.add(this.i64, HASHES, BigInt(n))
  }

  /** Generation that worker `id` is hashing for, 0 when idle. */
  workerState(id: number): number {
    return Atomics.load(this.i32, WORKER_STATE + id)
  }

  setWorkerState(id: number, generation: number): void {
    Atomics.store(this.i32, WORKER_STATE + id, generation)
  }
}
