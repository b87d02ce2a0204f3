/**
 * NodeService: the one place that owns a running node's state (store, chain, pending pool,
 * wallet) and the operations every transport uses. The transports (HTTP routes, peer sync,
 * gossip, the UI API) know it only as NodeFacade (facade.ts); the store, chain, pool and wallet
 * are public for the composition root, the mining controller beside it and the tests.
 * Events tell the rest of the node what changed.
 */
import { EventEmitter } from 'node:events'
import {
  COINBASE_SENDER,
  createCoinbase,
  fail,
  isAddress,
  merkleRoot,
  ruleFacts,
  ruleNameOf,
  ruleReport,
  txId,
  verifyWithNodeCrypto,
  type Failure,
  type Account,
  type Block,
  type Network,
  type RuleFinding,
  type RuleName,
  type SignatureVerifier,
  type Transaction
} from '../core'
import { Chain, type AcceptedBlock, type BlockVia, type SubmitOutcome } from '../chain/chain'
import type {
  BlockJson,
  BlockTemplate,
  ChainStatus,
  FoundTransaction,
  NodeFacade,
  NodeServiceEvents,
  TxOutcome
} from './facade'
import { PendingPool } from '../mempool/pool'
import type { StorageHealth } from '../../shared/api'
import type { HeaderEntry } from '../chain/store'
import {
  notWritable,
  StorageUnavailableError,
  StoreDamagedError,
  storageFaultOf
} from '../store/faults'
import { DB_FILE, SqliteStore, type BlockListing, type TxLocation } from '../store/sqlite-store'
import type { StoredReorg } from '../store/reorgs'
import { Wallet, WALLET_FILE } from '../wallet/wallet'
import { join } from 'node:path'

export type {
  BlockTemplate,
  BlockVia,
  ChainStatus,
  NodeServiceEvents,
  Refusal,
  TxOutcome
} from './facade'

/**
 * How often a full disk is checked for space again (a bounded back-off): mining, catching up and
 * the status all resume within this long of space returning.
 */
export const STORAGE_RETRY_MS = 2_000

/**
 * How many blocks the inspector unwinds the state for rule 7 (about a millisecond each): a block
 * deeper than this below the tip is shown with rule 7 unchecked rather than make a click wait.
 */
export const INSPECT_MAX_DEPTH = 1_000

const HEALTHY: StorageHealth = Object.freeze({ state: 'ok', message: null, since: null })

export interface NodeServiceOptions {
  dataDir: string
  network: Network
  now?: () => number
  verifier?: SignatureVerifier
  maxPending?: number
}

export class NodeService extends EventEmitter<NodeServiceEvents> implements NodeFacade {
  readonly network: Network
  readonly store: SqliteStore
  readonly chain: Chain
  readonly pool: PendingPool
  readonly wallet: Wallet
  readonly dataDir: string
  private readonly now: () => number
  private health: StorageHealth = HEALTHY
  private probeTimer: NodeJS.Timeout | undefined

  private constructor(opts: NodeServiceOptions, store: SqliteStore) {
    super()
    this.network = opts.network
    this.dataDir = opts.dataDir
    this.store = store
    this.now = opts.now ?? Date.now
    const verifier = opts.verifier ?? verifyWithNodeCrypto
    this.chain = new Chain(store, opts.network, { now: this.now, verifier })
    this.pool = new PendingPool(opts.network.genesisHash, { maxSize: opts.maxPending, verifier })
    this.wallet = Wallet.loadOrCreate(opts.dataDir)
    // The persisted pool is re-checked against the tip: a process killed between connecting a
    // block and rewriting the pool must not keep transactions that block already spent.
    this.pool.rebuild(store, store.loadPending())
    store.replacePending(this.pool.all())
    this.chain.onAccepted((a) => this.afterBlock(a))
    store.onBestEffortFault = (e) => this.reportStorageError(e)
    // Read once now: a store that cannot give its tip and the next block's context is refused
    // at open (NodeService.open) rather than found broken by the first request.
    this.status()
  }

