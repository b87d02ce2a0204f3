/**
 * One worker's mining loop, run in-process (no threads): solutions check out with node:crypto,
 * two searchers sharing a control block take disjoint chunks, proofs above 2^32 (a new high word)
 * are right, and a bumped generation makes the work stale.
 */
import { describe, expect, it } from 'vitest'
import { blockHash } from '../../src/main/core/codec'
import { leadingZeroBits } from '../../src/main/core/pow'
import { CHUNK_PROOFS, Control, type HeaderTemplate } from '../../src/main/miner/protocol'
import { Searcher, type SearchJob } from '../../src/main/miner/search'

const template: HeaderTemplate = {
  version: 1,
  index: 7,
  timestamp: 1_700_000_000_000,
  previousHash: '3f'.repeat(32),
  merkleRoot: 'a0'.repeat(32),
  difficulty: 8
}

function job(
  control: Control,
  header: HeaderTemplate,
  chunkBase = control.chunkCounter
): SearchJob {
  return { generation: control.generation, header, chunkBase }
}

function runToEnd(s: Searcher, j: SearchJob) {
  for (;;) {
    const r = s.run(j, 50)
    if (r.kind !== 'more') return r
  }
}

describe('Searcher', () => {
  it('finds proofs that node:crypto confirms', () => {
    const control = Control.create()
    control.bump()
    for (const difficulty of [0, 1, 8, 12, 16]) {
      const header = { ...template, difficulty }
      const r = runToEnd(new Searcher(control), job(control, header))
      if (r.kind !== 'found') throw new Error(`expected a solution, got ${r.kind}`)
      expect(r.hash).toBe(blockHash({ ...header, proof: r.proof }))
      expect(leadingZeroBits(r.hash)).toBeGreaterThanOrEqual(difficulty)
    }
  })

  it('gives two searchers on the same work disjoint chunks', () => {
    const control = Control.create()
    control.bump()
    const j = job(control, template)
    const a = runToEnd(new Searcher(control), j)
    const b = runToEnd(new Searcher(control), j)
    if (a.kind !== 'found' || b.kind !== 'found') throw new Error('expected two solutions')
    expect(Math.floor(a.proof / CHUNK_PROOFS)).toBe(0)
    expect(Math.floor(b.proof / CHUNK_PROOFS)).toBe(1)
  })

  it('mines proofs above 2^32 with the new high word', () => {
    const control = Control.create()
    control.bump()
    // Number the chunks so that the first claimed one starts at proof 3 * 2^32.
    const base = control.chunkCounter - BigInt((3 * 2 ** 32) / CHUNK_PROOFS)
    const header = { ...template, difficulty: 12 }
    const r = runToEnd(new Searcher(control), job(control, header, base))
    if (r.kind !== 'found') throw new Error('expected a solution')
    expect(r.proof).toBeGreaterThanOrEqual(3 * 2 ** 32)
    expect(r.hash).toBe(blockHash({ ...header, proof: r.proof }))
    expect(leadingZeroBits(r.hash)).toBeGreaterThanOrEqual(12)
  })

  it('stops at the end of the proof range', () => {
    const control = Control.create()
    control.bump()
    const base = control.chunkCounter - BigInt(Math.floor(2 ** 53 / CHUNK_PROOFS))
    const r = new Searcher(control).run(job(control, { ...template, difficulty: 255 }, base), 50)
    expect(r.kind).toBe('exhausted')
  })

  it('drops work whose generation is no longer current', () => {
    const control = Control.create()
    control.bump()
    const s = new Searcher(control)
    const j = job(control, { ...template, difficulty: 255 })
    expect(s.run(j, 5).kind).toBe('more')
    const hashes = control.hashes
    control.bump()
    expect(s.run(j, 5).kind).toBe('stale')
    expect(control.hashes).toBe(hashes)
  })
})
