/**
 * The refusal report as kept across restarts: the newest MAX_REFUSALS blocks and transactions
 * this node refused, each with the rule, what the rule compared, where it came from and what it
 * cost that peer. Written in batches by node/refusals.ts; the writes are best effort, as the
 * peer table's: on a full disk a refusal is lost, not the node.
 */
import type { RuleCode, RuleName } from '../core'
import { pluck, prepare, type Db } from './statements'

/**
 * How many refusals are kept of each kind of sender, the oldest going first: those posted to
 * this node over HTTP (anyone can post, under any name) and the rest (fetched from a peer, the
 * wallet's, the miner's). A flood of posts cannot push out what peers were refused.
 */
export const MAX_REFUSALS = 1_000

/** Whether a refusal came from anyone who can reach the node (a post), not a peer we asked. */
export const isPosted = (via: string | null): boolean => via === 'http'

export interface RefusalRow {
  at: number
  what: 'block' | 'transaction'
  code: RuleCode
  /** For a block, the rule it broke (none for invalid_field). */
  rule: RuleName | null
  message: string
  /** The block's hash or the transaction's id. */
  itemId: string
  height: number | null
  via: string | null
  /** A peer's URL, else how it came: 'http', 'wallet', 'mined'. */
  source: string
  facts: Record<string, string | number>
  /** Points the sending peer lost for it (null: it was not scored). */
  scoreCost: number | null
  scoreAfter: number | null
  banned: boolean
}

export interface RefusalFilter {
  what?: 'block' | 'transaction'
  code?: RuleCode
  source?: string
}

interface Stored extends Omit<RefusalRow, 'facts' | 'banned'> {
  seq: number
  facts: string
  banned: number
}

const COLUMNS =
  'seq, at, what, code, rule, message, item_id AS itemId, height, via, source, facts, score_cost AS scoreCost, score_after AS scoreAfter, banned'
/** A filter's three optional conditions: a NULL parameter leaves its condition out. */
const WHERE =
  '(@what IS NULL OR what = @what) AND (@code IS NULL OR code = @code) AND (@source IS NULL OR source = @source)'

interface FilterParams {
  what: string | null
  code: string | null
  source: string | null
}

function statements(db: Db) {
  return {
    add: prepare<
      [
        at: number,
        what: string,
        code: string,
        rule: string | null,
        message: string,
        itemId: string,
        height: number | null,
        via: string | null,
        source: string,
        facts: string,
        scoreCost: number | null,
        scoreAfter: number | null,
        banned: number
      ]
    >(
      db,
      'INSERT INTO refusals (at, what, code, rule, message, item_id, height, via, source, facts, score_cost, score_after, banned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    ),
    trim: prepare<[{ posted: number; keep: number }]>(
      db,
      "DELETE FROM refusals WHERE seq IN (SELECT seq FROM refusals WHERE (via IS 'http') = @posted ORDER BY seq DESC LIMIT -1 OFFSET @keep)"
    ),
    page: prepare<[FilterParams & { limit: number; offset: number }], Stored>(
      db,
      `SELECT ${COLUMNS} FROM refusals WHERE ${WHERE} ORDER BY seq DESC LIMIT @limit OFFSET @offset`
    ),
    count: pluck<[FilterParams], number>(db, `SELECT COUNT(*) FROM refusals WHERE ${WHERE}`),
    sources: pluck<[], string>(db, 'SELECT DISTINCT source FROM refusals ORDER BY source')
  }
}

export class RefusalRepository {
  private readonly q: ReturnType<typeof statements>
  /** As PeerRepository.onFault: a storage fault it answers true for is not thrown. */
  onFault: ((e: unknown) => boolean) | undefined

  constructor(
    private readonly db: Db,
    private readonly keep = MAX_REFUSALS
  ) {
    this.q = statements(db)
  }

  /** Adds `rows` (oldest first) and drops what falls past the bound, in one transaction. */
  add(rows: readonly RefusalRow[]): void {
    if (rows.length === 0) return
    try {
      this.db.transaction(() => {
        for (const r of rows) {
          this.q.add.run(
            r.at,
            r.what,
            r.code,
            r.rule,
            r.message,
            r.itemId,
            r.height,
            r.via,
            r.source,
            JSON.stringify(r.facts),
            r.scoreCost,
            r.scoreAfter,
            r.banned ? 1 : 0
          )
        }
        for (const posted of [0, 1]) this.q.trim.run({ posted, keep: this.keep })
      })()
    } catch (e) {
      if (this.onFault?.(e) !== true) throw e
    }
  }

  /** Newest first. */
  page(f: RefusalFilter, offset: number, limit: number): { rows: RefusalRow[]; total: number } {
    const params: FilterParams = {
      what: f.what ?? null,
      code: f.code ?? null,
      source: f.source ?? null
    }
    const rows = this.q.page
      .all({ ...params, limit, offset })
      .map(({ seq: _seq, facts, banned, ...r }): RefusalRow => ({
        ...r,
        facts: JSON.parse(facts) as RefusalRow['facts'],
        banned: banned === 1
      }))
    return { rows, total: this.q.count.get(params) ?? 0 }
  }

  /** Every source that has a refusal on record, for the report's filter. */
  sources(): string[] {
    return this.q.sources.all()
  }
}
