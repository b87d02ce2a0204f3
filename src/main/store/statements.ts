/**
 * Typed statements over better-sqlite3. better-sqlite3 gives rows as `unknown`; each statement
 * here is declared once with the types of its parameters and of its rows, next to its SQL, so
 * the queries that use it read typed values instead of casting at every call. The types are a
 * promise about the SQL beside them: change the two together.
 */
import type Database from 'better-sqlite3'

export type Db = Database.Database

/** A prepared statement taking parameters P and giving rows R (never for writes). */
export type Statement<P extends unknown[], R = never> = Database.Statement<P, R>

/** A statement whose rows are objects of type R (its columns, by name). */
export function prepare<P extends unknown[], R = never>(db: Db, sql: string): Statement<P, R> {
  return db.prepare<P, R>(sql)
}

/** A statement whose rows are its first column's value, of type V (SQL NULL is null). */
export function pluck<P extends unknown[], V>(db: Db, sql: string): Statement<P, V> {
  return db.prepare<P, V>(sql).pluck()
}
