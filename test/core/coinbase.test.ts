/**
 * The coinbase factory (core/coinbase.ts) against the protocol's vectors: every coinbase in the
 * vector chains (regtest, and main's three retarget chains) is exactly what createCoinbase builds
 * from the block's index, the address paid and reward + fees, so the miner's template and the
 * tests' blocks build the coinbase the other implementation built. Never copies their numbers.
 */
import { describe, expect, it } from 'vitest'
import {
  createCoinbase,
  NETWORKS,
  parseBlock,
  type Block,
  type NetworkName
} from '../../src/main/core'
import { loadVector } from '../helpers/vectors'

interface VectorChain {
  network: NetworkName
  blocks: unknown[]
}

function chains(): { name: string; chain: VectorChain }[] {
  const regtest = loadVector('chain-regtest.json') as VectorChain
  const main = loadVector('chain-main-retarget.json')
  return [
    { name: 'chain-regtest.json', chain: regtest },
    ...(['increase', 'decrease', 'boundary'] as const).map((k) => ({
      name: `chain-main-retarget.json ${k}`,
      chain: { network: main.network as NetworkName, blocks: main[k].blocks as unknown[] }
    }))
  ]
}

function block(v: unknown): Block {
  const r = parseBlock(v)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

describe('createCoinbase', () => {
  for (const { name, chain } of chains()) {
    it(`builds every coinbase of ${name}`, () => {
      const network = NETWORKS[chain.network]
      const blocks = chain.blocks.slice(1).map(block) // genesis has no coinbase
      expect(blocks.length).toBeGreaterThan(0)
      for (const b of blocks) {
        const [cb, ...rest] = b.transactions
        const fees = rest.reduce((s, t) => s + t.fee, 0)
        const terms = {
          index: b.index,
          recipient: cb.recipient,
          amount: network.params.blockReward + fees
        }
        const built = createCoinbase(terms, network.genesisHash)
        expect(built, `block ${b.index}`).toEqual(cb)
      }
    })
  }

  it('names the network in the id: the same terms on the other network give another id', () => {
    const terms = { index: 2, recipient: 'a'.repeat(40), amount: 50 }
    const main = createCoinbase(terms, NETWORKS.main.genesisHash)
    const regtest = createCoinbase(terms, NETWORKS.regtest.genesisHash)
    expect(main.id).not.toBe(regtest.id)
    expect({ ...main, id: '' }).toEqual({ ...regtest, id: '' })
  })
})
