/**
 * The fork history as kept across restarts: the newest MAX_REORGS reorganisations of this node's
 * main chain (chain/reorg-record.ts says what each holds). A record is written by the chain
 * adapter inside the transaction of the change it describes, so the history and the chain never
 * disagree, even after a kill; this file owns the table's statements and its reads.
 */
import type { ReorgRecord } from '../chain/reorg-record'
import { MAX_REORGS } from '../../shared/api'
import { pluck, prepare, type Db } from './statements'

/** How many reorganisations are kept (MAX_REORGS), the oldest going first. */
export { MAX_REORGS }

export interface StoredReorg extends ReorgRecord {
  /** Its number in this data dir's history, counting from 1. */
  readonly seq: number
}

function statements(db: Db) {
  return {
    add: prepare<[at: number, forkIndex: number, newTip: string, record: string]>(
      db,
      'INSERT INTO reorgs (at, fork_index, new_tip, record) VALUES (?, ?, ?, ?)'
    ),
    trim: prepare<[keep: number]>(
      db,
      'DELETE FROM reorgs WHERE seq IN (SELECT seq FROM reorgs ORDER BY seq DESC LIMIT -1 OFFSET ?)'
    ),
    page: prepare<[limit: number, offset: number], { seq: number; record: string }>(
      db,
      'SELECT seq, record FROM reorgs ORDER BY seq DESC LIMIT ? OFFSET ?'
    ),
    count: pluck<[], number>(db, 'SELECT COUNT(*) FROM reorgs')
  }
}

export class ReorgRepository {
  private readonly q: ReturnType<typeof statements>

  constructor(
    db: Db,
    private readonly keep = MAX_REORGS
  ) {
    this.q = statements(db)
  }

  /**
   * Adds a record and drops what falls past the bound. Called inside the chain change's
   * transaction (chain-adapter.ts): it opens none of its own, and a failure rolls the change back.
   */
  addInChange(r: ReorgRecord): void {
    this.q.add.run(r.at, r.forkIndex, r.newTip.hash, JSON.stringify(r))
    this.q.trim.run(this.keep)
  }

  /** Newest first. */
  page(offset: number, limit: number): { records: StoredReorg[]; total: number } {
    const records = this.q.page
      .all(limit, offset)
      .map((row) => ({ ...(JSON.parse(row.record) as ReorgRecord), seq: row.seq }))
    return { records, total: this.q.count.get() ?? 0 }
  }
}
