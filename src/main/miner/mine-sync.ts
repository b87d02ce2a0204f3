/**
 * The simplest miner: a synchronous search over proofs 0, 1, 2, ... in the calling thread. For
 * tests and tools at regtest difficulties (1..8, a few hundred tries); real mining goes through
 * MinerEngine. It scans with the workers' 4-lane WebAssembly SHA-256 (a test chain of a thousand
 * blocks was most of the CPU of the tests that build one when each try was a node:crypto hash)
 * and confirms the winner with node:crypto, as the workers do.
 */
import { headerBytes, PROOF_OFFSET } from '../core/codec'
import { sha256Hex } from '../core/crypto'
import { meetsDifficulty } from '../core/pow'
import type { BlockHeader } from '../core/types'
import type { Solution } from './engine'
import { difficultyMask, LANES, Sha256x4 } from './sha256x4'

/** Groups of LANES proofs per call into WebAssembly: small enough to stop near maxTries. */
const SCAN_GROUPS = 1024

let lanes: Sha256x4 | undefined

/**
 * PROTOCOL §4: the lowest proof from 0 up that makes `header` meet its difficulty, with the hash.
 * Throws if none is found within `maxTries` proofs.
 */
export function mineSync(header: Omit<BlockHeader, 'proof'>, maxTries = 1_000_000): Solution {
  const bytes = headerBytes({ ...header, proof: 0 })
  lanes ??= new Sha256x4()
  // Proofs below 2^32 only touch the low word; the high word stays the 0 written above.
  lanes.setHeader(bytes)
  const limit = Math.min(maxTries, 2 ** 32)
  const mask = difficultyMask(header.difficulty)
  let low = 0
  while (low < limit) {
    const groups = Math.min(SCAN_GROUPS, Math.ceil((limit - low) / LANES))
    const hit = lanes.scan(low, groups, mask)
    if (hit < 0) {
      low += LANES * groups
      continue
    }
    // The scan tests the first hash word only: each lane of the group is checked in full, in order.
    const group = low + LANES * hit
    for (let proof = group; proof < group + LANES && proof < limit; proof++) {
      bytes.writeUInt32BE(proof, PROOF_OFFSET + 4)
      const hash = sha256Hex(bytes)
      if (meetsDifficulty(hash, header.difficulty)) return { proof, hash }
    }
    low = group + LANES
  }
  throw new Error(`no proof below ${maxTries} meets difficulty ${header.difficulty}`)
}
