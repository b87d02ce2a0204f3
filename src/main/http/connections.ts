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
 * - `localReserve` connections are the local user's (127.0.0.1 and ::1: the desktop UI, scripts,
 *   local nodes): every other address together holds at most maxConnections - localReserve, so
 *   a few hosts each under their own cap cannot fill the node and lock the user out.
 * - When the others' share is full, a newcomer from an address holding few is not simply
 *   refused: an idle connection (no request in flight; one that never sent a request first) of
 *   the address holding the most is closed to make room, as long as that address holds more than
 *   the newcomer's would. So a flood from a few addresses ends up shared between them, and an
 *   address with one connection still gets in.
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
  /** Connections only 127.0.0.1 and ::1 may use (others hold at most maxConnections - this). */
  localReserve: number
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
 * (8,192 from 10,923 files up), 256 per address. The local reserve is an eighth of the
 * connections, at most the per-address cap (96 with 1,024 files, 256 from 4,096).
 */
export function defaultConnectionLimits(files = fileLimit()): ConnectionLimits {
  const maxConnections = Math.max(32, Math.min(8192, files - Math.max(128, Math.floor(files / 4))))
  const maxPerAddress = Math.max(16, Math.min(256, Math.floor(maxConnections / 4)))
  return {
    maxConnections,
    maxPerAddress,
    firstRequestMs: 5_000,
    localReserve: localReserveFor(maxConnections, maxPerAddress)
  }
}

function localReserveFor(maxConnections: number, maxPerAddress: number): number {
  return Math.min(maxPerAddress, Math.floor(maxConnections / 8))
}

/** `::ffff:127.0.0.2` and `127.0.0.2` are one host. */
export function hostOf(socket: Socket): string {
  const a = socket.remoteAddress ?? ''
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

/** The local user's addresses: where the desktop UI, scripts and local nodes connect from. */
export function isLocalUser(host: string): boolean {
  return host === '127.0.0.1' || host === '::1'
}

export interface ConnectionStats {
  readonly limits: ConnectionLimits
  /** Open connections per remote address. */
  open(): Map<string, number>
  /** Connections closed by the per-address cap, the first-request deadline, the others' share
   * (a newcomer refused) or to make room for a newcomer (an idle one closed) since start. */
  refused: { perAddress: number; firstRequest: number; othersShare: number; evicted: number }
}

/** Apply `limits` to `server` (an http.Server before or after listen). */
export function limitConnections(
  server: Server,
  partial: Partial<ConnectionLimits> = {}
): ConnectionStats {
  const limits = { ...defaultConnectionLimits(), ...partial }
  // Caps given without a reserve get the reserve that goes with them, not the defaults'.
  if (partial.localReserve === undefined)
    limits.localReserve = localReserveFor(limits.maxConnections, limits.maxPerAddress)
  server.maxConnections = limits.maxConnections
  const othersCap = Math.max(0, limits.maxConnections - limits.localReserve)
  /** Open connections per remote address, oldest first. */
  const byAddress = new Map<string, Set<Socket>>()
  /** Connections of every address but the local user's. */
  let others = 0
  /** Connections with a request in flight (not to be closed to make room). */
  const busy = new WeakSet<Socket>()
  const waiting = new WeakMap<Socket, NodeJS.Timeout>()
  const stats: ConnectionStats = {
    limits,
    open: () => new Map([...byAddress].map(([a, set]) => [a, set.size])),
    refused: { perAddress: 0, firstRequest: 0, othersShare: 0, evicted: 0 }
  }

  /**
   * Room for one more connection from `host` (not the local user's) once the others' share is
   * full: close an idle connection of the address holding the most, if it holds more than
   * `host` would with this one. False when there is none to close.
   */
  const makeRoom = (host: string): boolean => {
    const mine = (byAddress.get(host)?.size ?? 0) + 1
    let victim: Set<Socket> | undefined
    for (const [a, set] of byAddress) {
      if (isLocalUser(a) || set.size <= mine) continue
      if (victim === undefined || set.size > victim.size) victim = set
    }
    if (victim === undefined) return false
    // One that never sent a request first (the oldest), then one idle between requests.
    const idle = [...victim].find((s) => waiting.has(s)) ?? [...victim].find((s) => !busy.has(s))
    if (idle === undefined) return false
    stats.refused.evicted++
    forget(idle) // counted out now: its 'close' comes later
    idle.destroy()
    return true
  }

  const counted = new WeakMap<Socket, string>()
  const forget = (socket: Socket): void => {
    const host = counted.get(socket)
    if (host === undefined) return
    counted.delete(socket)
    clearTimeout(waiting.get(socket))
    const set = byAddress.get(host)
    set?.delete(socket)
    if (set !== undefined && set.size === 0) byAddress.delete(host)
    if (!isLocalUser(host)) others--
  }

  server.on('connection', (socket: Socket) => {
    const host = hostOf(socket)
    const n = byAddress.get(host)?.size ?? 0
    if (n >= limits.maxPerAddress) {
      stats.refused.perAddress++
      socket.destroy()
      return
    }
    if (!isLocalUser(host) && others >= othersCap && !makeRoom(host)) {
      stats.refused.othersShare++
      socket.destroy()
      return
    }
    let set = byAddress.get(host)
    if (set === undefined) byAddress.set(host, (set = new Set()))
    set.add(socket)
    counted.set(socket, host)
    if (!isLocalUser(host)) others++
    const timer = setTimeout(() => {
      stats.refused.firstRequest++
      socket.destroy()
    }, limits.firstRequestMs)
    timer.unref()
    waiting.set(socket, timer)
    socket.once('close', () => forget(socket))
  })
  server.on('request', (req, res) => {
    const socket = req.socket
    busy.add(socket)
    res.once('close', () => busy.delete(socket))
    // A complete request head: from here on Node's own timeouts apply.
    const timer = waiting.get(socket)
    if (timer === undefined) return
    clearTimeout(timer)
    waiting.delete(socket)
  })
  return stats
}
