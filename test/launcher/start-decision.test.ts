import { describe, expect, it } from 'vitest'
import { decideStart, hasDisplay, shouldInstall } from '../../scripts/start-decision'

describe('npm start: Electron or the browser', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux, never on macOS or Windows', () => {
    expect(hasDisplay('linux', {})).toBe(false)
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false)
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true)
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true)
    expect(hasDisplay('freebsd', {})).toBe(false)
    expect(hasDisplay('darwin', {})).toBe(true)
    expect(hasDisplay('win32', {})).toBe(true)
  })

  it('opens Electron when the binary is there and there is a display', () => {
    expect(decideStart({ platform: 'linux', env: { DISPLAY: ':0' }, binaryPresent: true })).toBe(
      'electron'
    )
    expect(decideStart({ platform: 'darwin', env: {}, binaryPresent: true })).toBe('electron')
    expect(decideStart({ platform: 'win32', env: {}, binaryPresent: true })).toBe('electron')
  })

  it('opens Electron once the installer has fetched the binary', () => {
    expect(
      decideStart({ platform: 'darwin', env: {}, binaryPresent: false, installerSucceeded: true })
    ).toBe('electron')
  })

  it('falls back to the browser, saying why, when the binary cannot be downloaded', () => {
    const d = decideStart({
      platform: 'win32',
      env: {},
      binaryPresent: false,
      installerSucceeded: false
    })
    expect(d).toEqual({
      fallback: 'the Electron binary is not installed and could not be downloaded'
    })
  })

  it('falls back to the browser without a display, binary or not', () => {
    for (const binaryPresent of [true, false]) {
      const d = decideStart({ platform: 'linux', env: {}, binaryPresent })
      expect(d).not.toBe('electron')
      expect((d as { fallback: string }).fallback).toMatch(/no display/)
    }
  })

  it('every reason is one line', () => {
    const cases = [
      decideStart({ platform: 'linux', env: {}, binaryPresent: false }),
      decideStart({
        platform: 'linux',
        env: { DISPLAY: ':1' },
        binaryPresent: false,
        installerSucceeded: false
      }),
      decideStart({ platform: 'linux', env: { DISPLAY: ':1' }, binaryPresent: false })
    ]
    for (const d of cases) expect((d as { fallback: string }).fallback).not.toMatch(/\n/)
  })

  it('downloads Electron only when it is missing and a window could be shown', () => {
    expect(shouldInstall({ platform: 'linux', env: { DISPLAY: ':0' }, binaryPresent: false })).toBe(
      true
    )
    expect(shouldInstall({ platform: 'darwin', env: {}, binaryPresent: false })).toBe(true)
    expect(shouldInstall({ platform: 'darwin', env: {}, binaryPresent: true })).toBe(false)
    expect(shouldInstall({ platform: 'linux', env: {}, binaryPresent: false })).toBe(false)
  })
})