  /** Open the data dir (store, wallet) for `network`. Throws StoreLockedError and friends. */
  static open(opts: NodeServiceOptions): NodeService {
    const store = SqliteStore.open({
      dataDir: opts.dataDir,
      network: opts.network.name,
      genesisHash: opts.network.genesisHash
    })
    try {
      return new NodeService(opts, store)
    } catch (e) {
      store.close()
      if (storageFaultOf(e)?.fault === 'damaged') {
        // A read-only data dir shows up as an I/O error: say that, not "damaged".
        throw (
          notWritable(opts.dataDir) ??
          new StoreDamagedError(
            `${opts.dataDir}/${DB_FILE}`,
            `${(e as { code: string }).code}: ${(e as Error).message}`
          )
        )
      }
      throw e
    }
  }

  close(): void {
    clearInterval(this.probeTimer)
    this.probeTimer = undefined
    this.removeAllListeners()
    this.store.close()
  }

  // ---- storage health ----------------------------------------------------------------------
  // The one owner of "can this node write to its data dir". Every writer that catches an error
  // reports it here; mining and catching up look here before they write.

  storageHealth(): StorageHealth {
    return this.health
  }

  storageOk(): boolean {
    return this.health.state === 'ok'
  }

  /**
   * Report an error a writer (or a reader) caught. True when it was a storage fault, which is now
   * the node's storage state; false for anything else (a bug), which the caller rethrows.
   */
  reportStorageError(e: unknown): boolean {
    const f = storageFaultOf(e)
    if (f === undefined) return false
    const file = `${this.dataDir}/${DB_FILE}`
    const ro = f.code.startsWith('SQLITE_IOERR') ? notWritable(this.dataDir) : undefined
    if (f.fault === 'damaged' && ro === undefined) {
      this.setHealth(
        'damaged',
        `the chain database ${file} is damaged (${f.code}): mining and catching up have stopped. Stop the node and ` +
          `restore the data dir from a backup, or move ${DB_FILE} away to download the chain again from peers`
      )
    } else if (this.health.state !== 'damaged') {
      const why =
        f.code === 'SQLITE_FULL' || f.code === 'ENOSPC' || f.code === 'EDQUOT'
          ? `the disk holding ${this.dataDir} is full`
          : `${this.dataDir} cannot be written (${ro?.code ?? f.code})`
      this.setHealth(
        'full',
        `${why}: the last write was rolled back; mining and catching up are paused and resume by themselves once space is freed`
      )
    }
    return true
  }

  /** Run a write; a storage fault is reported and thrown as StorageUnavailableError. */
  private guardWrite<T>(fn: () => T): T {
    // Writing on into a file known to be damaged could only make it worse.
    if (this.health.state === 'damaged') throw new StorageUnavailableError(this.health)
    try {
      return fn()
    } catch (e) {
      if (this.reportStorageError(e)) throw new StorageUnavailableError(this.health)
      throw e
    }
  }

  /** While the disk is full: does a write fit again? (On a timer; also callable directly.) */
  checkStorage(): boolean {
    if (this.health.state !== 'full') return this.health.state === 'ok'
    try {
      if (this.store.hasRoom()) this.setHealth('ok', null)
    } catch (e) {
      this.reportStorageError(e)
    }
    return this.storageOk()
  }

  private setHealth(state: StorageHealth['state'], message: string | null): void {
    const h = this.health
    if (h.state === state && h.message === message) return
    this.health =
      state === 'ok' ? HEALTHY : { state, message, since: h.state === state ? h.since : this.now() }
    if (state === 'full' && this.probeTimer === undefined) {
      this.probeTimer = setInterval(() => {
        if (this.store.db.open) this.checkStorage()
      }, STORAGE_RETRY_MS)
      this.probeTimer.unref()
    } else if (state !== 'full') {
      clearInterval(this.probeTimer)
      this.probeTimer = undefined
    }
    this.emit('storage', this.health)
  }

  // ---- blocks ------------------------------------------------------------------------------

  /**
   * Offer a block (from a peer, the miner or an import). `source` and `via` travel with it through
   * the chain and come back on the accepted block (AcceptedBlock.origin), which is what the 'block'
   * event's listeners read.
   */
  submitBlock(block: Block, source?: string, via?: BlockVia): SubmitOutcome {
    const o = this.guardWrite(() => this.chain.submit(block, { source, via }))
    if (o.kind === 'invalid') {
      const rule = ruleNameOf(o.code)
      this.emit('refused', {
        what: 'block',
        code: o.code,
        message: o.message,
        id: block.hash,
        index: block.index,
        via,
        from: source ?? via ?? 'local',
        rule,
        facts: rule === undefined ? {} : this.refusedBlockFacts(rule, block)
      })
    }
    return o
  }

