/**
 * Orphans and invalid side blocks (PROTOCOL §4, §6) through Chain.submit on a real SQLite store:
 * blocks delivered newest first are held and connect when their parent arrives; the orphan set is
 * bounded and refuses junk without work; a block that is invalid on a side branch (checked
 * against that branch's state, not the main chain's) is refused with its rule's code and never
 * becomes main, nor do its descendants.
 */
import { describe, expect, it } from 'vitest'
import { blockHash, type Block } from '../../src/main/core'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  mineBlock,
  REGTEST,
  plainState,
  remine,
  replayAccounts,
  signedTx,
  storedMainChain,
  submitAll,
  type OpenedChain
} from '../helpers/chain-builder'
import { freshChain } from '../helpers/fresh-chain'

describe('orphans', () => {
  it('holds no orphan that could never connect: below the genesis, or dated past what any node accepts', () => {
    const c = freshChain()
    const blocks = buildChain(3)
    const { hash: _h, proof: _p, ...b } = blocks[2]
    const low = remine({ ...b, index: 1 })
    expect(c.chain.submit(low)).toMatchObject({ kind: 'invalid', code: 'bad_index' })
    const late = remine({ ...b, timestamp: Date.now() + REGTEST.params.maxFutureMs + 60_000 })
    expect(c.chain.submit(late)).toMatchObject({ kind: 'invalid', code: 'time_too_new' })
    expect(c.chain.orphanCount()).toBe(0)
    // The block itself, its parent unknown, is held.
    expect(c.chain.submit(blocks[2])).toMatchObject({ kind: 'orphan' })
  })

  it('connects blocks delivered in reverse order once their first parent arrives', () => {
    const c = freshChain()
    const blocks = buildChain(12)
    const accepted: number[] = []
    c.chain.onAccepted((a) => accepted.push(a.block.index))
    for (let i = blocks.length - 1; i >= 1; i--) {
      expect(c.chain.submit(blocks[i])).toEqual({
        kind: 'orphan',
        hash: blocks[i].hash,
        missing: blocks[i].previousHash
      })
    }
    expect(c.chain.orphanCount()).toBe(11)
    expect(c.chain.missingAncestor(blocks[11].hash)).toBe(blocks[0].hash)
    expect(c.chain.tip().index).toBe(1)
    expect(c.chain.submit(blocks[0])).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(c.chain.orphanCount()).toBe(0)
    expect(c.chain.tip().hash).toBe(blocks[11].hash)
    expect(accepted).toEqual(blocks.map((b) => b.index))
    const main = storedMainChain(c.store)
    expect(plainState(c.store.allAccounts())).toEqual(plainState(replayAccounts(main)))
  })

  it('connects an orphaned side branch and reorganises when it is heavier', () => {
    const c = freshChain()
    const base = new ChainBuilder()
    buildChain(3, base)
    const main = base.fork(alice.address, 0)
    const side = base.fork(carol.address, 1)
    main.mineMany(2)
    side.mineMany(4, (i, b) => (i === 1 ? [b.transfer(alice, carol.address, 3, 1)] : []))
    submitAll(c.chain, [...base.blocks, ...main.blocks])
    for (const b of side.blocks.slice(1).reverse()) expect(c.chain.submit(b).kind).toBe('orphan')
    expect(c.chain.submit(side.blocks[0])).toMatchObject({ kind: 'accepted', status: 'side' })
    expect(c.chain.tip().hash).toBe(side.tip.hash)
    expect(plainState(c.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(c.store)))
    )
  })

  it('holds at most maxOrphans, dropping the oldest first', () => {
    const c = freshChain({ maxOrphans: 4 })
    const blocks = buildChain(10)
    // blocks[0] is withheld: everything after it is an orphan, offered newest first.
    for (let i = 9; i >= 1; i--) c.chain.submit(blocks[i])
    expect(c.chain.orphanCount()).toBe(4)
    // The four kept are the last offered (blocks 1..4); they connect, the rest must be offered again.
    c.chain.submit(blocks[0])
    expect(c.chain.tip().hash).toBe(blocks[4].hash)
    expect(c.chain.orphanCount()).toBe(0)
    submitAll(c.chain, blocks.slice(5))
    expect(c.chain.tip().hash).toBe(blocks[9].hash)
  })

  it('refuses an orphan whose proof misses the target instead of holding it', () => {
    const c = freshChain()
    const blocks = buildChain(3)
    const b = blocks[2]
    // Find a proof whose hash misses difficulty 8 and put the right hash on it.
    let proof = b.proof + 1
    let weak: Block
    for (;;) {
      weak = { ...b, proof }
      weak = { ...weak, hash: blockHash(weak) }
      if (!weak.hash.startsWith('00')) break
      proof++
    }
    expect(c.chain.submit(weak)).toMatchObject({ kind: 'invalid', code: 'bad_pow' })
    expect(c.chain.submit({ ...b, hash: 'ab'.repeat(32) })).toMatchObject({
      kind: 'invalid',
      code: 'bad_hash'
    })
    expect(c.chain.orphanCount()).toBe(0)
  })

  it('does not connect an orphan whose parent turns out invalid', () => {
    const c = freshChain()
    const b = new ChainBuilder()
    buildChain(2, b)
    submitAll(c.chain, b.blocks)
    // The parent spends coins bob does not have; its child is offered first and waits for it.
    const bad = mineBlock({ parent: b.tip, txs: [signedTx(bob, carol.address, 1000, 0)] })
    const child = mineBlock({ parent: bad })
    expect(c.chain.submit(child).kind).toBe('orphan')
    expect(c.chain.submit(bad)).toMatchObject({ kind: 'invalid', code: 'insufficient_funds' })
    expect(c.chain.tip().hash).toBe(b.tip.hash)
    expect(c.store.hasBlock(child.hash)).toBe(false)
  })
})

