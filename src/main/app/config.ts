/**
 * The command line of a node (PROTOCOL §8), the same for the headless node and the desktop app:
 * `--port <p> --data-dir <dir> --network <main|regtest> [--host <addr>] [--peer <url>]... [--mine]
 * [--api-token <t>] [--threads <n>]`, the token also from $BLOCKFORGE_API_TOKEN (kept off the command
 * line, which other users can read). Parsing never exits: the caller prints.
 */
import { join } from 'node:path'
import { isNetworkName, type NetworkName } from '../core'
import { normalizeUrl } from '../../shared/peer-url'
import { UsageError } from './explain'
import { configRoot, findFreePort } from './launch'
import type { NodeConfig } from './run'
import { checkThreads, checkToken, THREADS_MAX } from '../node/settings'
import { isLogFormat, isLogLevel, LOG_LEVELS, type LogFormat, type LogLevel } from '../log'

export { findFreePort }

export const DEFAULT_PORT = 5000
export const DEFAULT_HOST = '127.0.0.1'

export const HELP = `Usage: blockforge [options]
       npm run node -- [options]      (from a clone of the project)

Runs a Blockforge node without the desktop app: the HTTP API of the protocol (docs/PROTOCOL.md
§7 in the project's repository), the peer network and (optionally) a miner. Prints "listening on
http://HOST:PORT" once it answers requests and stops cleanly on SIGINT or SIGTERM.

Options:
  --port <p>          TCP port of the HTTP API (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>       address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 = every interface)
  --data-dir <dir>    where the chain, wallet and peer list are kept
                      (default: the desktop app's per-user folder, <config>/Blockforge/<network>)
  --network <name>    main or regtest (default main); a data dir holds one network only
  --peer <url>        a peer to connect to, e.g. http://127.0.0.1:5001 (repeatable); it must be
                      on the same network (its /status is checked)
  --mine              mine continuously, paying this node's wallet
  --demo              the demo for classes: two regtest nodes, A on --port and B on the next
                      port, with wallets from fixed seeds (the same addresses on every machine),
                      on fresh chains in --data-dir (default <config>/Blockforge/demo), which
                      is emptied at every start; open A's UI at /#/tour for the guided tour
  --threads <n>       mining worker threads, 1 to ${THREADS_MAX} (default: what Settings saved,
                      else one per core)
  --api-token <t>     control routes (/mine, /transactions/new, /nodes/register,
                      /nodes/resolve) and the UI API then also answer non-loopback clients that
                      send "Authorization: Bearer <t>"; the UI API then always needs it. Other
                      users of this machine can read a command line: prefer the environment
                      variable BLOCKFORGE_API_TOKEN=<t>, read when --api-token is not given.
                      Either wins for this run over a token set in the app's Settings (which
                      is used when neither is given); a change in Settings applies at once
  --ui-dir <dir>      serve the built desktop UI from this folder at / (default: the
                      project's out/renderer after \`npm run build\`, or $BLOCKFORGE_UI_DIR)
  --log-level <l>     trace, debug, info, warn, error, fatal or silent (default info, or
                      $BLOCKFORGE_LOG_LEVEL); the log goes to stderr
  --log-format <f>    pretty (readable lines, the default) or json (one object per line;
                      or $BLOCKFORGE_LOG_FORMAT)
  --version, -v       print the version (blockforge <version>) and exit
  --help, -h          show this text
`

/** PROTOCOL §8 default data dir: the folder the desktop app uses, one per network. */
export function defaultDataDir(network: NetworkName, env: NodeJS.ProcessEnv = process.env): string {
  return join(configRoot(env), network)
}

export type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; config: NodeConfig }
  | { kind: 'error'; message: string }

/**
 * The config a command line asks for (the desktop app's entry uses this). Throws UsageError on
 * an unknown flag or a bad value, and on --help (callers that print help use parseCommandLine).
 */
export function parseArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env
): NodeConfig {
  const r = parseCommandLine(argv, env)
  if (r.kind === 'run') return r.config
  throw new UsageError(r.kind === 'error' ? r.message : `no node config: --${r.kind} was given`)
}

