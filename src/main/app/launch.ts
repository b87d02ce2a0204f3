/**
 * Where a node lives on this machine and how another one is started: the per-user config root,
 * the launch settings the app keeps for its next start, and spawning a second local node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { homedir, networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { isNetworkName, type NetworkName } from '../core'

/** The per-user folder Blockforge keeps its data dirs and launch settings in. */
export function configRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BLOCKFORGE_HOME) return env.BLOCKFORGE_HOME
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Blockforge')
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'Blockforge')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Blockforge')
}

export interface LaunchSettings {
  port?: number
  host?: string
  network?: NetworkName
  dataDir?: string
}

const LAUNCH_FILE = 'launch.json'

/** Settings saved from the app's Settings screen, used when no flag says otherwise. */
export function readLaunchSettings(root = configRoot()): LaunchSettings {
  try {
    const v = JSON.parse(readFileSync(join(root, LAUNCH_FILE), 'utf8')) as Record<string, unknown>
    const out: LaunchSettings = {}
    if (typeof v.port === 'number' && Number.isInteger(v.port) && v.port >= 0 && v.port < 65536)
      out.port = v.port
    if (typeof v.host === 'string') out.host = v.host
    if (isNetworkName(v.network)) out.network = v.network
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
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))
      )
    })
  })
}

/**
 * The built headless node (out/node/headless.js, made by scripts/build-headless.mjs), found from
 * where this module runs: its source (src/main/app), the headless bundle (out/node) or the app's
 * main bundle (out/main). Another local node runs this file with plain node: no tsx, and never a
 * .ts file that a build does not ship.
 */
export function headlessEntry(moduleUrl: string = import.meta.url): string {
  const file = fileURLToPath(moduleUrl)
  return file.endsWith('.ts')
    ? resolve(dirname(file), '../../../out/node/headless.js')
    : resolve(dirname(file), '../node/headless.js')
}

/**
 * From a source checkout (tests, development), bring out/node up to date first, as `npm run node`
 * does; a no-op in a build, which ships the file (and not the script).
 */
function buildIfStale(entry: string): void {
  const script = resolve(dirname(entry), '../../scripts/build-headless.mjs')
  if (!existsSync(script)) return
  const r = spawnSync(process.execPath, [script, '--if-stale'], {
    env: asNode(process.env),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8'
  })
  if (r.status !== 0)
    throw new Error(
      `the headless node could not be built: ${(r.stderr ?? '').trim() || r.error?.message}`
    )
}

/** Inside Electron, process.execPath is the app: with this it runs a script as plain Node instead. */
function asNode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return process.versions.electron === undefined ? env : { ...env, ELECTRON_RUN_AS_NODE: '1' }
}

/** Whether nothing is at `path` (an unreadable path counts as something: it is not ours to create). */
function missing(path: string): boolean {
  try {
    statSync(path)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

/**
 * For a start about to create `dir`: a function that removes what the start created there (the
 * folder and any parents it had to create, if still empty), for when the start fails. A folder
 * that existed before is never touched, so a failed start leaves a user's data dir and wallet as
 * they were, and leaves no new ones behind. Call it only while no other process can hold the
 * folder (the store's lock was ours, or was never taken).
 */
export function undoNewFolder(dir: string): () => void {
  const target = resolve(dir)
  let top: string | undefined
  for (let d = target; missing(d); d = dirname(d)) {
    top = d
    if (dirname(d) === d) break
  }
  if (top === undefined) return () => undefined
  const created = top
  return () => {
    rmSync(target, { recursive: true, force: true })
    for (let d = dirname(target); d.length >= created.length && d !== dirname(d); d = dirname(d)) {
      try {
        rmdirSync(d) // only an empty folder: anything someone put there since stays
      } catch {
        break
      }
    }
  }
}

/**
 * The address other machines reach a node at. A wildcard listen address (0.0.0.0, ::) answers on
 * every interface, so a peer elsewhere needs one of this machine's own addresses, not 127.0.0.1
 * (which, announced to a peer, would make it call itself): the first non-internal IPv4 address
 * (IPv6 first for ::, which also accepts IPv4 on a dual-stack system), never a link-local one
 * (it needs a zone to be used). A machine without a network keeps loopback. Any other host is
 * returned as it is.
 */
export function reachableHost(
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()
): string {
  if (host !== '0.0.0.0' && host !== '::' && host !== '') return host
  const all = Object.values(interfaces)
    .flatMap((l) => l ?? [])
    .filter((i) => !i.internal)
  const v4 = all.find((i) => i.family === 'IPv4' && !i.address.startsWith('169.254.'))
  const v6 = all.find((i) => i.family === 'IPv6' && !/^fe[89ab]/i.test(i.address))
  const pick = host === '::' ? (v6 ?? v4) : v4
  return pick?.address ?? (host === '::' ? '::1' : '127.0.0.1')
}

export interface SpawnOptions {
  /** The headless entry script; default the built one (headlessEntry), run with plain node. */
  entry?: string
  /** Runtime flags for the child (e.g. the tsx loader for a .ts entry); default none. */
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
  network: NetworkName
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
  const entry = opts.entry ?? headlessEntry()
  if (opts.entry === undefined) buildIfStale(entry)
  let n = 2
  while (existsSync(`${opts.dataDirBase}-${n}`)) n++
  const dataDir = `${opts.dataDirBase}-${n}`
  const port = await findFreePort(opts.host)
  const args = [
    ...(opts.execArgv ?? []),
    entry,
    '--port',
    String(port),
    '--host',
    opts.host,
    '--network',
    opts.network,
    '--data-dir',
    dataDir,
    ...opts.peers.flatMap((p) => ['--peer', p])
  ]
  // The token goes in the environment, not on the command line: any user of the machine can
  // read another's command lines (ps, /proc/<pid>/cmdline), but not its environment.
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) }
  if (opts.apiToken) env.BLOCKFORGE_API_TOKEN = opts.apiToken
  else delete env.BLOCKFORGE_API_TOKEN
  const child = spawn(process.execPath, args, {
    env: asNode(env),
    stdio: ['ignore', 'pipe', 'pipe']
  })
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
