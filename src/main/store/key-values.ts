/**
 * A two-column key/value table: `meta` (what the data dir holds: network, genesis hash) and
 * `settings` (the UI's preferences). Same shape, same statements, one table each.
 */
import { pluck, prepare, type Db } from './statements'

export class KeyValues {
  private readonly q

  constructor(db: Db, table: 'meta' | 'settings') {
    this.q = {
      get: pluck<[key: string], string>(db, `SELECT value FROM ${table} WHERE key = ?`),
      put: prepare<[key: string, value: string]>(
        db,
        `INSERT OR REPLACE INTO ${table} (key, value) VALUES (?, ?)`
      )
    }
  }

  get(key: string): string | undefined {
    return this.q.get.get(key)
  }

  put(key: string, value: string): void {
    this.q.put.run(key, value)
  }
}
