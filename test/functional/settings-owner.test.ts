/**
 * Settings with one owner and one set of rules (issue #9): what Settings says is in force is in
 * force at once (the control routes and the UI API check the token Settings shows, a rotated
 * token leaves the old one refused) and after a restart (the token and the mining-thread count
 * are not reset to the command line's); a flag given explicitly wins for its run and Settings
 * says so. One validator for the command line, the UI API and the miner; a bad --threads is
 * refused before anything is opened. Real nodes over HTTP; "remote" is this machine's own
 * non-loopback address, which the node sees as a remote client.
 */
import { existsSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/main/app/config'
import { startNode } from '../../src/main/app/run'
import { MinerEngine } from '../../src/main/miner/engine'
import { MAX_WORKERS } from '../../src/main/miner/protocol'
import { MINING_THREADS_MAX } from '../../src/shared/api'
import { closeAll, http, runCli, startTestNode } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

afterEach(closeAll)

/** This machine's first non-loopback IPv4 address: a client from it is not on loopback. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address
  }
  return undefined
}
const lan = lanAddress()

/** The node as a remote client reaches it. */
const remote = (url: string): string => url.replace('127.0.0.1', lan!)
const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` })

describe.skipIf(lan === undefined)('the token Settings shows is the one in force', () => {
  it('set in Settings, it opens remote access at once; rotated, the old one is refused; cleared, remote access ends', async () => {
    const n = await startTestNode({ host: '0.0.0.0' })
    const r = remote(n.url)
    expect((await http(r, '/mine')).status).toBe(403)

    expect(await n.node.api.updateSettings({ apiToken: 'first-token' })).toMatchObject({
      ok: true,
      value: { apiToken: 'first-token' }
    })
    expect((await http(r, '/mine', { headers: bearer('first-token') })).status).toBe(200)
    expect(
      (await http(r, '/api/ui/getStatus', { body: { args: [] }, headers: bearer('first-token') }))
        .status
    ).toBe(200)

    expect((await n.node.api.updateSettings({ apiToken: 'second-token' })).ok).toBe(true)
    expect((await http(r, '/mine', { headers: bearer('first-token') })).status).toBe(403)
    expect(
      (await http(r, '/api/ui/getStatus', { body: { args: [] }, headers: bearer('first-token') }))
        .status
    ).toBe(403)
    expect((await http(r, '/mine', { headers: bearer('second-token') })).status).toBe(200)

    expect((await n.node.api.updateSettings({ apiToken: '' })).ok).toBe(true)
    expect((await http(r, '/mine', { headers: bearer('second-token') })).status).toBe(403)
    // Loopback keeps its access throughout (PROTOCOL §7). (n.url names the LAN address: a
    // node on every interface announces one that peers elsewhere can reach.)
    expect((await http(`http://127.0.0.1:${new URL(n.url).port}`, '/mine')).status).toBe(200)
  })

  it('a token set at start-up and rotated in Settings: the start-up token no longer works', async () => {
    const n = await startTestNode({ host: '0.0.0.0', apiToken: 'startup-token' })
    const r = remote(n.url)
    expect((await http(r, '/mine', { headers: bearer('startup-token') })).status).toBe(200)
    expect((await n.node.api.updateSettings({ apiToken: 'rotated-token' })).ok).toBe(true)
    expect((await http(r, '/mine', { headers: bearer('startup-token') })).status).toBe(403)
    expect((await http(r, '/mine', { headers: bearer('rotated-token') })).status).toBe(200)
  })
})

describe('after a restart', () => {
  it('the token and thread count set in Settings are still in force; an explicit flag wins for its run and Settings says so', async () => {
    const a = await startTestNode({ host: '0.0.0.0', threads: undefined })
    expect(
      (await a.node.api.updateSettings({ apiToken: 'saved-token', miningThreads: 3 })).ok
    ).toBe(true)
    await a.stop()

    const b = await startTestNode({ dataDir: a.dataDir, host: '0.0.0.0', threads: undefined })
    const s = await b.node.api.getSettings()
    expect(s).toMatchObject({
      apiToken: 'saved-token',
      miningThreads: 3,
      apiTokenFrom: 'settings',
      miningThreadsFrom: 'settings'
    })
    expect(b.node.mining.engine.threads).toBe(3)
    if (lan !== undefined)
      expect((await http(remote(b.url), '/mine', { headers: bearer('saved-token') })).status).toBe(
        200
      )
    await b.stop()

    const c = await startTestNode({
      dataDir: a.dataDir,
      host: '0.0.0.0',
      threads: 2,
      apiToken: 'flag-token'
    })
    expect(await c.node.api.getSettings()).toMatchObject({
      apiToken: 'flag-token',
      apiTokenFrom: 'command-line',
      miningThreads: 2,
      miningThreadsFrom: 'command-line'
    })
    expect(c.node.mining.engine.threads).toBe(2)
    if (lan !== undefined) {
      expect((await http(remote(c.url), '/mine', { headers: bearer('saved-token') })).status).toBe(
        403
      )
      expect((await http(remote(c.url), '/mine', { headers: bearer('flag-token') })).status).toBe(
        200
      )
    }
    await c.stop()

    // Without the flags again, what Settings saved is back.
    const d = await startTestNode({ dataDir: a.dataDir, threads: undefined })
    expect(await d.node.api.getSettings()).toMatchObject({
      apiToken: 'saved-token',
      miningThreads: 3
    })
  })
})