  /** What the broken rule compared, for the refusal report (cheap: no signature, no state). */
  private refusedBlockFacts(rule: RuleName, block: Block): Record<string, string | number> {
    const parent = this.chain.header(block.previousHash)
    return ruleFacts(rule, block, {
      network: this.network,
      now: this.now(),
      parent: parent && this.chain.parentContext(parent)
    })
  }

  /**
   * Offer consecutive blocks, as catching up from a peer does: each is validated and connected
   * exactly as by submitBlock, in order, stopping after the first that is neither accepted nor
   * known; but the store commits once for the lot (each block's change is a savepoint inside one
   * SQLite transaction), which is what makes catching up fast. Nothing is answered to anyone
   * before the commit, so PROTOCOL §6's "answered 201 means stored" is untouched.
   */
  submitBlocks(blocks: readonly Block[], source?: string, via?: BlockVia): SubmitOutcome[] {
    const outcomes: SubmitOutcome[] = []
    try {
      this.store.batch(() => {
        for (const b of blocks) {
          const o = this.submitBlock(b, source, via)
          outcomes.push(o)
          if (o.kind !== 'accepted' && o.kind !== 'known') break
        }
      })
    } catch (e) {
      // Rolled back: nothing of the batch is stored, so nothing of it may stay in memory.
      this.chain.forgetCaches()
      this.restorePool()
      if (!(e instanceof StorageUnavailableError) && this.reportStorageError(e))
        throw new StorageUnavailableError(this.health)
      throw e
    }
    return outcomes
  }

  /** The pool as stored, after a write that was rolled back (best effort on a damaged file). */
  private restorePool(): void {
    try {
      this.pool.rebuild(this.store, this.store.loadPending())
    } catch (e) {
      if (!this.reportStorageError(e)) throw e
    }
  }

  /** Keep the pool in step with the main chain (PROTOCOL §6), then tell listeners. */
  private afterBlock(a: AcceptedBlock): void {
    // An empty pool stays empty when the chain just grows (every block of most catch-ups):
    // nothing to rebuild, store or announce.
    if (a.status === 'main' && (this.pool.size > 0 || a.reorg !== undefined)) {
      const before = this.pool.size
      const previous = this.pool.all()
      const abandoned = a.reorg
        ? a.reorg.disconnected
            .slice()
            .reverse()
            .flatMap((b) => b.transactions)
        : []
      const mined = new Set(
        (a.reorg?.connected ?? [a.block]).flatMap((b) => b.transactions.map((t) => t.id))
      )
      const candidates = [...abandoned, ...previous].filter((t) => !mined.has(t.id))
      this.pool.rebuild(this.store, candidates)
      // An empty pool that stays empty (every block of a catch-up) has nothing to rewrite.
      try {
        if (previous.length > 0 || this.pool.size > 0) this.store.replacePending(this.pool.all())
      } catch (e) {
        // Inside a batch the whole batch rolls back (submitBlocks). Alone, the block is stored
        // already: the pool in memory is right, and the stale copy on disk is re-checked against
        // the tip at the next start, so the block still counts as accepted.
        if (this.store.db.inTransaction || !this.reportStorageError(e)) throw e
      }
      if (this.pool.size !== before || previous.length > 0) this.emit('pending', this.pool.size)
    }
    this.emit('block', a)
  }

  // ---- transactions ------------------------------------------------------------------------

  /** Offer a signed transaction to the pending pool. */
  submitTransaction(tx: Transaction, source?: string, via: 'http' | 'wallet' = 'http'): TxOutcome {
    if (this.pool.has(tx.id) || this.store.txLocation(tx.id) !== undefined)
      return { kind: 'known', id: tx.id }
    if (this.health.state === 'damaged') throw new StorageUnavailableError(this.health)
    const before = this.pool.size
    const r = this.pool.add(tx, this.store)
    if (!r.ok) return this.refuseTransaction(tx, r, source, via)
    if (r.value === 'known') return { kind: 'known', id: tx.id }
    try {
      // A full pool made room by evicting a cheaper transaction: persist the pool as it now is,
      // or the evicted one would come back on the next start.
      this.guardWrite(() =>
        this.pool.size <= before
          ? this.store.replacePending(this.pool.all())
          : this.store.addPending(tx)
      )
    } catch (e) {
      // Not stored, so not accepted (PROTOCOL §6: 202 means stored): the pool goes back to what is.
      this.restorePool()
      throw e
    }
    this.emit('transaction', tx, { source, via })
    this.emit('pending', this.pool.size)
    return { kind: 'accepted', tx }
  }

