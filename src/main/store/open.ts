/**
 * Opening the database file of a data dir: refusing what must not be opened (a lost chain
 * beside a wallet, another program's database, a dir another process holds), taking the
 * exclusive lock, and telling a damaged file apart from a disk that cannot be written.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { WALLET_FILE } from '../wallet/wallet'
import {
  ChainLostError,
  ForeignDatabaseError,
  notWritable,
  StoreDamagedError,
  storageFaultOf
} from './faults'
import { pluck, type Db } from './statements'

export const DB_FILE = 'blockforge.sqlite'
/**
 * WAL pages between automatic checkpoints: SQLite's default, set here so that the bulk figure
 * below is restored to it.
 */
export const WAL_CHECKPOINT_PAGES = 1000
/**
 * The same inside a batch of chain changes (a catch-up's chunk, SqliteChainStore.batch). Its
 * blocks' random keys (block hashes, transaction ids) dirty pages all over the indexes, and each
 * checkpoint copies those pages into the main file: at 1,000 pages the same hot pages were copied
 * again every 4 MB of WAL. At 4,096 pages (16 MiB at SQLite's 4 KiB pages) connecting 5,000
 * blocks with 20,000 transfers took 1,060 ms against 1,293 ms (medians of 5 alternating runs).
 * Only a batch's commit uses it: a node that mines or takes blocks one by one checkpoints as
 * before, and the first ordinary commit after a catch-up checkpoints what it left in the WAL.
 */
export const BULK_WAL_CHECKPOINT_PAGES = 4096

/** The data dir is held by another process; opening it would corrupt nothing, but we refuse. */
export class StoreLockedError extends Error {
  constructor(dir: string) {
    super(`the data dir ${dir} is in use by another Blockforge process`)
    this.name = 'StoreLockedError'
  }
}

export class NetworkMismatchError extends Error {
  constructor(dir: string, has: string, wants: string) {
    super(`the data dir ${dir} holds the ${has} network, not ${wants}`)
    this.name = 'NetworkMismatchError'
  }
}

/** Damaged-file errors from SQLite become StoreDamagedError (one line, naming the file). */
export function damagedOr(e: unknown, file: string): unknown {
  const f = storageFaultOf(e)
  if (f?.fault !== 'damaged') return e
  // An I/O error on a data dir that cannot be written is that (headless explains EROFS, EACCES).
  const ro = f.code.startsWith('SQLITE_IOERR') ? notWritable(dirname(file)) : undefined
  if (ro !== undefined) return ro
  return new StoreDamagedError(
    file,
    `${f.code}: ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}`
  )
}

/**
 * SQLite's quick_check: every page, b-tree and record format, without cross-checking indexes
 * against their tables (that is integrity_check, several times slower). Measured in
 * docs/benchmarks.md on a 100,000-block store.
 */
export function checkIntegrity(db: Db, file: string): void {
  const rows = db.pragma('quick_check(3)', { simple: false }) as { quick_check: string }[]
  const found = rows.map((r) => r.quick_check.replace(/\s+/g, ' ').trim())
  if (found.length !== 1 || found[0] !== 'ok')
    throw new StoreDamagedError(file, found.join('; ').slice(0, 300))
}

export interface OpenHandle {
  db: Db
  file: string
  /** The last process did not close the store: check the file before trusting it. */
  unclean: boolean
}

/**
 * Open (creating if needed) the database file in `dataDir`, locked for this process, in WAL
 * mode, before any schema is read or written. The connection takes an exclusive lock that the
 * OS releases if the process dies, so a second process gets StoreLockedError instead of a share
 * in a store it would corrupt.
 */
export function openHandle(dataDir: string): OpenHandle {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, DB_FILE)
  // SQLite takes an empty file for a new database. Beside a wallet, an empty file is what is
  // left of a chain a crash or a failing disk lost: starting a new chain from genesis over it
  // would hide that, so it is refused. (A missing file is how a person asks for a fresh chain.)
  if (existsSync(file) && statSync(file).size === 0 && existsSync(join(dataDir, WALLET_FILE))) {
    throw new ChainLostError(file, join(dataDir, WALLET_FILE))
  }
  // A -wal file with frames in it, left at open, means the last process did not close the
  // store (killed, power cut; a clean close checkpoints and deletes it): that is when a file is
  // most likely damaged, so that is when it is checked. (A reader such as the sqlite3 shell
  // may leave an empty one.)
  const unclean = (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0
  let db: Db
  try {
    db = new Database(file, { timeout: 0 })
  } catch (e) {
    throw damagedOr(e, file)
  }
  try {
    // Exclusive locking before WAL: no shared-memory index, and no other process may read or
    // write while we run. synchronous=NORMAL in WAL survives a killed process (not power loss).
    db.pragma('locking_mode = EXCLUSIVE')
    // Before anything writes to the file (WAL mode is recorded in its header): a database with
    // tables but no schema version of ours is another program's, and is left as it is.
    if ((db.pragma('user_version', { simple: true }) as number) === 0) {
      const tables = pluck<[], string>(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table'"
      ).all()
      if (tables.length > 0) throw new ForeignDatabaseError(file, tables)
    }
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
    db.exec('BEGIN IMMEDIATE; COMMIT')
  } catch (e) {
    db.close()
    if (e instanceof ForeignDatabaseError) throw e
    if (e instanceof Error && /locked|busy/i.test(e.message)) throw new StoreLockedError(dataDir)
    throw damagedOr(e, file)
  }
  return { db, file, unclean }
}