describe('one set of rules', () => {
  it('the thread limit is the same on the command line, in the UI API and in the miner', async () => {
    expect(MINING_THREADS_MAX).toBe(MAX_WORKERS)
    const max = MINING_THREADS_MAX
    const n = await startTestNode()
    for (const ok of [1, 100, max]) {
      expect(parseCommandLine(['--threads', String(ok)]).kind, `--threads ${ok}`).toBe('run')
      expect((await n.node.api.updateSettings({ miningThreads: ok })).ok, `Settings ${ok}`).toBe(
        true
      )
      expect(() => new MinerEngine({ threads: ok }), `miner ${ok}`).not.toThrow()
    }
    // The last one leaves the miner at `max` threads; back to one before the test ends.
    expect((await n.node.api.updateSettings({ miningThreads: 1 })).ok).toBe(true)
    for (const bad of [0, max + 1, 300, 1000]) {
      const cli = parseCommandLine(['--threads', String(bad)])
      expect(cli.kind, `--threads ${bad}`).toBe('error')
      const ui = await n.node.api.updateSettings({ miningThreads: bad })
      expect(ui.ok, `Settings ${bad}`).toBe(false)
      expect(() => new MinerEngine({ threads: bad }), `miner ${bad}`).toThrow()
      // The same words everywhere.
      expect(cli.kind === 'error' && cli.message).toContain(`1 to ${max}`)
      expect(!ui.ok && ui.message).toContain(`1 to ${max}`)
    }
    const started = await n.node.api.startMining(max + 1)
    expect(started.ok).toBe(false)
    n.node.mining.stop()
  })

  it('the token pattern is the same on the command line and in the UI API', async () => {
    const n = await startTestNode()
    for (const ok of ['a', 'a.b_c~d-e', 'x'.repeat(200)]) {
      expect(parseCommandLine(['--api-token', ok]).kind, ok).toBe('run')
      expect((await n.node.api.updateSettings({ apiToken: ok })).ok, ok).toBe(true)
    }
    for (const bad of ['has space', 'semi;colon', 'x'.repeat(201), 'ümlaut']) {
      expect(parseCommandLine(['--api-token', bad]).kind, bad).toBe('error')
      expect(parseCommandLine([], { BLOCKFORGE_API_TOKEN: bad }).kind, bad).toBe('error')
      expect((await n.node.api.updateSettings({ apiToken: bad })).ok, bad).toBe(false)
    }
  })

  it('--threads 300 is refused before anything is opened', async () => {
    const dir = tempDir('bf-threads-')
    const dataDir = join(dir.path, 'data')
    try {
      const run = runCli(
        ['--port', '0', '--network', 'regtest', '--data-dir', dataDir, '--threads', '300'],
        { BLOCKFORGE_HOME: dir.path }
      )
      const { code } = await run.exited
      expect(code).toBe(2)
      expect(run.stderr.join('\n')).toMatch(/--threads.*1 to 256/)
      expect(existsSync(dataDir)).toBe(false)

      // Started in-process (as the desktop app does): refused before the store is opened, so
      // the data dir is not left locked for the next start.
      await expect(
        startNode({
          port: 0,
          host: '127.0.0.1',
          network: 'regtest',
          peers: [],
          mine: false,
          announce: false,
          dataDir,
          threads: 300
        })
      ).rejects.toThrow(/1 to 256/)
      expect(existsSync(dataDir)).toBe(false)
      const ok = await startNode({
        port: 0,
        host: '127.0.0.1',
        network: 'regtest',
        peers: [],
        mine: false,
        announce: false,
        dataDir,
        threads: 1
      })
      await ok.close()
    } finally {
      dir.remove()
    }
  })
})
