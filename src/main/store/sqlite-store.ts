/**
 * The node's persistence: better-sqlite3 in the data dir, WAL mode. Owns the one database
 * handle and composes the parts that work over it, one concern each:
 * - chain-adapter.ts: the ChainStore port (blocks, main chain, accounts, indexes), every chain
 *   change one transaction, so a process killed at any instant restarts on a consistent tip;
 * - explorer.ts: read-only queries for the UI and the HTTP API;
 * - pending.ts, peers.ts, refusals.ts, key-values.ts: the pending pool, the peer table, the
 *   refusal report, meta and settings; reorgs.ts: the fork history (written by chain-adapter.ts);
 * - open.ts: opening the file (locks, refusals, damage); schema.ts: the tables and migrations.
 * The methods below are the store's one public surface: each hands its call to its part, so
 * callers need not know how the store is divided.
 */
import { statfsSync } from 'node:fs'
import type { Account, Block, Transaction } from '../core'
import type { ChainChange, ChainStore, HeaderEntry, StoredBlock } from '../chain/store'
import { SqliteChainStore } from './chain-adapter'
import { ExplorerQueries, type BlockListing, type TxLocation } from './explorer'
import { storageFaultOf } from './faults'
import { KeyValues } from './key-values'
import { checkIntegrity, damagedOr, NetworkMismatchError, openHandle } from './open'
import { PeerRepository, type PeerRow } from './peers'
import { PendingRepository } from './pending'
import { RefusalRepository } from './refusals'
import { ReorgRepository } from './reorgs'
import { migrate } from './schema'
import { prepare, type Db } from './statements'

export { checkIntegrity, DB_FILE, NetworkMismatchError, StoreLockedError } from './open'
export type { BlockListing, PeerRow, TxLocation }

export interface OpenOptions {
  dataDir: string
  network: string
  genesisHash: string
}

export class SqliteStore implements ChainStore {
  readonly db: Db
  readonly chainState: SqliteChainStore
  readonly explorer: ExplorerQueries
  readonly pending: PendingRepository
  readonly peers: PeerRepository
  readonly refusals: RefusalRepository
  /** The fork history, written by chainState with each reorganisation. */
  readonly reorgs: ReorgRepository
  readonly settings: KeyValues
  private readonly meta: KeyValues
  private readonly spaceProbe

  private constructor(db: Db) {
    this.db = db
    this.reorgs = new ReorgRepository(db)
    this.chainState = new SqliteChainStore(db, this.reorgs)
    this.explorer = new ExplorerQueries(db)
    this.pending = new PendingRepository(db)
    this.peers = new PeerRepository(db)
    this.refusals = new RefusalRepository(db)
    this.settings = new KeyValues(db, 'settings')
    this.meta = new KeyValues(db, 'meta')
    this.spaceProbe = prepare<[bytes: number]>(
      db,
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('space_probe', zeroblob(?))"
    )
  }

  /**
   * Open (creating if needed) the store in `dataDir`: the file (open.ts: StoreLockedError,
   * ChainLostError, ForeignDatabaseError, StoreDamagedError), checked after an unclean stop,
   * migrated, and bound to one network (NetworkMismatchError).
   */
  static open(opts: OpenOptions): SqliteStore {
    const { db, file, unclean } = openHandle(opts.dataDir)
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
        this.spaceProbe.run(bytes)
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
    return this.meta.get(key)
  }

  setMeta(key: string, value: string): void {
    this.meta.put(key, value)
  }

  // ---- ChainStore (chain-adapter.ts) -------------------------------------------------------

  getHeader(hash: string): HeaderEntry | undefined {
    return this.chainState.getHeader(hash)
  }

  getBlock(hash: string): Block | undefined {
    return this.chainState.getBlock(hash)
  }

  hasBlock(hash: string): boolean {
    return this.chainState.hasBlock(hash)
  }

  getMainHash(index: number): string | undefined {
    return this.chainState.getMainHash(index)
  }

  inTransaction(): boolean {
    return this.chainState.inTransaction()
  }

  batch<T>(fn: () => T): T {
    return this.chainState.batch(fn)
  }

  tip(): HeaderEntry {
    return this.chainState.tip()
  }

  childrenOf(hash: string): string[] {
    return this.chainState.childrenOf(hash)
  }

  account(address: string): Account {
    return this.chainState.account(address)
  }

  initGenesis(genesis: Block, work: bigint): void {
    this.chainState.initGenesis(genesis, work)
  }

  addSideBlock(b: StoredBlock): void {
    this.chainState.addSideBlock(b)
  }

  applyChange(change: ChainChange): void {
    this.chainState.applyChange(change)
  }

  // ---- queries for the API (explorer.ts) ---------------------------------------------------

  mainBlocks(from: number, limit: number): Block[] {
    return this.explorer.mainBlocks(from, limit)
  }

  mainBlockJson(
    afterHeight: number,
    maxBytes: number
  ): ReturnType<ExplorerQueries['mainBlockJson']> {
    return this.explorer.mainBlockJson(afterHeight, maxBytes)
  }

  mainBlockJsonSlice(from: number, limit: number): string[] {
    return this.explorer.mainBlockJsonSlice(from, limit)
  }

  listings(where: 'main-desc' | 'range', a: number, b: number): BlockListing[] {
    return this.explorer.listings(where, a, b)
  }

  sideListings(limit: number): BlockListing[] {
    return this.explorer.sideListings(limit)
  }

  txLocation(id: string): TxLocation | undefined {
    return this.explorer.txLocation(id)
  }

  addressHistory(
    address: string,
    offset: number,
    limit: number
  ): { ids: TxLocation[]; total: number } {
    return this.explorer.addressHistory(address, offset, limit)
  }

  countBlocks(): number {
    return this.explorer.countBlocks()
  }

  allAccounts(): Map<string, Account> {
    return this.explorer.allAccounts()
  }

  // ---- pending pool (pending.ts) -----------------------------------------------------------

  loadPending(): Transaction[] {
    return this.pending.load()
  }

  addPending(tx: Transaction): void {
    this.pending.add(tx)
  }

  replacePending(txs: readonly Transaction[]): void {
    this.pending.replace(txs)
  }

  // ---- peers and settings (peers.ts, key-values.ts) ----------------------------------------

  /**
   * Told of a storage fault in a best-effort write (peer records, refusals), which then does
   * not throw: on a full disk a peer's latest score or a refusal is lost, not the node.
   * NodeService sets it.
   */
  get onBestEffortFault(): ((e: unknown) => boolean) | undefined {
    return this.peers.onFault
  }

  set onBestEffortFault(fn: ((e: unknown) => boolean) | undefined) {
    this.peers.onFault = fn
    this.refusals.onFault = fn
  }

  listPeers(): PeerRow[] {
    return this.peers.list()
  }

  putPeer(p: PeerRow): void {
    this.peers.put(p)
  }

  deletePeer(url: string): void {
    this.peers.delete(url)
  }

  getSetting(key: string): string | undefined {
    return this.settings.get(key)
  }

  putSetting(key: string, value: string): void {
    this.settings.put(key, value)
  }
}
