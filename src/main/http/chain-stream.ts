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
 *   most `waitMs`); anything beyond gets 503 `unavailable` with Retry-After. One remote address
 *   holds at most `perAddress` of these (running or waiting; more get 503 at once), so one host
 *   with never-read sockets cannot take every slot from everyone else.
 * - Each page is one unit of the node's heavy-read scheduler when `schedule` is given
 *   (heavy-reads.ts: one unit per turn of the loop, round-robin across addresses), so pages of
 *   streams and paged reads share the loop fairly; otherwise each page has its own setImmediate.
 * - The pages read from the store can fill the whole-chain answer cache (`fill`, chain-cache.ts);
 *   a stream given the cached bytes (`cached`) sends slices of them instead, a page per turn of
 *   the loop, with the same stall rule, and reads nothing. The routes serve those outside the
 *   gate below: the gate bounds reads of the store, and they make none.
 *
 * Consistency: the pages are read at different moments, and the main chain may change between
 * them. Each page must continue the blocks already sent (its first block's previous_hash is the
 * last hash sent); if a reorganisation replaced blocks already sent, the answer ends at the last
 * block that still links, with `length` that block's index, so the client always gets a chain
 * that was the node's main chain from genesis, never a spliced one.
 */
import { Readable } from 'node:stream'
import type { CacheFiller, CachedChain } from './chain-cache'

/** The store's side of it (SqliteStore.mainBlockJson). */
export interface ChainJsonSource {
  mainBlockJson(
    afterHeight: number,
    maxBytes: number
  ): { height: number; hash: string; parent: string; json: string }[]
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
  /** Runs a page's work in its turn (HeavyReads.always, keyed by the client's address). */
  schedule?: (unit: () => void) => void
  /**
   * The answer's blocks as bytes already made for the tip now (chain-cache.ts): sent as slices
   * of that shared Buffer, a page per read, with nothing read from the store and no turn of the
   * scheduler to wait for (there is no work to share out).
   */
  cached?: CachedChain
  /** Given every page read from the store, and told how the stream ended (chain-cache.ts). */
  fill?: CacheFiller
}

class ChainStream extends Readable {
  private after = 0
  private lastHash: string | undefined
  private started = false
  private scheduled = false
  private lastRead = Date.now()
  /** Bytes of a cached answer's body sent so far. */
  private sent = 0
  private readonly watchdog: NodeJS.Timeout

  constructor(
    private readonly source: ChainJsonSource,
    private readonly opts: ChainStreamOptions
  ) {
    super({ highWaterMark: PAGE_BYTES })
    const stallMs = opts.stallMs ?? STALL_MS
    this.watchdog = setInterval(
      () => {
        if (Date.now() - this.lastRead > stallMs)
          this.destroy(new Error(`the client read nothing for ${stallMs} ms`))
      },
      Math.max(50, stallMs / 4)
    )
    this.watchdog.unref()
  }

  override _read(): void {
    this.lastRead = Date.now()
    if (this.scheduled) return
    this.scheduled = true
    const cached = this.opts.cached
    // The next page in a later turn of the event loop, after pending I/O: never a tight loop. A
    // cached page is no work to share out (a slice of a Buffer), so it skips the scheduler, but
    // not the turn: twenty readers of a cached chain still let a /status through between pages.
    const schedule = cached === undefined ? (this.opts.schedule ?? setImmediate) : setImmediate
    schedule(() => {
      this.scheduled = false
      if (this.destroyed) return
      try {
        if (cached === undefined) this.page()
        else this.cachedPage(cached)
      } catch (e) {
        this.destroy(e instanceof Error ? e : new Error(String(e)))
      }
    })
  }

  private page(): void {
    // Read before anything is pushed: a store that fails on the first page (damaged, say) must
    // fail the request before its status line is sent, so that it is answered 503, not cut off.
    const rows = this.source.mainBlockJson(this.after, PAGE_BYTES)
    if (!this.started) this.push(this.opts.head)
    this.started = true
    let out = ''
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
    if (out !== '') {
      // As bytes here, once: the same Buffer goes to the socket and, while it fills, the cache.
      const bytes = Buffer.from(out)
      this.opts.fill?.add(bytes)
      this.push(bytes)
    }
    if (rows.length === 0 || broken) {
      if (broken || this.lastHash === undefined) this.opts.fill?.abandon()
      else this.opts.fill?.finish(this.lastHash, this.after)
      this.push(this.opts.tail(this.after))
      this.push(null)
    }
  }

  /** The next slice of a cached answer (head first, tail last). */
  private cachedPage(c: CachedChain): void {
    if (!this.started) {
      this.started = true
      this.push(this.opts.head)
    }
    if (this.sent < c.body.length) {
      this.push(c.body.subarray(this.sent, (this.sent += PAGE_BYTES)))
      return
    }
    this.push(this.opts.tail(c.lastIndex))
    this.push(null)
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearInterval(this.watchdog)
    this.opts.fill?.abandon() // a client gone (or cut) before the end: nothing kept
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
  /** Slots (running or waiting) one remote address may hold; beyond this, 503 at once. */
  perAddress: number
}

/**
 * 4 streams keep both cores' worth of I/O busy; a 20,000-block chain streams in about a second.
 * One address: one running and one waiting (a client reads one chain at a time; the second
 * covers a retry while the first is still closing).
 */
export const DEFAULT_GATE: GateLimits = { active: 4, queued: 32, waitMs: 10_000, perAddress: 2 }

/**
 * A counting semaphore with a bounded, time-limited queue. `enter()` resolves with a release
 * function once a slot is free, or with undefined when the queue is full or the wait ran out.
 */
export class Gate {
  private running = 0
  private readonly waiting: {
    grant: (release: (() => void) | undefined) => void
    timer: NodeJS.Timeout
    leave: () => void
  }[] = []
  /** Slots held (running or waiting) per address. */
  private readonly held = new Map<string, number>()

  constructor(readonly limits: GateLimits = DEFAULT_GATE) {}

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }

  /** `address`: the remote address asking (one address holds at most `perAddress` slots). */
  enter(address = ''): Promise<(() => void) | undefined> {
    if ((this.held.get(address) ?? 0) >= this.limits.perAddress) return Promise.resolve(undefined)
    if (this.running < this.limits.active) return Promise.resolve(this.slot(this.hold(address)))
    if (this.waiting.length >= this.limits.queued) return Promise.resolve(undefined)
    const leave = this.hold(address)
    return new Promise((grant) => {
      const w = {
        grant,
        leave,
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(w)
          if (i >= 0) this.waiting.splice(i, 1)
          leave()
          grant(undefined)
        }, this.limits.waitMs)
      }
      w.timer.unref()
      this.waiting.push(w)
    })
  }

  /** Count one slot against `address`; the function gives it back (once). */
  private hold(address: string): () => void {
    this.held.set(address, (this.held.get(address) ?? 0) + 1)
    let done = false
    return () => {
      if (done) return
      done = true
      const left = (this.held.get(address) ?? 1) - 1
      if (left <= 0) this.held.delete(address)
      else this.held.set(address, left)
    }
  }

  /** A running slot; `leave` gives back its address's hold once the slot is released. */
  private slot(leave: () => void): () => void {
    this.running++
    let released = false
    return () => {
      if (released) return
      released = true
      this.running--
      leave()
      const next = this.waiting.shift()
      if (next !== undefined) {
        clearTimeout(next.timer)
        next.grant(this.slot(next.leave))
      }
    }
  }
}
