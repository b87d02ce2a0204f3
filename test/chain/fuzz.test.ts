/**
 * Chain.submit never throws on bad blocks and always names a rule (PROTOCOL §4, §7), checked with
 * fast-check against a real SQLite-backed chain: arbitrary JSON, block-shaped objects with junk
 * fields, and valid blocks mutated by one to three edits, each offered as is and, where the header
 * still parses, re-mined (and with the merkle root recomputed) so the mutation reaches the body and
 * transaction rules. Whatever gets accepted, the stored accounts must still equal a replay of the
 * stored main chain.
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { blockToWire, merkleRoot, parseBlock, type Block } from '../../src/main/core'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  openChain,
  plainState,
  remine,
  replayAccounts,
  storedMainChain,
  submitAll
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'
import { blockShaped, jsonAnything, mutation, RULE_CODES } from '../core/fuzz-arbitraries'

const dir = tempDir()
const c = openChain(dir.path)
afterAll(() => {
  c.close()
  dir.remove()
})

const base = new ChainBuilder()
buildChain(8, base)
submitAll(c.chain, base.blocks)

/** Valid blocks to mutate: the next main block with transfers, and a side block two back. */
function candidates(): Block[] {
  const next = base.fork(bob.address, 0)
  next.mine([
    next.transfer(alice, carol.address, 7, 2),
    next.transfer(bob, alice.address, 3, 1),
    next.transfer(carol, bob.address, 1, 0)
  ])
  const side = new ChainBuilder({ tip: base.blocks[5], payTo: carol.address, jitter: 3 })
  side.mine()
  return [next.tip, side.tip]
}
const valid = candidates()

function offer(v: unknown): void {
  const p = parseBlock(v)
  if (!p.ok) {
    expect(p.code).toBe('invalid_field')
    return
  }
  const out = c.chain.submit(p.value)
  expect(['accepted', 'known', 'orphan', 'invalid']).toContain(out.kind)
  if (out.kind === 'invalid') {
    expect(RULE_CODES).toContain(out.code)
    expect(out.message.length).toBeGreaterThan(0)
  }
}

describe('Chain.submit on arbitrary input', () => {
  it('never throws on fc.json() or fc.anything() input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json().map((t) => JSON.parse(t) as unknown),
          jsonAnything
        ),
        offer
      ),
      { numRuns: 300 }
    )
  })

  it('never throws on block-shaped objects with junk fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid).chain((b) => blockShaped(blockToWire(b))),
        offer
      ),
      { numRuns: 500 }
    )
  })

  it('never throws on mutated valid blocks, as offered and re-mined', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (b, edits, fixRoot) => {
          const w = structuredClone(blockToWire(b)) as unknown as Parameters<
            (typeof edits)[number]
          >[0]
          for (const e of edits) e(w)
          offer(w)
          const p = parseBlock(w)
          if (!p.ok || p.value.difficulty > 8) return
          const root = fixRoot
            ? merkleRoot(p.value.transactions.map((t) => t.id))
            : p.value.merkleRoot
          offer(blockToWire(remine({ ...p.value, merkleRoot: root })))
        }
      ),
      { numRuns: 400 }
    )
  })

  it('still holds accounts equal to a replay of its main chain', () => {
    expect(plainState(c.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(c.store)))
    )
    // The unmutated candidates are still acceptable (or were accepted by a harmless mutation's twin).
    for (const b of valid)
      expect(c.chain.submit(b)).toMatchObject({ kind: expect.stringMatching(/^(accepted|known)$/) })
  })
})
