/**
 * Connection accounting for the node's HTTP server (issue 8, "Resources"): one host holding
 * thousands of idle connections must not lock every other client out.
 *
 * - At most `maxConnections` connections at once (net.Server's own maxConnections: the excess is
 *   closed by Node before any HTTP state exists), set below the process's file limit, so
 *   accepting never fails for lack of a file descriptor (SQLite, workers, peer connections and
 *   the UI's files keep theirs).
 * - At most `maxPerAddress` from one remote address: the excess is closed as soon as it is
 *   accepted. Local nodes, the browser UI and scripts all come from 127.0.0.1, so the default
 *   leaves that address room for all of them (a browser opens 6 per host, a peer a few).
 * - A connection that has not sent a complete request head within `firstRequestMs` is closed.
 *   Node's own timers do not cover this (headersTimeout starts with the first byte of a
 *   request). Later requests on a kept-alive connection are covered by keepAliveTimeout and
 *   headersTimeout (server.ts). Nothing here limits how long an answer may take, so the UI's
 *   event stream is never cut.
 */
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  maxConnections: number
  maxPerAddress: number
  firstRequestMs: number
}

/**
 * The listen queue (the kernel caps it at net.core.somaxconn, 4,096 on current Linux). Node's
 * default of 511 overflows under a burst of connections, and the kernel then drops new SYNs,
 * a legitimate client's too, which retries only after a second: a longer queue lets the node
 * take the burst in and close what is over the caps at once.
 */
export const LISTEN_BACKLOG = 4096

/** Used where the file limit cannot be read (not Linux): the usual soft limit of a shell. */
export const FALLBACK_FILE_LIMIT = 1024

/** The process's soft RLIMIT_NOFILE (Node raises it to the hard limit at start-up on Linux). */
export function fileLimit(procLimits = '/proc/self/limits'): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync(procLimits, 'utf8'))
    if (m === null) return FALLBACK_FILE_LIMIT
    return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1])
  } catch {
    return FALLBACK_FILE_LIMIT
  }
}

/**
 * Defaults from the file limit: a quarter of it (at least 128) stays for everything but
 * incoming connections; connections are capped at 8,192 whatever the limit (each costs memory
 * and a slot in the event loop); one address may hold a quarter of them, at most 256 and at
 * least 16. With 1,024 files: 768 connections, 192 per address; with 4,096 or more: 3,072
 * (8,192 from 10,923 files up), 256 per address.
 */
export function defaultConnectionLimits(files = fileLimit()): ConnectionLimits {
  const maxConnections = Math.max(32, Math.min(8192, files - Math.max(128, Math.floor(files / 4))))
  const maxPerAddress = Math.max(16, Math.min(256, Math.floor(maxConnections / 4)))
  return { maxConnections, maxPerAddress, firstRequestMs: 5_000 }
}

/** `::ffff:127.0.0.2` and `127.0.0.2` are one host. */
function hostOf(socket: Socket): string {
  const a = socket.remoteAddress ?? ''
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

export interface ConnectionStats {
  readonly limits: ConnectionLimits
  /** Open connections per remote address. */
  open(): Map<string, number>
  /** Connections closed by the per-address cap or the first-request deadline since start. */
  refused: { perAddress: number; firstRequest: number }
}

/** Apply `limits` to `server` (an http.Server before or after listen). */
export function limitConnections(server: Server, partial: Partial<ConnectionLimits> = {}): ConnectionStats {
  const limits = { ...defaultConnectionLimits(), ...partial }
  server.maxConnections = limits.maxConnections
  const perAddress = new Map<string, number>()
  const waiting = new WeakMap<Socket, NodeJS.Timeout>()
  const stats: ConnectionStats = { limits, open: () => new Map(perAddress), refused: { perAddress: 0, firstRequest: 0 } }

  server.on('connection', (socket: Socket) => {
    const host = hostOf(socket)
    const n = perAddress.get(host) ?? 0
    if (n >= limits.maxPerAddress) {
      stats.refused.perAddress++
      socket.destroy()
      return
    }
    perAddress.set(host, n + 1)
    const timer = setTimeout(() => {
      stats.refused.firstRequest++
      socket.destroy()
    }, limits.firstRequestMs)
    timer.unref()
    waiting.set(socket, timer)
    socket.once('close', () => {
      clearTimeout(timer)
      const left = (perAddress.get(host) ?? 1) - 1
      if (left <= 0) perAddress.delete(host)
      else perAddress.set(host, left)
    })
  })
  // A complete request head: from here on Node's own timeouts apply.
  server.on('request', (req) => {
    const timer = waiting.get(req.socket)
    if (timer === undefined) return
    clearTimeout(timer)
    waiting.delete(req.socket)
  })
  return stats
}
