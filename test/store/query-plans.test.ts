/**
 * Every statement the store prepares, read through SQLite's own planner (EXPLAIN QUERY PLAN on
 * a real store file): none may make SQLite build an automatic index. An automatic index is
 * built for one query and thrown away, over a whole table: a join on a column with no index of
 * its own. At 100,000 blocks the Chain screen's query (blocks joined to main_chain on the hash)
 * spent 200-370 ms building one on every open; joined on main_chain's integer key it takes
 * microseconds. A plan is what decides this, not the machine's speed, so the test is about
 * plans, not times.
 */
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { buildChain, openChain, submitAll } from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const dir = tempDir('bf-plans-')
afterAll(() => dir.remove())

/** The SQL of every statement prepared while `fn` runs. */
function preparedDuring(fn: () => void): string[] {
  const seen: string[] = []
  const proto = Database.prototype as unknown as { prepare: (sql: string) => unknown }
  const original = proto.prepare
  proto.prepare = function (this: unknown, sql: string) {
    seen.push(sql)
    return original.call(this, sql)
  }
  try {
    fn()
  } finally {
    proto.prepare = original
  }
  return [...new Set(seen)]
}

/** The plan's lines, the statement's parameters bound to 1 (however many it has). */
function planOf(db: Database.Database, sql: string): string[] {
  const explain = db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
  const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]))]
  if (named.length > 0) {
    const rows = explain.all(Object.fromEntries(named.map((n) => [n, 1]))) as { detail: string }[]
    return rows.map((r) => r.detail)
  }
  for (let n = 0; n <= 16; n++) {
    try {
      return (explain.all(...Array<number>(n).fill(1)) as { detail: string }[]).map((r) => r.detail)
    } catch (e) {
      if (!(e instanceof RangeError)) throw e // too few or too many values: try the next count
    }
  }
  throw new Error(`could not bind the parameters of: ${sql}`)
}

describe("the store's query plans", () => {
  // Opening a store with a few blocks prepares what every part of it uses.
  const statements = preparedDuring(() => {
    const c = openChain(dir.path)
    try {
      submitAll(c.chain, buildChain(5))
    } finally {
      c.close()
    }
  })

  it('sees the statements of every part of the store', () => {
    // The chain adapter, the explorer, pending, peers and settings each prepare theirs at open.
    expect(statements.length).toBeGreaterThan(30)
    expect(statements.some((s) => /FROM blocks b LEFT JOIN main_chain/.test(s))).toBe(true)
  })

  it('never makes SQLite build an automatic index', () => {
    const c = openChain(dir.path)
    try {
      const plans = statements
        .filter((sql) => /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i.test(sql))
        .map((sql) => ({ sql, plan: planOf(c.store.db, sql) }))
      expect(plans.length).toBeGreaterThan(20)
      const automatic = plans
        .filter((p) => p.plan.some((l) => /AUTOMATIC/.test(l)))
        .map((p) => `${p.plan.join(' | ')}\n    in: ${p.sql.replace(/\s+/g, ' ')}`)
      expect(automatic).toEqual([])
    } finally {
      c.close()
    }
  })
})
