/**
 * Bytes that come in chunks from the network (a peer's answer, a request's body), copied into one
 * buffer that doubles when full. Kept as they came, one Buffer per chunk, a body sent a byte per
 * chunk (chunked encoding, which any client or peer may choose) cost hundreds of bytes of memory
 * per byte: a hostile peer's 16 MB answer took a node to 6.5 GB, and one 2 MB POST took it from
 * 74 to 912 MB. Here what is held is at most twice what arrived (three times for a moment while
 * growing).
 */

/** The most a declared length sets aside before its bytes come: a header alone is cheap to send. */
export const PREALLOCATE_MAX = 4 * 1024 * 1024

export class GrowingBytes {
  private buf: Buffer
  length = 0
  /** `expected`: the declared length, if any (sized at once, up to PREALLOCATE_MAX). */
  constructor(expected = 0) {
    this.buf = Buffer.allocUnsafe(Math.min(PREALLOCATE_MAX, Math.max(0, expected || 0)))
  }
  add(c: Buffer): void {
    const need = this.length + c.length
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length, 16 * 1024))
      this.buf.copy(next, 0, 0, this.length)
      this.buf = next
    }
    c.copy(this.buf, this.length)
    this.length = need
  }
  /** Every byte so far, in order (a view: valid until the next add). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length)
  }
  /** Bytes held, used or not (tests). */
  capacity(): number {
    return this.buf.length
  }
}
