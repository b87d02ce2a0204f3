/**
 * The peer network (PROTOCOL §6, §7): a bounded, persisted list of peers on our network, each
 * with a score, its last known tip and traffic counters. It learns peers that announce themselves
 * (`X-Node-Url`) after checking their genesis hash, polls their `/status`, hands catching up to
 * the Syncer and pushes what the node accepts (Gossip). A peer that sends invalid data is scored
 * down and banned after repeated offences; every outbound request has a deadline and a size cap.
 *
 * Scoring. Every peer starts at 0; each offence (OFFENCE: an invalid block, a junk or oversized
 * answer, an answer still dripping in at its whole-request deadline, silence) takes points off,
 * and at banScore (-100) the peer is banned for banMs. Points come back only two ways, both far
 * slower than a misbehaving peer loses them: one per valid block new to us that the peer was the
 * first to send (useful data costs proof of work), and one per scoreRecoverMs (5 minutes) of
 * time. Answering /status polls earns nothing: a peer that drips or oversizes its answers and
 * answers every poll well in between is still banned after a bounded number of offences (three
 * slow answers, two oversized ones), unless it spaces them hours apart.
 */
import { EventEmitter, setMaxListeners } from 'node:events'
import { loggableUrl, nullLogger, type Logger } from '../log'
import { randomBytes } from 'node:crypto'
import type { AcceptedBlock } from '../chain/chain'
import type { NodeService } from '../node/service'
import type { PeerRow } from '../store/sqlite-store'
import type { ApiResult, PeerInfo, PeerRefusal, ResolveOutcome } from '../../shared/api'
import { peerRequest, type PeerResponse } from './http-client'
import { normalizeUrl, parseStatus, type PeerStatus } from './wire'
import { Syncer } from './sync'
import { Gossip } from './gossip'
import type { VerifyPool } from './verify-pool'

/** Header naming the sender's base URL on every request between peers (PROTOCOL §7). */
export const NODE_URL_HEADER = 'x-node-url'
/** Header on every answer of ours: lets a node notice that a URL leads back to itself. */
export const NODE_ID_HEADER = 'x-node-id'

export interface PeerLimits {
  maxPeers: number
  maxBanned: number
  pollMs: number
  /** Whole-request deadline of a GET /status (a small answer). */
  statusTimeoutMs: number
  statusMaxBytes: number
  /** Whole-request deadline of a one-block fetch: GET /blocks/<hash>, fork-point probes. */
  blockTimeoutMs: number
  /** Whole-request deadline of a GET /blocks batch. */
  chainTimeoutMs: number
  /** Memory bound of one batch answer (the batch is made smaller to fit it). */
  chainMaxBytes: number
  /** Whole-request deadline of a gossip push (POST /blocks, POST /transactions). */
  pushTimeoutMs: number
  /** A catch-up that got nothing from its peer for this long lets another peer's start. */
  stallMs: number
  /** Score at or below which a peer is banned. */
  banScore: number
  banMs: number
  /** A peer below 0 gets one point back per this long. */
  scoreRecoverMs: number
}

export const DEFAULT_LIMITS: PeerLimits = {
  maxPeers: 64,
  maxBanned: 256,
  pollMs: 2000,
  statusTimeoutMs: 3000,
  statusMaxBytes: 64 * 1024,
  blockTimeoutMs: 10_000,
  chainTimeoutMs: 30_000,
  chainMaxBytes: 16 * 1024 * 1024,
  pushTimeoutMs: 5000,
  stallMs: 2000,
  banScore: -100,
  banMs: 30 * 60_000,
  scoreRecoverMs: 5 * 60_000
}

/** Cap of a peer's answer to a gossip push or other small request: a one-line JSON message. */
export const SMALL_ANSWER_MAX_BYTES = 64 * 1024

/**
 * How much each kind of misbehaviour costs against a ban score of -100: a second invalid block,
 * junk answer or oversize answer drops a peer, and a third answer still dripping in at its
 * deadline; silence costs little (networks are slow at times).
 */
