/**
 * The node's persistence: better-sqlite3 in the data dir, WAL mode. Owns the database handle;
 * everything the node keeps across restarts goes through here. Chain changes are single
 * transactions, so a process killed at any instant restarts on a consistent tip.
 */
import { existsSync, mkdirSync, statfsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import {
  EMPTY_ACCOUNT,
  type Account,
  type Block,
  type Transaction,
  type TransactionWire,
  txToWire
} from '../core'
import type { ChainChange, ChainStore, HeaderEntry, StoredBlock } from '../chain/store'
import { WALLET_FILE } from '../wallet/wallet'
import { ChainLostError, ForeignDatabaseError, notWritable, StoreDamagedError, storageFaultOf } from './faults'
import { migrate } from './schema'

export const DB_FILE = 'blockforge.sqlite'

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
function damagedOr(e: unknown, file: string): unknown {
  const f = storageFaultOf(e)
  if (f?.fault !== 'damaged') return e
  // An I/O error on a data dir that cannot be written is that (headless explains EROFS, EACCES).
  const ro = f.code.startsWith('SQLITE_IOERR') ? notWritable(dirname(file)) : undefined
  if (ro !== undefined) return ro
  return new StoreDamagedError(file, `${f.code}: ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}`)
}

/**
 * SQLite's quick_check: every page, b-tree and record format, without cross-checking indexes
 * against their tables (that is integrity_check, several times slower). Measured in
 * docs/benchmarks.md on a 100,000-block store.
 */
export function checkIntegrity(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check(3)', { simple: false }) as { quick_check: string }[]
  const found = rows.map((r) => r.quick_check.replace(/\s+/g, ' ').trim())
  if (found.length !== 1 || found[0] !== 'ok') throw new StoreDamagedError(file, found.join('; ').slice(0, 300))
}

interface BlockRow {
  hash: string
  height: number
  parent: string
  version: number
  timestamp: number
  merkle_root: string
  difficulty: number
  proof: number
  total_work: string
  tx_count: number
  txs: string
}

type HeaderRow = Omit<BlockRow, 'txs'>

export interface PeerRow {
  url: string
  score: number
  addedAt: number
  lastSeen: number | null
  bannedUntil: number | null
}

export interface BlockSummaryRow {
  hash: string
  height: number
  parent: string
  timestamp: number
  difficulty: number
  tx_count: number
  total_work: string
  miner: string | null
  reward: number | null
  on_main: 0 | 1
}

export interface TxLocation {
  blockHash: string
  height: number
  position: number
}

function txFromWire(w: TransactionWire): Transaction {
  return {
    id: w.id,
    sender: w.sender,
    recipient: w.recipient,
    amount: w.amount,
    fee: w.fee,
    nonce: w.nonce,
    publicKey: w.public_key,
    signature: w.signature
  }
}

function headerFromRow(r: HeaderRow): HeaderEntry {
  return {
    hash: r.hash,
    version: r.version,
    index: r.height,
    timestamp: r.timestamp,
    previousHash: r.parent,
    merkleRoot: r.merkle_root,
    difficulty: r.difficulty,
    proof: r.proof,
    totalWork: BigInt(r.total_work),
    txCount: r.tx_count
  }
}

function blockFromRow(r: BlockRow): Block {
  const h = headerFromRow(r)
  return {
    hash: h.hash,
    version: h.version,
    index: h.index,
    timestamp: h.timestamp,
    previousHash: h.previousHash,
    merkleRoot: h.merkleRoot,
    difficulty: h.difficulty,
    proof: h.proof,
    transactions: (JSON.parse(r.txs) as TransactionWire[]).map(txFromWire)
  }
}

const HEADER_COLUMNS =
  'hash, height, parent, version, timestamp, merkle_root, difficulty, proof, total_work, tx_count'

export interface OpenOptions {
  dataDir: string
  network: string
  genesisHash: string
}

export class SqliteStore implements ChainStore {
  readonly db: Database.Database
  private tipCache: HeaderEntry | undefined
  private readonly q

  private constructor(db: Database.Database) {
    this.db = db
    this.q = {
      header: db.prepare(`SELECT ${HEADER_COLUMNS} FROM blocks WHERE hash = ?`),
      block: db.prepare('SELECT * FROM blocks WHERE hash = ?'),
      has: db.prepare('SELECT 1 FROM blocks WHERE hash = ?').pluck(),
      mainHash: db.prepare('SELECT hash FROM main_chain WHERE height = ?').pluck(),
      tipHeight: db.prepare('SELECT MAX(height) FROM main_chain').pluck(),
      children: db.prepare('SELECT hash FROM blocks WHERE parent = ?').pluck(),
      account: db.prepare('SELECT balance, nonce FROM accounts WHERE address = ?'),
      insertBlock: db.prepare(
        `INSERT INTO blocks (${HEADER_COLUMNS}, txs, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ),
      setMain: db.prepare('INSERT OR REPLACE INTO main_chain (height, hash) VALUES (?, ?)'),
      unsetMain: db.prepare('DELETE FROM main_chain WHERE height = ?'),
      putAccount: db.prepare(
        'INSERT INTO accounts (address, balance, nonce) VALUES (?, ?, ?) ON CONFLICT(address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce'
      ),
      delAccount: db.prepare('DELETE FROM accounts WHERE address = ?'),
      addTx: db.prepare('INSERT OR REPLACE INTO tx_index (id, block_hash, height, position) VALUES (?, ?, ?, ?)'),
      delTx: db.prepare('DELETE FROM tx_index WHERE id = ?'),
      addAddr: db.prepare(
        'INSERT OR REPLACE INTO address_tx (address, height, position, id) VALUES (?, ?, ?, ?)'
      ),
      delAddr: db.prepare('DELETE FROM address_tx WHERE address = ? AND height = ? AND position = ?'),
      txLoc: db.prepare('SELECT block_hash AS blockHash, height, position FROM tx_index WHERE id = ?'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
    }
  }

  /**
   * Open (creating if needed) the store in `dataDir`. The connection takes an exclusive lock that
   * the OS releases if the process dies, so a second process gets StoreLockedError instead of a
   * share in a store it would corrupt.
   */
  static open(opts: OpenOptions): SqliteStore {
    mkdirSync(opts.dataDir, { recursive: true })
    const file = join(opts.dataDir, DB_FILE)
    // SQLite takes an empty file for a new database. Beside a wallet, an empty file is what is
    // left of a chain a crash or a failing disk lost: starting a new chain from genesis over it
    // would hide that, so it is refused. (A missing file is how a person asks for a fresh chain.)
    if (existsSync(file) && statSync(file).size === 0 && existsSync(join(opts.dataDir, WALLET_FILE))) {
      throw new ChainLostError(file, join(opts.dataDir, WALLET_FILE))
    }
    // A -wal file with frames in it, left at open, means the last process did not close the
    // store (killed, power cut; a clean close checkpoints and deletes it): that is when a file is
    // most likely damaged, so that is when it is checked. (A reader such as the sqlite3 shell
    // may leave an empty one.)
    const unclean = (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0
    let db: Database.Database
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
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
        if (tables.length > 0) throw new ForeignDatabaseError(file, tables)
      }
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.exec('BEGIN IMMEDIATE; COMMIT')
    } catch (e) {
      db.close()
      if (e instanceof ForeignDatabaseError) throw e
      if (e instanceof Error && /locked|busy/i.test(e.message)) throw new StoreLockedError(opts.dataDir)
      throw damagedOr(e, file)
    }
    try {
      if (unclean) checkIntegrity(db, file)
      migrate(db)
      const store = new SqliteStore(db)
      const network = store.getMeta('network')
      if (network === undefined) {
        store.setMeta('network', opts.network)
        store.setMeta('genesis_hash', opts.genesisHash)
      } else if (network !== opts.network || store.getMeta('genesis_hash') !== opts.genesisHash) {
        throw new NetworkMismatchError(opts.dataDir, network, opts.network)
      }
      return store
    } catch (e) {
      db.close()
      throw damagedOr(e, file)
    }
  }

  /**
   * Whether a write of about `bytes` fits now (the full-disk probe): the file system must have
   * that much free, and SQLite must be able to grow the database by it (which is also what
   * max_page_count limits); the rows are written inside a transaction that is rolled back.
   * Throws what SQLite throws for anything but a full or read-only disk.
   */
  hasRoom(bytes = 256 * 1024): boolean {
    const fs = statfsSync(this.db.name)
    if (fs.bavail * fs.bsize < bytes) return false
    const probe = new Error('probe')
    try {
      this.db.transaction(() => {
        this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('space_probe', zeroblob(?))").run(bytes)
        throw probe
      })()
    } catch (e) {
      if (e === probe) return true
      if (storageFaultOf(e)?.fault === 'full') return false
      throw e
    }
    return true
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  getMeta(key: string): string | undefined {
    return this.q.getMeta.get(key) as string | undefined
  }

  setMeta(key: string, value: string): void {
    this.q.setMeta.run(key, value)
  }

  // ---- ChainStore -------------------------------------------------------------------------

  getHeader(hash: string): HeaderEntry | undefined {
    const r = this.q.header.get(hash) as HeaderRow | undefined
    return r && headerFromRow(r)
  }

  getBlock(hash: string): Block | undefined {
    const r = this.q.block.get(hash) as BlockRow | undefined
    return r && blockFromRow(r)
  }

  hasBlock(hash: string): boolean {
    return this.q.has.get(hash) !== undefined
  }

  getMainHash(index: number): string | undefined {
    return this.q.mainHash.get(index) as string | undefined
  }

  /** A transaction opened by someone else than batch(): what is read in it must not be cached. */
  inTransaction(): boolean {
    return this.db.inTransaction && !this.batching
  }

  private batching = false

  /**
   * Run `fn` (several chain changes, e.g. a batch of blocks while catching up) in one
   * transaction: one commit instead of one per block. Reads inside it may be cached, because on
   * a rollback the store forgets its cached tip here, and the caller must make the chain forget
   * its caches (Chain.forgetCaches) before going on. Inside another transaction it just runs.
   */
  batch<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn()
    this.batching = true
    try {
      return this.db.transaction(fn)()
    } catch (e) {
      this.tipCache = undefined
      throw e
    } finally {
      this.batching = false
    }
  }

  tip(): HeaderEntry {
    // Inside a caller's transaction the tip may still be rolled back: read it, do not cache it.
    if (this.tipCache !== undefined && !this.inTransaction()) return this.tipCache
    const height = this.q.tipHeight.get() as number | null
    if (height === null) throw new Error('the store has no chain yet (initGenesis first)')
    const t = this.getHeader(this.getMainHash(height)!)
    if (t === undefined) throw new Error(`store is inconsistent: main block ${height} missing`)
    this.tipCache = this.inTransaction() ? undefined : t
    return t
  }

  childrenOf(hash: string): string[] {
    return this.q.children.all(hash) as string[]
  }

  account(address: string): Account {
    return (this.q.account.get(address) as Account | undefined) ?? EMPTY_ACCOUNT
  }

  initGenesis(genesis: Block, work: bigint): void {
    if ((this.q.tipHeight.get() as number | null) !== null) return
    this.db.transaction(() => {
      this.insertBlock({ block: genesis, totalWork: work })
      this.connectBlock(genesis)
    })()
    this.tipCache = undefined
  }

  addSideBlock(b: StoredBlock): void {
    this.insertBlock(b)
  }

  applyChange(change: ChainChange): void {
    this.db.transaction(() => {
      if (change.add) this.insertBlock(change.add)
      for (const b of change.disconnect) this.disconnectBlock(b)
      for (const b of change.connect) this.connectBlock(b)
      for (const [address, acc] of change.accounts) {
        // An account back at zero is removed, so the table equals a replay of the main chain.
        if (acc.balance === 0 && acc.nonce === 0) this.q.delAccount.run(address)
        else this.q.putAccount.run(address, acc.balance, acc.nonce)
      }
    })()
    this.tipCache = undefined
  }

  private insertBlock({ block: b, totalWork }: StoredBlock): void {
    this.q.insertBlock.run(
      b.hash,
      b.index,
      b.previousHash,
      b.version,
      b.timestamp,
      b.merkleRoot,
      b.difficulty,
      b.proof,
      totalWork.toString(),
      b.transactions.length,
      JSON.stringify(b.transactions.map(txToWire)),
      Date.now()
    )
  }

  private connectBlock(b: Block): void {
    this.q.setMain.run(b.index, b.hash)
    b.transactions.forEach((t, i) => {
      this.q.addTx.run(t.id, b.hash, b.index, i)
      if (t.sender !== '0') this.q.addAddr.run(t.sender, b.index, i, t.id)
      this.q.addAddr.run(t.recipient, b.index, i, t.id)
    })
  }

  private disconnectBlock(b: Block): void {
    this.q.unsetMain.run(b.index)
    b.transactions.forEach((t, i) => {
      this.q.delTx.run(t.id)
      if (t.sender !== '0') this.q.delAddr.run(t.sender, b.index, i)
      this.q.delAddr.run(t.recipient, b.index, i)
    })
  }

  // ---- queries for the API ---------------------------------------------------------------

  /** Main-chain blocks with index in [from, from + limit), ascending. */
  mainBlocks(from: number, limit: number): Block[] {
    const rows = this.db
      .prepare(
        'SELECT b.* FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height >= ? ORDER BY m.height LIMIT ?'
      )
      .all(from, limit) as BlockRow[]
    return rows.map(blockFromRow)
  }

  private wireRows: Database.Statement | undefined

  /**
   * Main-chain blocks with index above `afterHeight`, ascending, each as its wire JSON text
   * (blockToWire's fields in its order, exactly what JSON.stringify(blockToWire(b)) gives),
   * written straight from the row: the `txs` column already is the transactions' wire JSON, so
   * no block object is built. Reads one row at a time and stops once `maxBytes` of JSON are
   * read (always at least one block), so a page costs the same whatever the chain's length or
   * its blocks' size. The statement is finished before returning: the connection stays free
   * for writes between pages (better-sqlite3 refuses writes while a statement iterates).
   */
  mainBlockJson(afterHeight: number, maxBytes: number): { height: number; hash: string; parent: string; json: string }[] {
    this.wireRows ??= this.db.prepare(
      `SELECT m.height, b.hash, b.parent, b.version, b.timestamp, b.merkle_root, b.difficulty, b.proof, b.txs
       FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height > ? ORDER BY m.height`
    )
    const out: { height: number; hash: string; parent: string; json: string }[] = []
    let bytes = 0
    for (const r of this.wireRows.iterate(afterHeight) as IterableIterator<BlockRow>) {
      const json = wireJson(r)
      out.push({ height: r.height, hash: r.hash, parent: r.parent, json })
      bytes += json.length
      if (bytes >= maxBytes) break // leaving the loop finishes (resets) the statement
    }
    return out
  }

  private wireSlice: Database.Statement | undefined

  /**
   * Main-chain blocks with index in [from, from + limit), ascending, each as its wire JSON text
   * (as mainBlockJson: JSON.stringify(blockToWire(b)) without building the block), for paged
   * GET /chain and GET /blocks: a page of 500 costs a few milliseconds instead of 10-20.
   */
  mainBlockJsonSlice(from: number, limit: number): string[] {
    this.wireSlice ??= this.db.prepare(
      `SELECT m.height, b.hash, b.parent, b.version, b.timestamp, b.merkle_root, b.difficulty, b.proof, b.txs
       FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height >= ? ORDER BY m.height LIMIT ?`
    )
    return (this.wireSlice.all(from, limit) as BlockRow[]).map(wireJson)
  }

  /**
   * Summaries for lists: header fields, whether on the main chain, and the coinbase's recipient
   * and amount read inside SQLite (so a page of blocks does not parse every transaction).
   */
  summaries(where: 'main-desc' | 'range', a: number, b: number): BlockSummaryRow[] {
    const cols = `b.hash, b.height, b.parent, b.timestamp, b.difficulty, b.tx_count, b.total_work,
      json_extract(b.txs, '$[0].recipient') AS miner, json_extract(b.txs, '$[0].amount') AS reward,
      (m.hash IS NOT NULL) AS on_main`
    const sql =
      where === 'main-desc'
        ? `SELECT ${cols} FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height <= ? ORDER BY m.height DESC LIMIT ?`
        : `SELECT ${cols} FROM blocks b LEFT JOIN main_chain m ON m.hash = b.hash WHERE b.height BETWEEN ? AND ? ORDER BY b.height, on_main DESC`
    return this.db.prepare(sql).all(a, b) as BlockSummaryRow[]
  }

  txLocation(id: string): TxLocation | undefined {
    return this.q.txLoc.get(id) as TxLocation | undefined
  }

  /** Main-chain transaction ids touching `address`, newest first. */
  addressHistory(address: string, offset: number, limit: number): { ids: TxLocation[]; total: number } {
    const total = this.db
      .prepare('SELECT COUNT(*) FROM address_tx WHERE address = ?')
      .pluck()
      .get(address) as number
    const rows = this.db
      .prepare(
        'SELECT a.height, a.position, t.block_hash AS blockHash FROM address_tx a JOIN tx_index t ON t.id = a.id WHERE a.address = ? ORDER BY a.height DESC, a.position DESC LIMIT ? OFFSET ?'
      )
      .all(address, limit, offset) as TxLocation[]
    return { ids: rows, total }
  }

  countBlocks(): number {
    return this.db.prepare('SELECT COUNT(*) FROM blocks').pluck().get() as number
  }

  /** Every account with a non-zero balance or nonce (tests, replay checks). */
  allAccounts(): Map<string, Account> {
    const rows = this.db.prepare('SELECT address, balance, nonce FROM accounts').all() as {
      address: string
      balance: number
      nonce: number
    }[]
    return new Map(rows.map((r) => [r.address, { balance: r.balance, nonce: r.nonce }]))
  }

  // ---- pending pool ------------------------------------------------------------------------

  loadPending(): Transaction[] {
    const rows = this.db.prepare('SELECT tx FROM pending ORDER BY seq').pluck().all() as string[]
    return rows.map((r) => txFromWire(JSON.parse(r) as TransactionWire))
  }

  addPending(tx: Transaction): void {
    this.db
      .prepare('INSERT OR IGNORE INTO pending (id, seq, tx) VALUES (?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM pending), ?)')
      .run(tx.id, JSON.stringify(txToWire(tx)))
  }

  /** Replace the whole persisted pool (after a new tip), in one transaction. */
  replacePending(txs: readonly Transaction[]): void {
    const ins = this.db.prepare('INSERT INTO pending (id, seq, tx) VALUES (?, ?, ?)')
    this.db.transaction(() => {
      this.db.exec('DELETE FROM pending')
      txs.forEach((t, i) => ins.run(t.id, i + 1, JSON.stringify(txToWire(t))))
    })()
  }

  // ---- peers and settings -----------------------------------------------------------------

  listPeers(): PeerRow[] {
    return this.db
      .prepare(
        'SELECT url, score, added_at AS addedAt, last_seen AS lastSeen, banned_until AS bannedUntil FROM peers ORDER BY added_at'
      )
      .all() as PeerRow[]
  }

  /**
   * Told of a storage fault in a best-effort write (peer records), which then does not throw:
   * on a full disk a peer's latest score is lost, not the node. NodeService sets it.
   */
  onBestEffortFault: ((e: unknown) => boolean) | undefined

  private bestEffort(fn: () => void): void {
    try {
      fn()
    } catch (e) {
      if (this.onBestEffortFault?.(e) !== true) throw e
    }
  }

  putPeer(p: PeerRow): void {
    this.bestEffort(() =>
      this.db
        .prepare(
          'INSERT OR REPLACE INTO peers (url, score, added_at, last_seen, banned_until) VALUES (?, ?, ?, ?, ?)'
        )
        .run(p.url, p.score, p.addedAt, p.lastSeen, p.bannedUntil)
    )
  }

  deletePeer(url: string): void {
    this.bestEffort(() => this.db.prepare('DELETE FROM peers WHERE url = ?').run(url))
  }

  getSetting(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as
      | string
      | undefined
  }

  putSetting(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value)
  }
}

/**
 * A block row as its wire JSON text: blockToWire's fields in its order, exactly what
 * JSON.stringify(blockToWire(b)) gives; the `txs` column already is the transactions' wire JSON.
 * Hashes are checked hex before they are stored; JSON.stringify keeps the text right anyway.
 */
function wireJson(r: BlockRow): string {
  return (
    `{"index":${r.height},"timestamp":${r.timestamp},"transactions":${r.txs},"proof":${r.proof},` +
    `"previous_hash":${JSON.stringify(r.parent)},"merkle_root":${JSON.stringify(r.merkle_root)},` +
    `"difficulty":${r.difficulty},"version":${r.version},"hash":${JSON.stringify(r.hash)}}`
  )
}
