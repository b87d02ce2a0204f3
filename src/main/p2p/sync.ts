/**
 * Catching up with peers (PROTOCOL §6): a peer whose /status shows more work than ours is asked
 * for the fork point (probing back from the lower tip, then bisecting: a logarithmic number of
 * one-block requests, never the whole chain) and then for the blocks after it in batches, which
 * are checked on the verify pool while the previous batch is being connected. Orphans make the
 * node fetch their ancestors by hash; `/nodes/resolve` takes every peer's chain the same way.
 *
 * Catch-ups start from the peer with the most work first; one that gets nothing from its peer for
 * stallMs (a peer dripping or withholding its answers) lets the next peer's start beside it, so a
 * slow peer delays an honest one by stallMs, not by its deadline. At most MAX_SYNCS run at once,
 * one per peer, and a peer has a second batch asked ahead only once it answered the first. Every
 * fetch is capped at what valid blocks can weigh (MAX_BLOCK_WIRE_BYTES per block) and has a
 * deadline for what it asks (one block or a batch). A peer whose blocks are invalid, or whose
 * answers are oversized or dripping, is scored down.
 */
import type { Block } from '../core'
import type { AcceptedBlock } from '../node/facade'
import type { ResolveOutcome } from '../../shared/api'
import { OFFENCE, type PeerEntry, type SyncNet, type SyncNode } from './types'
import type { VerifyPool } from './verify-pool'
import { StorageUnavailableError } from '../node/facade'
import {
  blockListMaxBytes,
  MAX_BLOCK_WIRE_BYTES,
  normalizeUrl,
  parseBlockList,
  parseOneBlock
} from './wire'

/** Blocks asked for per request (the protocol's cap for GET /blocks). */
export const BATCH = 500
/**
 * The largest batch whose answer, at the most valid blocks can weigh, fits `maxBytes` (the
 * memory bound of one answer): asked for after an answer too big, so that a peer whose answer is
 * too big even then is sending junk (about 17 blocks for 16 MiB).
 */
export function batchThatFits(maxBytes: number): number {
  let n = Math.min(BATCH, Math.max(1, Math.floor(maxBytes / (MAX_BLOCK_WIRE_BYTES + 1))))
  while (n > 1 && blockListMaxBytes(n) > maxBytes) n--
  return n
}
/** Catch-ups from different peers running at once (a stalled one lets the next start). */
export const MAX_SYNCS = 3
/**
 * Blocks connected per store commit while catching up: at most COMMIT_EVERY, and fewer once they
 * carry COMMIT_TXS transactions (coinbases included). A commit costs about as much as
 * connecting tens of coinbase-only blocks (its pages are written to the WAL), so small blocks go
 * 500 to a commit; blocks full of transfers still commit every 100 or so, which bounds how long the
 * event loop is held between commits (HTTP requests and timers are let in after each).
 */
export const COMMIT_EVERY = 500
export const COMMIT_TXS = 600
/** Ancestors of an orphan fetched one by one before falling back to a batched catch-up. */
export const ANCESTOR_STEPS = 16

interface Batch {
  blocks: Block[]
  limit: number
  /** The answer went on with blocks that did not parse or link up: nothing to ask for after it. */
  truncated: boolean
  /**
   * The blocks in commit-sized chunks (COMMIT_EVERY, COMMIT_TXS), each with a promise that
   * resolves once its signatures were checked on the pool.
   */
  chunks: { blocks: Block[]; checked: Promise<unknown> }[]
}

/** Consecutive runs of `blocks` of at most COMMIT_EVERY blocks and, past one, COMMIT_TXS txs. */
export function commitChunks(blocks: readonly Block[]): Block[][] {
  const out: Block[][] = []
  let cur: Block[] = []
  let txs = 0
  for (const b of blocks) {
    if (
      cur.length > 0 &&
      (cur.length >= COMMIT_EVERY || txs + b.transactions.length > COMMIT_TXS)
    ) {
      out.push(cur)
      cur = []
      txs = 0
    }
    cur.push(b)
    txs += b.transactions.length
  }
  if (cur.length > 0) out.push(cur)
  return out
}

