/**
 * The headless node: `npm run node -- --port <p> --data-dir <dir> --network <main|regtest>
 * [--host <addr>] [--peer <url>]... [--mine] [--api-token <t>]` (PROTOCOL §8, `--help`).
 * Prints `listening on http://HOST:PORT` once it answers requests; SIGINT or SIGTERM closes the
 * HTTP server, peers, miner and store in that order and exits 0. A start that cannot succeed
 * (port in use, data dir not writable or of another network, locked by another node) prints one
 * line on stderr and exits 1.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseCommandLine, HELP } from './node/config'
import { startNode, type RunningNode } from './node/run'

function explain(e: unknown, cfg: { host: string; port: number; dataDir: string }): string {
  const err = e as NodeJS.ErrnoException
  switch (err?.code) {
    case 'EADDRINUSE':
      return `port ${cfg.port} on ${cfg.host} is already in use`
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${cfg.host}: no such address on this machine`
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return err.syscall === 'listen' || err.syscall === 'bind'
        ? `not allowed to listen on ${cfg.host}:${cfg.port}`
        : `the data dir ${cfg.dataDir} is not writable (${err.code})`
    case 'ENOTDIR':
    case 'EEXIST':
      return `the data dir ${cfg.dataDir} is not a folder`
    case 'ENOENT':
      // mkdir of a data dir under a read-only or missing parent.
      if (err.syscall === 'mkdir') return `the data dir ${cfg.dataDir} cannot be created (${err.code}): its parent folder is missing or read-only`
      break
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return `the disk holding the data dir ${cfg.dataDir} is full (${err.code}): free some space and start the node again`
  }
  // Store and wallet errors are written as one line naming the file and what to do.
  const oneLiners = ['StoreLockedError', 'NetworkMismatchError', 'StoreDamagedError', 'ChainLostError', 'ForeignDatabaseError', 'WalletFileError']
  if (oneLiners.includes(err?.name)) return err.message
  if (err?.code === 'SQLITE_CANTOPEN' || err?.code?.startsWith('SQLITE_READONLY')) {
    return `the data dir ${cfg.dataDir} is not writable (${err.code})`
  }
  return err instanceof Error ? err.message.split('\n')[0] : String(e)
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2))
  if (parsed.kind === 'help') {
    process.stdout.write(HELP)
    return
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`blockforge: ${parsed.message}\n`)
    process.exit(2)
  }
  const cfg = parsed.config
  // The desktop UI, once built, is served to browsers too (the second transport of the UI API).
  const built = fileURLToPath(new URL('../../out/renderer', import.meta.url))
  if (cfg.serveUi === undefined && existsSync(`${built}/index.html`)) cfg.serveUi = built
  let node: RunningNode
  try {
    node = await startNode({ ...cfg, log: (line) => process.stderr.write(`${line}\n`) })
  } catch (e) {
    process.stderr.write(`blockforge: ${explain(e, cfg)}\n`)
    process.exit(1)
  }
  node.mining.on('error', (e) => process.stderr.write(`mining: ${e.message}\n`))
  if (cfg.apiTokenFrom === 'command-line') {
    // Said, not refused: the flag is the protocol's (§8). But a command line is no place for a secret.
    process.stderr.write(
      'blockforge: a token given with --api-token can be read by other users of this machine in the process list, ' +
        'and `npm run` prints its command line; set BLOCKFORGE_API_TOKEN=<token> in the environment instead\n'
    )
  }
  process.stdout.write(`listening on ${node.url}\n`)
  if (cfg.serveUi !== undefined) {
    // Never the token itself: stdout ends up in terminals' scrollback, logs and CI output.
    const token = node.hasApiToken() ? '?token=<your API token>' : ''
    process.stdout.write(`the desktop UI is at ${node.url}/${token}\n`)
  }

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(`${signal}: stopping\n`)
    node.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`blockforge: stopping failed: ${e instanceof Error ? e.message : String(e)}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()
