/**
 * The HTTP + server-sent-events transport of the NodeApi contract, used when the UI is served by a
 * headless node to an ordinary browser (no preload, so no `window.api`).
 */
import {
  API_METHODS,
  HTTP_API_PREFIX,
  HTTP_EVENTS_PATH,
  type ApiMethod,
  type NodeApi,
  type NodeApiHandlers,
  type NodeEvent
} from '@shared/api'

const TOKEN_KEY = 'blockforge.apiToken'

/**
 * The API token: taken from `?token=` on first load, then kept in sessionStorage and removed from
 * the address bar, so it does not linger in history or get copied along with the URL.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null) {
    storage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  }
  return storage.getItem(TOKEN_KEY)
}

export interface HttpApiOptions {
  /** Origin (and optional path prefix) of the node, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string
  token: string | null
  fetch?: typeof fetch
  EventSource?: typeof EventSource
  /** Told when the event stream drops (false) and when it is back (true). */
  onConnection?: (connected: boolean) => void
}

export function createHttpApi(opts: HttpApiOptions): NodeApi {
  const base = opts.baseUrl.replace(/\/$/, '')
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis)
  const Source = opts.EventSource ?? globalThis.EventSource

  async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    // JSON turns a trailing `undefined` into `null`; optional arguments are simply left out.
    const trimmed = [...args]
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed.pop()
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`
    const res = await doFetch(`${base}${HTTP_API_PREFIX}${method}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ args: trimmed })
    })
    if (!res.ok) {
      let detail = ''
      try {
        const body = (await res.json()) as { message?: unknown }
        if (typeof body.message === 'string') detail = `: ${body.message}`
      } catch {
        // not JSON: the status says enough
      }
      throw new Error(`${method} failed with HTTP ${res.status}${detail}`)
    }
    return res.json()
  }

  const handlers = Object.fromEntries(
    API_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)])
  ) as unknown as NodeApiHandlers

  // One EventSource shared by every subscriber, opened with the first and closed with the last.
  const listeners = new Set<(e: NodeEvent) => void>()
  let source: EventSource | null = null

  function open(): void {
    const url = new URL(`${base}${HTTP_EVENTS_PATH}`, globalThis.location?.href)
    if (opts.token) url.searchParams.set('token', opts.token)
    source = new Source(url.toString())
    // EventSource reconnects by itself; events sent meanwhile are lost, so say so.
    source.onopen = () => opts.onConnection?.(true)
    source.onerror = () => opts.onConnection?.(false)
    source.onmessage = (msg: MessageEvent<string>) => {
      let event: NodeEvent
      try {
        event = JSON.parse(msg.data) as NodeEvent
      } catch {
        return
      }
      for (const cb of listeners) cb(event)
    }
  }

  function onEvent(cb: (e: NodeEvent) => void): () => void {
    listeners.add(cb)
    if (!source) open()
    return () => {
      listeners.delete(cb)
      if (listeners.size === 0 && source) {
        source.close()
        source = null
      }
    }
  }

  return { ...handlers, onEvent }
}
