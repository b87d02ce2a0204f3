/**
 * The headless node's command line (issue 3, PROTOCOL §8), run as child processes of
 * `src/main/headless.ts` under tsx (the sources as they are, no build; the built command that
 * `npm run node` execs is tested in headless-process.test.ts): --help, one-line errors and
 * a non-zero exit for a port in use, an unwritable data dir, a data dir of another network and a
 * data dir held by another node; a clean stop on SIGTERM and SIGINT and a restart on the same
 * data dir with the chain intact; the default data dir; --peer.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { findFreePort } from '../../src/main/app/config'
import { demoAddress } from '../../src/main/app/demo'
import { DB_FILE } from '../../src/main/store/sqlite-store'
import {
  closeAll,
  http,
  runCli,
  startTestNode,
  waitFor,
  type CliRun
} from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

const home = tempDir('bf-cli-home-')
const env = { BLOCKFORGE_HOME: home.path }
const cleanup: (() => void)[] = []
afterAll(async () => {
  await closeAll()
  for (const c of cleanup) c()
  home.remove()
})

function dir(): string {
  const d = tempDir('bf-cli-')
  cleanup.push(d.remove)
  return d.path
}

async function fails(run: CliRun): Promise<string> {
  const { code } = await run.exited
  expect(code).not.toBe(0)
  expect(code).not.toBe(null)
  expect(run.stdout).toEqual([])
  expect(run.stderr).toHaveLength(1)
  return run.stderr[0]
}

async function stop(run: CliRun, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  run.child.kill(signal)
  const { code } = await run.exited
  expect(code).toBe(0)
}

describe('headless command line', () => {
  it('documents every flag in --help', async () => {
    const run = runCli(['--help'], env)
    expect((await run.exited).code).toBe(0)
    const text = run.stdout.join('\n')
    for (const flag of [
      '--port',
      '--host',
      '--data-dir',
      '--network',
      '--peer',
      '--mine',
      '--api-token',
      '--threads',
      '--demo',
      '--help'
    ]) {
      expect(text).toContain(flag)
    }
  })

  it('refuses an unknown flag in one line', async () => {
    expect(await fails(runCli(['--prot', '5000'], env))).toMatch(/unknown option --prot/)
  })

  it('refuses a port in use in one line', async () => {
    const port = await findFreePort()
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r))
    try {
      const msg = await fails(
        runCli(['--port', String(port), '--data-dir', dir(), '--network', 'regtest'], env)
      )
      expect(msg).toMatch(new RegExp(`port ${port} .*already in use`))
    } finally {
      srv.close()
    }
  })

  it('refuses a data dir it cannot write in one line', async () => {
    // A file where the folder should be, and a folder no one may create (even as root).
    const file = join(dir(), 'not-a-folder')
    writeFileSync(file, 'x')
    // It names the file in the way, not the folder that does not exist.
    expect(
      await fails(
        runCli(['--port', '0', '--data-dir', join(file, 'sub'), '--network', 'regtest'], env)
      )
    ).toMatch(`cannot be made: ${file} is a file, not a folder`)
    expect(
      await fails(runCli(['--port', '0', '--data-dir', file, '--network', 'regtest'], env))
    ).toMatch(/data dir .* is not a folder/)
    const sys = `/sys/blockforge-test-${process.pid}`
    expect(
      await fails(runCli(['--port', '0', '--data-dir', sys, '--network', 'regtest'], env))
    ).toMatch(/not writable/)
  })

  it('refuses a data dir of another network in one line, and one held by another node', async () => {
    const d = dir()
    const first = runCli(['--port', '0', '--data-dir', d, '--network', 'regtest'], env)
    await first.listening
    // Named explicitly, so the way out is to stop that node or pick another folder.
    expect(
      await fails(runCli(['--port', '0', '--data-dir', d, '--network', 'regtest'], env))
    ).toMatch(
      /in use by another Blockforge process: stop that node first, or pass --data-dir <another folder>/
    )
    await stop(first)
    expect(await fails(runCli(['--port', '0', '--data-dir', d, '--network', 'main'], env))).toMatch(
      /holds the regtest network, not main/
    )
  })

  it('stops cleanly on SIGTERM and SIGINT and restarts on the same data dir', async () => {
    const d = dir()
    const port = await findFreePort()
    const args = ['--port', String(port), '--data-dir', d, '--network', 'regtest', '--threads', '1']
    const first = runCli(args, env)
    const url = await first.listening
    expect(url).toBe(`http://127.0.0.1:${port}`)
    const mined = await http(url, '/mine')
    await http(url, '/transactions/new', { body: { recipient: 'ab'.repeat(20), amount: 3 } })
    await stop(first, 'SIGTERM')
    expect(first.stderr.join('\n')).toContain('SIGTERM: stopping')

    const second = runCli(args, env)
    expect(await second.listening).toBe(url)
    const status = (await http(url, '/status')).body
    expect(status).toMatchObject({ index: 2, tip_hash: mined.body.hash, pending: 1 })
    await stop(second, 'SIGINT')
  })

  it('uses the per-user data dir by default and connects to --peer', async () => {
    const peer = await startTestNode()
    const run = runCli(['--port', '0', '--network', 'regtest', '--peer', peer.url], env)
    const url = await run.listening
    try {
      await waitFor(
        () => peer.node.peers.urls().includes(url),
        'the --peer node to learn the headless node'
      )
      expect((await http(url, '/nodes')).body.nodes).toEqual([peer.url])
      const { existsSync } = await import('node:fs')
      expect(existsSync(join(home.path, 'regtest', DB_FILE))).toBe(true)
    } finally {
      await stop(run)
    }
  })

  it('--demo: two regtest nodes with the fixed wallets on fresh chains, not peers, every start', async () => {
    const root = join(dir(), 'demo')
    for (let round = 0; round < 2; round++) {
      const run = runCli(['--demo', '--port', '0', '--data-dir', root, '--log-level', 'warn'], env)
      onTestFinished(() => void run.child.kill('SIGKILL'))
      const a = await run.listening
      await waitFor(() => run.stdout.some((l) => l.startsWith('demo: ')), 'the demo line')
      const line = run.stdout.find((l) => l.startsWith('demo: '))!
      expect(line).toContain(`node A at ${a} (wallet ${demoAddress('a')})`)
      const b = /node B at (http:\/\/\S+) \(wallet ([0-9a-f]{40})\)/.exec(line)!
      expect(b[2]).toBe(demoAddress('b'))
      expect(line).toContain(`${a}/#/tour`)
      for (const url of [a, b[1]]) {
        const st = await http(url, '/status')
        expect(st.body).toMatchObject({ network: 'regtest', index: 1, peers: 0 })
      }
      // A block mined in the first round is gone in the second: each start is a fresh demo.
      if (round === 0) {
        const mined = await http(a, '/mine')
        expect(mined.status).toBe(200)
        // The node's wallet is the seeded one: the coinbase pays the address the line names.
        expect(mined.body.transactions[0].recipient).toBe(demoAddress('a'))
      }
      await stop(run, 'SIGINT')
    }
  })

  it('--demo refuses, before emptying anything, a demo folder another demo runs on', async () => {
    const root = join(dir(), 'demo')
    const first = runCli(['--demo', '--port', '0', '--data-dir', root, '--log-level', 'warn'], env)
    onTestFinished(() => void first.child.kill('SIGKILL'))
    const a = await first.listening
    expect((await http(a, '/mine')).status).toBe(200)
    expect(await fails(runCli(['--demo', '--port', '0', '--data-dir', root], env))).toMatch(
      /the demo in .* is running in another process; stop it first/
    )
    // The first demo's chain is whole.
    expect((await http(a, '/status')).body).toMatchObject({ index: 2 })
    await stop(first, 'SIGINT')
  })

  it('--demo refuses main and a folder that is not the demo’s, in one line', async () => {
    expect(await fails(runCli(['--demo', '--network', 'main'], env))).toMatch(
      /--demo runs regtest nodes: leave out --network/
    )
    const other = dir()
    writeFileSync(join(other, 'precious.txt'), 'keep me')
    expect(await fails(runCli(['--demo', '--port', '0', '--data-dir', other], env))).toMatch(
      /is not empty and is not a Blockforge demo folder/
    )
    expect(existsSync(join(other, 'precious.txt'))).toBe(true)
    expect(await fails(runCli(['--demo', '--data-dir', join(other, 'precious.txt')], env))).toMatch(
      /precious\.txt is a file, not a folder/
    )
    expect(await fails(runCli(['--demo', '--port', '65535'], env))).toMatch(
      /--demo needs a --port below 65535/
    )
  })
})
