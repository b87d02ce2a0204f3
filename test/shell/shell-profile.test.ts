/**
 * The desktop shell's start-up choices, which Electron would exercise end to end if it could be
 * launched here: two instances with no flags take two profiles and two ports; flags are picked out
 * of Electron's argv. (Which page is trusted for IPC: renderer-location.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import {
  hasFlag,
  launchFlags,
  nodeFlags,
  openProfile,
  profileDir,
  unusedProfileDir
} from '../../src/main/shell/profile'

class StoreLockedError extends Error {
  override name = 'StoreLockedError'
}

const portInUse = (): Error => Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })

describe('openProfile', () => {
  const base = { dataDir: '/home/u/.config/Blockforge/main', port: 5000, host: '127.0.0.1' }

  it('moves a second instance to <dir>-2 and a free port', async () => {
    const held = new Set([base.dataDir])
    const bound = new Set([5000])
    const start = async (c: typeof base) => {
      if (held.has(c.dataDir)) throw new StoreLockedError()
      if (bound.has(c.port)) throw portInUse()
      return `node at ${c.dataDir}:${c.port}`
    }
    const r = await openProfile(base, { dataDir: false, port: false }, start, async () => 5123)
    expect(r.cfg).toEqual({ ...base, dataDir: `${base.dataDir}-2`, port: 5123 })
    expect(r.node).toBe(`node at ${base.dataDir}-2:5123`)
  })

  it('keeps an explicit data dir or port and reports the conflict', async () => {
    const locked = async () => {
      throw new StoreLockedError()
    }
    await expect(
      openProfile(base, { dataDir: true, port: false }, locked, async () => 1)
    ).rejects.toThrow(StoreLockedError)
    const busy = async () => {
      throw portInUse()
    }
    await expect(
      openProfile(base, { dataDir: false, port: true }, busy, async () => 1)
    ).rejects.toThrow('EADDRINUSE')
  })

  it('rethrows anything else', async () => {
    const broken = async () => {
      throw new Error('disk full')
    }
    await expect(
      openProfile(base, { dataDir: false, port: false }, broken, async () => 1)
    ).rejects.toThrow('disk full')
  })
})

describe('profile dirs', () => {
  it('numbers profiles from 2 and finds the first unused one', () => {
    expect(profileDir('/d', 1)).toBe('/d')
    expect(profileDir('/d', 3)).toBe('/d-3')
    const existing = new Set(['/d-2', '/d-3'])
    expect(unusedProfileDir('/d', (p) => existing.has(p))).toBe('/d-4')
  })
})

describe('nodeFlags', () => {
  it('keeps only the node flags from Electron argv', () => {
    const argv = [
      '/app',
      '--no-sandbox',
      '--port',
      '5001',
      '--data-dir=/tmp/x',
      '--mine',
      '--inspect=9229',
      '--peer',
      'http://a'
    ]
    const flags = nodeFlags(argv)
    expect(flags).toEqual(['--port', '5001', '--data-dir=/tmp/x', '--mine', '--peer', 'http://a'])
    expect(hasFlag(flags, '--data-dir')).toBe(true)
    expect(hasFlag(flags, '--network')).toBe(false)
    expect(nodeFlags(['/app', '--log-level', 'debug', '--log-format=json'])).toEqual([
      '--log-level',
      'debug',
      '--log-format=json'
    ])
  })
})

describe('launchFlags', () => {
  it('turns saved settings into flags the command line can override', () => {
    expect(launchFlags({})).toEqual([])
    expect(launchFlags({ port: 5005, network: 'regtest', dataDir: '/d' })).toEqual([
      '--port',
      '5005',
      '--network',
      'regtest',
      '--data-dir',
      '/d'
    ])
  })
})
