/**
 * Who may use the control routes (PROTOCOL §7): clients on the loopback interface, and anyone
 * presenting the node's API token as `Authorization: Bearer <token>`. The UI routes are stricter:
 * with a token configured they always need it (header, `?token=` or the cookie the page sets).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

/**
 * The cookie that carries the token for page assets. Browsers scope cookies by host, not port, so
 * two nodes on 127.0.0.1 would overwrite each other's: the name carries the node's own port.
 */
export function tokenCookie(req: FastifyRequest): string {
  return `bf_token_${req.socket.localPort ?? 0}`
}

export function isLoopback(addr: string | undefined): boolean {
  if (addr === undefined) return false
  return addr === '::1' || /^127\./.test(addr) || /^::ffff:127\./i.test(addr)
}

function same(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null
  return m?.[1]
}

function cookieToken(req: FastifyRequest): string | undefined {
  const c = req.headers.cookie
  if (typeof c !== 'string') return undefined
  const name = tokenCookie(req)
  for (const part of c.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

function queryToken(req: FastifyRequest): string | undefined {
  const q = req.query as Record<string, unknown> | undefined
  return typeof q?.token === 'string' ? q.token : undefined
}

/** The token the request presents (header, query or cookie), when it matches `token`. */
export function presentsToken(req: FastifyRequest, token: string | undefined, viaQuery = false): boolean {
  if (!token) return false
  for (const t of [bearer(req), viaQuery ? queryToken(req) : undefined, cookieToken(req)]) {
    if (t !== undefined && same(t, token)) return true
  }
  return false
}

/** PROTOCOL §7 control routes: loopback, or the token. */
export function mayControl(req: FastifyRequest, token: string | undefined): boolean {
  if (isLoopback(req.socket.remoteAddress)) return true
  const b = bearer(req)
  return !!token && b !== undefined && same(b, token)
}

/** UI routes: the token when one is configured, else loopback only. */
export function mayUseUi(req: FastifyRequest, token: string | undefined, viaQuery = false): boolean {
  if (token) return presentsToken(req, token, viaQuery)
  return isLoopback(req.socket.remoteAddress)
}
