/**
 * What can go wrong with the disk under a node, told apart by the error codes SQLite and the OS
 * give: a full disk (or one that became read-only) is a pause that ends when space returns; a
 * damaged file is not, and only a person can mend it. Also the errors that refuse to open a data
 * dir whose chain is damaged or lost: one line each, naming the file and what to do (a wallet
 * file that cannot be read: WalletFileError in wallet/wallet.ts).
 */
import { accessSync, constants } from 'node:fs'
import type { StorageHealth } from '../../shared/api'

export type StorageFault = Exclude<StorageHealth['state'], 'ok'>

/**
 * The fault an error from SQLite (better-sqlite3's SqliteError carries the extended code, e.g.
 * SQLITE_IOERR_WRITE) or from node:fs stands for; undefined for anything else (a bug).
 */
export function storageFaultOf(e: unknown): { fault: StorageFault; code: string } | undefined {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  // SQLite turns ENOSPC into SQLITE_FULL; max_page_count gives the same code.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT')
    return { fault: 'full', code }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return { fault: 'full', code }
  if (
    code.startsWith('SQLITE_CORRUPT') ||
    code === 'SQLITE_NOTADB' ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'EIO'
  ) {
    return { fault: 'damaged', code }
  }
  return undefined
}

/**
 * Why `dir` cannot be written (EROFS, EACCES...), or undefined when it can. SQLite reports a
 * file system that became read-only as an I/O error (SQLITE_IOERR_LOCK, _WRITE): that is not a
 * damaged file, and telling a person to move the file away would be wrong.
 */
export function notWritable(dir: string): NodeJS.ErrnoException | undefined {
  try {
    accessSync(dir, constants.W_OK)
    return undefined
  } catch (e) {
    return e as NodeJS.ErrnoException
  }
}

/** A write refused, or rolled back, because the storage is not healthy: mining and sync pause. */
export class StorageUnavailableError extends Error {
  constructor(readonly health: StorageHealth) {
    super(health.message ?? 'the storage is not available')
    this.name = 'StorageUnavailableError'
  }
}

/** The chain database fails SQLite's own check (or cannot be read at all) when it is opened. */
export class StoreDamagedError extends Error {
  constructor(file: string, detail: string) {
    super(
      `the chain database ${file} is damaged (${detail.replace(/\s+/g, ' ').trim()}); the node did not start. Restore the data dir ` +
        `from a backup, or move ${file} away (keep wallet.json) to download the chain again from peers`
    )
    this.name = 'StoreDamagedError'
  }
}

/** A data dir that holds a wallet but whose chain database is an empty file: the chain was lost. */
export class ChainLostError extends Error {
  constructor(file: string, wallet: string) {
    super(
      `the chain database ${file} is empty (0 bytes) but ${wallet} is there: the chain kept with this wallet ` +
        `was lost, and the node will not start a new one over it. Restore ${file} from a backup, or delete ` +
        `it to download the chain again from peers`
    )
    this.name = 'ChainLostError'
  }
}

/**
 * The chain database file is an SQLite database, but another program's (it has tables and no
 * Blockforge schema version): adding our tables to it would mix two programs' data in one file.
 */
export class ForeignDatabaseError extends Error {
  constructor(file: string, tables: readonly string[]) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '')
    super(
      `${file} is another program's SQLite database (tables: ${shown}), not a Blockforge chain; the node did not ` +
        `start and left it untouched. Move it away, or start the node with another --data-dir`
    )
    this.name = 'ForeignDatabaseError'
  }
}
