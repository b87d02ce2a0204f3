/**
 * The headless command as a user or a service manager runs it (issue #10, "Headless command"):
 * real child processes of `npm run node -- <flags>` and of the `blockforge` bin entry
 * (out/node/headless.js, run as an executable), nothing in process.
 *
 * - SIGTERM and SIGINT sent to the PID that was started (npm's, or the bin's), and to nothing
 *   else, stop the whole tree within a few seconds: every PID of the tree (read from /proc while it
 *   ran) is gone, the port takes a new listener and a new node starts on the same data dir.
 * - `--version` prints `blockforge <package.json version>`.
 * - `--host 0.0.0.0` prints an address of this machine that is not loopback, and it answers there.
 * - A start that fails leaves no new data dir or wallet behind, and never touches an existing one.
 * - A second node without --data-dir is told, in one line, to pass one.
 * - On a fresh checkout (no out/), the first `npm run node` builds the node and listens; the next
 *   one does not build again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { networkInterfaces } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp'
import { watchCli, type CliRun } from '../helpers/node-harness'
import { alive, cmdline, processTree } from '../helpers/proc'

const ROOT = resolve(__dirname, '../..')
const BIN = join(ROOT, 'out/node/headless.js')
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version
/** Node 22 first on PATH, as npm scripts have it: the bin's shebang is `/usr/bin/env node`. */
const ENV = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`
}

const temps: { remove: () => void }[] = []
const started: ChildProcess[] = []
/** Every PID seen under a started process, with its command line: killed at the end if a failed
 * test left it running (and the PID still names the same command, not a reused one). */
const seen = new Map<number, string>()
function dir(prefix = 'bf-proc-'): string {
  const d = tempDir(prefix)
  temps.push(d)
  return d.path
}

beforeAll(() => {
  // The bin tests run the built file directly; `npm run node` builds it itself (tested below).
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-headless.mjs'), '--if-stale'], {
    encoding: 'utf8'
  })
  expect(r.status, r.stderr).toBe(0)
})

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const [pid, cmd] of seen)
    if (alive(pid) && cmdline(pid) === cmd) process.kill(pid, 'SIGKILL')
  for (const t of temps) t.remove()
})

type Run = CliRun

/** `npm run node -- <flags>` or the bin, as a person types it (no process group of its own). */
function run(
  how: 'npm' | 'bin',
  flags: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): Run {
  const [cmd, args] =
    how === 'npm' ? ['npm', ['run', '--silent', 'node', '--', ...flags]] : [BIN, flags]
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...ENV, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.push(child)
  const r = watchCli(child)
  // Every PID of the tree once it listens, to kill what a failed test leaves behind.
  void r.listening.then(
    () => {
      for (const pid of processTree(child.pid!)) seen.set(pid, cmdline(pid))
    },
    () => undefined
  )
  return r
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer()
    s.once('error', () => res(false))
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)))
  })
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

describe.each(['npm', 'bin'] as const)('a signal to the PID a user started (%s)', (how) => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s stops every process of the tree and frees the port and the data dir',
    async (signal) => {
      const dataDir = join(dir(), 'data')
      const port = await freePort()
      const flags = ['--port', String(port), '--data-dir', dataDir, '--network', 'regtest']
      const first = run(how, flags)
      expect(await first.listening).toBe(`http://127.0.0.1:${port}`)
      const pids = processTree(first.child.pid!)
      if (how === 'npm') expect(pids.length, 'npm and the node under it').toBeGreaterThanOrEqual(2)

      // To the started PID only, as systemd's KillMode=process or `kill <pid>` would send it.
      process.kill(first.child.pid!, signal)
      expect(await first.exited).toEqual({ code: 0, signal: null })
      await until(
        `no process of ${pids.join(', ')} left`,
        () => pids.every((p) => !alive(p)),
        10_000
      )
      expect(await canListen(port)).toBe(true)

      const again = run(how, flags)
      expect(await again.listening).toBe(`http://127.0.0.1:${port}`)
      process.kill(again.child.pid!, 'SIGTERM')
      expect((await again.exited).code).toBe(0)
    }
  )
})

