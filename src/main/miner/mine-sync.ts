/**
 * The simplest miner: a synchronous loop over proofs 0, 1, 2, ... with node:crypto on the full
 * header. For tests and tools at regtest difficulties (1..8, a few hundred tries); real mining
 * goes through MinerEngine.
 */
import { headerBytes, PROOF_OFFSET } from '../core/codec'
import { sha256Hex } from '../core/crypto'
import { meetsDifficulty } from '../core/pow'
import type { BlockHeader } from '../core/types'
import type { Solution } from './engine'

/**
 * PROTOCOL §4: the lowest proof from 0 up that makes `header` meet its difficulty, with the hash.
 * Throws if none is found within `maxTries` proofs.
 */
export function mineSync(header: Omit<BlockHeader, 'proof'>, maxTries = 1_000_000): Solution {
  const bytes = headerBytes({ ...header, proof: 0 })
  // Proofs below 2^32 only touch the low word; the high word stays the 0 written above.
  const limit = Math.min(maxTries, 2 ** 32)
  for (let proof = 0; proof < limit; proof++) {
    bytes.writeUInt32BE(proof, PROOF_OFFSET + 4)
    const hash = sha256Hex(bytes)
    if (meetsDifficulty(hash, header.difficulty)) return { proof, hash }
  }
  throw new Error(`no proof below ${maxTries} meets difficulty ${header.difficulty}`)
}
