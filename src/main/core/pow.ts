/** PROTOCOL §4: number of leading zero bits of a 256-bit big-endian hash. */
export function leadingZeroBits(hashHex: string): number {
  let bits = 0
  for (let i = 0; i < hashHex.length; i++) {
    const nibble = parseInt(hashHex[i], 16)
    if (nibble === 0) {
      bits += 4
      continue
    }
    return bits + Math.clz32(nibble) - 28
  }
  return bits
}

/** PROTOCOL §4: the proof of work holds when the hash has at least `difficulty` leading zero bits. */
export function meetsDifficulty(hashHex: string, difficulty: number): boolean {
  return leadingZeroBits(hashHex) >= difficulty
}

/** PROTOCOL §4: work of a block = 2^difficulty. */
export function blockWork(difficulty: number): bigint {
  return 1n << BigInt(difficulty)
}