  private refuseTransaction(
    tx: Pick<Transaction, 'id' | 'sender' | 'amount' | 'fee' | 'nonce'>,
    r: Failure,
    source: string | undefined,
    via: 'http' | 'wallet'
  ): TxOutcome {
    // The refusal report's inputs of the check: what the transfer asked, and what the sender had
    // (its balance on the main chain, and the next nonce counting its pending transfers).
    const known = isAddress(tx.sender)
    this.emit('refused', {
      what: 'transaction',
      code: r.code,
      message: r.message,
      id: tx.id,
      via,
      from: source ?? via,
      facts: {
        amount: tx.amount,
        fee: tx.fee,
        nonce: tx.nonce,
        ...(known
          ? {
              balance: this.store.account(tx.sender).balance,
              nextNonce: this.pool.nextNonce(tx.sender, this.store)
            }
          : {})
      }
    })
    return { ...r, kind: 'invalid' }
  }

  /**
   * A transfer signed by this node's wallet, offered to the pool. What the signature cannot
   * change (form, nonce, balance) is checked first: a transfer the wallet cannot pay is refused
   * with the answer submitTransaction would give, without signing it or checking the signature.
   */
  sendFromWallet(req: { recipient: string; amount: number; fee: number }): TxOutcome {
    if (req.recipient === COINBASE_SENDER) {
      return { ...fail('bad_transaction', 'recipient "0" is not an address'), kind: 'invalid' }
    }
    const nonce = this.pool.nextNonce(this.wallet.address, this.store)
    const genesis = this.network.genesisHash
    const body = { sender: this.wallet.address, ...req, nonce }
    // The wallet's key signs it only if it passes; the draft's empty signature is never checked.
    const draft = {
      ...body,
      id: txId(body, genesis),
      publicKey: this.wallet.publicKey,
      signature: ''
    }
    // Not known, whatever it is: its nonce is the next one, so no transaction of the main chain
    // or the pool can have its id (the id covers the nonce).
    if (this.health.state === 'damaged') throw new StorageUnavailableError(this.health)
    const r = this.pool.checkBeforeSigning(draft, this.store)
    if (!r.ok) return this.refuseTransaction(draft, r, undefined, 'wallet')
    const tx = this.wallet.transfer({ ...req, nonce }, genesis)
    return this.submitTransaction(tx, undefined, 'wallet')
  }

  // ---- mining ------------------------------------------------------------------------------

