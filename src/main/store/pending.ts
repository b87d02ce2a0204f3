/**
 * The pending pool as kept across restarts: transactions in the order they were accepted, as
 * their wire JSON. The pool itself (mempool/pool.ts) decides what is in it; this only keeps it.
 */
import { txToWire, type Transaction, type TransactionWire } from '../core'
import { txFromWire } from './rows'
import { pluck, prepare, type Db } from './statements'

function statements(db: Db) {
  return {
    all: pluck<[], string>(db, 'SELECT tx FROM pending ORDER BY seq'),
    append: prepare<[id: string, tx: string]>(
      db,
      'INSERT OR IGNORE INTO pending (id, seq, tx) VALUES (?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM pending), ?)'
    ),
    insert: prepare<[id: string, seq: number, tx: string]>(
      db,
      'INSERT INTO pending (id, seq, tx) VALUES (?, ?, ?)'
    )
  }
}

export class PendingRepository {
  private readonly q: ReturnType<typeof statements>

  constructor(private readonly db: Db) {
    this.q = statements(db)
  }

  load(): Transaction[] {
    return this.q.all.all().map((r) => txFromWire(JSON.parse(r) as TransactionWire))
  }

  add(tx: Transaction): void {
    this.q.append.run(tx.id, JSON.stringify(txToWire(tx)))
  }

  /** Replace the whole persisted pool (after a new tip), in one transaction. */
  replace(txs: readonly Transaction[]): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM pending')
      txs.forEach((t, i) => this.q.insert.run(t.id, i + 1, JSON.stringify(txToWire(t))))
    })()
  }
}
