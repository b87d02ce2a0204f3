/**
 * Error codes of PROTOCOL §3, §4 and §7. Validation returns these as values; it never throws on
 * bad input. Exceptions are kept for bugs and I/O failures.
 */
export type RuleCode =
  | 'invalid_field'
  | 'bad_version'
  | 'bad_index'
  | 'bad_previous_hash'
  | 'bad_hash'
  | 'bad_difficulty'
  | 'bad_pow'
  | 'time_too_old'
  | 'time_too_new'
  | 'too_many_txs'
  | 'bad_coinbase'
  | 'duplicate_tx'
  | 'bad_merkle_root'
  | 'bad_transaction'
  | 'bad_signature'
  | 'bad_sender'
  | 'bad_nonce'
  | 'insufficient_funds'

/** Codes that only the HTTP layer produces (PROTOCOL §7). */
export type ApiCode =
  | RuleCode
  | 'invalid_json'
  | 'payload_too_large'
  | 'not_found'
  | 'forbidden'
  | 'unknown_parent'
  | 'unavailable'

export interface Failure<C extends string = RuleCode> {
  readonly ok: false
  readonly code: C
  readonly message: string
}

export interface Success<T> {
  readonly ok: true
  readonly value: T
}

export type Result<T, C extends string = RuleCode> = Success<T> | Failure<C>

export function ok<T>(value: T): Success<T> {
  return { ok: true, value }
}

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message }
}

/** A successful check that carries no value. */
export const OK: Success<undefined> = Object.freeze({ ok: true, value: undefined })
export type Check = Success<undefined> | Failure