/** Parse argv (without the node and script paths). Unknown flags and bad values are errors. */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env
): ParsedArgs {
  let port = DEFAULT_PORT
  let host = DEFAULT_HOST
  let dataDir: string | undefined
  let network: NetworkName = 'main'
  const peers: string[] = []
  let mine = false
  let demo = false
  let networkGiven = false
  let apiToken: string | undefined = env.BLOCKFORGE_API_TOKEN || undefined
  let apiTokenFrom: NodeConfig['apiTokenFrom'] = apiToken === undefined ? undefined : 'environment'
  if (apiToken !== undefined) {
    const t = checkToken(apiToken, 'BLOCKFORGE_API_TOKEN')
    if (!t.ok) return { kind: 'error', message: t.message }
  }
  let threads: number | undefined
  let serveUi: string | undefined = env.BLOCKFORGE_UI_DIR || undefined
  // The environment's log settings, for a service manager's unit file; a flag wins over them.
  let logLevel: LogLevel | undefined
  let logFormat: LogFormat | undefined
  if (env.BLOCKFORGE_LOG_LEVEL) {
    if (!isLogLevel(env.BLOCKFORGE_LOG_LEVEL))
      return {
        kind: 'error',
        message: `BLOCKFORGE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`
      }
    logLevel = env.BLOCKFORGE_LOG_LEVEL
  }
  if (env.BLOCKFORGE_LOG_FORMAT) {
    if (!isLogFormat(env.BLOCKFORGE_LOG_FORMAT))
      return { kind: 'error', message: 'BLOCKFORGE_LOG_FORMAT must be pretty or json' }
    logFormat = env.BLOCKFORGE_LOG_FORMAT
  }
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]
    const eq = raw.indexOf('=')
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined
    const value = (): string | undefined => inline ?? argv[++i]
    switch (flag) {
      case '--help':
      case '-h':
        return { kind: 'help' }
      case '--version':
      case '-v':
        return { kind: 'version' }
      case '--mine':
        mine = true
        break
      case '--demo':
        demo = true
        break
      case '--port': {
        const v = value()
        const n = Number(v)
        if (v === undefined || !/^[0-9]{1,5}$/.test(v) || n > 65535)
          return {
            kind: 'error',
            message: `--port needs a number from 0 to 65535, got ${v ?? 'nothing'}`
          }
        port = n
        break
      }
      case '--host': {
        const v = value()
        if (!v || !/^[0-9A-Za-z.:[\]-]{1,255}$/.test(v))
          return { kind: 'error', message: `--host needs an address, got ${v ?? 'nothing'}` }
        host = v.replace(/^\[(.*)\]$/, '$1')
        break
      }
      case '--data-dir': {
        const v = value()
        if (!v) return { kind: 'error', message: '--data-dir needs a folder' }
        dataDir = v
        break
      }
      case '--network': {
        const v = value()
        if (!isNetworkName(v))
          return {
            kind: 'error',
            message: `--network must be main or regtest, got ${v ?? 'nothing'}`
          }
        network = v
        networkGiven = true
        break
      }
      case '--peer': {
        const v = value()
        // The one peer-URL rule (shared/peer-url.ts): what the node would drop later is refused now.
        if (v === undefined || normalizeUrl(v) === undefined) {
          return {
            kind: 'error',
            message: `--peer needs an http(s) URL such as http://127.0.0.1:5001, got ${v ?? 'nothing'}`
          }
        }
        peers.push(v!)
        break
      }
      case '--api-token': {
        const v = value()
        const t = checkToken(v, '--api-token')
        if (!t.ok) return { kind: 'error', message: t.message }
        apiToken = t.value
        apiTokenFrom = 'command-line'
        break
      }
      case '--threads': {
        const v = value()
        // Checked here, before anything is opened (the same rule as Settings and the miner).
        const t = checkThreads(
          v !== undefined && /^[0-9]{1,6}$/.test(v) ? Number(v) : v,
          '--threads'
        )
        if (!t.ok) return { kind: 'error', message: t.message }
        threads = t.value
        break
      }
      case '--ui-dir': {
        const v = value()
        if (!v) return { kind: 'error', message: '--ui-dir needs a folder' }
        serveUi = v
        break
      }
      case '--log-level': {
        const v = value()
        if (!isLogLevel(v))
          return {
            kind: 'error',
            message: `--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${v ?? 'nothing'}`
          }
        logLevel = v
        break
      }
      case '--log-format': {
        const v = value()
        if (!isLogFormat(v))
          return {
            kind: 'error',
            message: `--log-format must be pretty or json, got ${v ?? 'nothing'}`
          }
        logFormat = v
        break
      }
      default:
        return { kind: 'error', message: `unknown option ${raw} (see --help)` }
    }
  }
  if (demo) {
    if (networkGiven && network !== 'regtest')
      return { kind: 'error', message: '--demo runs regtest nodes: leave out --network' }
    network = 'regtest'
    if (port === 65535)
      return {
        kind: 'error',
        message: '--demo needs a --port below 65535: node B takes the next one'
      }
  }
  return {
    kind: 'run',
    config: {
      port,
      host,
      dataDir: dataDir ?? (demo ? join(configRoot(env), 'demo') : defaultDataDir(network, env)),
      ...(demo ? { demo } : {}),
      network,
      peers,
      mine,
      apiToken,
      apiTokenFrom,
      threads,
      serveUi,
      logLevel,
      logFormat
    }
  }
}
