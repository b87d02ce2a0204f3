/**
 * Outbound HTTP to peers (PROTOCOL §6, §7): every request has a deadline and every answer a size
 * cap, read as a stream and cut off past the cap, so a slow or hostile peer costs a bounded amount
 * of time and memory. Failures are values, never throws.
 *
 * Built on node:http rather than fetch: fetch refuses the ports the Fetch standard calls "bad"
 * (6000, 5060, ...), on which a peer may well listen, and under load a fetch was seen to outlive
 * its aborted signal. Here the deadline destroys the socket and settles the request itself.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface PeerRequest {
  method?: 'GET' | 'POST'
  /** JSON body (POST). */
  body?: unknown
  /** Whole request, body included. */
  timeoutMs: number
  /** Largest answer body accepted, in bytes. */
  maxBytes: number
  headers?: Record<string, string>
  /** Aborts with the node (shutdown). */
  signal?: AbortSignal
}

export type PeerResponse =
  | { ok: true; status: number; json: unknown; bytesIn: number; bytesOut: number; nodeId: string | null }
  | {
      ok: false
      /** unreachable: no answer in time or no connection; too_large: over maxBytes; bad_json. */
      reason: 'unreachable' | 'too_large' | 'bad_json' | 'aborted'
      message: string
      status?: number
      bytesIn: number
      bytesOut: number
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
    const fail = (reason: 'unreachable' | 'too_large' | 'bad_json' | 'aborted', message: string): void =>
      finish({ ok: false, reason, message, status, bytesIn, bytesOut })
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
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(bytesOut) }),
        ...req.headers
      }
    })
    // Listen before anything can destroy the request: an 'error' with no listener throws.
    r.on('error', (e: NodeJS.ErrnoException) => fail('unreachable', e.code ?? e.message))
    timer = setTimeout(() => {
      r.destroy()
      fail('unreachable', `no answer within ${req.timeoutMs} ms`)
    }, req.timeoutMs)
    onAbort = () => {
      r.destroy()
      fail('aborted', 'the node is shutting down')
    }
    req.signal?.addEventListener('abort', onAbort, { once: true })
    if (req.signal?.aborted) return onAbort()
    r.on('response', (res: IncomingMessage) => {
      status = res.statusCode
      const declared = Number(res.headers['content-length'] ?? NaN)
      if (declared > req.maxBytes) {
        r.destroy()
        return fail('too_large', `answer of ${declared} bytes is over ${req.maxBytes}`)
      }
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => {
        bytesIn += c.length
        if (bytesIn > req.maxBytes) {
          r.destroy()
          fail('too_large', `answer over ${req.maxBytes} bytes`)
        } else chunks.push(c)
      })
      res.on('error', (e: NodeJS.ErrnoException) => fail('unreachable', e.code ?? e.message))
      res.on('close', () => {
        if (!res.complete) fail('unreachable', 'the answer was cut off')
      })
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = text === '' ? undefined : JSON.parse(text)
        } catch {
          return fail('bad_json', 'the answer is not JSON')
        }
        const id = res.headers['x-node-id']
        finish({ ok: true, status: status ?? 0, json, bytesIn, bytesOut, nodeId: typeof id === 'string' ? id : null })
      })
    })
    r.end(payload)
  })
}
