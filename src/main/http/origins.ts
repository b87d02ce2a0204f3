/**
 * The names and origins a node answers to, against web pages on the user's own machine:
 *
 * - DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 reaches the
 *   node from loopback, but its requests carry `Host: evil.example:PORT`. The node answers only to
 *   names it really has: the address it listens on, localhost, 127.x and [::1], the --host name,
 *   and (listening on a wildcard) this machine's interface addresses, each with the node's port.
 * - Cross-site requests: a page on any other origin (127.0.0.1 on another port included: same
 *   site, other origin) can make a browser send GETs and simple POSTs. Browsers say where a
 *   request comes from (`Origin`, `Sec-Fetch-Site`); curl, scripts and peers send neither.
 *
 * One object per HTTP server, shared by the control routes (server.ts) and the UI routes
 * (ui-routes.ts), found with originsOf(app).
 */
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { FastifyInstance, FastifyRequest } from 'fastify'

export interface Bound {
  address: string
  port: number
}

const WILDCARDS = new Set(['0.0.0.0', '::', ''])

/**
 * The name a request addresses the node by. Browsers send the origin-form (`GET /mine`) with a
 * Host header; an absolute-form target (`GET http://evil.example/mine`) names its own authority,
 * which HTTP says overrides Host (RFC 9112 §3.2.2), so that is the name to check.
 */
export function requestHost(req: FastifyRequest): string | undefined {
  const target = req.raw.url ?? '/'
  if (target.startsWith('/') || target === '*') return req.headers.host
  try {
    return new URL(target).host
  } catch {
    return '' // neither form: names nothing this node answers to
  }
}

/**
 * Why a request's Host is malformed for every route (400), or undefined: HTTP/1.1 requires
 * exactly one Host (RFC 9112 §3.2). Two of them let a request pass one name to one check and
 * another to the next, so neither is taken.
 */
export function hostHeaderProblem(req: FastifyRequest): string | undefined {
  let hosts = 0
  const raw = req.raw.rawHeaders
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'host') hosts++
  if (hosts > 1) return 'the request has more than one Host header'
  if (hosts === 0 && req.raw.httpVersion === '1.1') return 'an HTTP/1.1 request needs a Host header'
  return undefined
}

/** A Host header's name (lowercase, IPv6 without brackets) and port; undefined if malformed. */
export function parseHost(header: string): { name: string; port: number | undefined } | undefined {
  // Only what a Host can hold: no path, userinfo, query or spaces for URL parsing to reinterpret.
  if (header.length > 300 || !/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?$/.test(header))
    return undefined
  let u: URL
  try {
    u = new URL(`http://${header}`)
  } catch {
    return undefined
  }
  // URL parsing also canonicalises IPv4 forms (127.1, 0x7f.0.0.1) and IPv6 (compression, case).
  const name = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  return { name, port: u.port === '' ? undefined : Number(u.port) }
}

/** An address or name as parseHost reports it: `[::1]` and `::1` are one name. */
function canonical(name: string): string {
  return (
    parseHost(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name)?.name ??
    name.toLowerCase()
  )
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)
}

export class NodeOrigins {
  /**
   * @param bound where the server listens, once it does (before that only Fastify's inject can
   *   reach it, and the port is not checked).
   * @param configuredHost the --host value (a name or an address).
   */
  constructor(
    private readonly bound: () => Bound | undefined,
    private readonly configuredHost?: string
  ) {}

  private names(b: Bound | undefined): Set<string> {
    const out = new Set<string>()
    if (this.configuredHost !== undefined && !WILDCARDS.has(this.configuredHost))
      out.add(canonical(this.configuredHost))
    if (b === undefined) return out
    if (!WILDCARDS.has(b.address)) out.add(canonical(b.address))
    else {
      // Read each time: an interface may gain an address while the node runs (DHCP, VPN).
      for (const list of Object.values(networkInterfaces())) {
        for (const i of list ?? []) out.add(canonical(i.address))
      }
    }
    return out
  }

  /**
   * Whether a Host header names this node. No Host at all (HTTP/1.0 tools; Node itself refuses
   * HTTP/1.1 without one) is no browser, so no rebinding: allowed.
   */
  hostAllowed(header: string | undefined): boolean {
    if (header === undefined) return true
    const h = parseHost(header)
    if (h === undefined) return false
    const b = this.bound()
    if (b !== undefined && (h.port ?? 80) !== b.port) return false
    return isLoopbackName(h.name) || this.names(b).has(h.name)
  }

  /** Whether an Origin header is one of this node's own origins (http://<allowed host>). */
  originAllowed(origin: string): boolean {
    let u: URL
    try {
      u = new URL(origin)
    } catch {
      return false // "null" (sandboxed frames, file:, opaque redirects) included
    }
    if (u.protocol !== 'http:' || u.origin !== origin.replace(/\/$/, '')) return false
    return this.hostAllowed(u.host)
  }

  /**
   * Why a request comes from another site, if it does: an Origin that is not ours, or a
   * Sec-Fetch-Site other than same-origin / none (a page on 127.0.0.1:OTHERPORT is "same-site").
   * Requests without either header (curl, scripts, peers) are not cross-site.
   */
  crossSite(req: FastifyRequest): string | undefined {
    const site = req.headers['sec-fetch-site']
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
      return `this request comes from another site (Sec-Fetch-Site: ${site.slice(0, 20)})`
    }
    const origin = req.headers.origin
    if (typeof origin === 'string' && !this.originAllowed(origin)) {
      return `this request comes from another origin (${origin.slice(0, 100)})`
    }
    return undefined
  }

  /** Why a request may not act or read private data here: a foreign Host or another site. */
  refusal(req: FastifyRequest): string | undefined {
    const host = requestHost(req)
    if (!this.hostAllowed(host)) {
      const name = String(host).slice(0, 100)
      return `this node does not answer to the name ${name}: address it by localhost, 127.0.0.1, its own address or the name given with --host`
    }
    return this.crossSite(req)
  }
}

const attached = new WeakMap<FastifyInstance, NodeOrigins>()

function boundOf(app: FastifyInstance): Bound | undefined {
  const a = app.server.listening ? (app.server.address() as AddressInfo | string | null) : null
  return a !== null && typeof a === 'object' ? { address: a.address, port: a.port } : undefined
}

/** Give a server its NodeOrigins (createHttpServer does, with the --host value). */
export function attachOrigins(app: FastifyInstance, configuredHost?: string): NodeOrigins {
  const o = new NodeOrigins(() => boundOf(app), configuredHost)
  attached.set(app, o)
  return o
}

/** The NodeOrigins of a server (one with no --host value if none was attached). */
export function originsOf(app: FastifyInstance): NodeOrigins {
  return attached.get(app) ?? attachOrigins(app)
}
