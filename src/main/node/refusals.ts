/**
 * The refusal report's one owner: every block and transaction the node refuses (its 'refused'
 * event: from a peer, the HTTP API or the UI) becomes a record with the rule, what the rule
 * compared, where it came from and, for a block fetched from a peer, the points that peer lost
 * (the peer manager's 'offence' event, matched by the block's hash). Records are kept in the
 * store, the newest MAX_REFUSALS of them (store/refusals.ts).
 *
 * A flood must not turn into a flood of writes: records wait in memory and are written together
 * once a second, one transaction each time; past MAX_WAITING waiting (of posts, or of the rest:
 * each has its own share, store/refusals.ts), further refusals are only
 * counted (`dropped`, which the report shows) until the next write.
 */
import type { EventEmitter } from 'node:events'
import {
  isPosted,
  type RefusalFilter,
  type RefusalRepository,
  type RefusalRow
} from '../store/refusals'
import type { NodeServiceEvents, Refusal } from './facade'

/**
 * A peer scored down for something it sent (p2p/types.ts's Offence, as the peer manager's
 * 'offence' event carries it; declared here because node/ sits beneath p2p/).
 */
export interface ScoredOffence {
  url: string
  cost: number
  score: number
  banned: boolean
  about?: { what: 'block' | 'transaction'; id: string }
}

/** How often waiting records are written. */
export const REFUSAL_FLUSH_MS = 1_000
/** The most records waiting for a write; more in one interval are counted, not kept. */
export const MAX_WAITING = 200

export interface RefusalLogOptions {
  service: Pick<EventEmitter<NodeServiceEvents>, 'on' | 'off'>
  /** The peer manager, for what a refusal cost its sender. */
  peers?: {
    on(event: 'offence', cb: (x: ScoredOffence) => void): unknown
    off(event: 'offence', cb: (x: ScoredOffence) => void): unknown
  }
  repo: RefusalRepository
  now?: () => number
}

export class RefusalLog {
  private waiting: RefusalRow[] = []
  /** How many of `waiting` are posts. */
  private posts = 0
  private droppedCount = 0
  private readonly timer: NodeJS.Timeout
  private readonly now: () => number
  private readonly off: () => void

  constructor(private readonly o: RefusalLogOptions) {
    this.now = o.now ?? Date.now
    const onRefused = (r: Refusal): void => this.record(r)
    const onOffence = (x: ScoredOffence): void => this.scored(x)
    o.service.on('refused', onRefused)
    o.peers?.on('offence', onOffence)
    this.off = () => {
      o.service.off('refused', onRefused)
      o.peers?.off('offence', onOffence)
    }
    this.timer = setInterval(() => this.flush(), REFUSAL_FLUSH_MS)
    this.timer.unref()
  }

  /** Refusals not kept since this node started, during floods (more than MAX_WAITING a second). */
  get dropped(): number {
    return this.droppedCount
  }

  private record(r: Refusal): void {
    // Posts and the rest wait within their own cap: a flood of posts drops only posts.
    const posted = isPosted(r.via ?? null)
    if (this.waitingPosts(posted) >= MAX_WAITING) {
      this.droppedCount++
      return
    }
    if (posted) this.posts++
    this.waiting.push({
      at: this.now(),
      what: r.what,
      code: r.code,
      rule: r.rule ?? null,
      message: r.message,
      itemId: r.id,
      height: r.index ?? null,
      via: r.via ?? null,
      source: r.from,
      facts: r.facts,
      scoreCost: null,
      scoreAfter: null,
      banned: false
    })
  }

  /**
   * A peer scored down for a block or transaction: the cost goes on its refusal's record. The
   * peer manager scores right after the refusal, so the record is still waiting here.
   */
  private scored(x: ScoredOffence): void {
    if (x.about === undefined) return
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i]
      if (w.itemId === x.about.id && w.source === x.url && w.scoreCost === null) {
        w.scoreCost = x.cost
        w.scoreAfter = x.score
        w.banned = x.banned
        return
      }
    }
  }

  private waitingPosts(posted: boolean): number {
    return posted ? this.posts : this.waiting.length - this.posts
  }

  /** Writes what waits, in one transaction. */
  flush(): void {
    if (this.waiting.length === 0) return
    const rows = this.waiting
    this.waiting = []
    this.posts = 0
    try {
      this.o.repo.add(rows) // a full disk is the store's best-effort case: lost, not thrown
    } catch {
      // Anything else (the store already closed, say) must not take the node down with it.
      this.droppedCount += rows.length
    }
  }

  /** A page of the report, newest first, with what is still waiting to be written. */
  page(
    f: RefusalFilter,
    offset: number,
    limit: number
  ): { rows: RefusalRow[]; total: number; sources: string[] } {
    this.flush()
    return { ...this.o.repo.page(f, offset, limit), sources: this.o.repo.sources() }
  }

  close(): void {
    clearInterval(this.timer)
    this.off()
    this.flush()
  }
}
