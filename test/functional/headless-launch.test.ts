/**
 * The pieces of launch.ts the headless command relies on, with real folders and the real
 * interface list shapes: where the built entry is found from each place the code runs, the
 * address a wildcard listener announces, and what a failed start removes (only what it created).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { headlessEntry, reachableHost, undoNewFolder } from '../../src/main/app/launch'
import { tempDir } from '../helpers/temp'

const ROOT = resolve(__dirname, '../..')
const BUILT = join(ROOT, 'out/node/headless.js')
const temp = tempDir('bf-launch-')
afterAll(temp.remove)

describe('headlessEntry', () => {
  it('finds out/node/headless.js from the sources, the headless bundle and the app bundle', () => {
    expect(headlessEntry()).toBe(BUILT)
    expect(headlessEntry(pathToFileURL(join(ROOT, 'out/node/headless.js')).href)).toBe(BUILT)
    expect(headlessEntry(pathToFileURL(join(ROOT, 'out/main/index.js')).href)).toBe(BUILT)
  })
})

describe('reachableHost', () => {
  const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
    ({
      address,
      family,
      internal,
      netmask: '',
      mac: '',
      cidr: null,
      ...(family === 'IPv6' ? { scopeid: 0 } : {})
    }) as never
  const lan = {
    lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
    eth0: [nic('fe80::1', 'IPv6'), nic('2001:db8::5', 'IPv6'), nic('192.168.1.20', 'IPv4')]
  }

  it('answers a wildcard with an address of this machine that is not loopback or link-local', () => {
    expect(reachableHost('0.0.0.0', lan)).toBe('192.168.1.20')
    expect(reachableHost('::', lan)).toBe('2001:db8::5')
    expect(reachableHost('::', { eth0: [nic('fe80::1', 'IPv6'), nic('10.0.0.3', 'IPv4')] })).toBe(
      '10.0.0.3'
    )
  })

  it('keeps loopback on a machine without a network, and any other host as given', () => {
    expect(reachableHost('0.0.0.0', { lo: lan.lo })).toBe('127.0.0.1')
    expect(reachableHost('::', { lo: lan.lo })).toBe('::1')
    expect(reachableHost('127.0.0.1', lan)).toBe('127.0.0.1')
    expect(reachableHost('node.example', lan)).toBe('node.example')
  })
})

describe('undoNewFolder', () => {
  it('removes the folder a start created, and the parents it created while they are empty', () => {
    const parent = join(temp.path, 'a')
    const dataDir = join(parent, 'b', 'data')
    const undo = undoNewFolder(dataDir)
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'wallet.json'), '{}')
    undo()
    expect(existsSync(parent)).toBe(false)
  })

  it('never touches a folder that was there before, nor what others put in created parents', () => {
    const existing = join(temp.path, 'existing')
    mkdirSync(existing)
    writeFileSync(join(existing, 'wallet.json'), '{}')
    undoNewFolder(existing)()
    expect(readdirSync(existing)).toEqual(['wallet.json'])

    const shared = join(temp.path, 'shared')
    const undo = undoNewFolder(join(shared, 'regtest'))
    mkdirSync(join(shared, 'regtest'), { recursive: true })
    writeFileSync(join(shared, 'launch.json'), '{}')
    undo()
    expect(readdirSync(shared)).toEqual(['launch.json'])
  })
})
