// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import type { NodeEvent } from '@shared/api'
import { createHttpApi, takeToken } from '@renderer/transport/http'

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  })
}

class FakeEventSource {
  static last: FakeEventSource | null = null
  onmessage: ((m: MessageEvent<string>) => void) | null = null
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeEventSource.last = this
  }
  close(): void {
    this.closed = true
  }
  push(e: NodeEvent | string): void {
    this.onmessage?.({
      data: typeof e === 'string' ? e : JSON.stringify(e)
    } as MessageEvent<string>)
  }
}

describe('takeToken', () => {
  it('moves ?token= from the address bar into session storage', () => {
    window.history.replaceState(null, '', '/?token=s3cret#/wallet')
    sessionStorage.clear()
    expect(takeToken(window.location, sessionStorage, window.history)).toBe('s3cret')
    expect(window.location.search).toBe('')
    expect(window.location.hash).toBe('#/wallet')
    // Later loads find it in session storage.
    expect(takeToken(window.location, sessionStorage, window.history)).toBe('s3cret')
  })

  it('answers null without a token', () => {
    window.history.replaceState(null, '', '/')
    sessionStorage.clear()
    expect(takeToken(window.location, sessionStorage, window.history)).toBeNull()
  })
})

describe('createHttpApi', () => {
  it('posts each method to /api/ui/<method> with its args and the bearer token', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: { id: 'abc' } }))
    const api = createHttpApi({ baseUrl: 'http://node:5000/', token: 'T', fetch })
    const r = await api.sendTransaction({ recipient: 'b'.repeat(40), amount: 2, fee: 0 })
    expect(r).toEqual({ ok: true, value: { id: 'abc' } })
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('http://node:5000/api/ui/sendTransaction')
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer T')
    expect(JSON.parse(init.body as string)).toEqual({
      args: [{ recipient: 'b'.repeat(40), amount: 2, fee: 0 }]
    })
  })

  it('leaves out trailing optional arguments instead of sending null', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: {} }))
    const api = createHttpApi({ baseUrl: '', token: null, fetch })
    await api.startMining()
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(JSON.parse(init.body as string)).toEqual({ args: [] })
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined()
  })

  it('throws with the node message on a non-200 answer', async () => {
    const fetch = vi.fn(async () => jsonResponse({ error: 'forbidden', message: 'bad token' }, 403))
    const api = createHttpApi({ baseUrl: '', token: 'x', fetch })
    await expect(api.getStatus()).rejects.toThrow('getStatus failed with HTTP 403: bad token')
  })

  it('shares one event stream between subscribers and closes it after the last', () => {
    const api = createHttpApi({
      baseUrl: 'http://node:5000',
      token: 'T',
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource
    })
    const a: NodeEvent[] = []
    const b: NodeEvent[] = []
    const offA = api.onEvent((e) => a.push(e))
    const offB = api.onEvent((e) => b.push(e))
    const source = FakeEventSource.last!
    expect(source.url).toBe('http://node:5000/api/ui/events?token=T')
    source.push({ type: 'pending', count: 2 })
    source.push('not json')
    expect(a).toEqual([{ type: 'pending', count: 2 }])
    expect(b).toEqual(a)
    offA()
    expect(source.closed).toBe(false)
    offB()
    expect(source.closed).toBe(true)
  })

  it('reports the event stream dropping and coming back', () => {
    const states: boolean[] = []
    const api = createHttpApi({
      baseUrl: '',
      token: null,
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
      onConnection: (ok) => states.push(ok)
    })
    api.onEvent(() => undefined)
    FakeEventSource.last!.onopen?.()
    FakeEventSource.last!.onerror?.()
    FakeEventSource.last!.onopen?.()
    expect(states).toEqual([true, false, true])
  })
})
