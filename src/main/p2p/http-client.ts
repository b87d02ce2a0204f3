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
  const progress = { timedOut: false, bytesIn: 0, status: undefined as number | undefined }
  const timer = setTimeout(() => {
    progress.timedOut = true
    ac.abort()
  }, req.timeoutMs)
  const onShutdown = (): void => ac.abort()
  req.signal?.addEventListener('abort', onShutdown, { once: true })
  if (req.signal?.aborted) ac.abort()
  // And a last resort that does not depend on the HTTP client honouring the abort: under load a
  // request was seen to outlive its aborted signal, stalling everything waiting on it.
  let hardTimer: NodeJS.Timeout | undefined
  const hard = new Promise<PeerResponse>((resolve) => {
    hardTimer = setTimeout(() => {
      ac.abort()
      const { bytesIn, status } = progress
      resolve({ ok: false, reason: 'unreachable', message: `no answer within ${req.timeoutMs} ms`, status, bytesIn, bytesOut })
    }, req.timeoutMs + 500)
  })
  try {
    return await Promise.race([attempt(url, req, payload, bytesOut, ac, progress), hard])
  } finally {
    clearTimeout(timer)
    clearTimeout(hardTimer)
    req.signal?.removeEventListener('abort', onShutdown)
  }
}

async function attempt(
  url: string,
  req: PeerRequest,
  payload: string | undefined,
  bytesOut: number,
  ac: AbortController,
  progress: { timedOut: boolean; bytesIn: number; status: number | undefined }
): Promise<PeerResponse> {
  try {
    const res = await fetch(url, {
      method: req.method ?? 'GET',
      body: payload,
      headers: {
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers
      },
      signal: ac.signal,
      redirect: 'error'
    })
    const status = (progress.status = res.status)
    const declared = Number(res.headers.get('content-length') ?? NaN)
    if (declared > req.maxBytes) {
      ac.abort() // drop the connection; awaiting a cancel of a body still arriving can hang
      return { ok: false, reason: 'too_large', message: `answer of ${declared} bytes is over ${req.maxBytes}`, status, bytesIn: 0, bytesOut }
    }
    const chunks: Uint8Array[] = []
    if (res.body) {
      const reader = res.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        progress.bytesIn += value.byteLength
        if (progress.bytesIn > req.maxBytes) {
          ac.abort()
          reader.cancel().catch(() => undefined)
          return { ok: false, reason: 'too_large', message: `answer over ${req.maxBytes} bytes`, status, bytesIn: progress.bytesIn, bytesOut }
        }
        chunks.push(value)
      }
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const bytesIn = progress.bytesIn
    try {
      const nodeId = res.headers.get('x-node-id')
      return { ok: true, status, json: text === '' ? undefined : JSON.parse(text), bytesIn, bytesOut, nodeId }
    } catch {
      return { ok: false, reason: 'bad_json', message: 'the answer is not JSON', status, bytesIn, bytesOut }
    }
  } catch (e) {
    const aborted = req.signal?.aborted === true && !progress.timedOut
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    const msg =
      e instanceof Error
        ? progress.timedOut
          ? `no answer within ${req.timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? e.message)
        : String(e)
    return { ok: false, reason: aborted ? 'aborted' : 'unreachable', message: msg, status: progress.status, bytesIn: progress.bytesIn, bytesOut }
  }
}