export const OFFENCE = {
  invalidBlock: 50,
  invalidTx: 10,
  garbage: 50,
  tooLarge: 50,
  slow: 34,
  timeout: 10,
  wrongGenesis: 100
} as const

export interface PeerEntry {
  url: string
  score: number
  /** Since when the score has been recovering (see scoreRecoverMs). */
  scoreAt: number
  addedAt: number
  lastContact: number | null
  bannedUntil: number | null
  status: PeerStatus | null
  reachable: boolean | null
  bytesIn: number
  bytesOut: number
  lastPersist: number
  /** A status request is in flight. */
  polling: boolean
  /** Catch-ups from this peer that failed in a row, and when to try it again. */
  syncFailures: number
  retryAt: number
  /** The X-Node-Id its answers last carried: the same node under two names is one peer. */
  nodeId: string | null
}

/** A peer record as first held: known from the store, or just added. */
function newPeer(
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

/** Store setting naming the peers the user removed (a JSON list): not learned back. */
const REMOVED_SETTING = 'removedPeers'
const MAX_REMOVED = 1024

export interface PeerManagerOptions {
  service: NodeService
  /** Our base URL, sent as X-Node-Url. */
  selfUrl: string
  verifyPool?: VerifyPool
  limits?: Partial<PeerLimits>
  now?: () => number
  /** The node's log (module p2p): peers added, refused, dropped, banned, unbanned and why. */
  logger?: Logger
}

export interface PeerManagerEvents {
  change: []
}

/** A failed probe; `slow`: the peer was still sending its status at the deadline. */
type Probe =
  | { ok: true; status: PeerStatus; nodeId: string | null }
  | { ok: false; code: Exclude<PeerRefusal, 'removed'>; message: string; slow?: boolean }

/** Who asks for a peer to be added: the user (UI, register, --peer) or the peer itself (X-Node-Url). */
export type AddedBy = 'user' | 'peer'

export class PeerManager extends EventEmitter<PeerManagerEvents> {
  readonly service: NodeService
  selfUrl: string
  readonly limits: PeerLimits
  /** Random per process; answers carry it so a URL that leads back to us is recognised. */
  readonly nodeId = randomBytes(8).toString('hex')
  readonly syncer: Syncer
  readonly gossip: Gossip
  private readonly peers = new Map<string, PeerEntry>()
  private readonly learning = new Map<string, Promise<unknown>>()
  private readonly recentlyFailed = new Map<string, number>()
  /** --peer URLs not reachable yet: retried on every poll until added. */
  private readonly bootstrap = new Set<string>()
  /** --peer URLs already said to be unreachable in the log (said once, not on every poll). */
  private readonly bootstrapSaid = new Set<string>()
  /**
   * Peers the user removed: a removed peer that announces itself (X-Node-Url) is not learned
   * back, across restarts too, until the user adds it again (UI add, register, --peer).
   */
  private readonly removed = new Set<string>()
  private readonly now: () => number
  readonly log: Logger
  private readonly shutdown = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private unwire: (() => void) | undefined
  private polling = false
  private changed = false

  constructor(opts: PeerManagerOptions) {
    super()
    this.service = opts.service
    this.selfUrl = opts.selfUrl
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits }
    this.now = opts.now ?? Date.now
    this.log = opts.logger ?? nullLogger()
    // Every request in flight listens to it.
    setMaxListeners(0, this.shutdown.signal)
    for (const r of this.service.store.listPeers()) {
      const p = newPeer(r.url, r.score, r.addedAt, r.lastSeen, r.bannedUntil)
      p.scoreAt = this.now()
      this.peers.set(r.url, p)
    }
    try {
      const list: unknown = JSON.parse(this.service.store.getSetting(REMOVED_SETTING) ?? '[]')
      if (Array.isArray(list)) for (const u of list) if (typeof u === 'string') this.removed.add(u)
    } catch {
      // an unreadable list: nothing is held back
    }
    this.syncer = new Syncer(this, opts.verifyPool)
    this.gossip = new Gossip(this)
  }

  /** Begin polling peers (and connect the --peer URLs). */
  start(bootstrap: readonly string[] = []): void {
    for (const u of bootstrap) {
      const url = normalizeUrl(u)
      if (url === undefined) continue
      // Named on the command line: the user's own choice, which lifts an earlier removal.
      this.unremove(url)
      if (this.isSelf(url)) this.log.warn({ peer: url, from: '--peer', reason: 'it is this node' }, 'peer refused')
      else if (!this.peers.has(url)) this.bootstrap.add(url)
    }
    this.gossip.start()
    // Useful data is the one way a peer earns points back: each valid block new to us it sent.
    const onBlock = (a: AcceptedBlock, m: { source?: string }): void => {
      this.syncer.noteBlock(a, m.source)
      this.reward(m.source)
    }
    this.service.on('block', onBlock)
    this.unwire = () => this.service.off('block', onBlock)
    this.timer = setInterval(() => this.poll(), this.limits.pollMs)
    this.timer.unref()
    this.poll()
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.unwire?.()
    this.gossip.stop()
    this.shutdown.abort()
    await this.syncer.idle()
  }

  get closed(): boolean {
    return this.shutdown.signal.aborted
  }

  // ---- the list ----------------------------------------------------------------------------

  isBanned(p: PeerEntry): boolean {
    return p.bannedUntil !== null && p.bannedUntil > this.now()
  }

  /** Peers we talk to: known and not banned. */
  active(): PeerEntry[] {
    return [...this.peers.values()].filter((p) => !this.isBanned(p))
  }

  get(url: string): PeerEntry | undefined {
    return this.peers.get(url)
  }

  /** Base URLs of the peers we talk to (GET /nodes). */
  urls(): string[] {
    return this.active().map((p) => p.url)
  }

  info(p: PeerEntry): PeerInfo {
    this.settle(p)
    const tip = this.service.chain.tip()
    return {
      url: p.url,
      state: this.isBanned(p) ? 'banned' : p.reachable ? 'connected' : 'unreachable',
      tipIndex: p.status?.index ?? null,
      tipHash: p.status?.tipHash ?? null,
      lag: p.status ? tip.index - p.status.index : null,
      lastContact: p.lastContact,
      score: p.score,
      bytesIn: p.bytesIn,
      bytesOut: p.bytesOut,
      bannedUntil: this.isBanned(p) ? p.bannedUntil : null
    }
  }

  list(): PeerInfo[] {
    return [...this.peers.values()].map((p) => this.info(p))
  }

  /** Whether `url` leads to this node under one of its names. */
  isSelf(url: string): boolean {
    if (url === this.selfUrl) return true
    try {
      const u = new URL(url)
      const self = new URL(this.selfUrl)
      const loop = (h: string): boolean =>
        h === 'localhost' || h === '[::1]' || h === '0.0.0.0' || h === '[::]' || /^127\./.test(h)
      return u.port === self.port && u.protocol === self.protocol && loop(u.hostname) && loop(self.hostname)
    } catch {
      return false
    }
  }

  private persist(p: PeerEntry, force = false): void {
    const now = this.now()
    if (!force && now - p.lastPersist < 60_000) return
    p.lastPersist = now
    if (this.closed) return
    const row: PeerRow = { url: p.url, score: p.score, addedAt: p.addedAt, lastSeen: p.lastContact, bannedUntil: p.bannedUntil }
    this.service.store.putPeer(row)
  }

  private markChanged(): void {
    if (this.changed) return
    this.changed = true
    queueMicrotask(() => {
      this.changed = false
      this.emit('change')
    })
  }

  // ---- requests ----------------------------------------------------------------------------

  /** A request to a peer (or a candidate), with our X-Node-Url; traffic is counted. */
  async request(
    url: string,
    path: string,
    opts: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs: number; maxBytes: number; maxItemBytes?: number }
  ): Promise<PeerResponse> {
    const res = await peerRequest(url + path, {
      ...opts,
      headers: { [NODE_URL_HEADER]: this.selfUrl },
      signal: this.shutdown.signal
    })
    const p = this.peers.get(url)
    if (p) {
      p.bytesIn += res.bytesIn
      p.bytesOut += res.bytesOut
      if (res.ok) {
        p.lastContact = this.now()
        if (!p.reachable) this.markChanged()
        p.reachable = true
      }
    }
    return res
  }

  /** Fetch and check a URL's /status. */
  async probeStatus(url: string): Promise<Probe> {
    const res = await peerRequest(url + '/status', {
      timeoutMs: this.limits.statusTimeoutMs,
      maxBytes: this.limits.statusMaxBytes,
      headers: { [NODE_URL_HEADER]: this.selfUrl },
      signal: this.shutdown.signal
    })
    const p = this.peers.get(url)
    if (p) {
      p.bytesIn += res.bytesIn
      p.bytesOut += res.bytesOut
    }
    if (!res.ok) {
      const code = res.reason === 'too_large' || res.reason === 'bad_json' ? 'bad_answer' : 'unreachable'
      return { ok: false, code, message: `${url}: ${res.message}`, slow: res.reason === 'slow' }
    }
    if (res.nodeId === this.nodeId) return { ok: false, code: 'this_node', message: `${url} is this node` }
    if (res.status !== 200) return { ok: false, code: 'unreachable', message: `${url}/status answered ${res.status}` }
    const s = parseStatus(res.json)
    if (typeof s === 'string') return { ok: false, code: 'bad_answer', message: `${url}: ${s}` }
    if (s.genesisHash !== this.service.network.genesisHash) {
      return {
        ok: false,
        code: 'wrong_genesis',
        message: `${url} is on another network (genesis ${s.genesisHash.slice(0, 12)}…, ours ${this.service.network.genesisHash.slice(0, 12)}…)`
      }
    }
    return { ok: true, status: s, nodeId: res.nodeId }
  }

  /** PeerControl.probe: a URL's network and height, for local discovery. */
  async probe(url: string): Promise<{ genesis_hash: string; index: number; network: string } | undefined> {
    const res = await peerRequest(url + '/status', {
      timeoutMs: this.limits.statusTimeoutMs,
      maxBytes: this.limits.statusMaxBytes,
      signal: this.shutdown.signal
    })
    if (!res.ok || res.status !== 200) return undefined
    const s = parseStatus(res.json)
    return typeof s === 'string' ? undefined : { genesis_hash: s.genesisHash, index: s.index, network: s.network }
  }

  // ---- adding and learning -----------------------------------------------------------------

  /**
   * Add a peer after checking that its /status names our genesis (the app's "add peer",
   * POST /nodes/register, --peer). The peer learns us from our X-Node-Url; both then sync.
   */
  async add(rawUrl: string, by: AddedBy = 'user'): Promise<ApiResult<PeerInfo>> {
    const r = await this.tryAdd(rawUrl, by)
    // What the user asked for is said in the log either way (a peer's own announcement is not:
    // anyone can send one, and the log would fill with them).
    if (!r.ok && by === 'user') this.logRefusal(rawUrl, r.message)
    return r
  }

  private logRefusal(rawUrl: string, why: string): void {
    this.log.warn({ peer: loggableUrl(String(rawUrl).slice(0, 200)), reason: why }, 'peer refused')
  }

  private async tryAdd(rawUrl: string, by: AddedBy): Promise<ApiResult<PeerInfo>> {
    const url = normalizeUrl(rawUrl)
    if (url === undefined) return { ok: false, error: 'invalid_field', message: `${String(rawUrl)} is not an http(s) URL` }
    if (this.isSelf(url)) return { ok: false, error: 'this_node', message: `${url} is this node` }
    if (by === 'user') this.unremove(url)
    else if (this.removed.has(url)) return { ok: false, error: 'removed', message: `${url} was removed by the user` }
    const known = this.peers.get(url)
    if (known && this.isBanned(known)) {
      return { ok: false, error: 'banned', message: `${url} is banned until ${new Date(known.bannedUntil!).toISOString()}` }
    }
    if (!known && this.active().length >= this.limits.maxPeers && !this.evictOne()) {
      return { ok: false, error: 'peer_limit', message: `this node already has ${this.limits.maxPeers} peers` }
    }
    const probe = await this.probeStatus(url)
    if (!probe.ok) {
      if (known && probe.code === 'wrong_genesis') this.offence(known, OFFENCE.wrongGenesis, probe.message)
      return { ok: false, error: probe.code, message: probe.message }
    }
    // The same node under another name (localhost and 127.0.0.1, a host name and its address):
    // its answers carry the same node id as a peer we already have.
    const twin = probe.nodeId === null ? undefined : [...this.peers.values()].find((q) => q.url !== url && q.nodeId === probe.nodeId)
    if (twin !== undefined) {
      this.bootstrap.delete(url)
      return { ok: false, error: 'same_node', message: `${url} is the same node as the peer ${twin.url}` }
    }
    const p = known ?? this.insert(url)
    this.bootstrap.delete(url)
    p.nodeId = probe.nodeId
    this.updateStatus(p, probe.status)
    this.persist(p, true)
    this.markChanged()
    this.syncer.consider(p)
    return { ok: true, value: this.info(p) }
  }

  /**
   * POST /nodes/register: like add, but a node that does not answer yet is kept as an
   * unreachable peer (PROTOCOL §7 refuses only malformed URLs); its /status is checked on every
   * poll and it is dropped (banned) if it turns out to be on another network.
   */
  async register(rawUrl: string): Promise<ApiResult<PeerInfo> & { unreachable?: string }> {
    const r = await this.tryAdd(rawUrl, 'user')
    if (!r.ok && r.error !== 'unreachable') this.logRefusal(rawUrl, r.message)
    if (r.ok || r.error !== 'unreachable') return r
    const url = normalizeUrl(rawUrl)!
    const why = `${r.message}; kept as a peer and tried again on every poll`
    this.log.warn({ peer: url, reason: why }, 'peer not reachable yet')
    if (this.peers.has(url)) return { ok: true, value: this.info(this.peers.get(url)!), unreachable: why }
    if (this.active().length >= this.limits.maxPeers && !this.evictOne()) {
      return { ok: false, error: 'peer_limit', message: `this node already has ${this.limits.maxPeers} peers` }
    }
    const p = this.insert(url)
    p.reachable = false
    this.persist(p, true)
    this.markChanged()
    return { ok: true, value: this.info(p), unreachable: why }
  }

  private insert(url: string): PeerEntry {
    const p = newPeer(url, 0, this.now(), null, null)
    this.peers.set(url, p)
    this.log.info({ peer: url }, 'peer added')
    return p
  }

  /** Make room for a new peer: drop the worst unreachable one, if any. */
  private evictOne(): boolean {
    const victims = this.active()
      .filter((p) => !p.reachable)
      .sort((a, b) => a.score - b.score || (a.lastContact ?? 0) - (b.lastContact ?? 0))
    if (victims.length === 0) return false
    this.drop(victims[0].url)
    this.log.info({ peer: victims[0].url, reason: `unreachable; room made for a new peer (at most ${this.limits.maxPeers})` }, 'peer dropped')
    return true
  }

  /**
   * A request named its sender (X-Node-Url): add it once its /status shows our genesis. Runs in
   * the background, at most once at a time per URL, and not again soon after a failure.
   */
  learn(rawUrl: string): void {
    const url = normalizeUrl(rawUrl)
    if (url === undefined || this.closed || this.peers.has(url) || this.isSelf(url) || this.removed.has(url)) return
    if (this.learning.has(url) || this.learning.size >= 16) return
    const failedAt = this.recentlyFailed.get(url)
    if (failedAt !== undefined && this.now() - failedAt < 60_000) return
    const job = this.add(url, 'peer')
      .then((r) => {
        if (!r.ok) {
          if (this.recentlyFailed.size >= 1024) this.recentlyFailed.clear()
          this.recentlyFailed.set(url, this.now())
        }
      })
      .finally(() => this.learning.delete(url))
    this.learning.set(url, job)
  }

  /** Wait for a URL being learned (an orphan's sender), then tell whether it is a peer. */
  async learned(url: string): Promise<PeerEntry | undefined> {
    await this.learning.get(url)
    const p = this.peers.get(url)
    return p && !this.isBanned(p) ? p : undefined
  }

  /** The user's "disconnect": the peer is dropped and not learned back until the user adds it. */
  remove(rawUrl: string): ApiResult<null> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    const r = this.drop(url)
    if (!r.ok) return r
    this.removed.delete(url)
    this.removed.add(url)
    for (const old of this.removed) {
      if (this.removed.size <= MAX_REMOVED) break
      this.removed.delete(old)
    }
    this.saveRemoved()
    this.log.info({ peer: url, reason: 'by the user; not taken back until added again' }, 'peer removed')
    return r
  }

  /** Drop a peer from the list (eviction, too many bans, the user's remove). */
  private drop(url: string): ApiResult<null> {
    if (!this.peers.delete(url)) return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    this.bootstrap.delete(url)
    if (!this.closed) this.service.store.deletePeer(url)
    this.markChanged()
    return { ok: true, value: null }
  }

  /** The user adds a URL again: it may be learned and kept from now on. */
  private unremove(url: string): void {
    if (this.removed.delete(url)) this.saveRemoved()
  }

  private saveRemoved(): void {
    if (!this.closed) this.service.store.putSetting(REMOVED_SETTING, JSON.stringify([...this.removed]))
  }

  ban(rawUrl: string, minutes: number): ApiResult<null> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    const p = this.peers.get(url)
    if (!p) return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    this.banFor(p, minutes * 60_000, 'banned by the user')
    return { ok: true, value: null }
  }

  unban(rawUrl: string): ApiResult<null> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    const p = this.peers.get(url)
    if (!p) return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    p.bannedUntil = null
    p.score = 0
    p.scoreAt = this.now()
    this.log.info({ peer: url }, 'peer unbanned')
    this.persist(p, true)
    this.markChanged()
    this.syncer.consider(p)
    return { ok: true, value: null }
  }

  private banFor(p: PeerEntry, ms: number, why: string): void {
    p.bannedUntil = this.now() + ms
    p.reachable = null
    this.log.warn({ peer: p.url, reason: why, minutes: Math.round(ms / 60_000) }, 'peer banned')
    const banned = [...this.peers.values()].filter((q) => this.isBanned(q)).sort((a, b) => a.bannedUntil! - b.bannedUntil!)
    while (banned.length > this.limits.maxBanned) {
      const old = banned.shift()!.url
      this.drop(old)
      this.log.info({ peer: old, reason: `more than ${this.limits.maxBanned} banned peers: the oldest ban is forgotten` }, 'peer dropped')
    }
    this.persist(p, true)
    this.markChanged()
  }

  /** Give back the points a peer's score has recovered with time (one per scoreRecoverMs). */
  private settle(p: PeerEntry): void {
    const now = this.now()
    if (p.score >= 0) {
      p.scoreAt = now
      return
    }
    const back = Math.floor((now - p.scoreAt) / this.limits.scoreRecoverMs)
    if (back <= 0) return
    p.score = Math.min(0, p.score + back)
    p.scoreAt = p.score === 0 ? now : p.scoreAt + back * this.limits.scoreRecoverMs
  }

  /** A peer sent useful data (a valid block new to us): one point back, never above 0. */
  reward(url: string | undefined): void {
    const p = url === undefined ? undefined : this.peers.get(url)
    if (p === undefined || this.isBanned(p)) return
    this.settle(p)
    if (p.score < 0) {
      p.score++
      this.persist(p)
      this.markChanged()
    }
  }

  /** Score a peer down; at banScore it is dropped (banned for banMs). */
  offence(p: PeerEntry | string | undefined, cost: number, why: string): void {
    const peer = typeof p === 'string' ? this.peers.get(p) : p
    if (peer === undefined || this.isBanned(peer)) return
    this.settle(peer)
    peer.score = Math.max(this.limits.banScore, peer.score - cost)
    this.log.info({ peer: peer.url, cost, score: peer.score, reason: why }, 'peer scored down')
    if (peer.score <= this.limits.banScore) {
      this.banFor(peer, this.limits.banMs, why)
      peer.score = 0
      peer.scoreAt = this.now()
    } else {
      this.persist(peer, true)
      this.markChanged()
    }
  }

  /**
   * Score a peer down for a failed request: junk, oversize and dripping answers cost more than
   * silence (a peer that sends slowly past the deadline is holding us, not merely far away).
   */
  transportOffence(p: PeerEntry, res: PeerResponse): void {
    if (res.ok) return
    if (res.reason === 'too_large') this.offence(p, OFFENCE.tooLarge, res.message)
    else if (res.reason === 'bad_json') this.offence(p, OFFENCE.garbage, res.message)
    else if (res.reason === 'slow') this.offence(p, OFFENCE.slow, res.message)
    else if (res.reason === 'unreachable') {
      if (/no answer within/.test(res.message)) this.offence(p, OFFENCE.timeout, res.message)
      if (p.reachable !== false) this.markChanged()
      p.reachable = false
    }
  }

  private updateStatus(p: PeerEntry, s: PeerStatus): void {
    const before = p.status
    p.status = s
    p.reachable = true
    p.lastContact = this.now()
    if (before?.tipHash !== s.tipHash) this.markChanged()
    // No points back for answering a poll: a peer that misbehaves on the requests that matter
    // must not win its score back with the cheap ones (see the header comment).
    this.persist(p)
  }

  // ---- polling -----------------------------------------------------------------------------

  /**
   * Ask every peer for its /status; catch up from those with more work. Each peer is polled on
   * its own: one that is slow to answer delays nobody else.
   */
  poll(): void {
    if (this.closed) return
    if (!this.polling) {
      this.polling = true
      void Promise.all([...this.bootstrap].map((u) => this.addBootstrap(u))).finally(() => (this.polling = false))
    }
    for (const p of this.active()) {
      if (p.polling) continue
      p.polling = true
      void this.pollOne(p).finally(() => (p.polling = false))
    }
  }

  /**
   * One --peer URL: added, or refused for good with the reason in the log (another network, this
   * node, a peer already known by another name), or not reachable yet: said once, tried again on
   * every poll.
   */
  private async addBootstrap(url: string): Promise<void> {
    const r = await this.tryAdd(url, 'user')
    if (r.ok) return
    if (r.error === 'unreachable' || r.error === 'peer_limit') {
      if (!this.bootstrapSaid.has(url)) this.log.warn({ peer: url, from: '--peer', reason: r.message }, 'peer not reachable yet; tried again on every poll')
      this.bootstrapSaid.add(url)
      return
    }
    this.bootstrap.delete(url)
    this.log.warn({ peer: url, from: '--peer', reason: r.message }, 'peer refused')
  }

  /** Refresh one peer's status; `consider`: queue a catch-up if it has more work. */
  async pollOne(p: PeerEntry, consider = true): Promise<PeerStatus | undefined> {
    const probe = await this.probeStatus(p.url)
    if (this.closed || !this.peers.has(p.url)) return undefined
    if (!probe.ok) {
      if (probe.code === 'wrong_genesis') this.offence(p, OFFENCE.wrongGenesis, probe.message)
      else if (probe.code === 'bad_answer') this.offence(p, OFFENCE.garbage, probe.message)
      else if (probe.slow) this.offence(p, OFFENCE.slow, probe.message)
      else {
        if (/no answer within/.test(probe.message)) this.offence(p, OFFENCE.timeout, probe.message)
        if (p.reachable !== false) this.markChanged()
        p.reachable = false
      }
      return undefined
    }
    p.nodeId = probe.nodeId
    this.updateStatus(p, probe.status)
    if (consider) this.syncer.consider(p)
    return probe.status
  }

  // ---- for the HTTP routes -----------------------------------------------------------------

  /** POST /blocks answered 202: fetch the orphan's ancestors from its sender or other peers. */
  onOrphan(hash: string, source?: string): void {
    void this.syncer.fetchAncestors(hash, source)
  }

  /** GET /nodes/resolve and the app's Resolve: take every peer's chain, keep the most work. */
  resolve(): Promise<ResolveOutcome> {
    return this.syncer.resolve()
  }
}
