/**
 * The pending pool (PROTOCOL §6, §7 POST /transactions). A transaction is accepted when it is
 * valid against the tip's state followed by its sender's pending transactions: the next nonce in
 * sequence, and a balance that covers all of them. Incoming pending coins do not count.
 *
 * The pool is bounded; when full, a new transaction must pay more than the cheapest one that can
 * be dropped without leaving a nonce gap (the last of its sender's sequence).
 */
import {
  checkTransactionForm,
  fail,
  OK,
  verifyWithNodeCrypto,
  type Check,
  type SignatureVerifier,
  type StateView,
  type Transaction
} from '../core'

export interface PoolOptions {
  maxSize?: number
  verifier?: SignatureVerifier
}

export type AddOutcome = Check | { ok: true; value: 'known' }

export class PendingPool {
  private readonly byId = new Map<string, Transaction>()
  /** Each sender's pending transactions, in nonce order (consecutive). */
  private readonly bySender = new Map<string, Transaction[]>()
  /** Each sender's pending amount + fee, kept up to date so an add is not linear in its sequence. */
  private readonly spent = new Map<string, bigint>()
  private readonly maxSize: number
  private readonly verifier: SignatureVerifier

  constructor(
    private readonly genesisHash: string,
    opts: PoolOptions = {}
  ) {
    this.maxSize = opts.maxSize ?? 5000
    this.verifier = opts.verifier ?? verifyWithNodeCrypto
  }

  get size(): number {
    return this.byId.size
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  get(id: string): Transaction | undefined {
    return this.byId.get(id)
  }

  /** In arrival order. */
  all(): Transaction[] {
    return [...this.byId.values()]
  }

  bySenderOf(address: string): readonly Transaction[] {
    return this.bySender.get(address) ?? []
  }

  /** The nonce the sender's next transaction must carry. */
  nextNonce(address: string, state: StateView): number {
    return state.account(address).nonce + this.bySenderOf(address).length
  }

  /** What the sender has committed in pending transactions (amount + fee), in bigint. */
  private committed(address: string): bigint {
    return this.spent.get(address) ?? 0n
  }

  /** Check and add. Returns 'known' for a transaction already pending. */
  add(tx: Transaction, state: StateView): AddOutcome {
    return this.admit(tx, state, true)
  }

  /**
   * `checkForm` false is for transactions known to be well-formed (taken from this pool or from
   * a validated block): well-formedness does not depend on the tip, and re-verifying every
   * signature on each new block cost ~0.65 s per block with a full pool.
   */
  private admit(tx: Transaction, state: StateView, checkForm: boolean): AddOutcome {
    if (this.byId.has(tx.id)) return { ok: true, value: 'known' }
    if (checkForm) {
      const form = checkTransactionForm(tx, this.genesisHash, this.verifier)
      if (!form.ok) return form
    }
    const acc = state.account(tx.sender)
    const next = acc.nonce + this.bySenderOf(tx.sender).length
    if (tx.nonce !== next) {
      return fail('bad_nonce', `nonce ${tx.nonce}, but the sender's next nonce is ${next} (counting ${next - acc.nonce} pending)`)
    }
    const need = this.committed(tx.sender) + BigInt(tx.amount) + BigInt(tx.fee)
    if (BigInt(acc.balance) < need) {
      return fail('insufficient_funds', `the sender's balance ${acc.balance} does not cover this and its pending transactions (${need})`)
    }
    if (this.byId.size >= this.maxSize && !this.evictFor(tx)) {
      return fail('bad_transaction', `the pending pool is full (${this.maxSize}); offer a higher fee than the cheapest pending transaction`)
    }
    this.insert(tx)
    return OK
  }

  private insert(tx: Transaction): void {
    this.byId.set(tx.id, tx)
    this.spent.set(tx.sender, this.committed(tx.sender) + BigInt(tx.amount) + BigInt(tx.fee))
    const list = this.bySender.get(tx.sender)
    if (list) list.push(tx)
    else this.bySender.set(tx.sender, [tx])
  }

  /** Drop the cheapest sequence tail paying less than `tx`. */
  private evictFor(tx: Transaction): boolean {
    let victim: Transaction | undefined
    for (const list of this.bySender.values()) {
      const last = list[list.length - 1]
      if (last.sender === tx.sender) continue
      if (victim === undefined || last.fee < victim.fee) victim = last
    }
    if (victim === undefined || victim.fee >= tx.fee) return false
    this.remove(victim.id)
    return true
  }

  private remove(id: string): void {
    const tx = this.byId.get(id)
    if (!tx) return
    this.byId.delete(id)
    const list = this.bySender.get(tx.sender)!
    const i = list.indexOf(tx)
    list.splice(i, 1)
    this.spent.set(tx.sender, this.committed(tx.sender) - BigInt(tx.amount) - BigInt(tx.fee))
    if (list.length === 0) {
      this.bySender.delete(tx.sender)
      this.spent.delete(tx.sender)
    }
  }

  clear(): void {
    this.byId.clear()
    this.bySender.clear()
    this.spent.clear()
  }

  /**
   * PROTOCOL §6: rebuild against a new tip. `candidates` are offered in order (after a reorg: the
   * abandoned blocks' transactions, oldest block first, then the previous pool); each is kept if
   * valid after those kept before it. Returns the transactions dropped from the previous pool.
   * Candidates must be well-formed (from this pool, the persisted pool or validated blocks): only
   * their validity against `state` is checked again.
   */
  rebuild(state: StateView, candidates: readonly Transaction[]): Transaction[] {
    const before = new Map(this.byId)
    this.clear()
    for (const tx of candidates) {
      if (tx.sender === '0') continue
      this.admit(tx, state, false)
    }
    return [...before.values()].filter((t) => !this.byId.has(t.id))
  }

  /**
   * Transactions for a block template: highest fee first without breaking any sender's nonce
   * order (a sender's next transaction becomes eligible once the one before it is picked); ties
   * go to the earlier arrival.
   */
  template(max: number): Transaction[] {
    const order = new Map<string, number>()
    let i = 0
    for (const id of this.byId.keys()) order.set(id, i++)
    const heads: { tx: Transaction; rest: Transaction[] }[] = []
    for (const list of this.bySender.values()) heads.push({ tx: list[0], rest: list.slice(1) })
    const better = (a: Transaction, b: Transaction): boolean =>
      a.fee !== b.fee ? a.fee > b.fee : order.get(a.id)! < order.get(b.id)!
    const out: Transaction[] = []
    while (out.length < max && heads.length > 0) {
      let best = 0
      for (let k = 1; k < heads.length; k++) if (better(heads[k].tx, heads[best].tx)) best = k
      const h = heads[best]
      out.push(h.tx)
      const next = h.rest.shift()
      if (next) h.tx = next
      else heads.splice(best, 1)
    }
    return out
  }
}
