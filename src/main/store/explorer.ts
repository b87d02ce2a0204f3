/**
 * Read-only queries for the explorer, the UI and the HTTP API: pages of main-chain blocks (as
 * blocks or straight as wire JSON), block summaries, where a transaction is and an address's
 * history. They read the tables the chain adapter (chain-adapter.ts) writes and never write.
 */
import type { Account, Block } from '../core'
import { blockFromRow, wireJson, type BlockRow, type WireRow } from './rows'
import { pluck, prepare, type Db, type Statement } from './statements'

/** A block as lists show it: header fields, where it is, and its coinbase's recipient and amount. */
export interface BlockListing {
  hash: string
  index: number
  previousHash: string
  timestamp: number
  difficulty: number
  txCount: number
  /** Decimal: the chain's work up to and including this block. */
  totalWork: string
  /** The coinbase's recipient and amount (null only for a block without transactions). */
  miner: string | null
  reward: number | null
  onMain: boolean
}

/** The row the listing queries give (SQLite has no boolean: on_main is 0 or 1). */
type ListingRow = Omit<BlockListing, 'onMain'> & { onMain: 0 | 1 }

export interface TxLocation {
  blockHash: string
  height: number
  position: number
}

const WIRE_COLUMNS =
  'm.height, b.hash, b.parent, b.version, b.timestamp, b.merkle_root, b.difficulty, b.proof, b.txs'

const LISTING_COLUMNS = `b.hash, b.height AS "index", b.parent AS previousHash, b.timestamp, b.difficulty,
      b.tx_count AS txCount, b.total_work AS totalWork,
      json_extract(b.txs, '$[0].recipient') AS miner, json_extract(b.txs, '$[0].amount') AS reward,
      (m.hash IS NOT NULL) AS onMain`

function statements(db: Db) {
  return {
    mainBlocks: prepare<[from: number, limit: number], BlockRow>(
      db,
      'SELECT b.* FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height >= ? ORDER BY m.height LIMIT ?'
    ),
    wireAfter: prepare<[afterHeight: number], WireRow>(
      db,
      `SELECT ${WIRE_COLUMNS}
       FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height > ? ORDER BY m.height`
    ),
    wireSlice: prepare<[from: number, limit: number], WireRow>(
      db,
      `SELECT ${WIRE_COLUMNS}
       FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height >= ? ORDER BY m.height LIMIT ?`
    ),
    listingsMainDesc: prepare<[fromHeight: number, limit: number], ListingRow>(
      db,
      `SELECT ${LISTING_COLUMNS} FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height <= ? ORDER BY m.height DESC LIMIT ?`
    ),
    listingsRange: prepare<[from: number, to: number], ListingRow>(
      db,
      // Joined on height (main_chain's integer key) as well as hash: on hash alone SQLite builds
      // an automatic index over the whole main chain for every query (200-370 ms at 100,000
      // blocks, on each Chain screen open); on height it is one key lookup per block.
      `SELECT ${LISTING_COLUMNS} FROM blocks b LEFT JOIN main_chain m ON m.height = b.height AND m.hash = b.hash WHERE b.height BETWEEN ? AND ? ORDER BY b.height, onMain DESC`
    ),
    // The side blocks' hashes come from the height index alone (it holds height and hash: the
    // table is keyed by hash), never from the table's rows with their transactions; the main
    // chain is joined by its integer key. Newest first, so a bound keeps the recent branches.
    sideListings: prepare<[limit: number], ListingRow>(
      db,
      `SELECT ${LISTING_COLUMNS} FROM blocks b LEFT JOIN main_chain m ON m.height = b.height AND m.hash = b.hash
       WHERE b.hash IN (SELECT s.hash FROM blocks s INDEXED BY blocks_height LEFT JOIN main_chain mm ON mm.height = s.height
                        WHERE mm.hash IS NOT s.hash ORDER BY s.height DESC LIMIT ?)
       ORDER BY b.height`
    ),
    txLocation: prepare<[id: string], TxLocation>(
      db,
      'SELECT block_hash AS blockHash, height, position FROM tx_index WHERE id = ?'
    ),
    addressCount: pluck<[address: string], number>(
      db,
      'SELECT COUNT(*) FROM address_tx WHERE address = ?'
    ),
    addressPage: prepare<[address: string, limit: number, offset: number], TxLocation>(
      db,
      'SELECT a.height, a.position, t.block_hash AS blockHash FROM address_tx a JOIN tx_index t ON t.id = a.id WHERE a.address = ? ORDER BY a.height DESC, a.position DESC LIMIT ? OFFSET ?'
    ),
    countBlocks: pluck<[], number>(db, 'SELECT COUNT(*) FROM blocks'),
    accounts: prepare<[], { address: string } & Account>(
      db,
      'SELECT address, balance, nonce FROM accounts'
    )
  }
}

