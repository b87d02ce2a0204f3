/**
 * The generated 4-lane WebAssembly SHA-256 against node:crypto: full digests for random headers
 * and proofs (fast-check), the first words that `scan` tests, the candidate groups it reports, the
 * protocol's header vectors, and that the committed module is what the generator makes today.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generate, OUTPUT_PATH } from '../../scripts/gen-miner-wasm'
import { headerBytes, PROOF_OFFSET } from '../../src/main/core/codec'
import { difficultyMask, LANES, Sha256x4 } from '../../src/main/miner/sha256x4'
import { loadVector } from '../helpers/vectors'

const LOW = 2 ** 32

function withProof(header: Uint8Array, proof: number): Buffer {
  const b = Buffer.from(header)
  b.writeUInt32BE(Math.floor(proof / LOW), PROOF_OFFSET)
  b.writeUInt32BE(proof % LOW, PROOF_OFFSET + 4)
  return b
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()

/** A random 96-byte header and the first of 4 proofs: below 2^53, the low word does not wrap. */
const headerAndProof = fc.record({
  header: fc.uint8Array({ minLength: 96, maxLength: 96 }),
  high: fc.oneof(fc.constantFrom(0, 1, 2 ** 21 - 1), fc.integer({ min: 0, max: 2 ** 21 - 1 })),
  low: fc.oneof(
    fc.constantFrom(0, 4, LOW - 4, 2 ** 31 - 4, 2 ** 31),
    fc.integer({ min: 0, max: LOW - 4 })
  )
})

describe('Sha256x4 (WebAssembly SIMD)', () => {
  const lanes = new Sha256x4()

  it('computes the same digests as node:crypto for random headers and proofs', () => {
    fc.assert(
      fc.property(headerAndProof, ({ header, high, low }) => {
        lanes.setHeader(withProof(header, high * LOW))
        const got = lanes.digest4(low)
        for (let k = 0; k < LANES; k++) {
          expect(got[k].toString('hex')).toBe(
            sha256(withProof(header, high * LOW + low + k)).toString('hex')
          )
        }
      }),
      { numRuns: 400 }
    )
  })

  it('scan tests the same first hash words as node:crypto', () => {
    fc.assert(
      fc.property(headerAndProof, ({ header, high, low }) => {
        lanes.setHeader(withProof(header, high * LOW))
        // Mask 0: every group is a candidate, so the first group reports its four first words.
        expect(lanes.scan(low, 1, 0)).toBe(0)
        const want = [0, 1, 2, 3].map((k) =>
          sha256(withProof(header, high * LOW + low + k)).readUInt32BE(0)
        )
        expect(lanes.hitWords()).toEqual(want)
      }),
      { numRuns: 400 }
    )
  })

  it('scan reports the first group holding a hash with enough leading zero bits', () => {
    fc.assert(
      fc.property(
        headerAndProof,
        fc.integer({ min: 1, max: 8 }),
        ({ header, high }, difficulty) => {
          lanes.setHeader(withProof(header, high * LOW))
          const groups = 512
          let want = -1
          for (let g = 0; g < groups && want < 0; g++) {
            for (let k = 0; k < LANES; k++) {
              const first = sha256(withProof(header, high * LOW + LANES * g + k)).readUInt32BE(0)
              if (Math.clz32(first) >= difficulty) want = g
            }
          }
          expect(lanes.scan(0, groups, difficultyMask(difficulty))).toBe(want)
        }
      ),
      { numRuns: 60 }
    )
  })

  it('hashes the protocol header vectors', () => {
    for (const v of loadVector('headers.json').headers) {
      const f = v.fields
      const bytes = headerBytes({
        version: f.version,
        index: f.index,
        timestamp: f.timestamp,
        previousHash: f.previous_hash,
        merkleRoot: f.merkle_root,
        difficulty: f.difficulty,
        proof: f.proof
      })
      expect(bytes.toString('hex')).toBe(v.header_bytes)
      lanes.setHeader(bytes)
      const low = bytes.readUInt32BE(PROOF_OFFSET + 4)
      const base = Math.min(low, LOW - LANES)
      expect(lanes.digest4(base)[low - base].toString('hex'), v.description).toBe(v.hash)
    }
  })

  it('refuses a scan that would wrap the low proof word', () => {
    expect(() => lanes.scan(LOW - 4, 2, 0)).toThrow(RangeError)
    expect(() => lanes.digest4(LOW - 3)).toThrow(RangeError)
  })

  it('builds difficulty masks of the leading bits', () => {
    expect(difficultyMask(0)).toBe(0)
    expect(difficultyMask(1)).toBe(0x80000000)
    expect(difficultyMask(16)).toBe(0xffff0000)
    expect(difficultyMask(32)).toBe(0xffffffff)
    expect(difficultyMask(255)).toBe(0xffffffff)
  })
})

describe('the committed module', () => {
  // If this fails after a change to the generator: npm run gen:wasm, and commit the result.
  it('is what scripts/gen-miner-wasm.ts generates', async () => {
    const { source } = await generate()
    expect(readFileSync(OUTPUT_PATH, 'utf8') === source).toBe(true)
  })
})
