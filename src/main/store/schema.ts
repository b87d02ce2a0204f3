/**
 * The store's schema and its migrations, one per version (PRAGMA user_version). A data dir written
 * by any earlier version is brought forward step by step in one transaction; one written by a newer
 * Blockforge is refused rather than guessed at.
 */
import type Database from 'better-sqlite3'

export interface MigrateOptions {
  /** Main-chain rows read per slice by a migration that walks the chain (default 1,000). */
  sliceRows?: number
}

type Migration = (db: Database.Database, opts: Required<MigrateOptions>) => void

export const MIGRATIONS: readonly Migration[] = [
  // v1: blocks (main and side), the main-chain index, account state, pending pool, peers, settings.
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE blocks (
        hash TEXT PRIMARY KEY,
        height INTEGER NOT NULL,
        parent TEXT NOT NULL,
        version INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        merkle_root TEXT NOT NULL,
        difficulty INTEGER NOT NULL,
        proof INTEGER NOT NULL,
        total_work TEXT NOT NULL,
        tx_count INTEGER NOT NULL,
        txs TEXT NOT NULL,
        received_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX blocks_parent ON blocks(parent);
      CREATE INDEX blocks_height ON blocks(height);
      CREATE TABLE main_chain (height INTEGER PRIMARY KEY, hash TEXT NOT NULL);
      CREATE TABLE accounts (
        address TEXT PRIMARY KEY,
        balance INTEGER NOT NULL,
        nonce INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE pending (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tx TEXT NOT NULL);
      CREATE TABLE peers (
        url TEXT PRIMARY KEY,
        score INTEGER NOT NULL DEFAULT 0,
        added_at INTEGER NOT NULL,
        last_seen INTEGER,
        banned_until INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `)
  },
  // v2: a transaction index and per-address history for the main chain, backfilled from it.
  (db, opts) => {
    db.exec(`
      CREATE TABLE tx_index (
        id TEXT PRIMARY KEY,
        block_hash TEXT NOT NULL,
        height INTEGER NOT NULL,
        position INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE address_tx (
        address TEXT NOT NULL,
        height INTEGER NOT NULL,
        position INTEGER NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (address, height, position)
      ) WITHOUT ROWID;
    `)
    // Read the main chain in slices: better-sqlite3 cannot write on a connection while one of its
    // statements is still iterating, and a whole-chain .all() would grow with the chain.
    const slice = db.prepare(
      'SELECT b.hash, b.height, b.txs FROM main_chain m JOIN blocks b ON b.hash = m.hash WHERE m.height > ? ORDER BY m.height LIMIT ?'
    )
    const addTx = db.prepare(
      'INSERT INTO tx_index (id, block_hash, height, position) VALUES (?, ?, ?, ?)'
    )
    const addAddr = db.prepare(
      'INSERT OR IGNORE INTO address_tx (address, height, position, id) VALUES (?, ?, ?, ?)'
    )
    for (let after = 0; ;) {
      const rows = slice.all(after, opts.sliceRows) as {
        hash: string
        height: number
        txs: string
      }[]
      if (rows.length === 0) break
      for (const r of rows) {
        const txs = JSON.parse(r.txs) as { id: string; sender: string; recipient: string }[]
        txs.forEach((t, i) => {
          addTx.run(t.id, r.hash, r.height, i)
          if (t.sender !== '0') addAddr.run(t.sender, r.height, i, t.id)
          addAddr.run(t.recipient, r.height, i, t.id)
        })
      }
      after = rows[rows.length - 1].height
    }
  },
  // v3: the refusal report: blocks and transactions this node refused, newest kept (refusals.ts).
  (db) => {
    db.exec(`
      CREATE TABLE refusals (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        what TEXT NOT NULL,
        code TEXT NOT NULL,
        rule TEXT,
        message TEXT NOT NULL,
        item_id TEXT NOT NULL,
        height INTEGER,
        via TEXT,
        source TEXT NOT NULL,
        facts TEXT NOT NULL,
        score_cost INTEGER,
        score_after INTEGER,
        banned INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX refusals_source ON refusals(source);
    `)
  },
  // v4: the fork history: each reorganisation, written with the chain change it made (reorgs.ts).
  (db) => {
    db.exec(`
      CREATE TABLE reorgs (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        fork_index INTEGER NOT NULL,
        new_tip TEXT NOT NULL,
        record TEXT NOT NULL
      );
    `)
  }
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Bring the database to SCHEMA_VERSION (or to `target`, for tests of the migration path). */
export function migrate(
  db: Database.Database,
  target = SCHEMA_VERSION,
  opts: MigrateOptions = {}
): void {
  const o = { sliceRows: opts.sliceRows ?? 1000 }
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `this data dir was written by a newer Blockforge (schema ${current}; this one knows ${SCHEMA_VERSION})`
    )
  }
  if (current >= target) return
  db.transaction(() => {
    for (let v = current; v < target; v++) MIGRATIONS[v](db, o)
    db.pragma(`user_version = ${target}`)
  })()
}
