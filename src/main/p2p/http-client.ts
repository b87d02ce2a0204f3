/**
 * Outbound HTTP to peers (PROTOCOL §6, §7): every request has a deadline and every answer a size
 * cap, read as a stream and cut off past the cap, so a slow or hostile peer costs a bounded amount
 * of time and memory. Failures are values, never throws.
 *
 * The deadline covers the whole request: connecting, the headers and every byte of the body, so
 * a peer that drips an answer a byte at a time is cut when it passes, like one that never answers;
 * one that was sending when cut, slower on average than DRIP_BYTES_PER_SEC, is told apart
 * ('slow': misbehaviour, not just a bad network). Before cutting, what already arrived is read
 * (the deadline's timer runs before pending reads when our own event loop was held up), so a
 * busy node does not blame a peer for its own delay.
 * A list answer can also cap each of its elements (`maxItemBytes`), so one oversized block in a
 * batch, or a flood of whitespace, is cut after one block's worth of bytes, not the batch's.
 *
 * Built on node:http rather than fetch: fetch refuses the ports the Fetch standard calls "bad"
 * (6000, 5060, ...), on which a peer may well listen, and under load a fetch was seen to outlive
 * its aborted signal. Here the deadline destroys the socket and settles the request itself.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { GrowingBytes } from './growing-bytes'

export interface PeerRequest {
  /** HEAD: only the status matters (the answer has no body; its Content-Length is GET's). */
  method?: 'GET' | 'POST' | 'HEAD'
  /** JSON body (POST). */
  body?: unknown
  /** Whole request, body included. */
  timeoutMs: number
  /** Largest answer body accepted, in bytes. */
  maxBytes: number
  /**
   * For `{"key": [elements]}` answers: the most bytes any one element (or any stretch between
   * elements) may take. The answer is cut as too_large as soon as one passes it.
   */
  maxItemBytes?: number
  headers?: Record<string, string>
  /** Aborts with the node (shutdown). */
  signal?: AbortSignal
}

export type PeerResponse =
  | {
      ok: true
      status: number
      json: unknown
      bytesIn: number
      bytesOut: number
      nodeId: string | null
    }
  | {
      ok: false
      /**
       * unreachable: no connection, or the connection failed or was cut off; timeout: the
       * deadline passed before the answer was complete, with not a byte of it (or, at a fair
       * rate, not all of it); slow: the peer was dripping its answer when the deadline passed;
       * too_large: over maxBytes (or an element over maxItemBytes); bad_json; aborted: the node
       * is shutting down.
       */
      reason: FailReason
      /** too_large because one element of a list answer was over maxItemBytes. */
      element?: true
      message: string
      status?: number
      bytesIn: number
      bytesOut: number
    }

/**
 * Below this average rate, an answer still coming in at its deadline is being dripped: any link
 * a node can sync over does better, and a dripping peer stays far below it.
 */
export const DRIP_BYTES_PER_SEC = 16 * 1024

/**
 * Why a request failed, set where it failed: callers act on this, never on `message` (which is
 * for people and the log).
 */
export type FailReason = 'unreachable' | 'timeout' | 'slow' | 'too_large' | 'bad_json' | 'aborted'

/** No answer to act on: the peer could not be reached, or said nothing before the deadline. */
export function noAnswer(reason: FailReason): boolean {
  return reason === 'unreachable' || reason === 'timeout'
}

/**
 * Counts the bytes of the current element of a `{"key": [elements]}` answer as it streams in:
 * the count restarts after each element that closes (or comma) at the list's depth, so whatever
 * comes in one piece (a block, whitespace, junk) is measured however it is chunked.
 *
 * Every byte of an answer longer than the cap passes here (tens of MB for a long catch-up), and
 * most are inside strings (hashes, keys, signatures): those are skipped to their closing quote with
 * Buffer.indexOf, and only structure and escapes are read byte by byte. The state is kept in
 * locals while a chunk is read. test/p2p/item-meter.test.ts holds it to the byte-by-byte rule.
 */
export class ItemMeter {
  private depth = 0
  private inString = false
  private escaped = false
  private run = 0
  constructor(readonly max: number) {}

  /** Feed a chunk; false once an element is over the cap. */
  feed(c: Buffer): boolean {
    let { depth, inString, escaped, run } = this
    const max = this.max
    const n = c.length
    /** The next backslash at or after i (-1: none left in this chunk; -2: not looked for). */
    let bs = -2
    let i = 0
    while (i < n) {
      if (inString && !escaped) {
        // The string's plain bytes up to its closing quote, an escape or the chunk's end at once:
        // a string has no element boundary, so only the count moves.
        if (bs === -2 || (bs !== -1 && bs < i)) bs = c.indexOf(0x5c, i)
        const quote = c.indexOf(0x22, i)
        const stop = quote === -1 ? n : quote
        const end = bs !== -1 && bs < stop ? bs : stop
        run += end - i
        i = end
        if (run > max) return false
        if (i === n) break
        // At the closing quote or a backslash: read below like any byte.
      }
      const b = c[i++]
      run++
      if (inString) {
        if (escaped) escaped = false
        else if (b === 0x5c) escaped = true
        else if (b === 0x22) inString = false
      } else if (b === 0x22) inString = true
      else if (b === 0x7b || b === 0x5b) depth++
      else if (b === 0x7d || b === 0x5d) {
        depth--
        if (depth === 2) run = 0
      } else if (b === 0x2c && depth === 2) run = 0
      if (run > max) return false
    }
    this.depth = depth
    this.inString = inString
    this.escaped = escaped
    this.run = run
    return true
  }

