/**
 * The mining loop of one worker, kept free of worker_threads so it can be tested in-process:
 * claims chunks of proofs from the shared counter, scans them four at a time in WebAssembly and
 * checks every candidate's full hash with node:crypto (PROTOCOL §4).
 */
import { headerBytes, MAX_JSON_INT, PROOF_OFFSET } from '../core/codec'
import { sha256Hex } from '../core/crypto'
import { meetsDifficulty } from '../core/pow'
import { CHUNK_PROOFS, type Control, type HeaderTemplate } from './protocol'
import { difficultyMask, LANES, Sha256x4 } from './sha256x4'

const MAX_PROOF = MAX_JSON_INT // a proof is a JSON integer (PROTOCOL §1)
const GROUPS = CHUNK_PROOFS / LANES
const LOW_WORDS = 2 ** 32

export interface SearchJob {
  readonly generation: number
  readonly header: HeaderTemplate
  /** Chunk counter when the work was issued: chunk c covers proofs from (c - base) * CHUNK. */
  readonly chunkBase: bigint
}

export type SliceResult =
  | { kind: 'found'; proof: number; hash: string }
  /** The slice's time ran out: call again to go on. */
  | { kind: 'more' }
  /** The work is no longer current (new work or stop). */
  | { kind: 'stale' }
  | { kind: 'exhausted' }

/** One worker's search state: the WebAssembly instance and the header it was prepared for. */
export class Searcher {
  private readonly lanes = new Sha256x4()
  private job: SearchJob | null = null
  private bytes: Buffer = Buffer.alloc(0)
  private mask = 0
  private preparedHigh = -1

  constructor(private readonly control: Control) {}

  /**
   * Works on `job` for about `sliceMs` of wall-clock time, in chunks, checking between chunks
   * whether the work is still current.
   */
  run(job: SearchJob, sliceMs: number): SliceResult {
    if (job !== this.job) this.load(job)
    const deadline = performance.now() + sliceMs
    do {
      if (this.control.generation !== job.generation) return { kind: 'stale' }
      const start = Number(this.control.claimChunk() - job.chunkBase) * CHUNK_PROOFS
      if (start + CHUNK_PROOFS - 1 > MAX_PROOF) return { kind: 'exhausted' }
      // Chunks never straddle a multiple of 2^32, so the low word cannot wrap within one.
      const high = Math.floor(start / LOW_WORDS)
      const low = start % LOW_WORDS
      if (high !== this.preparedHigh) this.prepare(high)
      const found = this.scanChunk(high, low)
      if (found) return found
    } while (performance.now() < deadline)
    return { kind: 'more' }
  }

  private load(job: SearchJob): void {
    this.job = job
    this.bytes = headerBytes({ ...job.header, proof: 0 })
    this.mask = difficultyMask(job.header.difficulty)
    this.preparedHigh = -1
  }

  private prepare(high: number): void {
    this.bytes.writeUInt32BE(high, PROOF_OFFSET)
    this.lanes.setHeader(this.bytes)
    this.preparedHigh = high
  }

  private scanChunk(high: number, low: number): SliceResult | null {
    let group = 0
    while (group < GROUPS) {
      const hit = this.lanes.scan(low + LANES * group, GROUPS - group, this.mask)
      if (hit < 0) break
      group += hit
      const found = this.check(high, low + LANES * group)
      group += 1
      if (found) {
        this.control.addHashes(LANES * group)
        return found
      }
      // Above difficulty 32 the first word is not the whole test: go on after this group.
    }
    this.control.addHashes(CHUNK_PROOFS)
    return null
  }

  /** The full-hash check of the four proofs of a candidate group; the first that passes wins. */
  private check(high: number, low: number): SliceResult | null {
    const difficulty = this.job!.header.difficulty
    for (let lane = 0; lane < LANES; lane++) {
      this.bytes.writeUInt32BE(low + lane, PROOF_OFFSET + 4)
      const hash = sha256Hex(this.bytes)
      if (meetsDifficulty(hash, difficulty)) {
        return { kind: 'found', proof: high * LOW_WORDS + low + lane, hash }
      }
    }
    return null
  }
}
