/**
 * Whom a request's X-Node-Url may name. Anyone can send that header, and the node then contacts
 * the URL (it learns it as a peer, and fetches an orphan's ancestors from it), so a remote client
 * naming http://127.0.0.1:631 or http://192.168.1.1 would have the node send requests into the
 * user's own machine or network on its behalf. The header is taken only when its host is the
 * address the request came from, or when the requester is on loopback (a local process) and
 * addresses the node by a name it answers to: a web page cannot set the header cross-origin
 * without a CORS preflight (never granted), and a DNS-rebound page, which could, sends a foreign
 * Host.
 */
import type { FastifyRequest } from 'fastify'
import { NODE_URL_HEADER } from '../p2p/types'
import { normalizeUrl } from '../p2p/wire'
import { isLoopback } from './auth'
import { originsOf, requestHost } from './origins'

/** An address as a peer URL's host or a socket reports it: no brackets, no IPv4-mapped prefix. */
function plainAddress(a: string): string {
  return a
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
}

/** The sender's base URL from X-Node-Url, when the node may contact it on the request's say-so. */
export function trustedSender(req: FastifyRequest): string | undefined {
  const url = normalizeUrl(req.headers[NODE_URL_HEADER])
  if (url === undefined) return undefined
  const from = req.socket.remoteAddress
  if (from === undefined) return undefined
  if (isLoopback(from)) return originsOf(req.server).hostAllowed(requestHost(req)) ? url : undefined
  return plainAddress(new URL(url).hostname) === plainAddress(from) ? url : undefined
}
