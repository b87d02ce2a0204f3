/**
 * Fork choice and reorganisation (PROTOCOL §6) on a real SQLite store in a temp folder: a heavier
 * side branch takes over and balances, nonces and the main-chain index follow it; a lighter or
 * equally heavy one does not (first seen stays); a 20-block reorganisation is one store change; a
 * reorganisation that fails half way in SQLite leaves the old chain whole (and no fork-history record). Branches are built with
 * test/helpers/chain-builder.ts (regtest blocks mined for real) and every end state is compared
 * with a replay of the stored main chain from genesis.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ChainChange } from '../../src/main/chain/store'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  openChain,
  plainState,
  replayAccounts,
  storedMainChain,
  submitAll,
  type OpenedChain
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'
import { loadVector } from '../helpers/vectors'
import { NETWORKS, parseBlock, type Block } from '../../src/main/core'
import { freshChain } from '../helpers/fresh-chain'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function expectStoreFollows(c: OpenedChain, builder: ChainBuilder): void {
  const main = storedMainChain(c.store)
  expect(main[main.length - 1].hash).toBe(builder.tip.hash)
  expect(plainState(c.store.allAccounts())).toEqual(plainState(replayAccounts(main)))
  expect(plainState(c.store.allAccounts())).toEqual(plainState(builderState(builder)))
}

function builderState(b: ChainBuilder): Map<string, { balance: number; nonce: number }> {
  const m = new Map<string, { balance: number; nonce: number }>()
  for (const [a, acc] of b.state.accounts) if (acc.balance !== 0 || acc.nonce !== 0) m.set(a, acc)
  return m
}

/** A shared start of 6 blocks with transfers, then main and side builders forked from it. */
function forkedBuilders(): { base: ChainBuilder; main: ChainBuilder; side: ChainBuilder } {
  const base = new ChainBuilder()
  buildChain(6, base)
  return { base, main: base.fork(alice.address, 0), side: base.fork(bob.address, 1) }
}

