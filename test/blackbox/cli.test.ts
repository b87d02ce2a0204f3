/**
 * PROTOCOL §8, the command line of `npm run node`: --help, a port in use, a data dir of the other
 * network, the listening line, defaults.
 */
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import {
  freePort,
  get,
  networks,
  spawnNode,
  startNode,
  status,
  stopAll,
  tempDir
} from '../helpers/blackbox'

afterAll(stopAll)

async function runToExit(
  flags: string[],
  timeoutMs = 30_000
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { proc, out, exited } = spawnNode(flags)
  const t = setTimeout(() => {
    try {
      process.kill(-proc.pid!, 'SIGKILL')
    } catch {
      /* gone */
    }
  }, timeoutMs)
  const code = await exited
  clearTimeout(t)
  // let the pipes drain
  await new Promise((r) => setTimeout(r, 50))
  return { code, stdout: out.stdout, stderr: out.stderr }
}

/** npm itself may warn about the local npm config; those lines are not the node's. */
const nodeLines = (s: string): string[] =>
  s.split('\n').filter((l) => l.trim() !== '' && !/^npm (warn|WARN)/.test(l))

describe('CLI', () => {
  it('--help exits 0 and lists every reference flag', async () => {
    const r = await runToExit(['--help'])
    expect(r.code).toBe(0)
    const text = r.stdout + r.stderr
    for (const f of [
      '--port',
      '--host',
      '--data-dir',
      '--network',
      '--peer',
      '--mine',
      '--api-token'
    ])
      expect(text).toContain(f)
  })

  it('prints "listening on http://127.0.0.1:<port>" on stdout', async () => {
    const n = await startNode()
    expect(n.stdout()).toContain(`listening on http://127.0.0.1:${n.port}`)
    expect(n.url).toBe(`http://127.0.0.1:${n.port}`)
  })

  it('--network defaults to main', async () => {
    const port = await freePort()
    const dataDir = tempDir()
    const { proc, out, exited } = spawnNode(['--port', String(port), '--data-dir', dataDir])
    try {
      const deadline = Date.now() + 30_000
      while (!/listening on/.test(out.stdout) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50))
      const s = await status(`http://127.0.0.1:${port}`)
      expect(s.network).toBe('main')
      expect(s.genesis_hash).toBe(networks.main.genesis_hash)
    } finally {
      process.kill(-proc.pid!, 'SIGTERM')
      await exited
    }
  })

  it('a port in use → non-zero exit with one line on stderr', async () => {
    const srv = createServer()
    const port = await new Promise<number>((r) =>
      srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port))
    )
    try {
      const r = await runToExit([
        '--port',
        String(port),
        '--data-dir',
        tempDir(),
        '--network',
        'regtest'
      ])
      expect(r.code).not.toBe(0)
      expect(r.code).not.toBeNull()
      const lines = nodeLines(r.stderr)
      expect(lines.length, `stderr:\n${r.stderr}`).toBe(1)
      expect(r.stdout).not.toContain('listening on')
    } finally {
      srv.close()
    }
  })

  it('the same port taken by another node → non-zero exit; the first node keeps answering', async () => {
    const n = await startNode()
    const r = await runToExit([
      '--port',
      String(n.port),
      '--data-dir',
      tempDir(),
      '--network',
      'regtest'
    ])
    expect(r.code).not.toBe(0)
    expect(nodeLines(r.stderr).length, r.stderr).toBe(1)
    expect((await get(`${n.url}/status`)).status).toBe(200)
  })

  it('a data dir of the other network → non-zero exit, one line on stderr', async () => {
    const n = await startNode({ network: 'main' })
    const dataDir = n.dataDir
    await n.stop()
    const r = await runToExit([
      '--port',
      String(await freePort()),
      '--data-dir',
      dataDir,
      '--network',
      'regtest'
    ])
    expect(r.code).not.toBe(0)
    expect(r.code).not.toBeNull()
    expect(r.stdout).not.toContain('listening on')
    expect(nodeLines(r.stderr).length, r.stderr).toBe(1)
    // and the data dir still works for its own network
    const again = await startNode({ network: 'main', dataDir })
    expect((await status(again.url)).network).toBe('main')
  })

  it('bad flag values → non-zero exit, no listening line', async () => {
    for (const flags of [
      ['--network', 'testnet'],
      ['--port', 'abc'],
      ['--port', '70000']
    ]) {
      const r = await runToExit([...flags, '--data-dir', tempDir()])
      expect(r.code, flags.join(' ')).not.toBe(0)
      expect(r.stdout).not.toContain('listening on')
    }
  })
})

describe('--mine', () => {
  it('mines continuously on regtest; the node keeps answering; the blocks are valid elsewhere', async () => {
    const n = await startNode({ extra: ['--mine', '--threads', '1'] })
    const { waitFor } = await import('../helpers/blackbox')
    await waitFor('a few mined blocks', async () => (await status(n.url)).index >= 4, 20_000)
    const t0 = Date.now()
    expect((await get(`${n.url}/status`)).status).toBe(200)
    expect(Date.now() - t0).toBeLessThan(2000)
    const chain = (await get(`${n.url}/blocks?from=2&limit=3`)).body.blocks
    await n.stop()
    const o = await startNode()
    for (const b of chain) {
      const a = await (await import('../helpers/blackbox')).post(`${o.url}/blocks`, b)
      expect(a.status, a.text).toBe(201)
    }
  })
})
