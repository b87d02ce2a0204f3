/**
 * Which page the IPC gate trusts, and which URL a window loads. Chromium reports a file page's
 * URL in its own spelling (upper-case drive letter on Windows, `%` escaped as the loader wrote
 * it), so the gate compares files, not strings. The platform is a parameter: the Windows cases
 * run here on Linux.
 */
import { describe, expect, it } from 'vitest'
import { pathToFileURL } from 'node:url'
import {
  devServerUrl,
  fileUrl,
  isOurPage,
  RENDERER_INDEX
} from '../../src/main/shell/renderer-location'

describe('isOurPage on this machine', () => {
  it('trusts only the built index.html, or the dev server origin in development', () => {
    expect(isOurPage(pathToFileURL(RENDERER_INDEX).href + '#/wallet', null)).toBe(true)
    expect(isOurPage(fileUrl(RENDERER_INDEX) + '?x=1#/chain', null)).toBe(true)
    expect(isOurPage('file:///etc/passwd', null)).toBe(false)
    expect(isOurPage('https://example.com/', null)).toBe(false)
    expect(isOurPage('http://localhost:5173/#/', 'http://localhost:5173')).toBe(true)
    expect(isOurPage('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isOurPage('not a url', null)).toBe(false)
  })
})

describe('isOurPage on Windows', () => {
  const index = 'c:\\Users\\Ann\\Blockforge\\resources\\app.asar\\out\\renderer\\index.html'

  it('accepts the page when Chromium upper-cases the drive letter', () => {
    const chromium =
      'file:///C:/Users/Ann/Blockforge/resources/app.asar/out/renderer/index.html#/wallet'
    expect(isOurPage(chromium, null, index, 'win32')).toBe(true)
    expect(isOurPage(fileUrl(index, 'win32'), null, index, 'win32')).toBe(true)
  })

  it('refuses another file, another drive and another host', () => {
    expect(isOurPage('file:///C:/Users/Ann/Downloads/index.html', null, index, 'win32')).toBe(false)
    expect(
      isOurPage(
        'file:///D:/Users/Ann/Blockforge/resources/app.asar/out/renderer/index.html',
        null,
        index,
        'win32'
      )
    ).toBe(false)
    expect(isOurPage('file://evil/share/index.html', null, index, 'win32')).toBe(false)
  })
})

describe('a % in the install path', () => {
  const index = '/opt/100% Blockforge/resources/app.asar/out/renderer/index.html'
  const winIndex = 'C:\\Program Files\\100% Blockforge\\out\\renderer\\index.html'

  it('is escaped in the URL a window loads, and that URL is trusted', () => {
    const url = fileUrl(index, 'linux')
    expect(url).toContain('100%25')
    expect(isOurPage(url + '#/', null, index, 'linux')).toBe(true)
    expect(isOurPage(fileUrl(winIndex, 'win32'), null, winIndex, 'win32')).toBe(true)
  })

  it('does not throw on a URL whose % is not an escape: refused', () => {
    // What Electron's loadFile would have produced (url.format leaves % as it is).
    const raw = 'file:///opt/100% Blockforge/resources/app.asar/out/renderer/index.html'
    expect(() => isOurPage(raw, null, index, 'linux')).not.toThrow()
    expect(isOurPage(raw, null, index, 'linux')).toBe(false)
    expect(
      isOurPage('file:///C:/Program%20Files/100%/out/renderer/index.html', null, winIndex, 'win32')
    ).toBe(false)
  })

  it('an escaped %20 in a folder name is not a space', () => {
    const literal = '/opt/a%20b/out/renderer/index.html'
    expect(
      isOurPage(fileUrl('/opt/a b/out/renderer/index.html', 'linux'), null, literal, 'linux')
    ).toBe(false)
    expect(isOurPage(fileUrl(literal, 'linux'), null, literal, 'linux')).toBe(true)
  })
})

describe('devServerUrl', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }

  it('is trusted only in an app that is not packaged', () => {
    expect(devServerUrl(false, env)).toBe('http://localhost:5173')
    expect(devServerUrl(true, env)).toBeNull()
    expect(devServerUrl(false, {})).toBeNull()
    expect(devServerUrl(false, { ...env, NODE_ENV_ELECTRON_VITE: 'production' })).toBeNull()
  })
})
