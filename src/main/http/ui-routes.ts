/**
 * The UI transport over HTTP (src/shared/api.ts), for a browser talking to a headless node:
 * `POST /api/ui/<method>` with `{"args": [...]}` calls the same handlers as Electron IPC,
 * `GET /api/ui/events` streams NodeEvents as server-sent events, and the built renderer is
 * served at `/`. With an API token configured every one of these needs it (Authorization:
 * Bearer, `?token=` on the page load and the event stream, or the cookie the page load sets);
 * without one they answer loopback clients only. Either way a request must address the node by
 * a name it answers to (no DNS rebinding) and the API and event stream refuse other sites
 * (origins.ts); the page cannot be framed (CSP frame-ancestors, X-Frame-Options).
 */
import { readFile } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  API_METHODS,
  HTTP_API_PREFIX,
  HTTP_EVENTS_PATH,
  type ApiMethod,
  type NodeApiHandlers,
  type NodeEvent
} from '../../shared/api'
import { UI_CSP_HTTP } from '../../shared/csp'
import { currentToken, isToken, tokenCookie, uiRefusal, type TokenSource } from './auth'
import { sendError } from './errors'
import { originsOf, requestHost } from './origins'
import { pageLanguage, tokenPage } from './token-page'

export interface UiTransport {
  api: NodeApiHandlers
  subscribe(cb: (e: NodeEvent) => void): () => void
}

export interface UiRouteOptions {
  /** The token in force, read on every request (a getter: Settings may set or rotate it). */
  apiToken?: TokenSource
  /** Directory of the built renderer (index.html, assets/); nothing is served at / without it. */
  serveUi?: string
  heartbeatMs?: number
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm'
}

// frame-ancestors (and X-Frame-Options for older browsers): no other page can frame the UI and
// trick the user into clicking its buttons.
const CSP = UI_CSP_HTTP

const methods = new Set<string>(API_METHODS)

/** POST /api/<method>: the UI API call's request (its arguments are checked by the method). */
export const UI_CALL_SCHEMA = {
  params: { type: 'object', properties: { method: { type: 'string', maxLength: 64 } } },
  body: { type: 'object', properties: { args: { type: 'array', maxItems: 8 } } }
} as const

export function registerUiRoutes(
  app: FastifyInstance,
  ui: UiTransport,
  opts: UiRouteOptions
): void {
  const tokenNow = (): string | undefined => currentToken(opts.apiToken)
  const origins = originsOf(app)
  const guard =
    (viaQuery: boolean, navigation = false) =>
    (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      const why = uiRefusal(req, tokenNow(), origins, { viaQuery, navigation })
      if (why === undefined) return done()
      void sendError(reply, 403, 'forbidden', why)
    }

  app.post(`${HTTP_API_PREFIX}:method`, {
    onRequest: guard(false),
    schema: UI_CALL_SCHEMA,
    handler: async (req, reply) => {
      const { method } = req.params as { method: string }
      if (!methods.has(method)) return sendError(reply, 404, 'not_found', `no UI method ${method}`)
      const args = (req.body as { args?: unknown[] }).args ?? []
      const fn = ui.api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>
      try {
        return reply.code(200).send(await fn(...args))
      } catch (e) {
        if (e instanceof Error && e.name === 'BadArgument')
          return sendError(reply, 400, 'invalid_field', e.message)
        throw e
      }
    }
  })

  app.get(HTTP_EVENTS_PATH, { onRequest: guard(true) }, (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    res.write(': connected\n\n')
    const off = ui.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`))
    const beat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatMs ?? 15_000)
    beat.unref()
    req.raw.once('close', () => {
      clearInterval(beat)
      off()
    })
  })

  const root = opts.serveUi === undefined ? undefined : resolve(opts.serveUi)
  if (root === undefined) return
  const serveFile = async (reply: FastifyReply, rel: string): Promise<FastifyReply> => {
    const file = resolve(root, '.' + rel)
    if (file !== root && !file.startsWith(root + sep))
      return sendError(reply, 404, 'not_found', 'no such file')
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return sendError(reply, 404, 'not_found', `no file ${rel}`)
    }
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body)
  }
  // The page itself, opened without the token (or with a wrong one), answers with a form asking
  // for it rather than the API's JSON: a person opened it. Still 403 (the UI is not served), with
  // the UI's security headers; a foreign name or a node without a token gets the JSON 403.
  const pageGuard = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const token = tokenNow()
    const why = uiRefusal(req, token, origins, { viaQuery: true, navigation: true })
    if (why === undefined) return done()
    if (!token || !origins.hostAllowed(requestHost(req)))
      return void sendError(reply, 403, 'forbidden', why)
    const q = req.query as { token?: unknown } | undefined
    void reply
      .code(403)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(tokenPage(pageLanguage(req.headers['accept-language']), typeof q?.token === 'string'))
  }
  app.get('/', { onRequest: pageGuard }, async (req, reply) => {
    const q = req.query as { token?: unknown }
    const token = tokenNow()
    // Only the right token becomes the cookie: a link elsewhere must not replace a good one.
    if (token && typeof q.token === 'string' && isToken(q.token, token)) {
      reply.header(
        'set-cookie',
        `${tokenCookie(req)}=${encodeURIComponent(q.token)}; HttpOnly; SameSite=Strict; Path=/`
      )
    }
    return serveFile(reply, '/index.html')
  })
  app.get('/assets/*', { onRequest: guard(false, true) }, async (req, reply) =>
    serveFile(reply, '/assets/' + (req.params as Record<string, string>)['*'])
  )
}
