/**
 * Where a node lives on this machine and how another one is started: the per-user config root,
 * the launch settings the app keeps for its next start, and spawning a second local node.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** The per-user folder Blockforge keeps its data dirs and launch settings in. */
export function configRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BLOCKFORGE_HOME) return env.BLOCKFORGE_HOME
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Blockforge')
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Blockforge')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Blockforge')
}

export interface LaunchSettings {
  port?: number
  host?: string
  network?: 'main' | 'regtest'
  dataDir?: string
}

const LAUNCH_FILE = 'launch.json'

/** Settings saved from the app's Settings screen, used when no flag says otherwise. */
export function readLaunchSettings(root = configRoot()): LaunchSettings {
  try {
    const v = JSON.parse(readFileSync(join(root, LAUNCH_FILE), 'utf8')) as Record<string, unknown>
    const out: LaunchSettings = {}
    if (typeof v.port === 'number' && Number.isInteger(v.port) && v.port >= 0 && v.port < 65536) out.port = v.port
    if (typeof v.host === 'string') out.host = v.host
    if (v.network === 'main' || v.network === 'regtest') out.network = v.network
    if (typeof v.dataDir === 'string') out.dataDir = v.dataDir
    return out
  } catch {
    return {}
  }
}

export function saveLaunchSettings(s: LaunchSettings, root = configRoot()): void {
  mkdirSync(root, { recursive: true })
  const file = join(root, LAUNCH_FILE)
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
}

/** A port nobody listens on right now at `host` (the OS picks it). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

export interface SpawnOptions {
  /** The headless entry script (src/main/headless.ts under tsx, out/main/headless.js when built). */
  entry: string
  /** Runtime flags for the child (e.g. the tsx loader); defaults to this process's. */
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
  network: 'main' | 'regtest'
  host: string
  /** Base for the new node's data dir; `-2`, `-3`, ... is appended until one is unused. */
  dataDirBase: string
  peers: string[]
  apiToken?: string
}

export interface SpawnedNode {
  url: string
  dataDir: string
  child: ChildProcess
}

/** Start another headless node with its own data dir and a free port; resolves once it listens. */
export async function spawnLocalNode(opts: SpawnOptions): Promise<SpawnedNode> {
  let n = 2
  while (existsSync(`${opts.dataDirBase}-${n}`)) n++
  const dataDir = `${opts.dataDirBase}-${n}`
  const port = await findFreePort(opts.host)
  const args = [
    ...(opts.execArgv ?? process.execArgv),
    opts.entry,
    '--port', String(port),
    '--host', opts.host,
    '--network', opts.network,
    '--data-dir', dataDir,
    ...opts.peers.flatMap((p) => ['--peer', p])
  ]
  // The token goes in the environment, not on the command line: any user of the machine can
  // read another's command lines (ps, /proc/<pid>/cmdline), but not its environment.
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) }
  if (opts.apiToken) env.BLOCKFORGE_API_TOKEN = opts.apiToken
  else delete env.BLOCKFORGE_API_TOKEN
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)))
    const rl = createInterface({ input: child.stdout! })
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new Error(`the new node did not start within 30 s: ${err.trim()}`))
    }, 30_000)
    rl.on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1], dataDir, child })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the new node exited (${code}): ${err.trim()}`))
    })
  })
}