  /** Tests: the state between chunks. */
  state(): { depth: number; inString: boolean; escaped: boolean; run: number } {
    return { depth: this.depth, inString: this.inString, escaped: this.escaped, run: this.run }
  }
}

/** Request `url` and parse its JSON answer within the request's limits. */
export function peerRequest(url: string, req: PeerRequest): Promise<PeerResponse> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body)
  const bytesOut = payload === undefined ? 0 : Buffer.byteLength(payload)
  return new Promise((resolve) => {
    let bytesIn = 0
    let status: number | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let onAbort = (): void => undefined
    const meter = req.maxItemBytes === undefined ? undefined : new ItemMeter(req.maxItemBytes)
    // Bytes the socket had read before this request (sockets are reused): any more is the peer's answer.
    let socketAt = 0
    let socket: { bytesRead: number } | undefined
    const fail = (reason: FailReason, message: string, element?: true): void =>
      finish({
        ok: false,
        reason,
        message,
        status,
        bytesIn,
        bytesOut,
        ...(element ? { element } : {})
      })
    const finish = (r: PeerResponse): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.signal?.removeEventListener('abort', onAbort)
      resolve(r)
    }
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return fail('unreachable', `${url} is not a URL`)
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest
    const r = send(u, {
      method: req.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': String(bytesOut) }),
        ...req.headers
      }
    })
    // Listen before anything can destroy the request: an 'error' with no listener throws.
    r.on('error', (e: NodeJS.ErrnoException) => fail('unreachable', e.code ?? e.message))
    r.on('socket', (s) => {
      socket = s
      socketAt = s.bytesRead
    })
    const cut = (): void => {
      if (settled) return
      const read = socket === undefined ? 0 : socket.bytesRead - socketAt
      const dripping = read > 0 && read < (DRIP_BYTES_PER_SEC * req.timeoutMs) / 1000
      r.destroy()
      if (dripping)
        fail('slow', `answer not complete within ${req.timeoutMs} ms (${read} bytes by then)`)
      else
        fail(
          'timeout',
          `no answer within ${req.timeoutMs} ms${read > 0 ? ` (${read} bytes of it by then)` : ''}`
        )
    }
    // setImmediate: let reads already pending run first (timers come before them in a loop turn).
    timer = setTimeout(() => setImmediate(cut), req.timeoutMs)
    onAbort = () => {
      r.destroy()
      fail('aborted', 'the node is shutting down')
    }
    req.signal?.addEventListener('abort', onAbort, { once: true })
    if (req.signal?.aborted) return onAbort()
    r.on('response', (res: IncomingMessage) => {
      status = res.statusCode
      const declared = Number(res.headers['content-length'] ?? NaN)
      if (declared > req.maxBytes && req.method !== 'HEAD') {
        r.destroy()
        return fail('too_large', `answer of ${declared} bytes is over ${req.maxBytes}`)
      }
      // Held in one buffer, not one per chunk (growing-bytes.ts): an answer sent a byte per
      // chunk cost hundreds of bytes of memory per byte.
      // (A declared length over maxBytes was refused above; a HEAD answer has no body.)
      const body = new GrowingBytes(req.method === 'HEAD' ? 0 : declared)
      // No element can be over the cap before the whole answer is: the meter starts only once
      // bytesIn passes it, reading the bytes held until then first, and decides exactly as if it
      // had read every chunk as it came. A catch-up's batch of small blocks (a few hundred KB
      // against a cap of about 1 MB) is never scanned at all.
      let metering = false
      const elementTooLarge = (): void => {
        r.destroy()
        fail('too_large', `an element of the answer is over ${req.maxItemBytes} bytes`, true)
      }
      res.on('data', (c: Buffer) => {
        bytesIn += c.length
        if (bytesIn > req.maxBytes) {
          r.destroy()
          fail('too_large', `answer over ${req.maxBytes} bytes`)
          return
        }
        if (meter !== undefined && bytesIn > meter.max) {
          if (!metering && body.length > 0 && !meter.feed(body.bytes())) return elementTooLarge()
          metering = true
          if (!meter.feed(c)) return elementTooLarge()
        }
        body.add(c)
      })
      res.on('error', (e: NodeJS.ErrnoException) => fail('unreachable', e.code ?? e.message))
      res.on('close', () => {
        if (!res.complete) fail('unreachable', 'the answer was cut off')
      })
      res.on('end', () => {
        const text = body.bytes().toString('utf8')
        let json: unknown
        try {
          json = text === '' ? undefined : JSON.parse(text)
        } catch {
          return fail('bad_json', 'the answer is not JSON')
        }
        const id = res.headers['x-node-id']
        finish({
          ok: true,
          status: status ?? 0,
          json,
          bytesIn,
          bytesOut,
          nodeId: typeof id === 'string' ? id : null
        })
      })
    })
    r.end(payload)
  })
}