/** Batches fetched and checked ahead of the one being connected. */
export const AHEAD = 2

export class Syncer {
  private lock: Promise<unknown> = Promise.resolve()
  /** Catch-ups running, by peer: when each last got an answer from its peer, and its end. */
  private readonly syncing = new Map<string, { progressAt: number; done: Promise<void> }>()
  private stallTimer: NodeJS.Timeout | undefined
  private readonly wanted = new Set<string>()
  private readonly quiet = new Set<string>()
  private readonly fetching = new Set<string>()
  /**
   * Set when the main chain took a block this node did not mine since the last resolve (see
   * noteBlock); gossip also sets it on a reorganisation.
   */
  replacedSinceResolve = false
  /** The tip the last resolve answered with (at first: the tip the node opened on). */
  private resolvedTip: string

  /**
   * `relay(block, except)`: tell the other peers of a new tip once a catch-up brought it
   * (Gossip.relayBlock); blocks arriving during a catch-up are not relayed one by one (isQuiet).
   */
  constructor(
    private readonly net: SyncNet,
    private readonly service: SyncNode,
    private readonly relay: (block: Block, except?: string) => void,
    private readonly pool?: VerifyPool
  ) {
    this.resolvedTip = service.tip().hash
  }

  /**
   * A block joined the chain: if it (or a branch it brought onto the main chain) came from
   * elsewhere, a peer's catch-up or gossip or a block posted to us, the next resolve reports the
   * chain as replaced. Blocks this node mined itself (its wallet's coinbase, no sender) do not.
   */
  noteBlock(a: AcceptedBlock): void {
    if (a.status !== 'main') return
    const own = this.service.walletAddress
    const joined = a.reorg?.connected ?? [a.block]
    if (a.origin.source !== undefined || joined.some((b) => b.transactions[0]?.recipient !== own))
      this.replacedSinceResolve = true
  }

