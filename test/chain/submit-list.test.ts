/**
 * Chain.submitList, the import used by /nodes/resolve (PROTOCOL §4 rule 1, §7): a list of blocks
 * is taken in order as if offered one by one; a valid prefix is kept and the first bad block is
 * answered with its index in the list and its code (`bad_previous_hash` where the list does not
 * link, `bad_hash` for another network's genesis). Real SQLite store in a temp folder.
 */
import { describe, expect, it } from 'vitest'
import { NETWORKS } from '../../src/main/core'
import { alice, bob, buildChain, ChainBuilder, mineBlock, REGTEST, signedTx } from '../helpers/chain-builder'
import { freshChain } from '../helpers/fresh-chain'

describe('importing a list of blocks', () => {
  it('takes a whole valid chain starting at genesis', () => {
    const c = freshChain()
    const blocks = buildChain(8)
    expect(c.chain.submitList([REGTEST.genesis, ...blocks])).toEqual({ accepted: 8 })
    expect(c.chain.tip().hash).toBe(blocks[7].hash)
    // The same list again changes nothing and accepts nothing new.
    expect(c.chain.submitList([REGTEST.genesis, ...blocks])).toEqual({ accepted: 0 })
  })

  it('keeps the valid prefix and names the first invalid block', () => {
    const c = freshChain()
    const b = new ChainBuilder()
    buildChain(4, b)
    const bad = mineBlock({ parent: b.tip, txs: [signedTx(bob, alice.address, 10_000, b.account(bob.address).nonce)] })
    const after = mineBlock({ parent: bad })
    const r = c.chain.submitList([REGTEST.genesis, ...b.blocks, bad, after])
    expect(r).toMatchObject({ accepted: 4, failure: { code: 'insufficient_funds', index: 5 } })
    expect(c.chain.tip().hash).toBe(b.tip.hash)
  })

  it('refuses a list that does not link with bad_previous_hash', () => {
    const c = freshChain()
    const blocks = buildChain(5)
    const r = c.chain.submitList([REGTEST.genesis, blocks[0], blocks[1], blocks[3]])
    expect(r).toMatchObject({ accepted: 2, failure: { code: 'bad_previous_hash', index: 3 } })
    // A list starting after a block we do not have cannot connect either.
    expect(freshChain().chain.submitList([blocks[2], blocks[3]])).toMatchObject({ accepted: 0, failure: { code: 'bad_previous_hash', index: 0 } })
  })

  it('refuses a list that starts with another network\'s genesis', () => {
    const c = freshChain()
    expect(c.chain.submitList([NETWORKS.main.genesis])).toMatchObject({ accepted: 0, failure: { code: 'bad_hash', index: 0 } })
  })
})
