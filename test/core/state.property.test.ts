/**
 * Property tests (fast-check) of account state (PROTOCOL §3, core/state.ts): for a random starting
 * state and a random block valid against it (transfers with the right nonces and covered balances,
 * self-transfers, spending coins received earlier in the block, a coinbase with the fees), applying
 * the block and reverting it leaves every account as it was; applying it equals applying its
 * transactions one by one; and validation (checkTransactions) leaves the same state as applyBlock.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyBlock,
  applyTransaction,
  checkTransactions,
  checkTransactionState,
  MemoryState,
  merkleRoot,
  revertBlock,
  StateOverlay,
  type Block,
  type Transaction
} from '../../src/main/core'
import { coinbaseTx, keyFromName, REGTEST, signedTx } from '../helpers/chain-builder'

const keys = ['k0', 'k1', 'k2', 'k3', 'k4'].map(keyFromName)

interface Plan {
  balances: number[]
  nonces: number[]
  transfers: { from: number; to: number; amount: number; fee: number }[]
  miner: number
}

const plan: fc.Arbitrary<Plan> = fc.record({
  balances: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 5, maxLength: 5 }),
  nonces: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 5, maxLength: 5 }),
  transfers: fc.array(
    fc.record({
      from: fc.integer({ min: 0, max: 4 }),
      to: fc.integer({ min: 0, max: 4 }),
      amount: fc.integer({ min: 1, max: 120 }),
      fee: fc.integer({ min: 0, max: 10 })
    }),
    { maxLength: 12 }
  ),
  miner: fc.integer({ min: 0, max: 4 })
})

/** The base state and a block valid against it: planned transfers that do not fit are left out. */
function realise(p: Plan, sign: boolean): { base: MemoryState; block: Block } {
  const base = new MemoryState()
  keys.forEach((k, i) => {
    if (p.balances[i] !== 0 || p.nonces[i] !== 0)
      base.accounts.set(k.address, { balance: p.balances[i], nonce: p.nonces[i] })
  })
  const running = new StateOverlay(base)
  const txs: Transaction[] = []
  for (const t of p.transfers) {
    const from = keys[t.from]
    const nonce = running.account(from.address).nonce
    const tx = sign
      ? signedTx(from, keys[t.to].address, t.amount, nonce, t.fee)
      : {
          id: `${txs.length}`.padStart(64, '0'),
          sender: from.address,
          recipient: keys[t.to].address,
          amount: t.amount,
          fee: t.fee,
          nonce,
          publicKey: from.publicKey,
          signature: '0'.repeat(128)
        }
    if (!checkTransactionState(tx, running).ok) continue
    applyTransaction(running, tx)
    txs.push(tx)
  }
  const index = 2 + p.nonces[0]
  const fees = txs.reduce((s, t) => s + t.fee, 0)
  const transactions = [coinbaseTx(index, keys[p.miner].address, 50 + fees), ...txs]
  const block: Block = {
    version: 1,
    index,
    timestamp: 0,
    previousHash: '0'.repeat(64),
    merkleRoot: merkleRoot(transactions.map((t) => t.id)),
    difficulty: 8,
    proof: 0,
    hash: '0'.repeat(64),
    transactions
  }
  return { base, block }
}

function snapshot(s: { account(a: string): { balance: number; nonce: number } }): unknown[] {
  return keys.map((k) => s.account(k.address))
}

describe('apply and revert', () => {
  it('reverting a block after applying it leaves every account unchanged', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { base, block } = realise(p, false)
        const before = snapshot(base)
        const o = new StateOverlay(base)
        applyBlock(o, block)
        revertBlock(o, block)
        expect(snapshot(o)).toEqual(before)
        // Reverting on top of a committed state works the same way.
        const committed = new MemoryState()
        for (const [a, acc] of base.accounts) committed.accounts.set(a, acc)
        const o1 = new StateOverlay(committed)
        applyBlock(o1, block)
        committed.commit(o1)
        const o2 = new StateOverlay(committed)
        revertBlock(o2, block)
        expect(snapshot(o2)).toEqual(before)
      }),
      { numRuns: 400 }
    )
  })

  it('keeps the sum of balances: coins appear only through the coinbase reward', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { base, block } = realise(p, false)
        const o = new StateOverlay(base)
        applyBlock(o, block)
        const total = (s: { account(a: string): { balance: number } }): number =>
          keys.reduce((x, k) => x + s.account(k.address).balance, 0)
        expect(total(o)).toBe(total(base) + 50)
        for (const k of keys) expect(o.account(k.address).balance).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 400 }
    )
  })

  it('leaves the same state after validation as after applyBlock', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { base, block } = realise(p, true)
        const checked = new StateOverlay(base)
        expect(checkTransactions(block, checked, REGTEST)).toEqual({ ok: true, value: undefined })
        const applied = new StateOverlay(base)
        applyBlock(applied, block)
        expect(snapshot(checked)).toEqual(snapshot(applied))
      }),
      { numRuns: 60 }
    )
  })
})
