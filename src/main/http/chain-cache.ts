/**
 * The whole-chain answer's bytes, kept for the tip they were read at (issue 12: GET /chain of
 * 500-1,000 blocks to 8 keep-alive clients was about as fast as the walkthrough's Flask node,
 * because every request read every row from SQLite and rebuilt every block's JSON: a CPU
 * profile put 35% of the node's time in mainBlockJson and wireJson, and 20% more in turning
 * those strings into bytes and collecting them).
 *
 * - Filled by a stream that read the chain anyway (chain-stream.ts): its pages, as the bytes it
 *   sent, are kept and joined once it has sent the last block, if that block is still the tip.
 *   Nothing is read for the cache alone, so filling it never takes the event loop longer than a
 *   stream does; one stream fills at a time (one still filling after FILL_MS, a slow reader,
 *   gives way to the next).
 * - Keyed by the tip's hash, which names the whole main chain. A block connected on top of the
 *   cached tip is appended (extend: a node mining or catching up keeps its answer); any other
 *   change of the main chain (a reorganisation) makes it stale, and a stale entry is dropped as
 *   soon as anyone looks (the routes also drop it on every other accepted block), so it never
 *   answers for a chain that is not the node's.
 * - Bounded in bytes (DEFAULT_CACHE_BYTES): a chain whose answer is longer is not kept (nor
 *   collected again until the main chain changes), and is streamed from SQLite page by page as
 *   before, whatever its length.
 * - Shared: every reader of the cached answer sends slices of the same Buffer, so a reader costs
 *   no memory of its own beyond its socket, and no work beyond writing.
 */

/** 8 MiB: 16,000 coinbase-only blocks, or the 5,000-block test chain with its 20,000 transfers. */
export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024
/**
 * A filling stream that has not finished after this long (a slow reader) gives way: the next
 * stream fills instead, so one slow client cannot keep the answer from ever being cached.
 */
export const FILL_MS = 10_000

export interface CachedChain {
  /** The tip's hash: the last block of `body`. */
  tipHash: string
  /** The tip's index (GET /chain's `length`). */
  lastIndex: number
  /** The blocks' wire JSON, comma-separated (what goes between `[` and `]`). */
  body: Buffer
}

/** What a stream hands its pages to; `finish` or `abandon` ends it (either only once). */
export interface CacheFiller {
  add(page: Buffer): void
  /** The stream sent every block up to `tipHash`; kept if that is still the tip. */
  finish(tipHash: string, lastIndex: number): void
  abandon(): void
}

export class ChainAnswerCache {
  private entry: CachedChain | undefined
  /**
   * The memory `entry.body` is a view of, longer than it when blocks were appended: a block is
   * written after the body in place (readers hold views that end before it), and a larger
   * buffer is made, doubling, only when it does not fit.
   */
  private room: Buffer | undefined
  /** The filler now collecting (only it may store), and since when. */
  private filling: { token: object; since: number } | undefined
  /** The tip at which the answer was found longer than maxBytes: no stream collects it again. */
  private tooLongAt: string | undefined

  /** `tipHash`: the main chain's tip now (NodeFacade.tip().hash). */
  constructor(
    private readonly tipHash: () => string,
    readonly maxBytes: number = DEFAULT_CACHE_BYTES
  ) {}

  /** The answer for the main chain as it is now, or undefined (a stale entry is dropped). */
  current(): CachedChain | undefined {
    if (this.entry !== undefined && this.entry.tipHash !== this.tipHash()) this.entry = undefined
    return this.entry
  }

  /** Bytes held (0 when empty). */
  get bytes(): number {
    return this.entry?.body.length ?? 0
  }

  /** Drops the entry unless it is still the tip's (on a new block: frees its memory at once). */
  refresh(): void {
    void this.current()
  }

  /**
   * A block joined the main chain on top of `parentHash` without a reorganisation. If the entry
   * is that chain's, the block's wire JSON (`json`, exactly what a stream would send for it) is
   * appended and the entry is the new tip's: a node that mines or catches up keeps its answer
   * instead of reading the whole chain again from the store for the next reader. `genesis`: the
   * genesis block's wire JSON, which starts the entry of a node whose chain was only that block.
   * Anything else leaves it to refresh().
   */
  extend(
    parentHash: string,
    block: { hash: string; index: number },
    json: string,
    genesis?: { hash: string; json: string }
  ): void {
    let e = this.entry
    if (e === undefined && block.index === 2 && genesis?.hash === parentHash && !this.filling)
      e = this.entry = { tipHash: genesis.hash, lastIndex: 1, body: Buffer.from(genesis.json) }
    if (e === undefined || e.tipHash !== parentHash) return this.refresh()
    const add = Buffer.byteLength(json) + 1
    const size = e.body.length + add
    if (size > this.maxBytes) {
      this.tooLongAt = block.hash
      this.entry = this.room = undefined
      return
    }
    let room = this.room
    if (room === undefined || room.buffer !== e.body.buffer || room.length < size) {
      // Never from Node's shared pool: bytes are written after the body, in memory only we hold.
      room = Buffer.allocUnsafeSlow(
        Math.min(this.maxBytes, Math.max(size, 2 * e.body.length, 4096))
      )
      e.body.copy(room)
      this.room = room
    }
    room.write(',', e.body.length)
    room.write(json, e.body.length + 1)
    this.entry = { tipHash: block.hash, lastIndex: block.index, body: room.subarray(0, size) }
  }

  /** A filler for one stream, or undefined while another stream fills (for less than FILL_MS). */
  filler(now = Date.now()): CacheFiller | undefined {
    if (this.filling !== undefined && now - this.filling.since < FILL_MS) return undefined
    if (this.tooLongAt !== undefined && this.tooLongAt === this.tipHash()) return undefined
    const token = {}
    this.filling = { token, since: now }
    let parts: Buffer[] | undefined = []
    let size = 0
    const end = (): void => {
      parts = undefined
      if (this.filling?.token === token) this.filling = undefined
    }
    return {
      add: (page) => {
        if (parts === undefined) return
        if (this.filling?.token !== token) return end() // superseded by a newer filler
        size += page.length
        if (size <= this.maxBytes) return void parts.push(page)
        // Too long to keep: the pages go on, uncollected, and until the main chain changes no
        // other stream collects them either.
        this.tooLongAt = this.tipHash()
        end()
      },
      finish: (tipHash, lastIndex) => {
        if (parts === undefined || this.filling?.token !== token) return end()
        const body = Buffer.concat(parts, size)
        end()
        // The stream's pages link from genesis to `tipHash`: that is the main chain if its
        // tip is still `tipHash` now.
        if (tipHash === this.tipHash()) this.entry = { tipHash, lastIndex, body }
      },
      abandon: end
    }
  }
}
