/**
 * The peer table: who our peers are, their scores and bans, and what of it outlives a restart
 * (the peer rows and the list of peers the user removed, in the node's store). It knows no
 * network: the PeerManager asks peers, and tells the table what they did.
 *
 * Scoring. Every peer starts at 0; each offence (OFFENCE in types.ts) takes points off, and at
 * banScore (-100) the peer is banned for banMs. Points come back only two ways, both far slower
 * than a misbehaving peer loses them: one per valid block new to us that the peer was the first
 * to send (reward), and one per scoreRecoverMs (5 minutes) of time (settle). At most maxBanned
 * bans are remembered: past that the oldest is forgotten and its peer dropped.
 */
import type { ApiResult } from '../../shared/api'
import type { Logger } from '../log'
import type { Offence, OffenceAbout, PeerEntry, PeerLimits } from './types'

/** A peer as the store keeps it (the store's peer rows have this shape). */
export interface PeerRecord {
  url: string
  score: number
  addedAt: number
  lastSeen: number | null
  bannedUntil: number | null
}

/** Where the table keeps what outlives a restart: the node's store. */
export interface PeerStore {
  listPeers(): PeerRecord[]
  putPeer(row: PeerRecord): void
  deletePeer(url: string): void
  getSetting(key: string): string | undefined
  putSetting(key: string, value: string): void
}

export interface PeerTableOptions {
  store: PeerStore
  limits: Pick<PeerLimits, 'maxBanned' | 'banScore' | 'banMs' | 'scoreRecoverMs'>
  now: () => number
  log: Logger
  /** The network is shut down: nothing more is written to the store (it may be closing). */
  closed: () => boolean
  /** Something a peer list shows changed. */
  changed: () => void
  /** A peer left the table (removed, evicted, or its ban forgotten). */
  dropped: (url: string) => void
  /** A peer was scored down (and maybe banned for it). */
  scored?: (o: Offence) => void
  /** A peer entered the table. */
  added?: (url: string) => void
}

/** Store setting naming the peers the user removed (a JSON list): not learned back. */
const REMOVED_SETTING = 'removedPeers'
const MAX_REMOVED = 1024
/** A peer's row is written at most this often unless something that matters changed. */
const PERSIST_EVERY_MS = 60_000

/** A peer record as first held: known from the store, or just added. */
export function newPeer(
  url: string,
  score: number,
  addedAt: number,
  lastContact: number | null,
  bannedUntil: number | null
): PeerEntry {
  return {
    url,
    score,
    scoreAt: addedAt,
    addedAt,
    lastContact,
    bannedUntil,
    status: null,
    reachable: null,
    bytesIn: 0,
    bytesOut: 0,
    lastPersist: 0,
    polling: false,
    syncFailures: 0,
    retryAt: 0,
    nodeId: null
  }
}

export class PeerTable {
  private readonly peers = new Map<string, PeerEntry>()
  /**
   * Peers the user removed: a removed peer that announces itself (X-Node-Url) is not learned
   * back, across restarts too, until the user adds it again (UI add, register, --peer).
   */
  private readonly removed = new Set<string>()

  constructor(private readonly o: PeerTableOptions) {
    for (const r of o.store.listPeers()) {
      const p = newPeer(r.url, r.score, r.addedAt, r.lastSeen, r.bannedUntil)
      p.scoreAt = o.now()
      this.peers.set(r.url, p)
    }
    try {
      const list: unknown = JSON.parse(o.store.getSetting(REMOVED_SETTING) ?? '[]')
      if (Array.isArray(list)) for (const u of list) if (typeof u === 'string') this.removed.add(u)
    } catch {
      // an unreadable list: nothing is held back
    }
  }

  // ---- records -----------------------------------------------------------------------------

  get(url: string): PeerEntry | undefined {
    return this.peers.get(url)
  }

  has(url: string): boolean {
    return this.peers.has(url)
  }

  /** Every peer, banned ones included. */
  all(): PeerEntry[] {
    return [...this.peers.values()]
  }

  isBanned(p: PeerEntry): boolean {
    return p.bannedUntil !== null && p.bannedUntil > this.o.now()
  }

  /** Peers we talk to: known and not banned. */
  active(): PeerEntry[] {
    return this.all().filter((p) => !this.isBanned(p))
  }

  insert(url: string): PeerEntry {
    const p = newPeer(url, 0, this.o.now(), null, null)
    this.peers.set(url, p)
    this.o.log.info({ peer: url }, 'peer added')
    this.o.added?.(url)
    return p
  }

  /** Drop a peer from the table (eviction, too many bans, the user's remove). */
  drop(url: string): ApiResult<null> {
    if (!this.peers.delete(url))
      return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    this.o.dropped(url)
    if (!this.o.closed()) this.o.store.deletePeer(url)
    this.o.changed()
    return { ok: true, value: null }
  }

