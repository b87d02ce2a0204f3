/**
 * Fork choice (PROTOCOL §6): the main chain is the valid chain with the most work; equal work
 * keeps the first seen. Every accepted block is fully validated against the state its parent
 * leaves, so a side branch that comes to have more work can always be switched to in one step.
 *
 * The chain reads everything through the ChainStore port: nothing here grows with the chain.
 */
import {
  applyBlock,
  blockHash,
  blockWork,
  checkBody,
  checkHeader,
  checkTransactions,
  fail,
  isRetargetHeight,
  leadingZeroBits,
  medianTime,
  retarget,
  revertBlock,
  StateOverlay,
  verifyWithNodeCrypto,
  type Block,
  type Check,
  type Failure,
  type Network,
  type ParentContext,
  type SignatureVerifier
} from '../core'
import { headerEntry, type ChainStore, type HeaderEntry } from './store'
import { reorgRecord } from './reorg-record'

export const MEDIAN_SPAN = 11

export type BlockStatus = 'main' | 'side'

export interface Reorg {
  /** Index of the last block both branches share. */
  readonly forkIndex: number
  /** Blocks that left the main chain, tip first. */
  readonly disconnected: readonly Block[]
  /** Blocks that joined it, oldest first (the new block last). */
  readonly connected: readonly Block[]
}

/** How a block reached the node: this node's miner, catching up from a peer, or an HTTP POST. */
export type BlockVia = 'mined' | 'peer' | 'http' | 'import'

/**
 * Where an offered block came from. The chain does not act on it: it hands it back on the
 * accepted block, for the listeners that do (gossip does not send a block back to its sender,
 * a peer earns a point for a block new to us, the log names the sender).
 */
export interface BlockOrigin {
  /** The sender's base URL, when known (a peer, or an HTTP client that names itself). */
  readonly source?: string
  readonly via?: BlockVia
}

/** What became of an offered block. */
export type SubmitOutcome =
  | {
      readonly kind: 'accepted'
      readonly block: Block
      readonly status: BlockStatus
      readonly reorg?: Reorg
      /**
       * The offer that connected it: its own for a block whose parent was known; for an orphan,
       * the offer of the block that completed its branch.
       */
      readonly origin: BlockOrigin
    }
  | { readonly kind: 'known'; readonly hash: string }
  | { readonly kind: 'orphan'; readonly hash: string; readonly missing: string }
  | (Failure & { readonly kind: 'invalid' })

export type AcceptedBlock = Extract<SubmitOutcome, { kind: 'accepted' }>

export interface ChainOptions {
  now?: () => number
  verifier?: SignatureVerifier
  maxOrphans?: number
  /** Remember this many invalid block hashes so a peer cannot make us re-validate them. */
  maxInvalid?: number
}

interface Orphan {
  block: Block
}

export class Chain {
  readonly network: Network
  readonly store: ChainStore
  private readonly now: () => number
  private readonly verifier: SignatureVerifier
  private readonly maxOrphans: number
  private readonly maxInvalid: number
  /** Orphans by hash, in arrival order so the oldest is evicted first. */
  private readonly orphans = new Map<string, Orphan>()
  private readonly invalid = new Map<string, Failure>()
  private readonly headerCache = new Map<string, HeaderEntry>()
  private readonly listeners = new Set<(a: AcceptedBlock) => void>()

  constructor(store: ChainStore, network: Network, opts: ChainOptions = {}) {
    this.store = store
    this.network = network
    this.now = opts.now ?? Date.now
    this.verifier = opts.verifier ?? verifyWithNodeCrypto
    this.maxOrphans = opts.maxOrphans ?? 512
    this.maxInvalid = opts.maxInvalid ?? 4096
    store.initGenesis(network.genesis, blockWork(network.genesis.difficulty))
  }

  tip(): HeaderEntry {
    return this.store.tip()
  }

