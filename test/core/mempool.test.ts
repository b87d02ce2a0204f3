/**
 * The pending pool (src/main/mempool/pool.ts) over an in-memory account state: sequential nonces
 * per sender, a balance that must cover all of the sender's pending transactions, a bounded size
 * with fee eviction that never leaves a nonce gap, block templates by fee that keep each sender's
 * nonce order (also as a fast-check property: a template always applies cleanly), and rebuilding
 * against a new tip, which drops what that tip made invalid.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyTransaction,
  checkTransactionState,
  MemoryState,
  StateOverlay,
  type Account,
  type Transaction
} from '../../src/main/core'
import { PendingPool } from '../../src/main/mempool/pool'
import {
  alice,
  bob,
  carol,
  coinbaseTx,
  keyFromName,
  REGTEST,
  signedTx,
  type Key
} from '../helpers/chain-builder'

const G = REGTEST.genesisHash

function stateWith(accounts: [Key, Account][]): MemoryState {
  const s = new MemoryState()
  for (const [k, a] of accounts) s.accounts.set(k.address, a)
  return s
}

const dave = keyFromName('dave')
const erin = keyFromName('erin')

describe('pending pool: admission', () => {
  it('accepts nonces in sequence only, counting pending ones', () => {
    const s = stateWith([[alice, { balance: 100, nonce: 3 }]])
    const pool = new PendingPool(G)
    expect(pool.add(signedTx(alice, bob.address, 1, 4), s)).toMatchObject({
      ok: false,
      code: 'bad_nonce'
    })
    expect(pool.add(signedTx(alice, bob.address, 1, 2), s)).toMatchObject({
      ok: false,
      code: 'bad_nonce'
    })
    expect(pool.add(signedTx(alice, bob.address, 1, 3), s)).toEqual({ ok: true, value: undefined })
    expect(pool.nextNonce(alice.address, s)).toBe(4)
    // Another transaction with an already pending nonce is refused, not a replacement.
    expect(pool.add(signedTx(alice, bob.address, 2, 3), s)).toMatchObject({
      ok: false,
      code: 'bad_nonce'
    })
    expect(pool.add(signedTx(alice, bob.address, 1, 4), s).ok).toBe(true)
    expect(pool.bySenderOf(alice.address).map((t) => t.nonce)).toEqual([3, 4])
  })

  it('answers known for a transaction already pending', () => {
    const s = stateWith([[alice, { balance: 10, nonce: 0 }]])
    const pool = new PendingPool(G)
    const t = signedTx(alice, bob.address, 1, 0)
    pool.add(t, s)
    expect(pool.add(t, s)).toEqual({ ok: true, value: 'known' })
    expect(pool.size).toBe(1)
  })

  it("refuses a transaction the balance does not cover together with the sender's pending ones", () => {
    const s = stateWith([[alice, { balance: 10, nonce: 0 }]])
    const pool = new PendingPool(G)
    expect(pool.add(signedTx(alice, bob.address, 6, 0, 1), s).ok).toBe(true)
    expect(pool.add(signedTx(alice, bob.address, 3, 1, 1), s)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
    expect(pool.add(signedTx(alice, bob.address, 2, 1, 1), s).ok).toBe(true) // exactly 10
    expect(pool.add(signedTx(alice, bob.address, 1, 2, 0), s)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
  })

  it('does not count coins that are only pending towards the recipient', () => {
    const s = stateWith([[alice, { balance: 10, nonce: 0 }]])
    const pool = new PendingPool(G)
    expect(pool.add(signedTx(alice, bob.address, 5, 0), s).ok).toBe(true)
    expect(pool.add(signedTx(bob, carol.address, 1, 0), s)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
  })

  it('refuses ill-formed transactions with their code', () => {
    const s = stateWith([[alice, { balance: 10, nonce: 0 }]])
    const pool = new PendingPool(G)
    const t = signedTx(alice, bob.address, 1, 0)
    expect(pool.add(coinbaseTx(2, alice.address, 50), s)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
    expect(
      pool.add({ ...t, signature: signedTx(alice, bob.address, 2, 0).signature }, s)
    ).toMatchObject({ ok: false, code: 'bad_signature' })
    expect(pool.add({ ...t, sender: bob.address }, s)).toMatchObject({
      ok: false,
      code: 'bad_sender'
    })
    expect(
      pool.add(
        signedTx(alice, bob.address, 1, 0, 0, { ...REGTEST, genesisHash: 'ab'.repeat(32) }),
        s
      )
    ).toMatchObject({ ok: false, code: 'bad_transaction' })
    expect(pool.size).toBe(0)
  })
})

describe('pending pool: bounded size', () => {
  const rich: [Key, Account][] = [alice, bob, carol, dave, erin].map((k) => [
    k,
    { balance: 1000, nonce: 0 }
  ])

  it('evicts the cheapest sequence tail for a transaction paying more, and refuses one paying less', () => {
    const s = stateWith(rich)
    const pool = new PendingPool(G, { maxSize: 3 })
    const a = signedTx(alice, erin.address, 1, 0, 1)
    const b = signedTx(bob, erin.address, 1, 0, 2)
    const c = signedTx(carol, erin.address, 1, 0, 3)
    for (const t of [a, b, c]) expect(pool.add(t, s).ok).toBe(true)
    const d = signedTx(dave, erin.address, 1, 0, 2)
    expect(pool.add(d, s).ok).toBe(true)
    expect(pool.has(a.id)).toBe(false)
    expect(pool.size).toBe(3)
    // The cheapest left pays 2: a fee of 2 or less does not get in.
    expect(pool.add(signedTx(alice, erin.address, 1, 0, 2), s)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
    expect(pool.size).toBe(3)
  })

  it('never evicts a transaction that others of its sender depend on', () => {
    const s = stateWith(rich)
    const pool = new PendingPool(G, { maxSize: 3 })
    const a0 = signedTx(alice, erin.address, 1, 0, 1) // cheapest, but alice's nonce 1 follows it
    const a1 = signedTx(alice, erin.address, 1, 1, 10)
    const b0 = signedTx(bob, erin.address, 1, 0, 5)
    for (const t of [a0, a1, b0]) expect(pool.add(t, s).ok).toBe(true)
    expect(pool.add(signedTx(carol, erin.address, 1, 0, 2), s)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
    expect(pool.all().map((t) => t.id)).toEqual([a0.id, a1.id, b0.id])
    // Paying more than bob's lone transaction evicts it; alice's sequence stays whole.
    expect(pool.add(signedTx(carol, erin.address, 1, 0, 6), s).ok).toBe(true)
    expect(pool.has(b0.id)).toBe(false)
    expect(pool.bySenderOf(alice.address).map((t) => t.nonce)).toEqual([0, 1])
  })

  it('does not let a sender evict its own tail to extend its sequence', () => {
    const s = stateWith(rich)
    const pool = new PendingPool(G, { maxSize: 2 })
    pool.add(signedTx(alice, erin.address, 1, 0, 1), s)
    pool.add(signedTx(alice, erin.address, 1, 1, 1), s)
    expect(pool.add(signedTx(alice, erin.address, 1, 2, 100), s)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
    expect(pool.size).toBe(2)
  })
})

describe('pending pool: templates', () => {
  it("picks by fee without breaking any sender's nonce order, ties to the earlier arrival", () => {
    const s = stateWith([alice, bob, carol].map((k) => [k, { balance: 100, nonce: 0 }]))
    const pool = new PendingPool(G)
    const a0 = signedTx(alice, erin.address, 1, 0, 1)
    const a1 = signedTx(alice, erin.address, 1, 1, 10)
    const b0 = signedTx(bob, erin.address, 1, 0, 5)
    const c0 = signedTx(carol, erin.address, 1, 0, 5)
    for (const t of [a0, a1, b0, c0]) expect(pool.add(t, s).ok).toBe(true)
    expect(pool.template(10, s).map((t) => t.id)).toEqual([b0.id, c0.id, a0.id, a1.id])
    expect(pool.template(2, s).map((t) => t.id)).toEqual([b0.id, c0.id])
    expect(pool.template(0, s)).toEqual([])
  })

  it('always yields transactions that apply one after another on the tip state (property)', () => {
    const keys = [alice, bob, carol, dave]
    const op = fc.record({
      sender: fc.integer({ min: 0, max: 3 }),
      recipient: fc.integer({ min: 0, max: 3 }),
      amount: fc.integer({ min: 1, max: 40 }),
      fee: fc.integer({ min: 0, max: 9 }),
      nonceSkew: fc.constantFrom(0, 0, 0, 0, 1, -1)
    })
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 }),
        fc.array(op, { maxLength: 25 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (balances, ops, maxSize, max) => {
          const s = stateWith(keys.map((k, i) => [k, { balance: balances[i], nonce: i }]))
          const pool = new PendingPool(G, { maxSize })
          for (const o of ops) {
            const from = keys[o.sender]
            const nonce = pool.nextNonce(from.address, s) + o.nonceSkew
            if (nonce < 0) continue
            pool.add(signedTx(from, keys[o.recipient].address, o.amount, nonce, o.fee), s)
          }
          expect(pool.size).toBeLessThanOrEqual(maxSize)
          const picked = pool.template(max, s)
          expect(picked.length).toBe(Math.min(max, pool.size))
          const overlay = new StateOverlay(s)
          for (const t of picked) {
            expect(checkTransactionState(t, overlay)).toEqual({ ok: true, value: undefined })
            applyTransaction(overlay, t)
          }
        }
      ),
      { numRuns: 60 }
    )
  })
})

describe('pending pool: a new tip', () => {
  it('drops what the new tip mined or made invalid and keeps the rest in order', () => {
    const s = stateWith([
      [alice, { balance: 100, nonce: 0 }],
      [bob, { balance: 20, nonce: 0 }],
      [carol, { balance: 5, nonce: 0 }]
    ])
    const pool = new PendingPool(G)
    const a0 = signedTx(alice, erin.address, 10, 0, 1)
    const a1 = signedTx(alice, erin.address, 10, 1, 1)
    const b0 = signedTx(bob, erin.address, 15, 0, 1)
    const c0 = signedTx(carol, erin.address, 5, 0, 0)
    for (const t of [a0, a1, b0, c0]) expect(pool.add(t, s).ok).toBe(true)
    // The new tip mined a0, bob spent most of his coins elsewhere, carol received more.
    const next = stateWith([
      [alice, { balance: 89, nonce: 1 }],
      [bob, { balance: 4, nonce: 1 }],
      [carol, { balance: 50, nonce: 0 }]
    ])
    const dropped = pool.rebuild(next, pool.all())
    expect(dropped.map((t) => t.id).sort()).toEqual([a0.id, b0.id].sort())
    expect(pool.all().map((t) => t.id)).toEqual([a1.id, c0.id])
  })

  it('drops a whole sequence after the first transaction that no longer fits', () => {
    const s = stateWith([[alice, { balance: 30, nonce: 0 }]])
    const pool = new PendingPool(G)
    const txs = [0, 1, 2].map((n) => signedTx(alice, bob.address, 10, n))
    for (const t of txs) pool.add(t, s)
    const dropped = pool.rebuild(stateWith([[alice, { balance: 15, nonce: 0 }]]), pool.all())
    expect(pool.all().map((t) => t.id)).toEqual([txs[0].id])
    expect(dropped.map((t) => t.id)).toEqual([txs[1].id, txs[2].id])
  })

  it('re-checks only validity against the new tip, not signatures it already verified', () => {
    let verified = 0
    const pool = new PendingPool(G, { verifier: () => (verified++, true) })
    const s = stateWith([[alice, { balance: 100, nonce: 0 }]])
    for (let n = 0; n < 10; n++)
      expect(pool.add(signedTx(alice, bob.address, 1, n), s).ok).toBe(true)
    expect(verified).toBe(10)
    pool.rebuild(stateWith([[alice, { balance: 100, nonce: 2 }]]), pool.all())
    expect(verified).toBe(10)
    expect(pool.size).toBe(8)
    // The balance bookkeeping follows the rebuild: 8 pending of 1 each, 92 left to commit.
    const next = stateWith([[alice, { balance: 100, nonce: 2 }]])
    expect(pool.add(signedTx(alice, bob.address, 93, 10), next)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
    expect(pool.add(signedTx(alice, bob.address, 92, 10), next).ok).toBe(true)
  })

  it('skips coinbases offered back from abandoned blocks', () => {
    const pool = new PendingPool(G)
    const s = stateWith([[alice, { balance: 30, nonce: 0 }]])
    const candidates: Transaction[] = [
      coinbaseTx(5, alice.address, 50),
      signedTx(alice, bob.address, 1, 0)
    ]
    pool.rebuild(s, candidates)
    expect(pool.all().map((t) => t.sender)).toEqual([alice.address])
  })
})

describe('pending pool: self-transfers and funding order', () => {
  it('counts a pending transfer to oneself as costing only its fee (PROTOCOL §3)', () => {
    const s = stateWith([[carol, { balance: 108, nonce: 0 }]])
    const pool = new PendingPool(G)
    expect(pool.add(signedTx(carol, carol.address, 108, 0, 0), s).ok).toBe(true)
    expect(pool.add(signedTx(carol, bob.address, 107, 1, 1), s).ok).toBe(true)
    expect(pool.add(signedTx(carol, bob.address, 1, 2, 0), s)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
  })

  it('does not let a new transaction spend coins still pending to its sender', () => {
    const s = stateWith([[alice, { balance: 50, nonce: 0 }]])
    const pool = new PendingPool(G)
    expect(pool.add(signedTx(alice, bob.address, 40, 0, 0), s).ok).toBe(true)
    expect(pool.add(signedTx(bob, carol.address, 10, 0, 0), s)).toMatchObject({
      ok: false,
      code: 'insufficient_funds'
    })
  })

  it('keeps, on a new tip, a transaction funded by one kept before it (PROTOCOL §6)', () => {
    const s = stateWith([[alice, { balance: 50, nonce: 0 }]])
    const pool = new PendingPool(G)
    const fund = signedTx(alice, bob.address, 40, 0, 1)
    const spend = signedTx(bob, carol.address, 30, 0, 5)
    expect(pool.rebuild(s, [fund, spend])).toEqual([])
    expect(pool.all().map((t) => t.id)).toEqual([fund.id, spend.id])
    // Offered the other way round, the spend comes before its coins and is not kept.
    pool.rebuild(s, [spend, fund])
    expect(pool.all().map((t) => t.id)).toEqual([fund.id])
  })

  it('puts the funding transaction first in a template even when the spend pays more', () => {
    const s = stateWith([[alice, { balance: 50, nonce: 0 }]])
    const pool = new PendingPool(G)
    const fund = signedTx(alice, bob.address, 40, 0, 1)
    const spend = signedTx(bob, carol.address, 30, 0, 5)
    pool.rebuild(s, [fund, spend])
    expect(pool.template(10, s).map((t) => t.id)).toEqual([fund.id, spend.id])
    expect(pool.template(1, s).map((t) => t.id)).toEqual([fund.id])
  })
})