  /** Write a peer's row: at once when `force`, else at most once a minute. */
  persist(p: PeerEntry, force = false): void {
    const now = this.o.now()
    if (!force && now - p.lastPersist < PERSIST_EVERY_MS) return
    p.lastPersist = now
    if (this.o.closed()) return
    this.o.store.putPeer({
      url: p.url,
      score: p.score,
      addedAt: p.addedAt,
      lastSeen: p.lastContact,
      bannedUntil: p.bannedUntil
    })
  }

  // ---- removed by the user -----------------------------------------------------------------

  isRemoved(url: string): boolean {
    return this.removed.has(url)
  }

  /** The user's "disconnect": the peer is dropped and not learned back until the user adds it. */
  remove(url: string): ApiResult<null> {
    const r = this.drop(url)
    if (!r.ok) return r
    this.removed.delete(url)
    this.removed.add(url)
    for (const old of this.removed) {
      if (this.removed.size <= MAX_REMOVED) break
      this.removed.delete(old)
    }
    this.saveRemoved()
    this.o.log.info(
      { peer: url, reason: 'by the user; not taken back until added again' },
      'peer removed'
    )
    return r
  }

  /** The user adds a URL again: it may be learned and kept from now on. */
  unremove(url: string): void {
    if (this.removed.delete(url)) this.saveRemoved()
  }

  private saveRemoved(): void {
    if (!this.o.closed())
      this.o.store.putSetting(REMOVED_SETTING, JSON.stringify([...this.removed]))
  }

  // ---- score and ban -----------------------------------------------------------------------

  /** Give back the points a peer's score has recovered with time (one per scoreRecoverMs). */
  settle(p: PeerEntry): void {
    const now = this.o.now()
    if (p.score >= 0) {
      p.scoreAt = now
      return
    }
    const back = Math.floor((now - p.scoreAt) / this.o.limits.scoreRecoverMs)
    if (back <= 0) return
    p.score = Math.min(0, p.score + back)
    p.scoreAt = p.score === 0 ? now : p.scoreAt + back * this.o.limits.scoreRecoverMs
  }

  /** A peer sent useful data (a valid block new to us): one point back, never above 0. */
  reward(url: string | undefined): void {
    const p = url === undefined ? undefined : this.peers.get(url)
    if (p === undefined || this.isBanned(p)) return
    this.settle(p)
    if (p.score < 0) {
      p.score++
      this.persist(p)
      this.o.changed()
    }
  }

  /** Score a peer down; at banScore it is dropped (banned for banMs). */
  offence(
    p: PeerEntry | string | undefined,
    cost: number,
    why: string,
    about?: OffenceAbout
  ): void {
    const peer = typeof p === 'string' ? this.peers.get(p) : p
    if (peer === undefined || this.isBanned(peer)) return
    this.settle(peer)
    peer.score = Math.max(this.o.limits.banScore, peer.score - cost)
    this.o.log.info({ peer: peer.url, cost, score: peer.score, reason: why }, 'peer scored down')
    const score = peer.score
    const banned = score <= this.o.limits.banScore
    if (banned) {
      this.ban(peer, this.o.limits.banMs, why)
      peer.score = 0
      peer.scoreAt = this.o.now()
    } else {
      this.persist(peer, true)
      this.o.changed()
    }
    this.o.scored?.({ url: peer.url, cost, score, banned, why, about })
  }

  /** Ban a peer for `ms`; past maxBanned bans, the oldest is forgotten and its peer dropped. */
  ban(p: PeerEntry, ms: number, why: string): void {
    p.bannedUntil = this.o.now() + ms
    p.reachable = null
    this.o.log.warn({ peer: p.url, reason: why, minutes: Math.round(ms / 60_000) }, 'peer banned')
    const banned = this.all()
      .filter((q) => this.isBanned(q))
      .sort((a, b) => a.bannedUntil! - b.bannedUntil!)
    while (banned.length > this.o.limits.maxBanned) {
      const old = banned.shift()!.url
      this.drop(old)
      this.o.log.info(
        {
          peer: old,
          reason: `more than ${this.o.limits.maxBanned} banned peers: the oldest ban is forgotten`
        },
        'peer dropped'
      )
    }
    this.persist(p, true)
    this.o.changed()
  }

  /** Lift a ban: the peer starts again from a score of 0. */
  unban(p: PeerEntry): void {
    p.bannedUntil = null
    p.score = 0
    p.scoreAt = this.o.now()
    this.o.log.info({ peer: p.url }, 'peer unbanned')
    this.persist(p, true)
    this.o.changed()
  }
}