describe('the command line', () => {
  it.each(['npm', 'bin'] as const)('--version prints the package version (%s)', async (how) => {
    const r = run(how, ['--version'])
    expect((await r.exited).code).toBe(0)
    expect(r.stdout).toEqual([`blockforge ${VERSION}`])
    const help = run(how, ['--help'])
    await help.exited
    expect(help.stdout.join('\n')).toContain('--version')
  })

  it('--host 0.0.0.0 prints an address of this machine that is not loopback, and answers there', async () => {
    const own = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address)
    // A machine without a network has nothing but loopback to print.
    if (own.length === 0) return
    const r = run('bin', [
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--data-dir',
      join(dir(), 'd'),
      '--network',
      'regtest'
    ])
    const url = new URL(await r.listening)
    expect(own).toContain(url.hostname)
    const status = await fetch(`${url.origin}/status`)
    expect(status.status).toBe(200)
    // The UI, where it is built, is opened from this machine over loopback.
    const ui = r.stdout.find((l) => l.startsWith('the desktop UI is at '))
    if (ui !== undefined) {
      // Loopback for this machine's browser; from elsewhere it takes a token, and the line says how.
      expect(ui).toBe(
        `the desktop UI is at http://127.0.0.1:${url.port}/ (from other machines: start with BLOCKFORGE_API_TOKEN=<a token> and open /?token=<that token>)`
      )
    }
    r.child.kill('SIGTERM')
    expect((await r.exited).code).toBe(0)
  })

  it('a start that fails on a port in use leaves no new data dir or wallet, and an existing one as it was', async () => {
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as { port: number }).port
    try {
      const parent = dir()
      const fresh = join(parent, 'new', 'data')
      const r = run('npm', ['--port', String(port), '--data-dir', fresh, '--network', 'regtest'])
      expect((await r.exited).code).toBe(1)
      expect(readdirSync(parent)).toEqual([])
      expect(r.stderr).toHaveLength(1)
      expect(r.stderr[0]).toMatch(new RegExp(`port ${port} .*already in use.*--port`))

      // A data dir that existed (with its wallet) is left exactly as it was.
      const existing = join(dir(), 'data')
      const ok = run('bin', ['--port', '0', '--data-dir', existing, '--network', 'regtest'])
      await ok.listening
      ok.child.kill('SIGTERM')
      await ok.exited
      const before = Object.fromEntries(
        readdirSync(existing).map((f) => [f, readFileSync(join(existing, f)).toString('hex')])
      )
      expect(Object.keys(before)).toContain('wallet.json')
      const again = run('bin', [
        '--port',
        String(port),
        '--data-dir',
        existing,
        '--network',
        'regtest'
      ])
      expect((await again.exited).code).toBe(1)
      const after = Object.fromEntries(
        readdirSync(existing).map((f) => [f, readFileSync(join(existing, f)).toString('hex')])
      )
      expect(after).toEqual(before)
    } finally {
      busy.close()
    }
  })

  it('a second node without --data-dir is told in one line to pass --data-dir', async () => {
    const home = dir('bf-proc-home-')
    const env = { BLOCKFORGE_HOME: home }
    const first = run('bin', ['--port', '0', '--network', 'regtest'], { env })
    await first.listening
    try {
      const second = run('npm', ['--port', '0', '--network', 'regtest'], { env })
      expect((await second.exited).code).toBe(1)
      expect(second.stdout).toEqual([])
      expect(second.stderr).toHaveLength(1)
      expect(second.stderr[0]).toMatch(
        /in use by another Blockforge process.*pass --data-dir <another folder>/
      )
    } finally {
      first.child.kill('SIGTERM')
      await first.exited
    }
  })
})

