/**
 * One line for a person saying why a node could not start (port in use, data dir not writable,
 * locked by another node, disk full...), from what startNode threw. The headless node prints it
 * on stderr; the desktop app shows it in an error dialog.
 */

/**
 * A bad command line or start option (config.ts parses, startNode checks again); its message is
 * one line for a person. Here, beside explain, so that config.ts and run.ts both import it from
 * below them and neither imports the other.
 */
import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** What is wrong with a data dir path that has a file where a folder should be: it, or a parent. */
function fileInTheWay(dataDir: string): string {
  for (let p = resolve(dataDir); ; p = dirname(p)) {
    if (existsSync(p)) {
      return p === resolve(dataDir) || statSync(p).isDirectory()
        ? 'is not a folder'
        : `cannot be made: ${p} is a file, not a folder`
    }
    if (dirname(p) === p) return 'is not a folder'
  }
}

export function explain(e: unknown, cfg: { host: string; port: number; dataDir: string }): string {
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
      return `the data dir ${cfg.dataDir} ${fileInTheWay(cfg.dataDir)}`
    case 'ENOENT':
      // mkdir of a data dir under a read-only or missing parent.
      if (err.syscall === 'mkdir')
        return `the data dir ${cfg.dataDir} cannot be created (${err.code}): its parent folder is missing or read-only`
      break
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return `the disk holding the data dir ${cfg.dataDir} is full (${err.code}): free some space and start the node again`
  }
  // Store and wallet errors are written as one line naming the file and what to do.
  const oneLiners = [
    'StoreLockedError',
    'NetworkMismatchError',
    'StoreDamagedError',
    'ChainLostError',
    'ForeignDatabaseError',
    'WalletFileError'
  ]
  if (oneLiners.includes(err?.name)) return err.message
  if (err?.code === 'SQLITE_CANTOPEN' || err?.code?.startsWith('SQLITE_READONLY')) {
    return `the data dir ${cfg.dataDir} is not writable (${err.code})`
  }
  return err instanceof Error ? err.message.split('\n')[0] : String(e)
}