export class ExplorerQueries {
  private readonly q: ReturnType<typeof statements>

  constructor(db: Db) {
    this.q = statements(db)
  }

  /** Main-chain blocks with index in [from, from + limit), ascending. */
  mainBlocks(from: number, limit: number): Block[] {
    return this.q.mainBlocks.all(from, limit).map(blockFromRow)
  }

  /**
   * Main-chain blocks with index above `afterHeight`, ascending, each as its wire JSON text
   * (blockToWire's fields in its order, exactly what JSON.stringify(blockToWire(b)) gives),
   * written straight from the row: the `txs` column already is the transactions' wire JSON, so
   * no block object is built. Reads one row at a time and stops once `maxBytes` of JSON are
   * read (always at least one block), so a page costs the same whatever the chain's length or
   * its blocks' size. The statement is finished before returning: the connection stays free
   * for writes between pages (better-sqlite3 refuses writes while a statement iterates).
   */
  mainBlockJson(
    afterHeight: number,
    maxBytes: number
  ): { height: number; hash: string; parent: string; json: string }[] {
    const out: { height: number; hash: string; parent: string; json: string }[] = []
    let bytes = 0
    for (const r of this.q.wireAfter.iterate(afterHeight)) {
      const json = wireJson(r)
      out.push({ height: r.height, hash: r.hash, parent: r.parent, json })
      bytes += json.length
      if (bytes >= maxBytes) break // leaving the loop finishes (resets) the statement
    }
    return out
  }

  /**
   * Main-chain blocks with index in [from, from + limit), ascending, each as its wire JSON text
   * (as mainBlockJson: JSON.stringify(blockToWire(b)) without building the block), for paged
   * GET /chain and GET /blocks: a page of 500 costs a few milliseconds instead of 10-20.
   */
  mainBlockJsonSlice(from: number, limit: number): string[] {
    return this.q.wireSlice.all(from, limit).map(wireJson)
  }

  /**
   * Listings for lists: header fields, whether on the main chain, and the coinbase's recipient
   * and amount read inside SQLite (so a page of blocks does not parse every transaction).
   * 'main-desc': main-chain blocks from index `a` down, at most `b` of them; 'range': main and
   * side blocks with index in [a, b].
   */
  listings(where: 'main-desc' | 'range', a: number, b: number): BlockListing[] {
    const q: Statement<[number, number], ListingRow> =
      where === 'main-desc' ? this.q.listingsMainDesc : this.q.listingsRange
    return q.all(a, b).map((r) => ({ ...r, onMain: r.onMain === 1 }))
  }

  /** The newest `limit` blocks off the main chain (side branches), ascending by index. */
  sideListings(limit: number): BlockListing[] {
    return this.q.sideListings.all(limit).map((r) => ({ ...r, onMain: r.onMain === 1 }))
  }

  txLocation(id: string): TxLocation | undefined {
    return this.q.txLocation.get(id)
  }

  /** Main-chain transaction ids touching `address`, newest first. */
  addressHistory(
    address: string,
    offset: number,
    limit: number
  ): { ids: TxLocation[]; total: number } {
    const total = this.q.addressCount.get(address)!
    const rows = this.q.addressPage.all(address, limit, offset)
    return { ids: rows, total }
  }

  countBlocks(): number {
    return this.q.countBlocks.get()!
  }

  /** Every account with a non-zero balance or nonce (tests, replay checks). */
  allAccounts(): Map<string, Account> {
    return new Map(
      this.q.accounts.all().map((r) => [r.address, { balance: r.balance, nonce: r.nonce }])
    )
  }
}
