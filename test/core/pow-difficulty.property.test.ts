/**
 * Property tests (fast-check) of proof of work and difficulty (PROTOCOL §4, §5): leadingZeroBits
 * agrees with a BigInt reading of the hash as a 256-bit number, meetsDifficulty is exactly
 * "at least that many zero bits", block work is 2^difficulty; retarget keeps the parent's
 * difficulty off retarget heights and on them moves by at most one step, never below
 * minDifficulty nor above 255, and never raises difficulty for a slower window.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  blockWork,
  isRetargetHeight,
  leadingZeroBits,
  meetsDifficulty,
  NETWORKS,
  retarget
} from '../../src/main/core'

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).chain((a) =>
  // Also hashes with many leading zero bytes, which uniform bytes almost never give.
  fc
    .integer({ min: 0, max: 32 })
    .map((zeros) => Buffer.from(a.map((x, i) => (i < zeros ? 0 : x))).toString('hex'))
)

describe('proof of work', () => {
  it('counts leading zero bits as the 256-bit big-endian number says', () => {
    fc.assert(
      fc.property(hash, (h) => {
        const n = BigInt('0x' + h)
        const bits = n === 0n ? 256 : 256 - n.toString(2).length
        expect(leadingZeroBits(h)).toBe(bits)
        expect(meetsDifficulty(h, bits)).toBe(true)
        if (bits < 256) expect(meetsDifficulty(h, bits + 1)).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it('weighs a block at 2^difficulty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (d) => {
        expect(blockWork(d)).toBe(2n ** BigInt(d))
      })
    )
  })
})

describe('retarget', () => {
  const params = NETWORKS.main.params
  const input = fc.record({
    parentIndex: fc.integer({ min: 1, max: 10_000 }),
    parentDifficulty: fc.integer({ min: params.minDifficulty, max: 255 }),
    parentTimestamp: fc.integer({ min: 0, max: 10_000_000 }),
    window: fc.integer({ min: 0, max: 1_000_000 })
  })

  it('keeps the difficulty off retarget heights and moves it one step at most on them', () => {
    fc.assert(
      fc.property(input, ({ parentIndex, parentDifficulty, parentTimestamp, window }) => {
        const d = retarget(params, {
          parentIndex,
          parentDifficulty,
          parentTimestamp,
          oldestTimestamp: parentTimestamp - window
        })
        if (!isRetargetHeight(params, parentIndex + 1)) expect(d).toBe(parentDifficulty)
        expect(Math.abs(d - parentDifficulty)).toBeLessThanOrEqual(1)
        expect(d).toBeGreaterThanOrEqual(params.minDifficulty)
        expect(d).toBeLessThanOrEqual(255)
      }),
      { numRuns: 500 }
    )
  })

  it('never asks more of a slower window than of a faster one', () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 0, max: 1_000_000 }),
        ({ parentIndex, parentDifficulty, parentTimestamp, window }, more) => {
          const at = (w: number): number =>
            retarget(params, {
              parentIndex,
              parentDifficulty,
              parentTimestamp,
              oldestTimestamp: parentTimestamp - w
            })
          expect(at(window + more)).toBeLessThanOrEqual(at(window))
        }
      ),
      { numRuns: 500 }
    )
  })

  it('never retargets on regtest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (i) => {
        expect(isRetargetHeight(NETWORKS.regtest.params, i)).toBe(false)
      })
    )
  })
})
