/**
 * Loader for the generated 4-lane SHA-256 module (scripts/gen-miner-wasm.ts): one instance per
 * worker thread, fed one header at a time (PROTOCOL §4 header bytes).
 */
import { HEADER_BYTES, PROOF_OFFSET } from '../core/codec'
import { HEADER_OFFSET, OUT_OFFSET } from './layout'
import { SHA256X4_WASM_BASE64 } from './sha256x4.wasm'

/** Proofs hashed per `scan` group: one per SIMD lane. */
export const LANES = 4

interface Exports {
  memory: { buffer: ArrayBuffer }
  prepare(): void
  scan(lo: number, groups: number, mask: number): number
  digest4(lo: number): void
}

// The project's TS libs (ES2023 + @types/node 22) do not declare WebAssembly; this much is used.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

let compiled: object | undefined

/** The compiled module, shared by all instances of this thread. Synchronous: it is ~40 KB. */
function wasmModule(): object {
  compiled ??= new wasmApi.Module(Buffer.from(SHA256X4_WASM_BASE64, 'base64'))
  return compiled
}

/**
 * Mask of the first hash word's top `difficulty` bits (all 32 from 32 up): a hash meets the
 * difficulty only if its first word ANDed with this mask is zero; exactly so up to 32.
 */
export function difficultyMask(difficulty: number): number {
  if (difficulty <= 0) return 0
  if (difficulty >= 32) return 0xffffffff
  return ~(0xffffffff >>> difficulty) >>> 0
}

/**
 * SHA-256 of a 96-byte header for 4 proofs at once. `setHeader` keeps the header's first 23
 * words (midstate and per-header constants); the proof's high word is part of that, so a scan must
 * not let the low word wrap past 2^32.
 */
export class Sha256x4 {
  private readonly exports: Exports
  private readonly words: Uint32Array
  private readonly view: DataView

  constructor() {
    this.exports = new wasmApi.Instance(wasmModule(), {}).exports as Exports
    this.words = new Uint32Array(this.exports.memory.buffer)
    this.view = new DataView(this.exports.memory.buffer)
  }

  /** Loads a header (its low proof word is ignored) and precomputes everything but that word. */
  setHeader(header: Uint8Array): void {
    if (header.length !== HEADER_BYTES) throw new Error(`a header is ${HEADER_BYTES} bytes`)
    const src = new DataView(header.buffer, header.byteOffset, header.byteLength)
    for (let i = 0; i < (PROOF_OFFSET + 4) / 4; i++) {
      this.words[HEADER_OFFSET / 4 + i] = src.getUint32(4 * i, false)
    }
    this.exports.prepare()
  }

  /**
   * Tries low proof words lo .. lo + 4 * groups - 1. Returns the index of the first group of 4 in
   * which a lane's first hash word has no bit of `mask` set (see `hitWords`), or -1.
   */
  scan(lo: number, groups: number, mask: number): number {
    if (lo < 0 || groups < 0 || lo + LANES * groups > 2 ** 32)
      throw new RangeError('low proof word would wrap')
    return this.exports.scan(lo | 0, groups | 0, mask | 0)
  }

  /** First hash words of the 4 lanes of the last hit of `scan`. */
  hitWords(): number[] {
    return Array.from(this.words.subarray(OUT_OFFSET / 4, OUT_OFFSET / 4 + LANES))
  }

  /** Full SHA-256 hashes of the header with low proof words lo .. lo + 3 (for tests and checks). */
  digest4(lo: number): Buffer[] {
    if (lo < 0 || lo + LANES > 2 ** 32) throw new RangeError('low proof word would wrap')
    this.exports.digest4(lo | 0)
    return Array.from({ length: LANES }, (_, lane) => {
      const out = Buffer.alloc(32)
      for (let w = 0; w < 8; w++)
        out.writeUInt32BE(this.view.getUint32(OUT_OFFSET + 16 * w + 4 * lane, true), 4 * w)
      return out
    })
  }
}
