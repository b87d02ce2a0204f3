#!/usr/bin/env node
/**
 * The headless node: `blockforge` (the package's bin) or `npm run node -- --port <p> --data-dir <dir> --network <main|regtest>
 * [--host <addr>] [--peer <url>]... [--mine] [--api-token <t>]` (PROTOCOL §8, `--help`).
 * Prints `listening on http://HOST:PORT` once it answers requests; SIGINT or SIGTERM closes the
 * HTTP server, peers, miner and store in that order and exits 0. A start that cannot succeed
 * (port in use, data dir not writable or of another network, locked by another node) prints one
 * line on stderr and exits 1, and leaves no data dir or wallet it created behind.
 *
 * Runs from source under tsx (tests) and, built by scripts/build-headless.mjs, as plain JavaScript
 * in out/node/ beside its two worker bundles: `npm run node` execs that build with node, so the
 * PID a user or a service manager started is the node itself once it runs.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pkg from '../../package.json'
import { defaultDataDir, parseCommandLine, HELP } from './app/config'
import { explain } from './app/explain'
import { createLogger } from './log'
import { startNode, type NodeConfig, type RunningNode } from './app/run'
import { demoAddress, prepareDemo } from './app/demo'

/** Built (out/node/headless.js) or from source (src/main/headless.ts under tsx). */
const BUILT = !import.meta.url.endsWith('.ts')
/** The SHA-256 of the validators.cjs built with this file (scripts/build-headless.mjs). */
declare const __BF_VALIDATORS_SHA256__: string
/** better-sqlite3's binary needs Node 22.12; an older node (the system's, for the bin) crashes loading it. */
const NODE_MIN = [22, 12] as const

/** One line if `version` is too old to run Blockforge, else undefined. */
function nodeTooOld(version: string = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number)
  if (major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1])) return undefined
  return `Blockforge needs Node ${NODE_MIN.join('.')} or newer, and ${process.execPath} is Node ${version}`
}

