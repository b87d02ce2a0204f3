/**
 * Outbound HTTP to peers (PROTOCOL §6, §7): every request has a deadline and every answer a size
 * cap, read as a stream and cut off past the cap, so a slow or hostile peer costs a bounded amount
 * of time and memory. Failures are values, never throws.
 */

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

/** Fetch `url` and parse its JSON answer within the request's limits. */
export async function peerRequest(url: string, req: PeerRequest): Promise<PeerResponse> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body)
  const bytesOut = payload === undefined ? 0 : Buffer.byteLength(payload)
  // A timer and a controller of our own rather than AbortSignal.any(AbortSignal.timeout(...)):
  // the combined signal can lose its timeout to garbage collection, and then a peer that trickles
  // its answer forever would hold the request forever.
  const ac = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    ac.abort()
  }, req.timeoutMs)
  const onShutdown = (): void => ac.abort()
  req.signal?.addEventListener('abort', onShutdown, { once: true })
  if (req.signal?.aborted) ac.abort()
  const signal = ac.signal
  let bytesIn = 0
  let status: number | undefined
  try {
    const res = await fetch(url, {
      method: req.method ?? 'GET',
      body: payload,
      headers: {
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers
      },
      signal,
      redirect: 'error'
    })
    status = res.status
    const declared = Number(res.headers.get('content-length') ?? NaN)
    if (declared > req.maxBytes) {
      await res.body?.cancel().catch(() => undefined)
      return { ok: false, reason: 'too_large', message: `answer of ${declared} bytes is over ${req.maxBytes}`, status, bytesIn, bytesOut }
    }
    const chunks: Uint8Array[] = []
    if (res.body) {
      const reader = res.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        bytesIn += value.byteLength
        if (bytesIn > req.maxBytes) {
          await reader.cancel().catch(() => undefined)
          return { ok: false, reason: 'too_large', message: `answer over ${req.maxBytes} bytes`, status, bytesIn, bytesOut }
        }
        chunks.push(value)
      }
    }
    const text = Buffer.concat(chunks).toString('utf8')
    try {
      const nodeId = res.headers.get('x-node-id')
      return { ok: true, status, json: text === '' ? undefined : JSON.parse(text), bytesIn, bytesOut, nodeId }
    } catch {
      return { ok: false, reason: 'bad_json', message: 'the answer is not JSON', status, bytesIn, bytesOut }
    }
  } catch (e) {
    const aborted = req.signal?.aborted === true && !timedOut
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    const msg =
      e instanceof Error
        ? timedOut
          ? `no answer within ${req.timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? e.message)
        : String(e)
    return { ok: false, reason: aborted ? 'aborted' : 'unreachable', message: msg, status, bytesIn, bytesOut }
  } finally {
    clearTimeout(timer)
    req.signal?.removeEventListener('abort', onShutdown)
  }
}
