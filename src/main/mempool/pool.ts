/**
 * The pending pool (PROTOCOL §6, §7 POST /transactions). A transaction is accepted when it is
 * valid against the tip's state followed by its sender's pending transactions: the next nonce in
 * sequence, and a balance that covers it after them (a transfer to oneself costs only its fee).
 * Coins the sender is about to receive from others' pending transactions do not count for a new
 * transaction; after a new tip, though, each re-offered transaction is kept if valid after those
 * kept before it (§6), so there they do, and block templates respect that funding order.
 *
 * The pool is bounded; when full, a new transaction must pay more than the cheapest one that can
 * be dropped without leaving a nonce gap (the last of its sender's sequence).
 */
import {
  checkFormBeforeSignature,
  checkSignature,
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

/** Signature results remembered (a transaction offered again, by another peer or later). */
const SIGNATURES_REMEMBERED = 1024

export class PendingPool {
  private readonly byId = new Map<string, Transaction>()
  /** Each sender's pending transactions, in nonce order (consecutive). */
  private readonly bySender = new Map<string, Transaction[]>()
  /**
   * Each sender's net pending debit (amount + fee, less the amount of transfers to itself), kept
   * up to date so an add is not linear in its sequence.
   */
  private readonly spent = new Map<string, bigint>()
  /** Coins each address receives from other senders' pending transactions. */
  private readonly credit = new Map<string, bigint>()
  private readonly maxSize: number
  private readonly verifier: SignatureVerifier
  /** Recent signature checks by id, key and signature: true when it verified. */
  private readonly signatures = new Map<string, boolean>()

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

  /** What the sender's pending transactions take from its balance, in bigint. */
  private committed(address: string): bigint {
    return this.spent.get(address) ?? 0n
  }

  private credited(address: string): bigint {
    return this.credit.get(address) ?? 0n
  }

  /** Net debit of one transfer on its sender: a transfer to oneself costs only the fee. */
  private static debit(tx: Transaction): bigint {
    return tx.recipient === tx.sender ? BigInt(tx.fee) : BigInt(tx.amount) + BigInt(tx.fee)
  }

  private bump(map: Map<string, bigint>, address: string, by: bigint): void {
    const v = (map.get(address) ?? 0n) + by
    if (v === 0n) map.delete(address)
    else map.set(address, v)
  }

  /** Check and add. Returns 'known' for a transaction already pending. */
  add(tx: Transaction, state: StateView): AddOutcome {
    return this.admit(tx, state, true, false)
  }

  /**
   * `checkForm` false is for transactions known to be well-formed (taken from this pool or from
   * a validated block): well-formedness does not depend on the tip, and re-verifying every
   * signature on each new block cost ~0.65 s per block with a full pool.
   */
  private admit(
    tx: Transaction,
    state: StateView,
    checkForm: boolean,
    countCredits: boolean
  ): AddOutcome {
    if (this.byId.has(tx.id)) return { ok: true, value: 'known' }
    if (checkForm) {
      // PROTOCOL §3's order: the form (the signature last) before the state. A transfer that
      // breaks a state rule is answered bad_signature if its signature is bad too, so its
      // signature is checked either way; a repeated offer is answered from memory.
      const form = checkFormBeforeSignature(tx, this.genesisHash)
      if (!form.ok) return form
      const sig = checkSignature(tx, form.value, this.rememberedVerifier)
      if (!sig.ok) return sig
    }
    const st = this.checkState(tx, state, countCredits)
    if (!st.ok) return st
    if (this.byId.size >= this.maxSize && (countCredits || !this.evictFor(tx, state))) {
      return fail(
        'bad_transaction',
        `the pending pool is full (${this.maxSize}); offer a higher fee than the cheapest pending transaction`
      )
    }
    this.insert(tx)
    return OK
  }

  /**
   * The rules a transfer signed by this node's own wallet could break, checked before it is
   * signed: every form rule but the signature (which the wallet's own key makes good), then the
   * sender's next nonce and balance as `add` checks them. A refusal here is the very answer `add`
   * would give the signed transfer, without the signing and verifying. `draft` carries a
   * placeholder for the signature it does not have yet.
   */
  checkBeforeSigning(draft: Transaction, state: StateView): Check {
    if (this.byId.has(draft.id)) return OK
    const form = checkFormBeforeSignature(draft, this.genesisHash)
    if (!form.ok) return form
    return this.checkState(draft, state, false)
  }

  /** PROTOCOL §3 against the tip followed by the sender's pending transactions: nonce, funds. */
  private checkState(tx: Transaction, state: StateView, countCredits: boolean): Check {
    const acc = state.account(tx.sender)
    const next = acc.nonce + this.bySenderOf(tx.sender).length
    if (tx.nonce !== next) {
      return fail(
        'bad_nonce',
        `nonce ${tx.nonce}, but the sender's next nonce is ${next} (counting ${next - acc.nonce} pending)`
      )
    }
    const available =
      BigInt(acc.balance) -
      this.committed(tx.sender) +
      (countCredits ? this.credited(tx.sender) : 0n)
    const need = BigInt(tx.amount) + BigInt(tx.fee)
    if (available < need) {
      return fail(
        'insufficient_funds',
        `amount + fee ${need} exceeds what the sender has after its pending transactions (${available})`
      )
    }
    return OK
  }

  private readonly rememberedVerifier: SignatureVerifier = (tx, bytes) => {
    const key = `${tx.id}${tx.publicKey}${tx.signature}`
    let good = this.signatures.get(key)
    if (good === undefined) {
      good = this.verifier(tx, bytes)
      if (this.signatures.size >= SIGNATURES_REMEMBERED)
        this.signatures.delete(this.signatures.keys().next().value!)
      this.signatures.set(key, good)
    }
    return good
  }

  private insert(tx: Transaction): void {
    this.byId.set(tx.id, tx)
    this.bump(this.spent, tx.sender, PendingPool.debit(tx))
    if (tx.recipient !== tx.sender) this.bump(this.credit, tx.recipient, BigInt(tx.amount))
    const list = this.bySender.get(tx.sender)
    if (list) list.push(tx)
    else this.bySender.set(tx.sender, [tx])
  }

  /**
   * Drop the cheapest sequence tail paying less than `tx`. If it paid someone with pending
   * transactions (after a reorganisation those may spend what it brings), the rest of the pool is
   * checked again in arrival order, so the pool still applies cleanly on the tip.
   */
  private evictFor(tx: Transaction, state: StateView): boolean {
    let victim: Transaction | undefined
    for (const list of this.bySender.values()) {
      const last = list[list.length - 1]
      if (last.sender === tx.sender) continue
      if (victim === undefined || last.fee < victim.fee) victim = last
    }
    if (victim === undefined || victim.fee >= tx.fee) return false
    this.remove(victim.id)
    if (victim.recipient !== victim.sender && this.bySender.has(victim.recipient)) {
      const rest = this.all()
      this.clear()
      for (const t of rest) this.admit(t, state, false, true)
    }
    return true
  }

  private remove(id: string): void {
    const tx = this.byId.get(id)
    if (!tx) return
    this.byId.delete(id)
    const list = this.bySender.get(tx.sender)!
    const i = list.indexOf(tx)
    list.splice(i, 1)
    this.bump(this.spent, tx.sender, -PendingPool.debit(tx))
    if (tx.recipient !== tx.sender) this.bump(this.credit, tx.recipient, -BigInt(tx.amount))
    if (list.length === 0) this.bySender.delete(tx.sender)
  }

  clear(): void {
    this.byId.clear()
    this.bySender.clear()
    this.spent.clear()
    this.credit.clear()
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
      this.admit(tx, state, false, true)
    }
    return [...before.values()].filter((t) => !this.byId.has(t.id))
  }

  /**
   * Transactions for a block template, valid in order on `state` (the tip's): highest fee first
   * without breaking any sender's nonce order (a sender's next transaction becomes eligible once
   * the one before it is picked) or spending coins before the transaction that brings them;
   * ties go to the earlier arrival.
   */
  template(max: number, state: StateView): Transaction[] {
    const order = new Map<string, number>()
    let i = 0
    for (const id of this.byId.keys()) order.set(id, i++)
    const heads: { tx: Transaction; rest: Transaction[] }[] = []
    for (const list of this.bySender.values()) heads.push({ tx: list[0], rest: list.slice(1) })
    const balance = new Map<string, bigint>()
    const bal = (a: string): bigint => balance.get(a) ?? BigInt(state.account(a).balance)
    const affordable = (t: Transaction): boolean =>
      bal(t.sender) >= BigInt(t.amount) + BigInt(t.fee)
    const better = (a: Transaction, b: Transaction): boolean =>
      a.fee !== b.fee ? a.fee > b.fee : order.get(a.id)! < order.get(b.id)!
    const out: Transaction[] = []
    while (out.length < max) {
      let best = -1
      for (let k = 0; k < heads.length; k++) {
        if (affordable(heads[k].tx) && (best < 0 || better(heads[k].tx, heads[best].tx))) best = k
      }
      if (best < 0) break
      const h = heads[best]
      const t = h.tx
      out.push(t)
      balance.set(t.sender, bal(t.sender) - BigInt(t.amount) - BigInt(t.fee))
      balance.set(t.recipient, bal(t.recipient) + BigInt(t.amount))
      const next = h.rest.shift()
      if (next) h.tx = next
      else heads.splice(best, 1)
    }
    return out
  }
}
