/**
 * Argument guards for the UI API. Both transports (IPC from the renderer, HTTP from a browser)
 * hand us untrusted values: every handler checks its arguments with these before acting.
 */
import type { ApiResult } from '../../shared/api'

export class BadArgument extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadArgument'
  }
}

export function int(v: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
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

export function httpUrl(v: unknown, name = 'url'): string {
  const s = str(v, name)
  let u: URL
  try {
    u = new URL(s)
  } catch {
    throw new BadArgument(`${name} must be an http(s) URL such as http://127.0.0.1:5000`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new BadArgument(`${name} must be an http(s) URL such as http://127.0.0.1:5000`)
  }
  return u.origin
}

export const HASH = /^[0-9a-f]{64}$/
export const ADDRESS = /^[0-9a-f]{40}$/

export function okResult<T>(value: T): ApiResult<T> {
  return { ok: true, value }
}

export function errResult<T>(error: string, message: string): ApiResult<T> {
  return { ok: false, error, message }
}
