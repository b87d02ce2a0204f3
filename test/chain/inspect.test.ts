/**
 * The block inspector's core (core/inspect.ts, merkle.ts's tree, Chain.inspectionBase) against
 * the protocol's vectors: the header's fields are its 96 hashed bytes, the drawn tree has the
 * vectors' roots and every audit path leads to them, and the rule report of every invalid block
 * names, as its first broken rule, the code the vector expects, with every rule before it
 * passed; a valid block passes every rule. Real Chain over a real SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  hashBits,
  HEADER_BYTES,
  HEADER_LAYOUT,
  headerBytes,
  headerFields,
  leadingZeroBits,
  merkleProof,
  merkleTree,
  NETWORKS,
  parseBlock,
  rootFromProof,
  ruleReport,
  type Block,
  type RuleFinding
} from '../../src/main/core'
import { Chain } from '../../src/main/chain/chain'
import { SqliteStore } from '../../src/main/store/sqlite-store'
import { loadVector } from '../helpers/vectors'
import { tempDir } from '../helpers/temp'

const headers = loadVector('headers.json').headers
const merkle = loadVector('merkle.json')
const regtestChain = loadVector('chain-regtest.json')
const invalidBlocks = loadVector('invalid-blocks.json')

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function block(wire: unknown): Block {
  const r = parseBlock(wire)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

function regtestAtTip(): Chain {
  const dir = tempDir()
  const n = NETWORKS.regtest
  const store = SqliteStore.open({
    dataDir: dir.path,
    network: 'regtest',
    genesisHash: n.genesisHash
  })
  cleanups.push(() => {
    store.close()
    dir.remove()
  })
  const chain = new Chain(store, n)
  for (const b of regtestChain.blocks.slice(1)) {
    expect(chain.submit(block(b)).kind).toBe('accepted')
  }
  return chain
}

function report(
  chain: Chain,
  b: Block,
  parentHash = b.previousHash,
  maxDepth = 1_000
): RuleFinding[] {
  const base = chain.inspectionBase(parentHash, maxDepth)
  return ruleReport(b, { network: NETWORKS.regtest, now: Date.now(), ...base })
}

describe('header fields', () => {
  it('cut the 96 hashed bytes into the seven fields, in order, with their values', () => {
    expect(headers.length).toBeGreaterThan(0)
    for (const v of headers) {
      const b = block({ ...v.fields, transactions: [], hash: v.hash })
      const fields = headerFields(b)
      expect(fields.map((f) => f.name)).toEqual(HEADER_LAYOUT.map((f) => f.name))
      expect(fields.map((f) => f.hex).join('')).toBe(v.header_bytes)
      expect(Buffer.from(v.header_bytes, 'hex')).toEqual(headerBytes(b))
      expect(fields.reduce((n, f) => n + f.length, 0)).toBe(HEADER_BYTES)
      for (const f of fields) expect(f.hex.length).toBe(f.length * 2)
      const byName = Object.fromEntries(fields.map((f) => [f.name, f]))
      expect(byName.proof.value).toBe(String(b.proof))
      expect(byName.previous_hash.value).toBe(b.previousHash)
      expect(BigInt('0x' + byName.timestamp.hex)).toBe(BigInt(b.timestamp))
    }
  })

  it('show the hash as 256 bits whose leading zeros are the proof of work counted', () => {
    for (const v of headers) {
      const bits = hashBits(v.hash)
      expect(bits).toMatch(/^[01]{256}$/)
      expect(BigInt('0b' + bits)).toBe(BigInt('0x' + v.hash))
      expect(bits.indexOf('1') === -1 ? 256 : bits.indexOf('1')).toBe(leadingZeroBits(v.hash))
    }
  })
})

describe('merkle tree', () => {
  it('has the root of every vector, and every transaction its audit path to it', () => {
    for (const v of merkle.roots) {
      const tree = merkleTree(v.ids)
      expect(tree.hash).toBe(v.root)
      expect([tree.from, tree.to]).toEqual([0, v.ids.length])
      v.ids.forEach((id: string, i: number) => {
        const steps = merkleProof(tree, i)
        expect(rootFromProof(id, steps)).toBe(v.root)
        // A path proves one transaction only: another id, or one sibling changed, misses the root.
        const other = v.ids[(i + 1) % v.ids.length]
        if (other !== id) expect(rootFromProof(other, steps)).not.toBe(v.root)
        if (steps.length > 0) {
          const bent = steps.map((s, k) => (k === 0 ? { ...s, hash: '00'.repeat(32) } : s))
          expect(rootFromProof(id, bent)).not.toBe(v.root)
        }
      })
      expect(() => merkleProof(tree, v.ids.length)).toThrow(RangeError)
    }
  })
})

describe('rule report', () => {
  it('passes every rule of every block of the valid regtest chain', () => {
    const chain = regtestAtTip()
    for (const w of regtestChain.blocks.slice(1)) {
      const b = block(w)
      const findings = report(chain, b)
      expect(findings.map((f) => [f.name, f.status])).toEqual(findings.map((f) => [f.name, 'pass']))
      const pow = findings.find((f) => f.name === 'pow')!
      expect(pow.facts).toEqual({ zeros: leadingZeroBits(b.hash), need: b.difficulty })
    }
  })

  for (const v of invalidBlocks.invalid) {
    it(`names ${v.expected[0]} first for ${v.name}, as the node refuses it, every rule before passed`, () => {
      const parsed = parseBlock(v.block)
      if (!parsed.ok) return // refused by the codec before any rule (invalid_field)
      const chain = regtestAtTip()
      const findings = report(chain, parsed.value, v.parent_hash)
      const first = findings.findIndex((f) => f.status === 'fail')
      expect(first).toBeGreaterThanOrEqual(0)
      expect(v.expected).toContain(findings[first].code)
      expect(findings[first].message).toBeTruthy()
      for (const f of findings.slice(0, first)) expect([f.name, f.status]).toEqual([f.name, 'pass'])
      expect(findings.some((f) => f.status === 'unchecked' && f.name !== 'transactions')).toBe(
        false
      )
    })
  }

  it('leaves the parent rules unchecked for a block whose parent is unknown', () => {
    const chain = regtestAtTip()
    const b = block(regtestChain.blocks[2])
    const findings = ruleReport(b, { network: NETWORKS.regtest, now: Date.now() })
    const unchecked = findings.filter((f) => f.status === 'unchecked').map((f) => f.name)
    expect(unchecked).toEqual(['index', 'previous_hash', 'difficulty', 'time_old', 'transactions'])
    expect(findings.filter((f) => f.status === 'fail')).toEqual([])
    expect(chain.inspectionBase('ab'.repeat(32), 1_000)).toEqual({})
  })

  it('leaves rule 7 unchecked past the depth it unwinds, saying how deep', () => {
    const chain = regtestAtTip()
    const b = block(regtestChain.blocks[2])
    const depth = chain.tip().index - (b.index - 1)
    expect(depth).toBeGreaterThan(1)
    const shallow = report(chain, b, b.previousHash, depth - 1)
    const tx = shallow.find((f) => f.name === 'transactions')!
    expect(tx.status).toBe('unchecked')
    expect(tx.facts.depth).toBe(depth)
    expect(
      report(chain, b, b.previousHash, depth).find((f) => f.name === 'transactions')!.status
    ).toBe('pass')
  })
})