  /** A block template paying `payTo` (default: our wallet), highest fees first. */
  blockTemplate(payTo = this.wallet.address): BlockTemplate {
    const tip = this.chain.tip()
    const ctx = this.chain.parentContext(tip)
    const params = this.network.params
    const picked = this.pool.template(params.maxBlockTxs - 1, this.store)
    const fees = picked.reduce((s, t) => s + t.fee, 0)
    const index = tip.index + 1
    const coinbase = createCoinbase(
      { index, recipient: payTo, amount: params.blockReward + fees },
      this.network.genesisHash
    )
    const transactions = [coinbase, ...picked]
    return {
      header: {
        version: 1,
        index,
        // Never at or before the median of recent blocks, whatever this machine's clock says.
        timestamp: Math.max(this.now(), ctx.medianTimePast + 1),
        previousHash: tip.hash,
        merkleRoot: merkleRoot(transactions.map((t) => t.id)),
        difficulty: ctx.expectedDifficulty
      },
      transactions
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The tip as last read, so that /status still answers (with the storage state) on damage. */
  private lastTip: { tip: HeaderEntry; difficulty: number } | undefined

  status(): ChainStatus {
    let tip: HeaderEntry
    let difficulty: number
    try {
      tip = this.chain.tip()
      difficulty = this.chain.nextDifficulty()
      this.lastTip = { tip, difficulty }
    } catch (e) {
      if (this.lastTip === undefined || !this.reportStorageError(e)) throw e
      ;({ tip, difficulty } = this.lastTip)
      try {
        // The tip itself is usually still readable (cached): then only the difficulty is a guess,
        // the tip's own (it differs from the next block's only at a retarget).
        const t = this.chain.tip()
        if (t.hash !== tip.hash) ({ tip, difficulty } = { tip: t, difficulty: t.difficulty })
      } catch {
        // Not even that: the last status read stands.
      }
    }
    return {
      network: this.network.name,
      genesisHash: this.network.genesisHash,
      index: tip.index,
      tipHash: tip.hash,
      totalWork: tip.totalWork,
      difficulty,
      pending: this.pool.size,
      storage: this.health
    }
  }

  /** Where a transaction is: confirmed on the main chain, pending, or unknown. */
  findTransaction(id: string): FoundTransaction | undefined {
    const loc = this.store.txLocation(id)
    if (loc !== undefined) {
      const b = this.store.getBlock(loc.blockHash)!
      return {
        tx: b.transactions[loc.position],
        blockHash: b.hash,
        blockIndex: b.index,
        position: loc.position,
        confirmations: this.chain.tip().index - b.index + 1,
        timestamp: b.timestamp
      }
    }
    const p = this.pool.get(id)
    if (p)
      return {
        tx: p,
        blockHash: null,
        blockIndex: null,
        position: null,
        confirmations: 0,
        timestamp: null
      }
    return undefined
  }

  knowsTransaction(id: string): boolean {
    return this.pool.has(id) || this.store.txLocation(id) !== undefined
  }

  // ---- the facade's plain reads (NodeFacade): each one is the owner's answer, passed on ------

  get walletAddress(): string {
    return this.wallet.address
  }

  get walletPublicKey(): string {
    return this.wallet.publicKey
  }

  get walletCreated(): boolean {
    return this.wallet.created
  }

  get walletFile(): string {
    return join(this.dataDir, WALLET_FILE)
  }

  isOpen(): boolean {
    return this.store.db.open
  }

  tip() {
    return this.chain.tip()
  }

  header(hash: string) {
    return this.chain.header(hash)
  }

  isOnMain(h: HeaderEntry): boolean {
    return this.chain.isOnMain(h)
  }

  missingAncestor(hash: string): string | undefined {
    return this.chain.missingAncestor(hash)
  }

  hasBlock(hash: string): boolean {
    return this.store.hasBlock(hash)
  }

  block(hash: string): Block | undefined {
    return this.store.getBlock(hash)
  }

  mainHash(index: number): string | undefined {
    return this.store.getMainHash(index)
  }

  ruleReport(block: Block, verifier?: SignatureVerifier): RuleFinding[] {
    const base = this.chain.inspectionBase(block.previousHash, INSPECT_MAX_DEPTH)
    return ruleReport(block, { network: this.network, now: this.now(), ...base, verifier })
  }

  childrenOf(hash: string): string[] {
    return this.store.childrenOf(hash)
  }

  blockListings(where: 'main-desc' | 'range', a: number, b: number): BlockListing[] {
    return this.store.listings(where, a, b)
  }

  sideListings(limit: number): BlockListing[] {
    return this.store.sideListings(limit)
  }

  orphanBlocks(): Block[] {
    return this.chain.orphanBlocks()
  }

  reorgHistory(offset: number, limit: number): { records: StoredReorg[]; total: number } {
    return this.store.reorgs.page(offset, limit)
  }

  mainBlockJson(afterHeight: number, maxBytes: number): BlockJson[] {
    return this.store.mainBlockJson(afterHeight, maxBytes)
  }

  mainBlockJsonSlice(from: number, limit: number): string[] {
    return this.store.mainBlockJsonSlice(from, limit)
  }

  account(address: string): Account {
    return this.store.account(address)
  }

  addressHistory(
    address: string,
    offset: number,
    limit: number
  ): { ids: TxLocation[]; total: number } {
    return this.store.addressHistory(address, offset, limit)
  }

  pendingTransactions(): Transaction[] {
    return this.pool.all()
  }

  nextNonce(address: string): number {
    return this.pool.nextNonce(address, this.store)
  }
}