describe('invalid blocks on a side branch', () => {
  function setup(): { c: OpenedChain; base: ChainBuilder; main: ChainBuilder; side: ChainBuilder } {
    const c = freshChain()
    const base = new ChainBuilder()
    buildChain(6, base)
    const main = base.fork(alice.address, 0)
    const side = base.fork(bob.address, 1)
    main.mineMany(3)
    submitAll(c.chain, [...base.blocks, ...main.blocks])
    return { c, base, main, side }
  }

  it('refuses a side block that reuses a nonce its own branch already spent, though main has not', () => {
    const { c, main, side } = setup()
    const spent = side.transfer(alice, carol.address, 5, 0)
    side.mine([spent])
    // Valid against the main chain's state (alice's nonce there is unused), not against the branch.
    const replay = signedTx(alice, bob.address, 5, spent.nonce, 0)
    expect(c.store.account(alice.address).nonce).toBe(spent.nonce)
    const bad = mineBlock({
      parent: side.tip,
      txs: [replay],
      payTo: bob.address,
      timestamp: side.tip.timestamp + 10001
    })
    submitAll(c.chain, side.blocks)
    expect(c.chain.submit(bad)).toMatchObject({ kind: 'invalid', code: 'bad_nonce' })
    expect(c.store.hasBlock(bad.hash)).toBe(false)
    // Its descendants would make the branch heavier than main: they are orphans, never main.
    let parent = bad
    for (let i = 0; i < 4; i++) {
      const next = mineBlock({ parent, payTo: bob.address })
      expect(c.chain.submit(next).kind).toBe('orphan')
      parent = next
    }
    expect(c.chain.tip().hash).toBe(main.tip.hash)
    // Offered again it is refused at once with the same code.
    expect(c.chain.submit(bad)).toMatchObject({ kind: 'invalid', code: 'bad_nonce' })
  })

  it('refuses the block that would make a side branch heavier when it breaks a rule, and keeps the state', () => {
    const { c, main, side } = setup()
    side.mineMany(3)
    submitAll(c.chain, side.blocks)
    const before = plainState(c.store.allAccounts())
    const cases: { name: string; block: Block; code: string }[] = [
      {
        name: 'overspend',
        block: mineBlock({
          parent: side.tip,
          txs: [signedTx(carol, bob.address, 10_000, side.account(carol.address).nonce)],
          payTo: bob.address
        }),
        code: 'insufficient_funds'
      },
      {
        name: 'coinbase too big',
        block: mineBlock({ parent: side.tip, payTo: bob.address, coinbaseAmount: 51 }),
        code: 'bad_coinbase'
      },
      {
        name: 'wrong difficulty',
        block: mineBlock({ parent: side.tip, payTo: bob.address, difficulty: 9 }),
        code: 'bad_difficulty'
      },
      {
        name: 'timestamp at the median',
        block: remine({
          ...mineBlock({ parent: side.tip, payTo: bob.address }),
          timestamp: c.chain.parentContext(c.chain.header(side.tip.hash)!).medianTimePast
        }),
        code: 'time_too_old'
      }
    ]
    for (const k of cases) {
      expect(c.chain.submit(k.block), k.name).toMatchObject({ kind: 'invalid', code: k.code })
      expect(c.chain.tip().hash).toBe(main.tip.hash)
      expect(plainState(c.store.allAccounts())).toEqual(before)
    }
    // The branch itself is fine: a valid block on it still takes over.
    const good = side.mine()
    expect(c.chain.submit(good)).toMatchObject({ kind: 'accepted', status: 'main' })
  })
})

