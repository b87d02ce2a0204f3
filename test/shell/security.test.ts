/**
 * The session's permissions: the clipboard (copy buttons) and notifications (the UI's desktop
 * notices) are granted, nothing else; every response gets the CSP. And the AppUserModelID the app
 * sets on Windows is the installer's appId, without which Windows shows no notification.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ app: { enableSandbox: vi.fn(), on: vi.fn() } }))
const { CSP, hardenSession } = await import('../../src/main/shell/security')
const { APP_ID } = await import('../../src/main/shell/app-info')

function fakeSession() {
  const s = {
    request: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    check: undefined as undefined | ((wc: unknown, p: string) => boolean),
    headers: undefined as
      | undefined
      | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    webRequest: { onHeadersReceived: (fn: never) => (s.headers = fn) },
    setPermissionRequestHandler: (fn: never) => (s.request = fn),
    setPermissionCheckHandler: (fn: never) => (s.check = fn)
  }
  return s
}

describe('hardenSession', () => {
  it('grants the clipboard and notifications, and refuses every other permission', () => {
    const s = fakeSession()
    hardenSession(s as never)
    for (const [p, ok] of [
      ['notifications', true],
      ['clipboard-sanitized-write', true],
      ['clipboard-read', false],
      ['geolocation', false],
      ['media', false],
      ['openExternal', false]
    ] as const) {
      expect(s.check!(null, p)).toBe(ok)
      let granted: boolean | undefined
      s.request!(null, p, (g) => (granted = g))
      expect(granted).toBe(ok)
    }
  })

  it('adds the CSP to every response', () => {
    const s = fakeSession()
    hardenSession(s as never)
    let out: unknown
    s.headers!({ responseHeaders: { a: ['b'] } }, (r) => (out = r))
    expect(out).toEqual({ responseHeaders: { a: ['b'], 'Content-Security-Policy': [CSP] } })
  })
})

describe('APP_ID', () => {
  it("is electron-builder.yml's appId", () => {
    const yml = readFileSync('electron-builder.yml', 'utf8')
    expect(/^appId:\s*(\S+)/m.exec(yml)?.[1]).toBe(APP_ID)
  })
})
