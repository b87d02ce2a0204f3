/**
 * Memory layout of the generated 4-lane SHA-256 module, shared by its generator
 * (scripts/gen-miner-wasm.ts) and its loader (sha256x4.ts) so the two cannot drift apart.
 */

/** 24 u32 words: the 96 header bytes read big-endian. Word 23 (proof low) is ignored. */
export const HEADER_OFFSET = 0
/** Output of `scan` (first hash word of the 4 lanes of the hit) and of `digest4` (8 x 4 words). */
export const OUT_OFFSET = 128
/** Start of the generator's own area: constant vectors, then the per-header precomputed values. */
export const DATA_OFFSET = 256