describe('blocks altered in transit', () => {
  // The header commits to transaction ids, and an id covers neither the public key nor the
  // signature: a relay can change those (or the body) without changing the block's hash.
  it('does not let a copy with a tampered body make the genuine block with the same hash invalid', () => {
    const c = freshChain()
    const b = new ChainBuilder()
    buildChain(6, b)
    submitAll(c.chain, b.blocks)
    const genuine = b.mine([
      b.transfer(alice, bob.address, 4, 1),
      b.transfer(bob, carol.address, 2, 0)
    ])
    const t1 = genuine.transactions[1]
    const otherSig = signedTx(alice, bob.address, 5, t1.nonce, 1).signature
    const tampered: { block: Block; code: string }[] = [
      {
        block: {
          ...genuine,
          transactions: [
            genuine.transactions[0],
            { ...t1, signature: otherSig },
            genuine.transactions[2]
          ]
        },
        code: 'bad_signature'
      },
      {
        block: {
          ...genuine,
          transactions: [
            genuine.transactions[0],
            { ...t1, publicKey: bob.publicKey },
            genuine.transactions[2]
          ]
        },
        code: 'bad_sender'
      },
      {
        block: {
          ...genuine,
          transactions: [genuine.transactions[0], { ...t1, amount: 40 }, genuine.transactions[2]]
        },
        code: 'bad_transaction'
      },
      {
        block: { ...genuine, transactions: [genuine.transactions[0], genuine.transactions[2], t1] },
        code: 'bad_merkle_root'
      },
      {
        block: { ...genuine, transactions: genuine.transactions.slice(0, 2) },
        code: 'bad_merkle_root'
      }
    ]
    for (const t of tampered) {
      expect(t.block.hash).toBe(genuine.hash)
      expect(c.chain.submit(t.block), t.code).toMatchObject({ kind: 'invalid', code: t.code })
    }
    expect(c.chain.submit(genuine)).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(c.chain.tip().hash).toBe(genuine.hash)
  })

  it("does not let a header carrying another block's hash make that block invalid", () => {
    const c = freshChain()
    const b = new ChainBuilder()
    buildChain(3, b)
    submitAll(c.chain, b.blocks)
    const genuine = b.mine()
    const forged: { block: Block; code: string }[] = [
      { block: { ...genuine, version: 2 }, code: 'bad_version' },
      { block: { ...genuine, index: genuine.index + 1 }, code: 'bad_index' },
      { block: { ...genuine, timestamp: genuine.timestamp + 1 }, code: 'bad_hash' },
      { block: { ...genuine, proof: genuine.proof + 1 }, code: 'bad_hash' }
    ]
    for (const f of forged)
      expect(c.chain.submit(f.block), f.code).toMatchObject({ kind: 'invalid', code: f.code })
    expect(c.chain.submit(genuine)).toMatchObject({ kind: 'accepted', status: 'main' })
  })

  it('refuses a block from too far in the future for now, and accepts it once the clock catches up', () => {
    let now = REGTEST.params.genesisTimestamp + 100_000
    const c = freshChain({ now: () => now })
    const b = new ChainBuilder()
    buildChain(2, b)
    submitAll(c.chain, b.blocks)
    const early = mineBlock({ parent: b.tip, timestamp: now + REGTEST.params.maxFutureMs + 1 })
    expect(c.chain.submit(early)).toMatchObject({ kind: 'invalid', code: 'time_too_new' })
    now += 1
    expect(c.chain.submit(early)).toMatchObject({ kind: 'accepted', status: 'main' })
  })

  it('still refuses at once a block whose header broke a rule', () => {
    const c = freshChain()
    const b = new ChainBuilder()
    buildChain(2, b)
    submitAll(c.chain, b.blocks)
    const bad = mineBlock({ parent: b.tip, difficulty: 9 })
    expect(c.chain.submit(bad)).toMatchObject({ kind: 'invalid', code: 'bad_difficulty' })
    expect(c.chain.submit(bad)).toMatchObject({ kind: 'invalid', code: 'bad_difficulty' })
  })
})
