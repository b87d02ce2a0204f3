/**
 * Catching up connects a chunk of blocks per SQLite commit (NodeService.submitBlocks over
 * SqliteStore.batch), without a savepoint per block: the chunk is the unit that is stored or not.
 * A write that fails in the middle of a chunk must leave nothing of it, on disk or in what the node
 * reads next (its cached tip and headers), and the node goes on from there. A chunk that crosses
 * a reorganisation must end in the state a block-by-block replay gives. Real SQLite in a temp dir;
 * the failing write is a real SQLite error, raised by a trigger at a chosen height.
 */
import { describe, expect, it } from 'vitest'
import { NETWORKS, type Block } from '../../src/main/core'
import type { NodeService } from '../../src/main/node/service'
import {
  emptyBlocks,
  namedWallet,
  plainState,
  replayAccounts,
  storedMainChain,
  tipOf
} from '../helpers/chain-builder'
import { freshService } from '../helpers/fresh-chain'

const R = NETWORKS.regtest
const GENESIS = { hash: R.genesisHash, index: 1, timestamp: R.params.genesisTimestamp }
function accountsOf(svc: NodeService): Record<string, { balance: number; nonce: number }> {
  const rows = svc.store.db.prepare('SELECT address, balance, nonce FROM accounts').all() as {
    address: string
    balance: number
    nonce: number
  }[]
  return Object.fromEntries(rows.map((r) => [r.address, { balance: r.balance, nonce: r.nonce }]))
}

describe('a chunk of blocks per commit', () => {
  const payTo = namedWallet('batch-commit').address
  const blocks = emptyBlocks(GENESIS, 120, payTo)

  it('stores nothing of a chunk whose write fails midway, and the node reads the tip from before it', () => {
    const svc = freshService()
    expect(svc.submitBlocks(blocks.slice(0, 40)).every((o) => o.kind === 'accepted')).toBe(true)
    const before = svc.chain.tip()
    const accounts = accountsOf(svc)
    // The 30th block of the next chunk cannot be written.
    svc.store.db.exec(
      `CREATE TEMP TRIGGER fail_at BEFORE INSERT ON main_chain WHEN NEW.height = 71
       BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`
    )
    expect(() => svc.submitBlocks(blocks.slice(40, 100))).toThrow(/simulated write failure/)

    expect(svc.chain.tip()).toEqual(before)
    expect(svc.store.tip().hash).toBe(before.hash)
    for (const b of blocks.slice(40, 100)) {
      expect(svc.store.hasBlock(b.hash)).toBe(false)
      expect(svc.chain.header(b.hash)).toBeUndefined()
    }
    expect(accountsOf(svc)).toEqual(accounts)
    expect(storedMainChain(svc.store)).toHaveLength(41)

    // The same blocks go in once the write can be made.
    svc.store.db.exec('DROP TRIGGER fail_at')
    expect(svc.submitBlocks(blocks.slice(40)).every((o) => o.kind === 'accepted')).toBe(true)
    expect(svc.chain.tip().hash).toBe(blocks[119].hash)
    expect(plainState(new Map(Object.entries(accountsOf(svc))))).toEqual(
      plainState(replayAccounts(blocks))
    )
  })

  it('ends a chunk that switches branches on the heavier branch, as block by block does', () => {
    const svc = freshService()
    const common = blocks.slice(0, 20)
    const side: Block[] = emptyBlocks(tipOf(common[19]), 5, namedWallet('side').address, 7)
    const heavier = emptyBlocks(tipOf(common[19]), 30, payTo, 3)
    expect(svc.submitBlocks([...common, ...side]).every((o) => o.kind === 'accepted')).toBe(true)
    expect(svc.chain.tip().hash).toBe(side[4].hash)
    // One chunk: side blocks first, then the reorganisation, then blocks on the new tip.
    const outcomes = svc.submitBlocks(heavier)
    expect(outcomes.map((o) => (o.kind === 'accepted' ? o.status : o.kind))).toEqual([
      ...Array(5).fill('side'),
      ...Array(25).fill('main')
    ])
    expect(svc.chain.tip()).toEqual(svc.store.getHeader(heavier[29].hash))
    expect(storedMainChain(svc.store).map((b) => b.hash)).toEqual([
      R.genesisHash,
      ...common.map((b) => b.hash),
      ...heavier.map((b) => b.hash)
    ])
    expect(plainState(new Map(Object.entries(accountsOf(svc))))).toEqual(
      plainState(replayAccounts([...common, ...heavier]))
    )
  })
})
