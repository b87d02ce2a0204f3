/**
 * Account state (PROTOCOL §3): balances and nonces, applied and reverted block by block.
 *
 * Balances stay below 2^53: coins come only from coinbases (blockReward per block; fees only move
 * existing coins), so a number is exact. Sums that compare against a balance (amount + fee) are
 * done in bigint, since a hostile transaction may carry 2^53 - 1 in both fields.
 */
import { EMPTY_ACCOUNT, isCoinbase, type Account, type Block, type Transaction } from './types'

export interface StateView {
  account(address: string): Account
}

/** Copy-on-write changes over a base state. `changes` is what a store must write. */
export class StateOverlay implements StateView {
  readonly changes = new Map<string, Account>()
  constructor(private readonly base: StateView) {}

  account(address: string): Account {
    return this.changes.get(address) ?? this.base.account(address)
  }

  set(address: string, account: Account): void {
    this.changes.set(address, account)
  }
}

/** A state held entirely in memory (tests, tools, replays). */
export class MemoryState implements StateView {
  readonly accounts = new Map<string, Account>()
  account(address: string): Account {
    return this.accounts.get(address) ?? EMPTY_ACCOUNT
  }
  commit(overlay: StateOverlay): void {
    for (const [a, acc] of overlay.changes) this.accounts.set(a, acc)
  }
}

/** PROTOCOL §3: apply one transaction (validity already checked). */
export function applyTransaction(state: StateOverlay, tx: Transaction): void {
  if (isCoinbase(tx)) {
    const r = state.account(tx.recipient)
    state.set(tx.recipient, { balance: r.balance + tx.amount, nonce: r.nonce })
    return
  }
  const s = state.account(tx.sender)
  state.set(tx.sender, { balance: s.balance - tx.amount - tx.fee, nonce: s.nonce + 1 })
  const r = state.account(tx.recipient)
  state.set(tx.recipient, { balance: r.balance + tx.amount, nonce: r.nonce })
}

/** Exact inverse of applyTransaction, for a transaction that was applied. */
export function revertTransaction(state: StateOverlay, tx: Transaction): void {
  if (isCoinbase(tx)) {
    const r = state.account(tx.recipient)
    state.set(tx.recipient, { balance: r.balance - tx.amount, nonce: r.nonce })
    return
  }
  const r = state.account(tx.recipient)
  state.set(tx.recipient, { balance: r.balance - tx.amount, nonce: r.nonce })
  const s = state.account(tx.sender)
  state.set(tx.sender, { balance: s.balance + tx.amount + tx.fee, nonce: s.nonce - 1 })
}

export function applyBlock(state: StateOverlay, block: Pick<Block, 'transactions'>): void {
  for (const tx of block.transactions) applyTransaction(state, tx)
}

/** Undo a connected block: its transactions in reverse order. */
export function revertBlock(state: StateOverlay, block: Pick<Block, 'transactions'>): void {
  for (let i = block.transactions.length - 1; i >= 0; i--)
    revertTransaction(state, block.transactions[i])
}