/** explain()'s line, with what to pass on this command line to get past it. */
function whyNot(e: unknown, cfg: NodeConfig): string {
  const err = e as NodeJS.ErrnoException
  if (err?.name === 'StoreLockedError' && cfg.dataDir === defaultDataDir(cfg.network)) {
    // The usual case: a second node started like the first one, without --data-dir.
    return `${explain(e, cfg)} (a node started without --data-dir uses it): pass --data-dir <another folder> to run another node`
  }
  if (err?.name === 'StoreLockedError') {
    return `${explain(e, cfg)}: stop that node first, or pass --data-dir <another folder> to run another one`
  }
  if (err?.code === 'EADDRINUSE')
    return `${explain(e, cfg)}: pass --port <another port> (0 picks a free one)`
  return explain(e, cfg)
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2))
  if (parsed.kind === 'help') {
    process.stdout.write(HELP)
    return
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`blockforge ${pkg.version}\n`)
    return
  }
  const old = nodeTooOld()
  if (old !== undefined) {
    process.stderr.write(`blockforge: ${old}\n`)
    process.exit(1)
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`blockforge: ${parsed.message}\n`)
    process.exit(2)
  }
  const cfg = parsed.config
  // The desktop UI, once built, is served to browsers too (the second transport of the UI API).
  const ui = fileURLToPath(new URL(BUILT ? '../renderer' : '../../out/renderer', import.meta.url))
  if (cfg.serveUi === undefined && existsSync(`${ui}/index.html`)) cfg.serveUi = ui
  // Built, the workers are the bundles beside this file, and the request validators were compiled
  // with it; from source, the workers' .ts defaults (tsx) and validators compiled on first use.
  const workers = BUILT
    ? {
        minerWorkerPath: fileURLToPath(new URL('./miner-worker.js', import.meta.url)),
        verifyWorkerPath: fileURLToPath(new URL('./verify-worker.js', import.meta.url)),
        httpValidators: {
          path: fileURLToPath(new URL('./validators.cjs', import.meta.url)),
          sha256: __BF_VALIDATORS_SHA256__
        }
      }
    : {}
  // The log on stderr (stdout carries only the lines scripts parse); src/main/log.
  const logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat })
  const log = logger.child({ module: 'node' })
  // A failure is one line for a person, or one JSON record when JSON was asked for.
  const fatal = (line: string): void => {
    if (cfg.logFormat === 'json') log.fatal(line)
    else process.stderr.write(`blockforge: ${line}\n`)
  }
  // The handlers go in before anything starts: a signal sent the moment the listening line is out
  // (a script, a service manager), or during start-up, must close the store, not kill the process.
  // The nodes this process runs: one, or the demo's two (app/demo.ts).
  const nodes: RunningNode[] = []
  let started = false
  let stopping: string | undefined
  const closeAll = (): Promise<unknown> => Promise.all(nodes.map((n) => n.close()))
  const stop = (signal: string): void => {
    if (stopping !== undefined) return
    stopping = signal
    log.info({ signal }, `${signal}: stopping`)
    // During start-up: stopped as soon as startNode has it all open (below).
    if (!started) return
    closeAll().then(
      () => process.exit(0),
      (e: unknown) => {
        fatal(`stopping failed: ${e instanceof Error ? e.message : String(e)}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  const configs: NodeConfig[] = [cfg]
  if (cfg.demo) {
    try {
      const dirs = prepareDemo(cfg.dataDir)
      configs.splice(
        0,
        1,
        { ...cfg, dataDir: dirs.a },
        {
          ...cfg,
          dataDir: dirs.b,
          port: cfg.port === 0 ? 0 : cfg.port + 1
        }
      )
    } catch (e) {
      fatal(e instanceof Error ? e.message : String(e))
      process.exit(1)
    }
  }
  for (const c of configs) {
    try {
      nodes.push(
        await startNode({
          ...c,
          ...workers,
          logger: cfg.demo ? logger.child({ node: nodes.length === 0 ? 'A' : 'B' }) : logger
        })
      )
    } catch (e) {
      await closeAll()
      fatal(
        cfg.demo && nodes.length === 1
          ? `demo node B (port ${c.port}): ${whyNot(e, c)}`
          : whyNot(e, c)
      )
      process.exit(1)
    }
  }
  started = true
  if (stopping !== undefined) {
    await closeAll()
    process.exit(0)
  }
  const node = nodes[0]
  if (cfg.apiTokenFrom === 'command-line') {
    // Said, not refused: the flag is the protocol's (§8). But a command line is no place for a secret.
    log.warn(
      'a token given with --api-token can be read by other users of this machine in the process list, ' +
        'and `npm run` prints its command line; set BLOCKFORGE_API_TOKEN=<token> in the environment instead'
    )
  }
  process.stdout.write(`listening on ${node.url}\n`)
  if (cfg.serveUi !== undefined) {
    // Never the token itself: stdout ends up in terminals' scrollback, logs and CI output.
    const token = node.hasApiToken() ? '?token=<your API token>' : ''
    // Listening on every interface, the listening line names this machine's address for peers
    // elsewhere; the person at this machine opens the UI over loopback (no token unless one is set).
    const wildcard = cfg.host === '0.0.0.0' || cfg.host === '::'
    const uiUrl = wildcard
      ? `http://${cfg.host === '::' ? '[::1]' : '127.0.0.1'}:${new URL(node.url).port}`
      : node.url
    // From elsewhere the UI needs a token: say how, rather than let a browser meet a bare 403.
    const remote =
      wildcard && !node.hasApiToken()
        ? ' (from other machines: start with BLOCKFORGE_API_TOKEN=<a token> and open /?token=<that token>)'
        : ''
    process.stdout.write(`the desktop UI is at ${uiUrl}/${token}${remote}\n`)
  }
  if (cfg.demo) {
    const [a, b] = nodes
    // The first-run screen says to back up a wallet that is the only copy of its key: a demo's is
    // made from a public seed and emptied at every start, and the tour is what a class opens.
    for (const n of nodes) await n.api.updateSettings({ welcomeSeen: true })
    process.stdout.write(
      `demo: node A at ${a.url} (wallet ${demoAddress('a')}), node B at ${b.url} (wallet ${demoAddress('b')}), ` +
        `on fresh regtest chains in ${cfg.dataDir}; not peers yet. The guided tour: ${a.url}/#/tour\n`
    )
  }
}

void main()
