/**
 * The ChainStore port (chain/store.ts) over SQLite: blocks, the main-chain index, account state
 * and the transaction and address indexes that follow the main chain. Every change of the chain
 * state is one SQLite transaction (PROTOCOL §6: "never half"), so a process killed at any
 * instant restarts on a consistent tip.
 */
import { EMPTY_ACCOUNT, txToWire, type Account, type Block } from '../core'
import {
  headerEntry,
  type ChainChange,
  type ChainStore,
  type HeaderEntry,
  type StoredBlock
} from '../chain/store'
import { blockFromRow, headerFromRow, HEADER_COLUMNS, type BlockRow, type HeaderRow } from './rows'
import type { ReorgRepository } from './reorgs'
import { BULK_WAL_CHECKPOINT_PAGES, WAL_CHECKPOINT_PAGES } from './open'
import { pluck, prepare, type Db } from './statements'

function statements(db: Db) {
  return {
    header: prepare<[hash: string], HeaderRow>(
      db,
      `SELECT ${HEADER_COLUMNS} FROM blocks WHERE hash = ?`
    ),
    block: prepare<[hash: string], BlockRow>(db, 'SELECT * FROM blocks WHERE hash = ?'),
    has: pluck<[hash: string], 1>(db, 'SELECT 1 FROM blocks WHERE hash = ?'),
    mainHash: pluck<[height: number], string>(db, 'SELECT hash FROM main_chain WHERE height = ?'),
    // One row always: NULL while the main chain is empty.
    tipHeight: pluck<[], number | null>(db, 'SELECT MAX(height) FROM main_chain'),
    children: pluck<[hash: string], string>(db, 'SELECT hash FROM blocks WHERE parent = ?'),
    account: prepare<[address: string], Account>(
      db,
      'SELECT balance, nonce FROM accounts WHERE address = ?'
    ),
    insertBlock: prepare<
      [
        hash: string,
        height: number,
        parent: string,
        version: number,
        timestamp: number,
        merkleRoot: string,
        difficulty: number,
        proof: number,
        totalWork: string,
        txCount: number,
        txs: string,
        receivedAt: number
      ]
    >(
      db,
      `INSERT INTO blocks (${HEADER_COLUMNS}, txs, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    setMain: prepare<[height: number, hash: string]>(
      db,
      'INSERT OR REPLACE INTO main_chain (height, hash) VALUES (?, ?)'
    ),
    unsetMain: prepare<[height: number]>(db, 'DELETE FROM main_chain WHERE height = ?'),
    putAccount: prepare<[address: string, balance: number, nonce: number]>(
      db,
      'INSERT INTO accounts (address, balance, nonce) VALUES (?, ?, ?) ON CONFLICT(address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce'
    ),
    delAccount: prepare<[address: string]>(db, 'DELETE FROM accounts WHERE address = ?'),
    addTx: prepare<[id: string, blockHash: string, height: number, position: number]>(
      db,
      'INSERT OR REPLACE INTO tx_index (id, block_hash, height, position) VALUES (?, ?, ?, ?)'
    ),
    delTx: prepare<[id: string]>(db, 'DELETE FROM tx_index WHERE id = ?'),
    addAddr: prepare<[address: string, height: number, position: number, id: string]>(
      db,
      'INSERT OR REPLACE INTO address_tx (address, height, position, id) VALUES (?, ?, ?, ?)'
    ),
    delAddr: prepare<[address: string, height: number, position: number]>(
      db,
      'DELETE FROM address_tx WHERE address = ? AND height = ? AND position = ?'
    )
  }
}

export class SqliteChainStore implements ChainStore {
  private readonly q: ReturnType<typeof statements>
  private tipCache: HeaderEntry | undefined
  private batching = false
  /**
   * Inside batch(): the accounts the batch changed, written once when it ends (in its
   * transaction). A coinbase-only catch-up rewrote its miner's row once per block.
   */
  private readonly batchAccounts = new Map<string, Account>()

  constructor(
    private readonly db: Db,
    /** Where a reorganisation's record is written, in the change's transaction. */
    private readonly reorgs: ReorgRepository
  ) {
    this.q = statements(db)
  }

  getHeader(hash: string): HeaderEntry | undefined {
    const r = this.q.header.get(hash)
    return r && headerFromRow(r)
  }

  getBlock(hash: string): Block | undefined {
    const r = this.q.block.get(hash)
    return r && blockFromRow(r)
  }

  hasBlock(hash: string): boolean {
    return this.q.has.get(hash) !== undefined
  }

  getMainHash(index: number): string | undefined {
    return this.q.mainHash.get(index)
  }

  /** A transaction opened by someone else than batch(): what is read in it must not be cached. */
  inTransaction(): boolean {
    return this.db.inTransaction && !this.batching
  }

  /**
   * Run `fn` (several chain changes, e.g. a batch of blocks while catching up) in one
   * transaction: one commit instead of one per block, which checkpoints the WAL only past
   * BULK_WAL_CHECKPOINT_PAGES (store/open.ts). Reads inside it may be cached, because on
   * a rollback the store forgets its cached tip here, and the caller must make the chain forget
   * its caches (Chain.forgetCaches) before going on. Inside another transaction it just runs.
   */
  batch<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn()
    this.db.pragma(`wal_autocheckpoint = ${BULK_WAL_CHECKPOINT_PAGES}`)
    this.batching = true
    try {
      return this.db.transaction(() => {
        const r = fn()
        this.flushAccounts()
        return r
      })()
    } catch (e) {
      this.tipCache = undefined
      throw e
    } finally {
      this.batching = false
      this.batchAccounts.clear()
      this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
    }
  }

  tip(): HeaderEntry {
    // Inside a caller's transaction the tip may still be rolled back: read it, do not cache it.
    if (this.tipCache !== undefined && !this.inTransaction()) return this.tipCache
    const height = this.q.tipHeight.get() ?? null
    if (height === null) throw new Error('the store has no chain yet (initGenesis first)')
    const t = this.getHeader(this.getMainHash(height)!)
    if (t === undefined) throw new Error(`store is inconsistent: main block ${height} missing`)
    this.tipCache = this.inTransaction() ? undefined : t
    return t
  }

  childrenOf(hash: string): string[] {
    return this.q.children.all(hash)
  }

  account(address: string): Account {
    return this.batchAccounts.get(address) ?? this.q.account.get(address) ?? EMPTY_ACCOUNT
  }

  private flushAccounts(): void {
    for (const [address, acc] of this.batchAccounts) this.writeAccount(address, acc)
    this.batchAccounts.clear()
  }

  private writeAccount(address: string, acc: Account): void {
    // An account back at zero is removed, so the table equals a replay of the main chain.
    if (acc.balance === 0 && acc.nonce === 0) this.q.delAccount.run(address)
    else this.q.putAccount.run(address, acc.balance, acc.nonce)
  }

  initGenesis(genesis: Block, work: bigint): void {
    if ((this.q.tipHeight.get() ?? null) !== null) return
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
    const write = (): void => {
      if (change.add) this.insertBlock(change.add)
      for (const b of change.disconnect) this.disconnectBlock(b)
      for (const b of change.connect) this.connectBlock(b)
      for (const [address, acc] of change.accounts) {
        if (this.batching) this.batchAccounts.set(address, acc)
        else this.writeAccount(address, acc)
      }
      if (change.reorg) this.reorgs.addInChange(change.reorg)
    }
    // Inside batch() the batch is the unit that commits or rolls back whole (a failed write
    // throws out of it), so a savepoint per change would only cost: about a third of the time
    // of connecting a coinbase-only block went into SAVEPOINT and RELEASE.
    if (this.batching) write()
    else this.db.transaction(write)()
    // The new tip is the block added, when it is the last one connected (always, from Chain):
    // known without reading it back. Anything else is read again when asked for.
    const last = change.connect[change.connect.length - 1]
    this.tipCache =
      change.add !== undefined && last === change.add.block && !this.inTransaction()
        ? headerEntry(change.add.block, change.add.totalWork)
        : undefined
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
}
