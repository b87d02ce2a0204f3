/** mineSync, the scalar helper for tests and tools: the lowest valid proof, checked one by one. */
import { describe, expect, it } from 'vitest'
import { blockHash } from '../../src/main/core/codec'
import { meetsDifficulty } from '../../src/main/core/pow'
import { mineSync } from '../../src/main/miner'

const header = {
  version: 1,
  index: 3,
  timestamp: 1_506_057_135_900,
  previousHash: '11'.repeat(32),
  merkleRoot: '22'.repeat(32),
  difficulty: 8
}

describe('mineSync', () => {
  it('returns the lowest proof meeting the difficulty', () => {
    for (const difficulty of [0, 1, 4, 8]) {
      const h = { ...header, difficulty }
      const { proof, hash } = mineSync(h)
      expect(hash).toBe(blockHash({ ...h, proof }))
      expect(meetsDifficulty(hash, difficulty)).toBe(true)
      for (let p = 0; p < proof; p++)
        expect(meetsDifficulty(blockHash({ ...h, proof: p }), difficulty)).toBe(false)
    }
  })

  it('gives up after maxTries', () => {
    expect(() => mineSync({ ...header, difficulty: 255 }, 100)).toThrow(/no proof below 100/)
  })
})
