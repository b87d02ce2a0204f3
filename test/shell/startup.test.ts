/**
 * The desktop app's start-up: what it shows when its node cannot start (real failures of real
 * nodes: a port another program holds, a data dir that is a file, a data dir another node holds),
 * and the per-profile folders it gives Electron so that two instances never share one.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { findFreePort } from '../../src/main/app/launch'
import { openProfile } from '../../src/main/shell/profile'
import { applyProfilePaths, profileName, profilePaths } from '../../src/main/shell/paths'
import { startupFailure } from '../../src/main/shell/startup'
import { startNode, type NodeConfig } from '../../src/main/app/run'
import { closeAll, startTestNode } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

afterEach(closeAll)

function cfg(dataDir: string, port = 0): NodeConfig {
  return {
    port,
    host: '127.0.0.1',
    dataDir,
    network: 'regtest',
    peers: [],
    mine: false,
    threads: 1,
    announce: false
  }
}

async function failureOf(
  c: NodeConfig,
  explicit: { dataDir: boolean; port: boolean }
): Promise<unknown> {
  try {
    const r = await openProfile(c, explicit, startNode, findFreePort)
    await r.node.close()
  } catch (e) {
    return e
  }
  throw new Error('the node started')
}

describe('startupFailure', () => {
  it('a port held by another program, given with --port: says which port and what to do', async () => {
    const dir = tempDir()
    onTestFinished(dir.remove)
    const server: Server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    onTestFinished(() => void server.close())
    const port = (server.address() as { port: number }).port
    const c = cfg(join(dir.path, 'main'), port)
    const f = startupFailure(await failureOf(c, { dataDir: false, port: true }), c, '/logs')
    expect(f.content).toContain(`Port ${port} on 127.0.0.1 is already in use`)
    expect(f.content).toContain('without --port')
    expect(f.content).toContain('/logs')
  })

  it('a data dir that is a file', async () => {
    const dir = tempDir()
    onTestFinished(dir.remove)
    const file = join(dir.path, 'main')
    writeFileSync(file, 'x')
    const c = cfg(file)
    const f = startupFailure(await failureOf(c, { dataDir: true, port: false }), c, null)
    expect(f.content).toMatch(/^The data dir .*main is not a folder\./)
    expect(f.content).not.toContain('log files')
  })

  it('a data dir another node holds, given with --data-dir', async () => {
    const running = await startTestNode()
    const c = cfg(running.dataDir)
    const f = startupFailure(await failureOf(c, { dataDir: true, port: false }), c, null)
    expect(f.content).toContain('is in use by another Blockforge process')
    expect(f.content).toContain('Close it')
  })
})

describe('per-profile Electron folders', () => {
  const root = '/home/ann/.config/Blockforge'

  it('gives each profile of the config root its own folder, named after it', () => {
    expect(profileName(`${root}/main`, root)).toBe('main')
    expect(profileName(`${root}/main-2`, root)).toBe('main-2')
    const a = profilePaths(`${root}/main`, root)
    const b = profilePaths(`${root}/main-2`, root)
    expect(a.userData).toBe(`${root}/profiles/main`)
    for (const k of ['userData', 'sessionData', 'crashDumps', 'logs'] as const)
      expect(a[k]).not.toBe(b[k])
    expect(a.logs).toBe(`${root}/profiles/main/logs`)
  })

  it('tells apart custom data dirs of the same name, and keeps one folder per data dir', () => {
    const x = profileName('/mnt/a/main', root)
    const y = profileName('/mnt/b/main', root)
    expect(x).toMatch(/^main-[0-9a-f]{8}$/)
    expect(x).not.toBe(y)
    expect(x).not.toBe(profileName(`${root}/main`, root))
    expect(profileName('/mnt/a/./main', root)).toBe(x)
    expect(profileName('/mnt/my data/ü', root)).toMatch(/^[A-Za-z0-9._-]+$/)
  })

  it('creates the folders and points userData, sessionData, crash dumps and logs at them', () => {
    const dir = tempDir()
    onTestFinished(dir.remove)
    const paths = profilePaths(join(dir.path, 'main-2'), dir.path)
    const set: [string, string][] = []
    let logs: string | undefined
    applyProfilePaths(paths, {
      setPath: (n, p) => set.push([n, p]),
      setAppLogsPath: (p) => (logs = p)
    })
    expect(set).toEqual([
      ['userData', paths.userData],
      ['sessionData', paths.sessionData],
      ['crashDumps', paths.crashDumps]
    ])
    expect(logs).toBe(paths.logs)
    for (const p of Object.values(paths)) expect(existsSync(p)).toBe(true)
  })
})
