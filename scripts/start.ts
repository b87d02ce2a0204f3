/**
 * `npm start`: builds the app, makes sure Electron's binary is in place (electron 45 no longer
 * downloads it at install, and electron-vite throws "Electron uninstall" without it), and opens
 * the desktop app. Where Electron cannot be had (no display, or the binary cannot be downloaded)
 * it says why in one line and runs the same node in this process, serving the same UI to the
 * browser at the app's default data dir and port. SIGINT/SIGTERM stop the node and exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findFreePort, parseArgs } from '../src/main/app/config'
import { readLaunchSettings } from '../src/main/app/launch'
import { startNode, type RunningNode } from '../src/main/app/run'
import { hasFlag, launchFlags, nodeFlags, openProfile } from '../src/main/shell/profile'
import { createLogger, isLogLevel } from '../src/main/log'
import { decideStart, hasDisplay, shouldInstall } from './start-decision'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = join(root, 'node_modules', 'electron')
const electronVite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')

/** What electron-vite looks for: $ELECTRON_EXEC_PATH, or path.txt naming a binary under dist/. */
function electronBinaryPresent(): boolean {
  const fromEnv = process.env.ELECTRON_EXEC_PATH
  if (fromEnv) return existsSync(fromEnv)
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return false
  return existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()))
}

/** Why the installer failed, from its last line of output ('' when it said nothing). */
let installerFailure = ''

/** Electron's own installer (downloads the binary); its output is kept out of the way. */
function runElectronInstaller(): boolean {
  process.stdout.write('Electron binary not installed yet: downloading it (first start only)...\n')
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 15 * 60_000
  })
  const ok = r.status === 0 && electronBinaryPresent()
  if (!ok) {
    const said = `${r.error?.message ?? ''}\n${r.stderr?.toString() ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    installerFailure = said.length
      ? said[said.length - 1].slice(0, 200)
      : `it exited with ${r.status ?? r.signal}`
  }
  return ok
}

/** Runs a child with this terminal, forwarding SIGINT/SIGTERM; resolves with its exit code. */
function runForwarding(args: string[]): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig)
  const onInt = forward('SIGINT')
  const onTerm = forward('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return new Promise((res) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      res(code ?? (signal ? 1 : 0))
    })
    child.on('error', () => res(1))
  })
}

/** The default browser, where there is one; never fails. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No opener: the address printed above is enough.
  }
}

/** The node of the desktop app, without Electron: same settings, profile and port logic. */
async function runInBrowser(): Promise<void> {
  const logLevel = process.env.BLOCKFORGE_LOG_LEVEL
  const flags = nodeFlags(process.argv.slice(2))
  const saved = readLaunchSettings()
  if (hasFlag(flags, '--network')) delete saved.dataDir
  const { node } = await openProfile(
    {
      ...parseArgs([...launchFlags(saved), ...flags]),
      serveUi: join(root, 'out', 'renderer'),
      logger: createLogger({
        level: isLogLevel(logLevel) ? logLevel : undefined,
        format: process.env.BLOCKFORGE_LOG_FORMAT === 'json' ? 'json' : 'pretty'
      })
    },
    { dataDir: hasFlag(flags, '--data-dir'), port: hasFlag(flags, '--port') },
    startNode,
    findFreePort
  ).catch((e: unknown) => {
    process.stderr.write(
      `blockforge: the node could not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`
    )
    process.exit(1)
  })
  const address = `${node.url}/`
  const token = node.hasApiToken() ? '?token=<your API token>' : ''
  process.stdout.write(
    `Blockforge is running: open ${address}${token} in a browser (Ctrl-C stops it)\n`
  )
  if (hasDisplay(process.platform, process.env)) openBrowser(address)

  let stopping = false
  const stop = (node: RunningNode) => (): void => {
    if (stopping) return
    stopping = true
    node.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', stop(node))
  process.on('SIGTERM', stop(node))
}

/**
 * npm runs this under a shell that does not pass a signal on (npm -> sh -> node): a SIGTERM to
 * npm's PID ends npm and the shell and would leave this process holding the port and the data
 * dir. So a change of parent (orphaned) is taken as SIGTERM. Ctrl-C reaches the whole process
 * group and needs none of this.
 */
function stopWhenOrphaned(): void {
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) process.emit('SIGTERM')
  }, 500).unref()
}

async function main(): Promise<void> {
  stopWhenOrphaned()
  const built = await runForwarding([electronVite, 'build'])
  if (built !== 0) process.exit(built)

  const inputs = {
    platform: process.platform,
    env: process.env,
    binaryPresent: electronBinaryPresent()
  }
  const installerSucceeded = shouldInstall(inputs) ? runElectronInstaller() : undefined
  const decision = decideStart({ ...inputs, installerSucceeded })
  if (decision === 'electron') {
    // Node flags (`npm start -- --port 6000`) go to the app, through electron-vite's `--`.
    const appArgs = process.argv.slice(2)
    process.exit(
      await runForwarding([
        electronVite,
        'preview',
        '--skipBuild',
        ...(appArgs.length ? ['--', ...appArgs] : [])
      ])
    )
  }
  const why =
    installerFailure === ''
      ? ''
      : ` (the installer said: ${installerFailure}; behind a proxy set ELECTRON_GET_USE_PROXY=true and HTTPS_PROXY, or a mirror with ELECTRON_MIRROR, then npm start again)`
  process.stdout.write(
    `Electron cannot run here: ${decision.fallback}${why}; serving the app to the browser instead.\n`
  )
  await runInBrowser()
}

void main()