describe('a fresh checkout', () => {
  it('builds the node on the first `npm run node` (two at once included) and not again on the next', async () => {
    // A checkout without out/: this project's sources and packages, linked into a new folder.
    const clone = dir('bf-clone-')
    for (const f of ['src', 'node_modules']) symlinkSync(join(ROOT, f), join(clone, f))
    copyFileSync(join(ROOT, 'package.json'), join(clone, 'package.json'))
    mkdirSync(join(clone, 'scripts'))
    for (const f of ['scripts/build-headless.mjs', 'scripts/validators.ts'])
      copyFileSync(join(ROOT, f), join(clone, f))
    const flags = ['--port', '0', '--data-dir', join(clone, 'data'), '--network', 'regtest']

    // Two started together, as a test suite may: both build, neither runs half a file.
    const first = run('npm', flags, { cwd: clone })
    const twin = run(
      'npm',
      ['--port', '0', '--data-dir', join(clone, 'data-2'), '--network', 'regtest'],
      { cwd: clone }
    )
    await Promise.all([first.listening, twin.listening])
    const built = join(clone, 'out/node/headless.js')
    expect(existsSync(built)).toBe(true)
    first.child.kill('SIGTERM')
    twin.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)
    expect((await twin.exited).code).toBe(0)

    const stamp = statSync(built).mtimeMs
    const second = run('npm', flags, { cwd: clone })
    await second.listening
    expect(statSync(built).mtimeMs).toBe(stamp)
    second.child.kill('SIGTERM')
    expect((await second.exited).code).toBe(0)

    // A changed input (here: the recorded stamp of one no longer matches) is built again.
    const info = JSON.parse(readFileSync(join(clone, 'out/node/build-info.json'), 'utf8')) as {
      inputs: Record<string, [number, number]>
    }
    const some = Object.keys(info.inputs).find((k) => k.endsWith('headless.ts'))!
    info.inputs[some] = [0, 0]
    writeFileSync(join(clone, 'out/node/build-info.json'), JSON.stringify(info))
    const r = spawnSync(
      process.execPath,
      [join(clone, 'scripts/build-headless.mjs'), '--if-stale'],
      { encoding: 'utf8' }
    )
    expect(r.status, r.stderr).toBe(0)
    expect(statSync(built).mtimeMs).not.toBe(stamp)

    // So is a damaged output (here the request validators, overwritten).
    const validators = join(clone, 'out/node/validators.cjs')
    writeFileSync(validators, 'this is {{ garbage')
    const again = spawnSync(
      process.execPath,
      [join(clone, 'scripts/build-headless.mjs'), '--if-stale'],
      { encoding: 'utf8' }
    )
    expect(again.status, again.stderr).toBe(0)
    expect(readFileSync(validators, 'utf8')).toContain('module.exports')
  })
})

describe('another local node, started from a built node', () => {
  it('runs the built entry with plain node (no tsx, no .ts file), and its data dir is its own', async () => {
    const base = join(dir(), 'data')
    const first = run('bin', ['--port', '0', '--data-dir', base, '--network', 'regtest'])
    const url = await first.listening
    try {
      const res = await fetch(`${url}/api/ui/startLocalNode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"args":[]}'
      })
      const body = (await res.json()) as { ok: boolean; value?: { url: string }; message?: string }
      expect(body.ok, body.message).toBe(true)
      const kids = processTree(first.child.pid!)
        .slice(1)
        .map((pid) => ({ pid, argv: cmdline(pid).split('\0') }))
      const other = kids.find((k) => k.argv.includes(`${base}-2`))!
      expect(other, JSON.stringify(kids)).toBeDefined()
      expect(other.argv[1]).toBe(BIN)
      expect(other.argv.join(' ')).not.toMatch(/tsx|\.ts\b/)
      expect((await fetch(`${body.value!.url}/status`)).status).toBe(200)
      process.kill(other.pid, 'SIGTERM')
      await until('the other node to stop', () => !alive(other.pid), 10_000)
    } finally {
      first.child.kill('SIGTERM')
      await first.exited
    }
  })
})
