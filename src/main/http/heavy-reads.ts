/**
 * One fair scheduler for the node's heavy reads (issue 8, "Resources"): paged GET /chain and
 * GET /blocks answers above a few blocks, and every page of a whole-chain stream.
 *
 * Each of these is milliseconds of synchronous work (SQLite rows, JSON text). Run as soon as
 * asked, a hundred of them queue up in the event loop ahead of a /status that arrives meanwhile,
 * which then waits seconds. Here:
 *
 * - At most one unit of work runs per turn of the event loop (setImmediate between units), and
 *   after a unit of a millisecond or more the loop is left to everything else for as long again
 *   (so heavy reads take at most about half the loop while others wait): a request arriving
 *   meanwhile is accepted, read and answered after at most one unit.
 * - Units are taken round-robin across remote addresses: one address with a hundred units
 *   queued delays another address's unit by at most one of its own.
 * - Queues are bounded per address and overall. `submit` refuses beyond them (the caller
 *   answers 503 `unavailable` with Retry-After) instead of holding the request's memory and
 *   socket. Pages of a stream already admitted (chain-stream.ts's Gate bounds those) are never
 *   refused: `always` queues them whatever the bounds, one page per stream at a time.
 */

export interface HeavyLimits {
  /** Units one address may have waiting; more are refused. */
  perAddress: number
  /** Units all addresses together may have waiting; more are refused. */
  total: number
}

/**
 * 16 per address: an honest peer catching up asks one page at a time, a browser a few. 256 in
 * all: with a unit of 2 ms (a page of 500 blocks from stored JSON) that is half a second of
 * work queued at most.
 */
export const DEFAULT_HEAVY: HeavyLimits = { perAddress: 16, total: 256 }

export class HeavyReads {
  /** Waiting units per address, in arrival order; an address is present while it has units. */
  private readonly queues = new Map<string, (() => void)[]>()
  /** The addresses in turn order: the one served last goes to the back. */
  private readonly order: string[] = []
  private waiting = 0
  private pumping = false

  constructor(readonly limits: HeavyLimits = DEFAULT_HEAVY) {}

  get busy(): { waiting: number; addresses: number } {
    return { waiting: this.waiting, addresses: this.order.length }
  }

  /** Queue `unit` for `address`; false (and nothing queued) when over the bounds. */
  submit(address: string, unit: () => void): boolean {
    const q = this.queues.get(address)
    if ((q?.length ?? 0) >= this.limits.perAddress || this.waiting >= this.limits.total)
      return false
    this.enqueue(address, unit)
    return true
  }

  /** Queue `unit` whatever the bounds: for work already admitted (a running stream's next page). */
  always(address: string, unit: () => void): void {
    this.enqueue(address, unit)
  }

  /** `work` in its turn, or undefined at once when over the bounds. */
  run<T>(address: string, work: () => T): Promise<T> | undefined {
    let settle!: { ok: (v: T) => void; fail: (e: unknown) => void }
    const p = new Promise<T>((ok, fail) => (settle = { ok, fail }))
    const queued = this.submit(address, () => {
      try {
        settle.ok(work())
      } catch (e) {
        settle.fail(e)
      }
    })
    return queued ? p : undefined
  }

  private enqueue(address: string, unit: () => void): void {
    let q = this.queues.get(address)
    if (q === undefined) {
      this.queues.set(address, (q = []))
      this.order.push(address)
    }
    q.push(unit)
    this.waiting++
    if (!this.pumping) {
      this.pumping = true
      setImmediate(this.turn)
    }
  }

  /** One unit, from the address whose turn it is; the next in the next turn of the loop. */
  private readonly turn = (): void => {
    const address = this.order.shift()
    if (address === undefined) {
      this.pumping = false
      return
    }
    const q = this.queues.get(address)!
    const unit = q.shift()!
    this.waiting--
    if (q.length === 0) this.queues.delete(address)
    else this.order.push(address)
    const t0 = performance.now()
    try {
      unit()
    } finally {
      const took = performance.now() - t0
      if (this.order.length === 0) this.pumping = false
      // A unit of a millisecond or more: as long again before the next, so the loop is free to
      // accept and answer whatever arrived meanwhile. One turn of the loop between units is not
      // enough: it accepts too few of the connections waiting (measured: with 120 readers, 100
      // connections stayed in the listen queue and /status waited 600-1,000 ms behind them).
      else if (took >= 1) setTimeout(this.turn, Math.round(took))
      else setImmediate(this.turn)
    }
  }
}
