/**
 * The peer table as kept across restarts (the peer manager owns the live records). Its writes
 * are best effort: on a full disk a peer's latest score is lost, not the node.
 */
import { prepare, type Db } from './statements'

export interface PeerRow {
  url: string
  score: number
  addedAt: number
  lastSeen: number | null
  bannedUntil: number | null
}

function statements(db: Db) {
  return {
    all: prepare<[], PeerRow>(
      db,
      'SELECT url, score, added_at AS addedAt, last_seen AS lastSeen, banned_until AS bannedUntil FROM peers ORDER BY added_at'
    ),
    put: prepare<
      [
        url: string,
        score: number,
        addedAt: number,
        lastSeen: number | null,
        bannedUntil: number | null
      ]
    >(
      db,
      'INSERT OR REPLACE INTO peers (url, score, added_at, last_seen, banned_until) VALUES (?, ?, ?, ?, ?)'
    ),
    delete: prepare<[url: string]>(db, 'DELETE FROM peers WHERE url = ?')
  }
}

export class PeerRepository {
  private readonly q: ReturnType<typeof statements>

  /**
   * Told of a storage fault in a write, which then does not throw when it answers true
   * (NodeService sets it, through SqliteStore.onBestEffortFault, to its storage health).
   */
  onFault: ((e: unknown) => boolean) | undefined

  constructor(db: Db) {
    this.q = statements(db)
  }

  list(): PeerRow[] {
    return this.q.all.all()
  }

  put(p: PeerRow): void {
    this.bestEffort(() => this.q.put.run(p.url, p.score, p.addedAt, p.lastSeen, p.bannedUntil))
  }

  delete(url: string): void {
    this.bestEffort(() => this.q.delete.run(url))
  }

  private bestEffort(fn: () => void): void {
    try {
      fn()
    } catch (e) {
      if (this.onFault?.(e) !== true) throw e
    }
  }
}
