/**
 * Who may use the control routes (PROTOCOL §7): clients on the loopback interface, and anyone
 * presenting the node's API token as `Authorization: Bearer <token>`. The UI routes are stricter:
 * with a token configured they always need it (header, `?token=` or the cookie the page sets).
 *
 * Before either, the request must not come from a web page that has no business here (issue #8):
 * it must address the node by a name the node answers to (DNS rebinding makes a page's requests
 * arrive from loopback, but under the attacker's name) and must not come from another site. The
 * token does not lift that: a page cannot present it anyway, and a request under a foreign name
 * is not one the node's own UI or a script would make.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { requestHost, type NodeOrigins } from './origins'

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

/**
 * The API token as a route reads it: a fixed value, or a getter of the one in force (the node's
 * settings owner, node/settings.ts), read on every request so a token set, rotated or removed in
 * Settings applies to the next request.
 */
export type TokenSource = string | undefined | (() => string | undefined)

/** The token in force now ('' counts as none). */
export function currentToken(src: TokenSource): string | undefined {
  return (typeof src === 'function' ? src() : src) || undefined
}

function same(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/** Whether `candidate` is the token (in constant time). */
export function isToken(candidate: string, token: string | undefined): boolean {
  return !!token && same(candidate, token)
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
export function presentsToken(
  req: FastifyRequest,
  token: string | undefined,
  viaQuery = false
): boolean {
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
export function mayUseUi(
  req: FastifyRequest,
  token: string | undefined,
  viaQuery = false
): boolean {
  if (token) return presentsToken(req, token, viaQuery)
  return isLoopback(req.socket.remoteAddress)
}

/** Why a control request is refused (403 forbidden), or undefined when it may go ahead. */
export function controlRefusal(
  req: FastifyRequest,
  token: string | undefined,
  origins: NodeOrigins
): string | undefined {
  const web = origins.refusal(req)
  if (web !== undefined) return web
  if (mayControl(req, token)) return undefined
  return 'control routes answer loopback clients, or others with Authorization: Bearer <API token>'
}

/**
 * Why a UI request is refused, or undefined. `navigation`: the page and its assets, which a
 * link on another site may open (top-level, unframeable, nothing private in them), so only the
 * name is checked there; the API and event stream also refuse other sites.
 */
export function uiRefusal(
  req: FastifyRequest,
  token: string | undefined,
  origins: NodeOrigins,
  opts: { viaQuery: boolean; navigation: boolean }
): string | undefined {
  const web =
    opts.navigation && origins.hostAllowed(requestHost(req)) ? undefined : origins.refusal(req)
  if (web !== undefined) return web
  if (mayUseUi(req, token, opts.viaQuery)) return undefined
  return token
    ? 'the UI API needs the API token: open /?token=<the API token>'
    : 'the UI API answers loopback clients only: to use it from another machine, start the node with BLOCKFORGE_API_TOKEN=<a token> and open /?token=<that token>'
}