  /** Called for every accepted block, after it is stored (orphans it releases included). */
  onAccepted(cb: (a: AcceptedBlock) => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  header(hash: string): HeaderEntry | undefined {
    let h = this.headerCache.get(hash)
    if (h === undefined) {
      h = this.store.getHeader(hash)
      if (h === undefined) return undefined
      this.cacheHeader(h)
    }
    return h
  }

  private cacheHeader(h: HeaderEntry): void {
    // A header read inside a caller's transaction may belong to a block that is rolled back.
    if (this.store.inTransaction?.()) return
    if (this.headerCache.size >= 4096)
      this.headerCache.delete(this.headerCache.keys().next().value!)
    this.headerCache.set(h.hash, h)
  }

  isOnMain(h: { hash: string; index: number }): boolean {
    return this.store.getMainHash(h.index) === h.hash
  }

  /** PROTOCOL §4 rules 2 and 4 need P's branch: its expected child difficulty and median time. */
  parentContext(parent: HeaderEntry): ParentContext {
    const timestamps: number[] = []
    const params = this.network.params
    const childIndex = parent.index + 1
    const needRetarget = isRetargetHeight(params, childIndex)
    const depth = Math.max(MEDIAN_SPAN, needRetarget ? params.retargetInterval : 0)
    let cur: HeaderEntry | undefined = parent
    let oldest: HeaderEntry | undefined
    for (let i = 0; i < depth && cur !== undefined; i++) {
      if (i < MEDIAN_SPAN) timestamps.push(cur.timestamp)
      if (needRetarget && cur.index === childIndex - params.retargetInterval) oldest = cur
      cur = cur.index > 1 ? this.header(cur.previousHash) : undefined
    }
    let expectedDifficulty = parent.difficulty
    if (needRetarget) {
      if (oldest === undefined)
        throw new Error(
          `ancestor ${childIndex - params.retargetInterval} of ${parent.hash} missing`
        )
      expectedDifficulty = retarget(params, {
        parentIndex: parent.index,
        parentDifficulty: parent.difficulty,
        parentTimestamp: parent.timestamp,
        oldestTimestamp: oldest.timestamp
      })
    }
    return { parent, expectedDifficulty, medianTimePast: medianTime(timestamps), now: this.now() }
  }

  /** Difficulty of the next block on the main chain. */
  nextDifficulty(): number {
    return this.parentContext(this.tip()).expectedDifficulty
  }

  /**
   * The state a block with parent P is checked against, as an overlay over the tip's state: the
   * main chain unwound to the fork point, then P's branch applied. Also returns the two paths.
   */
  private branchState(parent: HeaderEntry): {
    overlay: StateOverlay
    forkIndex: number
    disconnect: Block[]
    path: Block[]
  } {
    const overlay = new StateOverlay(this.store)
    const path: Block[] = []
    let cur: HeaderEntry = parent
    while (!this.isOnMain(cur)) {
      path.push(this.mustBlock(cur.hash))
      cur = this.header(cur.previousHash)!
    }
    path.reverse()
    const forkIndex = cur.index
    const disconnect: Block[] = []
    let t = this.tip()
    while (t.index > forkIndex) {
      const b = this.mustBlock(t.hash)
      revertBlock(overlay, b)
      disconnect.push(b)
      t = this.header(t.previousHash)!
    }
    for (const b of path) applyBlock(overlay, b)
    return { overlay, forkIndex, disconnect, path }
  }

  /**
   * What the block inspector holds a block with parent `parentHash` to (core/inspect.ts): the
   * parent's context, and the state a child of it is checked against, the tip's state unwound to
   * the fork point and the parent's branch applied. That unwinding reads every block in between,
   * so past `maxDepth` of them the state is left out (rule 7 then shows as unchecked). Reads
   * only: nothing is stored or cached.
   */
  inspectionBase(
    parentHash: string,
    maxDepth: number
  ): { parent?: ParentContext; state?: StateOverlay; depth?: number } {
    const parent = this.header(parentHash)
    if (parent === undefined) return {}
    let cur = parent
    let side = 0
    while (!this.isOnMain(cur)) {
      side++
      cur = this.header(cur.previousHash)!
    }
    const depth = side + this.tip().index - cur.index
    const context = this.parentContext(parent)
    if (depth > maxDepth) return { parent: context, depth }
    return { parent: context, state: this.branchState(parent).overlay, depth }
  }

  private mustBlock(hash: string): Block {
    const b = this.store.getBlock(hash)
    if (b === undefined) throw new Error(`store is missing block ${hash}`)
    return b
  }

  /**
   * Checks that need no parent, run before holding a block as an orphan so that junk cannot fill
   * the orphan set: the hash is the header's and the work it claims is done.
   */
  private checkStandalone(block: Block): Check | Failure {
    if (blockHash(block) !== block.hash)
      return fail('bad_hash', 'hash is not SHA-256 of the header')
    if (
      block.difficulty < this.network.params.minDifficulty ||
      leadingZeroBits(block.hash) < block.difficulty
    ) {
      return fail('bad_pow', `the hash does not meet difficulty ${block.difficulty}`)
    }
    // Two rules a block's parent is not needed for, checked before one is held: an orphan below
    // the genesis, or dated past what any node accepts, could never connect, and held it would be
    // drawn in every fork tree and served on GET /forks.
    if (block.index <= this.network.genesis.index)
      return fail('bad_index', `index ${block.index} is not above the genesis block's`)
    if (block.timestamp > this.now() + this.network.params.maxFutureMs)
      return fail('time_too_new', 'the block is dated too far in the future')
    return { ok: true, value: undefined }
  }

  /** Offer a block (PROTOCOL §4, §6). Never throws on a bad block. */
  submit(block: Block, origin: BlockOrigin = {}): SubmitOutcome {
    if (this.store.hasBlock(block.hash)) return { kind: 'known', hash: block.hash }
    const bad = this.invalid.get(block.hash)
    if (bad !== undefined) return { ...bad, kind: 'invalid' }
    const parent = this.header(block.previousHash)
    if (parent === undefined) {
      const c = this.checkStandalone(block)
      if (!c.ok) return { ...c, kind: 'invalid' }
      this.addOrphan(block)
      return { kind: 'orphan', hash: block.hash, missing: block.previousHash }
    }
    const outcome = this.connect(block, parent, origin)
    if (outcome.kind === 'accepted') {
      this.emit(outcome)
      this.releaseOrphans(block.hash, origin)
    }
    return outcome
  }

  private connect(block: Block, parent: HeaderEntry, origin: BlockOrigin): SubmitOutcome {
    const ctx = this.parentContext(parent)
    const fault = (f: Failure): SubmitOutcome => {
      // A block from the future may become valid; every other header failure is final for this
      // hash, provided the hash is really this header's: one that only claims another block's hash
      // (bad_hash, or a rule checked before it) must not get that block refused.
      if (f.code !== 'time_too_new' && blockHash(block) === block.hash)
        this.rememberInvalid(block.hash, f)
      return { ...f, kind: 'invalid' }
    }
    // Body failures are not remembered by hash: the hash commits to the transaction ids only, and an
    // id covers neither public_key nor signature, so a relay can alter the body (or send one that
    // does not match merkle_root) under the genuine block's hash. Remembering would refuse the
    // genuine block when it arrives.
    const bodyFault = (f: Failure): SubmitOutcome => ({ ...f, kind: 'invalid' })
    const header = checkHeader(block, ctx, this.network)
    if (!header.ok) return fault(header)
    const body = checkBody(block, this.network)
    if (!body.ok) return bodyFault(body)

    const tip = this.tip()
    const extendsTip = parent.hash === tip.hash
    const branch = extendsTip
      ? { overlay: new StateOverlay(this.store), forkIndex: tip.index, disconnect: [], path: [] }
      : this.branchState(parent)
    const txs = checkTransactions(block, branch.overlay, this.network, this.verifier)
    if (!txs.ok) return bodyFault(txs)

    const totalWork = parent.totalWork + blockWork(block.difficulty)
    // Stored below, in every branch: its child, next in a catch-up, finds its parent here.
    const stored = (): void => this.cacheHeader(headerEntry(block, totalWork))
    if (extendsTip) {
      this.store.applyChange({
        add: { block, totalWork },
        disconnect: [],
        connect: [block],
        accounts: branch.overlay.changes
      })
      stored()
      return { kind: 'accepted', block, status: 'main', origin }
    }
    if (totalWork > tip.totalWork) {
      const connected = [...branch.path, block]
      const reorg: Reorg = {
        forkIndex: branch.forkIndex,
        disconnected: branch.disconnect,
        connected
      }
      this.store.applyChange({
        add: { block, totalWork },
        disconnect: branch.disconnect,
        connect: connected,
        accounts: branch.overlay.changes,
        reorg: reorgRecord(reorg, this.now(), origin)
      })
      stored()
      return { kind: 'accepted', block, status: 'main', reorg, origin }
    }
    this.store.addSideBlock({ block, totalWork })
    stored()
    return { kind: 'accepted', block, status: 'side', origin }
  }

  private emit(a: AcceptedBlock): void {
    for (const cb of this.listeners) cb(a)
  }

  private rememberInvalid(hash: string, f: Failure): void {
    if (this.invalid.size >= this.maxInvalid) this.invalid.delete(this.invalid.keys().next().value!)
    this.invalid.set(hash, { ok: false, code: f.code, message: f.message })
  }

  private addOrphan(block: Block): void {
    if (this.orphans.has(block.hash)) return
    if (this.orphans.size >= this.maxOrphans) this.orphans.delete(this.orphans.keys().next().value!)
    this.orphans.set(block.hash, { block })
  }

  /** Connect orphans whose ancestors have arrived, breadth first, as part of `origin`'s offer. */
  private releaseOrphans(parentHash: string, origin: BlockOrigin): void {
    const queue = [parentHash]
    while (queue.length > 0) {
      const p = queue.shift()!
      for (const [hash, o] of this.orphans) {
        if (o.block.previousHash !== p) continue
        this.orphans.delete(hash)
        const parent = this.header(p)
        if (parent === undefined || this.store.hasBlock(hash)) continue
        const outcome = this.connect(o.block, parent, origin)
        if (outcome.kind === 'accepted') {
          this.emit(outcome)
          queue.push(hash)
        }
      }
    }
  }

  /** Drop cached headers: after a rolled-back SqliteStore.batch they may name blocks not stored. */
  forgetCaches(): void {
    this.headerCache.clear()
  }

  orphanCount(): number {
    return this.orphans.size
  }

  /** The blocks held until their parent arrives (at most maxOrphans), oldest held first. */
  orphanBlocks(): Block[] {
    return [...this.orphans.values()].map((o) => o.block)
  }

  /** The hash an orphan chain is waiting for, from the orphan `hash` down to its oldest known ancestor. */
  missingAncestor(hash: string): string | undefined {
    let cur = this.orphans.get(hash)
    let missing: string | undefined
    while (cur !== undefined) {
      missing = cur.block.previousHash
      cur = this.orphans.get(missing)
    }
    return missing
  }

  /** Sum of work (decimal) of the main chain. */
  totalWork(): bigint {
    return this.tip().totalWork
  }
}
