/**
 * Argument guards for the UI API. Both transports (IPC from the renderer, HTTP from a browser)
 * hand us untrusted values: every handler checks its arguments with these before acting.
 */
import type { ApiErrorCode, ApiResult } from '../../shared/api'
import { normalizeUrl } from '../../shared/peer-url'
import { ADDRESS_PATTERN, HASH_PATTERN, MAX_JSON_INT } from '../core'

export class BadArgument extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadArgument'
  }
}

export function int(v: unknown, name: string, min = 0, max = MAX_JSON_INT): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new BadArgument(`${name} must be a whole number from ${min} to ${max}`)
  }
  return v
}

export function str(v: unknown, name: string, re?: RegExp, maxLen = 2048): string {
  if (typeof v !== 'string' || v.length > maxLen || (re !== undefined && !re.test(v))) {
    throw new BadArgument(`${name} is not valid`)
  }
  return v
}

export function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new BadArgument(`${name} must be true or false`)
  return v
}

/** One of the values of `list`, as that type. */
export function oneOf<const L extends readonly string[]>(
  v: unknown,
  list: L,
  name: string
): L[number] {
  const found = list.find((x) => x === v)
  if (found === undefined) throw new BadArgument(`${name} must be one of ${list.join(', ')}`)
  return found
}

/** A peer URL by the one rule (src/shared/peer-url.ts), as its origin. */
export function httpUrl(v: unknown, name = 'url'): string {
  const url = normalizeUrl(str(v, name))
  if (url === undefined)
    throw new BadArgument(`${name} must be an http(s) URL such as http://127.0.0.1:5000`)
  return url
}

/** The core's formats, under the names the handlers use. */
export const HASH = HASH_PATTERN
export const ADDRESS = ADDRESS_PATTERN

export function okResult<T>(value: T): ApiResult<T> {
  return { ok: true, value }
}

export function errResult<T>(error: ApiErrorCode, message: string): ApiResult<T> {
  return { ok: false, error, message }
}