  /** Blocks from `source` are being caught up: gossip relays only each batch's last block. */
  isQuiet(source: string | undefined): boolean {
    return source !== undefined && this.quiet.has(source)
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => undefined)
    return run
  }

  /** Queue a catch-up from `p` if it has more work than we do (and has not just failed us). */
  consider(p: PeerEntry): void {
    // Paused while the storage is full or damaged: a later poll considers the peer again.
    if (!this.service.storageOk()) return
    if (p.status === null || p.status.totalWork <= this.service.tip().totalWork) return
    if (Date.now() < p.retryAt) return
    this.wanted.add(p.url)
    this.schedule()
  }

  /**
   * Start catch-ups from the queued peers, best first: those that have not failed us, then the
   * one claiming the most work. While a running catch-up gets answers, the others wait; once
   * every running one has had nothing from its peer for stallMs (dripping, withholding), the next
   * peer's starts beside it, up to MAX_SYNCS and one per peer. A peer that fails waits (doubling,
   * up to a minute) before it is tried again, so one that lies about its work or drips its
   * answers cannot keep us from honest ones.
   */
  private schedule(): void {
    clearTimeout(this.stallTimer)
    this.stallTimer = undefined
    while (!this.net.closed && this.syncing.size < MAX_SYNCS && this.wanted.size > 0) {
      const lastProgress = Math.max(
        -Infinity,
        ...[...this.syncing.values()].map((s) => s.progressAt)
      )
      const wait = lastProgress + this.net.limits.stallMs - Date.now()
      if (this.syncing.size > 0 && wait > 0) {
        this.stallTimer = setTimeout(() => this.schedule(), wait + 5)
        this.stallTimer.unref()
        return
      }
      const next = this.next()
      if (next === undefined) return
      this.start(next)
    }
  }

  /** The best queued peer to catch up from now, taken off the queue. */
  private next(): PeerEntry | undefined {
    const tipWork = this.service.tip().totalWork
    const now = Date.now()
    const queue = [...this.wanted]
      .map((u) => this.net.get(u))
      .filter(
        (p): p is PeerEntry =>
          p !== undefined &&
          !this.net.isBanned(p) &&
          p.status !== null &&
          !this.syncing.has(p.url) &&
          now >= p.retryAt
      )
      .sort(
        (a, b) =>
          a.syncFailures - b.syncFailures ||
          (b.status!.totalWork > a.status!.totalWork
            ? 1
            : b.status!.totalWork < a.status!.totalWork
              ? -1
              : 0)
      )
    for (const p of queue) {
      this.wanted.delete(p.url)
      if (p.status!.totalWork > tipWork) return p
    }
    // What is left is syncing already or waiting out a failure: a later poll considers it again.
    for (const u of [...this.wanted]) if (!this.syncing.has(u)) this.wanted.delete(u)
    return undefined
  }

  private start(p: PeerEntry): void {
    const entry = { progressAt: Date.now(), done: Promise.resolve() }
    this.syncing.set(p.url, entry)
    entry.done = this.syncFrom(p, false)
      .then(
        (progressed) => {
          // A batch rolled back for lack of space is not the peer's fault: keep its record.
          if (!this.service.storageOk()) return
          if (progressed) {
            p.syncFailures = 0
            p.retryAt = 0
          } else {
            p.syncFailures++
            p.retryAt = Date.now() + Math.min(60_000, 500 * 2 ** p.syncFailures)
            this.net.log.info(
              { peer: p.url, failures: p.syncFailures, retryMs: p.retryAt - Date.now() },
              'catch-up got nothing new'
            )
          }
        },
        (e: unknown) => this.net.log.error({ peer: p.url, err: e }, 'catch-up stopped')
      )
      .finally(() => {
        this.syncing.delete(p.url)
        if (this.service.storageOk()) this.schedule()
      })
  }

  /** A catch-up from `p` got an answer: it is not stalled. */
  private progress(p: PeerEntry): void {
    const s = this.syncing.get(p.url)
    if (s !== undefined) s.progressAt = Date.now()
  }

  /** Resolves once no catch-up is running. */
  async idle(): Promise<void> {
    while (this.syncing.size > 0) await Promise.all([...this.syncing.values()].map((s) => s.done))
    clearTimeout(this.stallTimer)
    await this.lock
  }

  /**
   * Catch up from `p`: fork point, then batches after it. `force`: even with less work.
   * Tells whether any block was new to us.
   */
  async syncFrom(p: PeerEntry, force: boolean): Promise<boolean> {
    const s = p.status
    if (s === null || this.net.closed || this.net.isBanned(p)) return false
    if (!force && s.totalWork <= this.service.tip().totalWork) return true
    // The verify pool is not warmed here: its workers start with the first batch that has
    // transfers to check (a coinbase-only catch-up, or one block, needs none; starting two under
    // tsx cost about 0.1 s of CPU each, on the cores the catch-up itself needs).
    const fork = await this.findFork(p, s.index)
    if (fork === undefined) return false
    // Said once at each end: the blocks in between are summarised by the chain's log lines.
    if (s.index > fork)
      this.net.log.info({ peer: p.url, fork, from: fork + 1, to: s.index }, 'catching up')
    this.quiet.add(p.url)
    let last: Block | undefined
    let accepted = 0
    // Batches still in flight when this catch-up ends are left to finish on their own: their
    // answers must not count as progress of a later catch-up from the same peer.
    const live = { on: true }
    try {
      // Up to AHEAD batches are fetched and checked while the current one is connected.
      let from = fork + 1
      let limit = BATCH
      const ahead: { from: number; batch: Promise<Batch | undefined> }[] = []
      let end = false
      /** Ask for batches until `upTo` are in flight, the first at `first`; true if any was. */
      const askAhead = (upTo: number, first: number): boolean => {
        let asked = false
        while (!end && ahead.length < upTo) {
          const at = ahead.length === 0 ? first : ahead[ahead.length - 1].from + limit
          // Past the peer's tip when we asked for its status there is nothing (the batch at
          // `from` is asked for anyway: it is how the peer says so).
          if (at > s.index && at !== from) break
          ahead.push({ from: at, batch: this.prepare(p, at, limit, live) })
          asked = true
        }
        return asked
      }
      for (;;) {
        // A peer gets a batch asked ahead only once it answered one: a second request to a
        // peer that drips or stalls would only cost another deadline.
        askAhead(from > fork + 1 ? AHEAD : 1, from)
        const head = ahead.shift()
        if (head === undefined) break
        const batch = await head.batch
        if (batch === undefined || batch.blocks.length === 0) break
        if (head.from !== from || batch.limit !== limit) {
          // Answers were too big and the batch size changed: the ones asked ahead do not line up.
          for (const a of ahead.splice(0)) void a.batch.catch(() => undefined)
          limit = batch.limit
          if (head.from !== from) continue
        }
        if (batch.blocks.length < limit || batch.truncated) end = true
        // The peer answered: what follows is asked for now, while this batch is connected (not
        // once it is: connecting 500 blocks takes longer than the peer takes to answer), up to
        // AHEAD batches held at once with this one. Then one turn of the event loop, for that
        // request to leave before the chunk's connecting (synchronous) holds the thread.
        if (askAhead(AHEAD - 1, from + limit)) await new Promise((r) => setImmediate(r))
        const r = await this.submitBatch(p, batch)
        accepted += r.accepted
        if (r.last) last = r.last
        from += batch.blocks.length
        if (r.stop || end) break
      }
      for (const a of ahead.splice(0)) void a.batch.catch(() => undefined)
    } finally {
      live.on = false
      this.quiet.delete(p.url)
    }
    if (s.index > fork) {
      const tip = this.service.tip()
      this.net.log.info(
        { peer: p.url, blocks: accepted, tip: tip.index, peerTip: s.index },
        accepted > 0 ? 'catch-up done' : 'catch-up ended with nothing new'
      )
    }
    // The rest of the network hears of the new tip once; it fetches what it lacks from us.
    if (last !== undefined && this.service.tip().hash === last.hash) this.relay(last, p.url)
    return accepted > 0
  }

  /** Fetch a batch and start checking its signatures on the pool, chunk by chunk. */
  private async prepare(
    p: PeerEntry,
    from: number,
    limit: number,
    live: { on: boolean }
  ): Promise<Batch | undefined> {
    const got = await this.getBlocks(p, from, limit, live)
    // A catch-up that ended meanwhile (the batch before was bad): its signatures go unchecked.
    if (got === undefined || !live.on) return undefined
    const chunks = commitChunks(got.blocks).map((blocks) => ({
      blocks,
      // Coinbase-only chunks have nothing to check: no worker is started for them.
      checked:
        this.pool && blocks.some((b) => b.transactions.length > 1)
          ? this.pool.prime(blocks.flatMap((b) => b.transactions))
          : Promise.resolve()
    }))
    return { ...got, chunks }
  }

  /**
   * Offer a batch in order; stop at the first block that is invalid or does not connect. Blocks
   * go to the store a chunk at a time (commitChunks: one SQLite commit each), with HTTP requests
   * and timers let in between.
   */
  private async submitBatch(
    p: PeerEntry,
    batch: Batch
  ): Promise<{ stop: boolean; accepted: number; last?: Block }> {
    let last: Block | undefined
    let accepted = 0
    for (const { blocks: chunk, checked } of batch.chunks) {
      await checked
      if (this.net.closed) return { stop: true, accepted, last }
      let outcomes: ReturnType<typeof this.service.submitBlocks>
      try {
        outcomes = this.service.submitBlocks(chunk, p.url, 'peer')
      } catch (e) {
        // The chunk was rolled back; the node's storage state says why (sync pauses on it).
        if (e instanceof StorageUnavailableError) return { stop: true, accepted, last }
        throw e
      }
      for (let j = 0; j < outcomes.length; j++) {
        const o = outcomes[j]
        if (o.kind === 'invalid') {
          if (o.code !== 'time_too_new')
            this.net.offence(
              p,
              OFFENCE.invalidBlock,
              `block ${chunk[j].index}: ${o.code}: ${o.message}`,
              { what: 'block', id: chunk[j].hash }
            )
          return { stop: true, accepted, last }
        }
        if (o.kind === 'orphan') return { stop: true, accepted, last }
        if (o.kind === 'accepted') {
          accepted++
          if (o.status === 'main') last = o.block
        }
      }
      // Connecting a long batch is progress too: no other peer's catch-up is started beside it.
      this.progress(p)
      await new Promise((r) => setImmediate(r))
    }
    return { stop: false, accepted, last }
  }

  /** Main-chain blocks [from, from + limit) of a peer, halving the batch when answers are too big. */
  private async getBlocks(
    p: PeerEntry,
    from: number,
    limit: number,
    live: { on: boolean } = { on: true }
  ): Promise<{ blocks: Block[]; limit: number; truncated: boolean } | undefined> {
    const { chainTimeoutMs, blockTimeoutMs, chainMaxBytes } = this.net.limits
    const fits = batchThatFits(chainMaxBytes)
    for (;;) {
      // At most what `limit` valid blocks can weigh, and no block in it over one block's worth;
      // a one-block probe has the one-block deadline.
      const res = await this.net.request(p.url, `/blocks?from=${from}&limit=${limit}`, {
        timeoutMs: limit === 1 ? blockTimeoutMs : chainTimeoutMs,
        maxBytes: Math.min(chainMaxBytes, blockListMaxBytes(limit)),
        maxItemBytes: MAX_BLOCK_WIRE_BYTES
      })
      if (!res.ok) {
        // Too big as a whole, with every block in it of a valid size: valid blocks can do that
        // when many are large, so ask for as many as surely fit. Any other oversize is an offence.
        if (res.reason === 'too_large' && res.element !== true && limit > fits) {
          limit = fits
          continue
        }
        this.net.transportOffence(p, res)
        return undefined
      }
      if (live.on) this.progress(p)
      // 503 `unavailable` is an honest node saying it is busy (too many readers) or that its
      // storage failed: try again on a later poll, without scoring it as junk.
      if (res.status === 503) return undefined
      if (res.status !== 200) {
        this.net.offence(p, OFFENCE.garbage, `GET /blocks answered ${res.status}`)
        return undefined
      }
      const parsed = parseBlockList(res.json, from, limit)
      if (typeof parsed === 'string') {
        this.net.offence(p, OFFENCE.garbage, parsed)
        return undefined
      }
      // What parses and links up is still offered; the peer answers for the rest.
      if (parsed.fault !== undefined) this.net.offence(p, OFFENCE.garbage, parsed.fault)
      return { blocks: parsed.blocks, limit, truncated: parsed.fault !== undefined }
    }
  }

  /**
   * The highest index at which the peer's main chain holds a block we have: probe back from the
   * lower of the two tips in doubling steps, then bisect. Undefined when the peer fails us.
   */
  private async findFork(p: PeerEntry, peerIndex: number): Promise<number | undefined> {
    const node = this.service
    let i = Math.min(peerIndex, this.service.tip().index)
    let step = 1
    let lo = 1
    let unknown: number | undefined
    while (i > 1) {
      const b = await this.getBlocks(p, i, 1)
      if (b === undefined) return undefined
      if (b.blocks.length === 0) return undefined // its chain got shorter meanwhile
      if (node.hasBlock(b.blocks[0].hash)) {
        lo = i
        break
      }
      unknown = i
      i = Math.max(1, i - step)
      step *= 2
    }
    while (unknown !== undefined && unknown - lo > 1) {
      const mid = Math.floor((lo + unknown) / 2)
      const b = await this.getBlocks(p, mid, 1)
      if (b === undefined || b.blocks.length === 0) return undefined
      if (node.hasBlock(b.blocks[0].hash)) lo = mid
      else unknown = mid
    }
    return lo
  }

  /**
   * An orphan arrived (PROTOCOL §6): ask its sender, then the other peers, for the missing
   * ancestors by hash; past ANCESTOR_STEPS, catch up from that peer in batches instead.
   */
  async fetchAncestors(orphan: string, source?: string): Promise<void> {
    const node = this.service
    if (this.fetching.has(orphan) || this.fetching.size >= 64) return
    this.fetching.add(orphan)
    try {
      const src = source === undefined ? undefined : normalizeUrl(source)
      const first = src === undefined ? undefined : await this.net.learned(src)
      const order = [...(first ? [first] : []), ...this.net.active().filter((p) => p !== first)]
      for (const p of order) {
        let missing = node.missingAncestor(orphan)
        for (
          let step = 0;
          step < ANCESTOR_STEPS && missing !== undefined && !this.net.closed;
          step++
        ) {
          const res = await this.net.request(p.url, `/blocks/${missing}`, {
            timeoutMs: this.net.limits.blockTimeoutMs,
            maxBytes: MAX_BLOCK_WIRE_BYTES
          })
          if (!res.ok) {
            this.net.transportOffence(p, res)
            break
          }
          if (res.status !== 200) break
          const b = parseOneBlock(res.json, missing)
          if (typeof b === 'string') {
            this.net.offence(p, OFFENCE.garbage, b)
            break
          }
          if (!this.service.storageOk()) return
          let o: ReturnType<typeof this.service.submitBlock>
          try {
            o = this.service.submitBlock(b, p.url, 'peer')
          } catch (e) {
            if (e instanceof StorageUnavailableError) return
            throw e
          }
          if (o.kind === 'invalid') {
            if (o.code !== 'time_too_new')
              this.net.offence(
                p,
                OFFENCE.invalidBlock,
                `block ${b.index}: ${o.code}: ${o.message}`,
                { what: 'block', id: b.hash }
              )
            break
          }
          missing =
            o.kind === 'orphan' ? node.missingAncestor(b.hash) : node.missingAncestor(orphan)
        }
        if (node.missingAncestor(orphan) === undefined) return
        // A long way behind: batched catch-up from this peer if it has more work.
        const s = await this.net.pollOne(p)
        if (s !== undefined) return
      }
    } finally {
      this.fetching.delete(orphan)
    }
  }

  /**
   * Take every peer's chain as if offered block by block; the most work wins (PROTOCOL §6, §7).
   * "Our chain was replaced" when the tip moved onto blocks from elsewhere since the last resolve:
   * during this one, or before it when catching up or gossip got there first, which in the
   * walkthrough's own session (an empty node registers a longer one) is the usual case. An
   * extension counts as much as a reorganisation: the walkthrough's meaning is that the node now
   * holds a chain that came from its peers. A chain nobody but this node changed is authoritative.
   */
  async resolve(): Promise<ResolveOutcome> {
    const before = this.resolvedTip
    for (const p of this.net.active()) {
      // A catch-up from this peer already running brings its chain: let it end first.
      await this.syncing.get(p.url)?.done
      await this.exclusive(async () => {
        const s = await this.net.pollOne(p, false)
        // A peer whose tip we hold has nothing we lack: a block is stored only once its
        // ancestors are (the usual case after POST /nodes/register, whose catch-up just ended).
        if (s !== undefined && !this.service.hasBlock(s.tipHash)) await this.syncFrom(p, true)
      })
    }
    const after = this.service.tip()
    const replaced = after.hash !== before && this.replacedSinceResolve
    this.replacedSinceResolve = false
    this.resolvedTip = after.hash
    return {
      replaced,
      message: replaced ? 'Our chain was replaced' : 'Our chain is authoritative',
      length: after.index
    }
  }
}
