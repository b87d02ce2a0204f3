/**
 * Whole-chain answers (GET /chain without from/limit, GET /nodes/resolve) as a stream, so that
 * one request costs the same memory whatever the chain's length, and many at once cannot take
 * the node's memory or its event loop (issue 8, "Resources").
 *
 * - The JSON (`{"chain":[...],"length":n}`, byte for byte what JSON.stringify gave before) is
 *   read from SQLite a page at a time (PAGE_BYTES of block JSON, from the store's rows directly)
 *   and pushed into a Readable that Fastify pipes to the socket: a page is read only when the
 *   socket has taken the previous ones (pipe stops on a full socket and resumes on `drain`), and
 *   each page is read in its own turn of the event loop (setImmediate), so other requests are
 *   answered between pages. A client that goes away destroys the stream (Fastify), and no more
 *   pages are read.
 * - A client that stops reading holds its stream; after STALL_MS without taking a byte it is cut.
 * - At most `active` whole-chain streams run at once; up to `queued` more wait their turn (at
 *   most `waitMs`); anything beyond gets 503 `unavailable` with Retry-After. The paged forms
 *   (?from=&limit=, GET /blocks) are not gated: each is at most 500 blocks, answered at once.
 *
 * Consistency: the pages are read at different moments, and the main chain may change between
 * them. Each page must continue the blocks already sent (its first block's previous_hash is the
 * last hash sent); if a reorganisation replaced blocks already sent, the answer ends at the last
 * block that still links, with `length` that block's index, so the client always gets a chain
 * that was the node's main chain from genesis, never a spliced one.
 */
import { Readable } from 'node:stream'

/** The store's side of it (SqliteStore.mainBlockJson). */
export interface ChainJsonSource {
  mainBlockJson(afterHeight: number, maxBytes: number): { height: number; hash: string; parent: string; json: string }[]
}

/** Block JSON read per page: a fraction of a millisecond of work between two turns of the loop. */
export const PAGE_BYTES = 64 * 1024
/** A client that takes nothing for this long loses its stream (and its slot). */
export const STALL_MS = 30_000

export interface ChainStreamOptions {
  /** Written before the blocks, e.g. `{"chain":[`. */
  head: string
  /** Written after the blocks, given the index of the last block written. */
  tail: (lastIndex: number) => string
  stallMs?: number
}

class ChainStream extends Readable {
  private after = 0
  private lastHash: string | undefined
  private started = false
  private scheduled = false
  private lastRead = Date.now()
  private readonly watchdog: NodeJS.Timeout

  constructor(
    private readonly source: ChainJsonSource,
    private readonly opts: ChainStreamOptions
  ) {
    super({ highWaterMark: PAGE_BYTES })
    const stallMs = opts.stallMs ?? STALL_MS
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastRead > stallMs) this.destroy(new Error(`the client read nothing for ${stallMs} ms`))
    }, Math.max(50, stallMs / 4))
    this.watchdog.unref()
  }

  override _read(): void {
    this.lastRead = Date.now()
    if (this.scheduled) return
    this.scheduled = true
    // The next page in the next turn of the event loop, after pending I/O: never a tight loop.
    setImmediate(() => {
      this.scheduled = false
      if (this.destroyed) return
      try {
        this.page()
      } catch (e) {
        this.destroy(e instanceof Error ? e : new Error(String(e)))
      }
    })
  }

  private page(): void {
    let out = this.started ? '' : this.opts.head
    this.started = true
    const rows = this.source.mainBlockJson(this.after, PAGE_BYTES)
    let broken = false
    for (const r of rows) {
      if (this.lastHash !== undefined && r.parent !== this.lastHash) {
        broken = true // a reorganisation replaced blocks already sent: end on what links
        break
      }
      out += (this.lastHash === undefined ? '' : ',') + r.json
      this.after = r.height
      this.lastHash = r.hash
    }
    if (rows.length === 0 || broken) {
      this.push(out + this.opts.tail(this.after))
      this.push(null)
    } else {
      this.push(out)
    }
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearInterval(this.watchdog)
    cb(err)
  }
}

/** The main chain from genesis as a JSON stream between `head` and `tail`. */
export function chainJsonStream(source: ChainJsonSource, opts: ChainStreamOptions): Readable {
  return new ChainStream(source, opts)
}

export interface GateLimits {
  /** Whole-chain streams served at once. */
  active: number
  /** Requests waiting for a slot; beyond this, 503 at once. */
  queued: number
  /** The longest a request waits for a slot before 503. */
  waitMs: number
}

/** 4 streams keep both cores' worth of I/O busy; a 20,000-block chain streams in about a second. */
export const DEFAULT_GATE: GateLimits = { active: 4, queued: 32, waitMs: 10_000 }

/**
 * A counting semaphore with a bounded, time-limited queue. `enter()` resolves with a release
 * function once a slot is free, or with undefined when the queue is full or the wait ran out.
 */
export class Gate {
  private running = 0
  private readonly waiting: { grant: (release: (() => void) | undefined) => void; timer: NodeJS.Timeout }[] = []

  constructor(readonly limits: GateLimits = DEFAULT_GATE) {}

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }

  enter(): Promise<(() => void) | undefined> {
    if (this.running < this.limits.active) return Promise.resolve(this.slot())
    if (this.waiting.length >= this.limits.queued) return Promise.resolve(undefined)
    return new Promise((grant) => {
      const w = {
        grant,
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(w)
          if (i >= 0) this.waiting.splice(i, 1)
          grant(undefined)
        }, this.limits.waitMs)
      }
      w.timer.unref()
      this.waiting.push(w)
    })
  }

  private slot(): () => void {
    this.running++
    let released = false
    return () => {
      if (released) return
      released = true
      this.running--
      const next = this.waiting.shift()
      if (next !== undefined) {
        clearTimeout(next.timer)
        next.grant(this.slot())
      }
    }
  }
}