describe('fork choice', () => {
  it('reorganises onto a heavier side branch and moves balances and nonces with it', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    submitAll(c.chain, base.blocks)
    main.mine([main.transfer(alice, carol.address, 20, 3)])
    main.mine([main.transfer(alice, carol.address, 5, 0)])
    submitAll(c.chain, main.blocks)
    expectStoreFollows(c, main)
    const aliceNonceOnMain = c.store.account(alice.address).nonce

    side.mine([side.transfer(bob, carol.address, 4, 1)])
    const s2 = side.mine()
    // Equal work: the first seen (main) stays.
    expect(c.chain.submit(side.blocks[0])).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c.chain.submit(s2)).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c.chain.tip().hash).toBe(main.tip.hash)

    const s3 = side.mine([side.transfer(alice, bob.address, 1, 0)])
    const out = c.chain.submit(s3)
    expect(out).toMatchObject({ kind: 'accepted', status: 'main' })
    if (out.kind !== 'accepted') return
    expect(out.reorg?.forkIndex).toBe(base.tip.index)
    expect(out.reorg?.disconnected.map((b) => b.hash)).toEqual(
      main.blocks.map((b) => b.hash).reverse()
    )
    expect(out.reorg?.connected.map((b) => b.hash)).toEqual(side.blocks.map((b) => b.hash))
    expect(c.chain.tip().hash).toBe(s3.hash)
    expectStoreFollows(c, side)
    // alice's two transfers on the old branch are undone, one on the new branch is counted.
    expect(c.store.account(alice.address).nonce).toBe(aliceNonceOnMain - 2 + 1)
    expect(c.store.account(bob.address)).toEqual(side.account(bob.address))
    // The transaction index follows the main chain: old-branch transfers are no longer located.
    expect(c.store.txLocation(main.blocks[0].transactions[1].id)).toBeUndefined()
    expect(c.store.txLocation(s3.transactions[1].id)).toMatchObject({
      blockHash: s3.hash,
      height: s3.index
    })
  })

  it('keeps the main chain when a lighter side branch arrives', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    submitAll(c.chain, base.blocks)
    main.mineMany(4)
    submitAll(c.chain, main.blocks)
    const before = plainState(c.store.allAccounts())
    side.mineMany(3, (i, b) => (i === 0 ? [b.transfer(alice, bob.address, 7, 1)] : []))
    for (const b of side.blocks)
      expect(c.chain.submit(b)).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c.chain.tip().hash).toBe(main.tip.hash)
    expect(plainState(c.store.allAccounts())).toEqual(before)
    // Side blocks are stored, not on the main chain.
    for (const b of side.blocks) {
      expect(c.store.hasBlock(b.hash)).toBe(true)
      expect(c.chain.isOnMain(b)).toBe(false)
    }
    expectStoreFollows(c, main)
  })

  it('keeps the first seen branch when a side branch reaches equal work', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    submitAll(c.chain, base.blocks)
    main.mineMany(3)
    side.mineMany(3)
    submitAll(c.chain, main.blocks)
    for (const b of side.blocks)
      expect(c.chain.submit(b)).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c.chain.tip().hash).toBe(main.tip.hash)
    expect(c.chain.tip().totalWork).toBe(c.store.getHeader(side.tip.hash)!.totalWork)
    // Offered the other way round, the other branch wins: it is order, not hash, that decides.
    const c2 = freshChain()
    submitAll(c2.chain, base.blocks)
    submitAll(c2.chain, side.blocks)
    for (const b of main.blocks)
      expect(c2.chain.submit(b)).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c2.chain.tip().hash).toBe(side.tip.hash)
  })

  it('answers known for a block offered twice and changes nothing', () => {
    const c = freshChain()
    const { base } = forkedBuilders()
    submitAll(c.chain, base.blocks)
    expect(c.chain.submit(base.blocks[2])).toEqual({ kind: 'known', hash: base.blocks[2].hash })
    expect(c.chain.tip().hash).toBe(base.tip.hash)
  })

  it('switches 20 blocks deep in a single store change', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    main.mineMany(20, (i, b) => (i % 4 === 0 ? [b.transfer(alice, carol.address, 2, 1)] : []))
    side.mineMany(21, (i, b) => (i % 5 === 1 ? [b.transfer(bob, alice.address, 1, 0)] : []))
    submitAll(c.chain, base.blocks)
    submitAll(c.chain, main.blocks)
    submitAll(c.chain, side.blocks.slice(0, 20))
    expect(c.chain.tip().hash).toBe(main.tip.hash)

    const changes: ChainChange[] = []
    const apply = c.store.applyChange.bind(c.store)
    c.store.applyChange = (ch) => {
      changes.push(ch)
      apply(ch)
    }
    const events: unknown[] = []
    c.chain.onAccepted((a) => events.push(a))
    const out = c.chain.submit(side.tip)
    expect(out).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(changes).toHaveLength(1)
    expect(changes[0].disconnect).toHaveLength(20)
    expect(changes[0].connect).toHaveLength(21)
    expect(events).toHaveLength(1)
    expectStoreFollows(c, side)
  })

  it('leaves the old main chain whole when the store fails in the middle of a reorganisation', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    main.mineMany(3, (i, b) => (i === 0 ? [b.transfer(alice, carol.address, 9, 1)] : []))
    side.mineMany(4)
    submitAll(c.chain, base.blocks)
    submitAll(c.chain, main.blocks)
    submitAll(c.chain, side.blocks.slice(0, 3))
    const before = plainState(c.store.allAccounts())
    // A real SQLite failure while the new branch is being written (its third block's main row).
    c.store.db.exec(`CREATE TEMP TRIGGER fail_reorg BEFORE INSERT ON main.main_chain
      WHEN NEW.hash = '${side.blocks[2].hash}' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`)
    expect(() => c.chain.submit(side.tip)).toThrow()
    expect(c.chain.tip().hash).toBe(main.tip.hash)
    expect(plainState(c.store.allAccounts())).toEqual(before)
    expect(c.store.hasBlock(side.tip.hash)).toBe(false)
    expectStoreFollows(c, main)
    // The fork history is written with the change: a change rolled back leaves no record.
    expect(c.store.reorgs.page(0, 10).total).toBe(0)
    // Once the disk is healthy the same block reorganises normally.
    c.store.db.exec('DROP TRIGGER temp.fail_reorg')
    expect(c.chain.submit(side.tip)).toMatchObject({ kind: 'accepted', status: 'main' })
    expectStoreFollows(c, side)
    expect(c.store.reorgs.page(0, 10).records.map((r) => r.newTip.hash)).toEqual([side.tip.hash])
  })

  it('keeps its tip and caches in step with the disk when a transaction around several blocks rolls back', () => {
    // Catching up may wrap many submits in one SQLite transaction (each applyChange a savepoint).
    const c = freshChain()
    const b = new ChainBuilder()
    const blocks = buildChain(8, b)
    submitAll(c.chain, blocks.slice(0, 3))
    c.store.db.exec(`CREATE TEMP TRIGGER fail_batch BEFORE INSERT ON main.main_chain
      WHEN NEW.hash = '${blocks[6].hash}' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`)
    expect(() => c.store.db.transaction(() => submitAll(c.chain, blocks.slice(3)))()).toThrow()
    c.store.db.exec('DROP TRIGGER temp.fail_batch')
    // Blocks 4 to 6 were connected inside the transaction and rolled back with it.
    expect(c.chain.tip().hash).toBe(blocks[2].hash)
    expect(c.store.hasBlock(blocks[3].hash)).toBe(false)
    expect(c.chain.submit(blocks[4]).kind).toBe('orphan')
    submitAll(c.chain, [blocks[3], ...blocks.slice(5)])
    expectStoreFollows(c, b)
  })

  it('follows a branch that overtakes, loses and retakes the lead', () => {
    const c = freshChain()
    const { base, main, side } = forkedBuilders()
    submitAll(c.chain, base.blocks)
    for (let round = 0; round < 3; round++) {
      main.mine([main.transfer(alice, bob.address, 1, 1)])
      main.mine()
      submitAll(c.chain, main.blocks.slice(-2))
      expect(c.chain.tip().hash).toBe(main.tip.hash)
      side.mine([side.transfer(bob, carol.address, 1, 0)])
      const behind = main.blocks.length - side.blocks.length
      side.mineMany(behind + 1)
      submitAll(c.chain, side.blocks.slice(-(behind + 2)))
      expect(c.chain.tip().hash).toBe(side.tip.hash)
      expectStoreFollows(c, side)
      const gap = side.blocks.length - main.blocks.length
      main.mineMany(gap + 1)
      submitAll(c.chain, main.blocks.slice(-(gap + 1)))
      expect(c.chain.tip().hash).toBe(main.tip.hash)
      expectStoreFollows(c, main)
    }
  })

  it('reorganises onto a shorter branch that has more work (main network retarget vectors)', () => {
    // chain-main-retarget.json: 'decrease' is longer (index 13) but lighter than 'increase' (index 12).
    const vec = loadVector('chain-main-retarget.json')
    const parse = (w: unknown): Block => {
      const r = parseBlock(w)
      if (!r.ok) throw new Error(r.message)
      return r.value
    }
    const dir = tempDir()
    const c = openChain(dir.path, {}, NETWORKS.main)
    cleanups.push(() => {
      c.close()
      dir.remove()
    })
    const blocks = (name: string): Block[] =>
      (vec[name].blocks as unknown[]).map(parse).filter((b) => b.index > 1)
    submitAll(c.chain, blocks('decrease'))
    expect(c.chain.tip().hash).toBe(vec.decrease.tip.hash)
    const inc = blocks('increase')
    for (const b of inc.slice(0, -1)) c.chain.submit(b)
    const out = c.chain.submit(inc[inc.length - 1])
    expect(out).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(c.chain.tip().hash).toBe(vec.increase.tip.hash)
    expect(c.chain.tip().index).toBe(12)
    expect(c.chain.totalWork().toString()).toBe(vec.increase.tip.total_work)
    const main = storedMainChain(c.store)
    expect(main).toHaveLength(12)
    expect(c.store.getMainHash(13)).toBeUndefined()
    const want = Object.fromEntries(
      Object.entries(vec.increase.state as Record<string, { balance: number; nonce: number }>).map(
        ([a, v]) => [a, { balance: v.balance, nonce: v.nonce }]
      )
    )
    expect(plainState(c.store.allAccounts())).toEqual(plainState(new Map(Object.entries(want))))
    expect(plainState(c.store.allAccounts())).toEqual(plainState(replayAccounts(main)))
    expect(c.chain.nextDifficulty()).toBe(vec.increase.tip.next_difficulty)
  })
})
