/**
 * The peer network (PROTOCOL §6, §7): a bounded, persisted list of peers on our network, each
 * with a score, its last known tip and traffic counters. It learns peers that announce themselves
 * (`X-Node-Url`) after checking their genesis hash, polls their `/status`, hands catching up to
 * the Syncer and pushes what the node accepts (Gossip). A peer that sends invalid data is scored
 * down and banned after repeated offences; every outbound request has a deadline and a size cap.
 *
 * Scoring (the rules and the records: peer-table.ts). Each offence (OFFENCE: an invalid block, a
 * junk or oversized answer, an answer still dripping in at its whole-request deadline, silence)
 * takes points off; points come back for useful data (a valid block new to us, which costs proof
 * of work) and slowly with time. Answering /status polls earns nothing: a peer that drips or
 * oversizes its answers and answers every poll well in between is still banned after a bounded
 * number of offences (three slow answers, two oversized ones), unless it spaces them hours apart.
 *
 * Link faults (the lab, faults.ts) are applied here to every request going out (request,
 * probeStatus) and, through `incoming`, by the HTTP endpoint to requests coming in; a faulted
 * request fails as `unreachable`, which costs the peer nothing.
 *
 * This file composes the parts: the Syncer and Gossip get narrow views (types.ts: PeerNet,
 * SyncNet, SyncNode, GossipNode) and reach each other only through the functions given here.
 */
import { EventEmitter, setMaxListeners } from 'node:events'
import { loggableUrl, nullLogger, type Logger } from '../log'
import { randomBytes } from 'node:crypto'
import type { AcceptedBlock } from '../node/facade'
import { setTimeout as sleep } from 'node:timers/promises'
import type {
  ApiResult,
  FaultChange,
  ForkTree,
  OfferOutcome,
  PeerInfo,
  PeerRefusal,
  ResolveOutcome
} from '../../shared/api'
import { isHash, type BlockWire } from '../core'
import { isLoopbackPeerUrl } from '../../shared/peer-url'
import { noAnswer, peerRequest, type FailReason, type PeerResponse } from './http-client'
import {
  MAX_BLOCK_WIRE_BYTES,
  MAX_FORK_TREE_BYTES,
  normalizeUrl,
  parseForkTree,
  parseStatus,
  type PeerStatus
} from './wire'
import { Syncer } from './sync'
import { Gossip } from './gossip'
import { PeerTable, type PeerStore } from './peer-table'
import { LinkFaults, type FaultDecision } from './faults'
import {
  DEFAULT_LIMITS,
  NODE_URL_HEADER,
  OFFENCE,
  type AddedBy,
  type Offence,
  type OffenceAbout,
  type PeerEntry,
  type PeerLimits,
  type PeerNode,
  type PeerRequestOptions,
  type SyncNet,
  SMALL_ANSWER_MAX_BYTES
} from './types'
import type { VerifyPool } from './verify-pool'

/** How long the tour waits for a peer on this machine to mine a block (GET /mine). */
const MINE_ON_PEER_TIMEOUT_MS = 60_000

export interface PeerManagerOptions {
  /** The node, through the port peers need (types.ts). */
  service: PeerNode
  /** Where the peer table outlives a restart: the node's store (peer-table.ts). */
  store: PeerStore
  /** Our base URL, sent as X-Node-Url. */
  selfUrl: string
  verifyPool?: VerifyPool
  limits?: Partial<PeerLimits>
  now?: () => number
  /** The node's log (module p2p): peers added, refused, dropped, banned, unbanned and why. */
  logger?: Logger
  /** Decides which requests a lossy link loses (faults.ts); Math.random by default. */
  faultRandom?: () => number
}

export interface PeerManagerEvents {
  change: []
  /** A peer was scored down (the refusal report reads what a refused block cost its sender). */
  offence: [Offence]
  /** A peer entered the table, or left it (removed, evicted, or its ban forgotten). */
  added: [url: string]
  dropped: [url: string]
  /** The lab's link faults changed (faults.ts). */
  fault: [FaultChange]
}

/** A failed probe; `reason`: how its request failed, where it did (http-client.ts), not read from the message. */
type Probe =
  | { ok: true; status: PeerStatus; nodeId: string | null }
  | { ok: false; code: Exclude<PeerRefusal, 'removed'>; message: string; reason?: FailReason }

export class PeerManager extends EventEmitter<PeerManagerEvents> implements SyncNet {
  readonly service: PeerNode
  selfUrl: string
  readonly limits: PeerLimits
  /** Random per process; answers carry it so a URL that leads back to us is recognised. */
  readonly nodeId = randomBytes(8).toString('hex')
  readonly syncer: Syncer
  readonly gossip: Gossip
  /** The lab's link faults of this node, in memory (faults.ts). */
  readonly faults: LinkFaults
  /** The peers, their scores and bans, and what of them is kept in the store. */
  private readonly table: PeerTable
  private readonly learning = new Map<string, Promise<unknown>>()
  private readonly recentlyFailed = new Map<string, number>()
  /** --peer URLs not reachable yet: retried on every poll until added. */
  private readonly bootstrap = new Set<string>()
  /** --peer URLs already said to be unreachable in the log (said once, not on every poll). */
  private readonly bootstrapSaid = new Set<string>()
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
    this.table = new PeerTable({
      store: opts.store,
      limits: this.limits,
      now: this.now,
      log: this.log,
      closed: () => this.closed,
      changed: () => this.markChanged(),
      dropped: (url) => {
        this.bootstrap.delete(url)
        this.emit('dropped', url)
      },
      scored: (o) => this.emit('offence', o),
      added: (url) => this.emit('added', url)
    })
    // Each is given what it uses, and the other only as a function: no import between them.
    this.syncer = new Syncer(
      this,
      this.service,
      (b, except) => this.gossip.relayBlock(b, except),
      opts.verifyPool
    )
    this.gossip = new Gossip(this, this.service, (source) => this.syncer.isQuiet(source))
    this.faults = new LinkFaults({
      random: opts.faultRandom,
      now: this.now,
      isPeer: (url) => this.table.has(url)
    })
    this.faults.on('change', (c) => this.faultChanged(c))
  }

  /**
   * A link fault changed: the peer list shows it, the timeline records it, and a link that may
   * work again is tried at once, its catch-up back-off and failed announcements forgotten (the
   * failures were injected).
   */
  private faultChanged(c: FaultChange): void {
    this.markChanged()
    this.emit('fault', c)
    if (this.closed || c.what === 'cut-off' || (c.what === 'link' && c.fault.paused)) return
    for (const p of this.table.all()) {
      if (c.what === 'link' && c.peer !== p.url) continue
      if (this.faults.of(p.url)?.paused) continue
      p.syncFailures = 0
      p.retryAt = 0
    }
    // A peer whose announcement failed across the fault is learned again at its next request.
    this.recentlyFailed.clear()
    if (this.timer !== undefined) this.poll()
  }

  /** Begin polling peers (and connect the --peer URLs). */
  start(bootstrap: readonly string[] = []): void {
    for (const u of bootstrap) {
      const url = normalizeUrl(u)
      if (url === undefined) continue
      // Named on the command line: the user's own choice, which lifts an earlier removal.
      this.table.unremove(url)
      if (this.isSelf(url))
        this.log.warn({ peer: url, from: '--peer', reason: 'it is this node' }, 'peer refused')
      else if (!this.table.has(url)) this.bootstrap.add(url)
    }
    this.gossip.start()
    // Useful data is the one way a peer earns points back: each valid block new to us it sent.
    const onBlock = (a: AcceptedBlock): void => {
      this.syncer.noteBlock(a)
      this.table.reward(a.origin.source)
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
    return this.table.isBanned(p)
  }

  /** Peers we talk to: known and not banned. */
  active(): PeerEntry[] {
    return this.table.active()
  }

  get(url: string): PeerEntry | undefined {
    return this.table.get(url)
  }

  /** Base URLs of the peers we talk to (GET /nodes). */
  urls(): string[] {
    return this.active().map((p) => p.url)
  }

  info(p: PeerEntry): PeerInfo {
    this.table.settle(p)
    const tip = this.service.tip()
    const fault = this.faults.of(p.url)
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
      bannedUntil: this.isBanned(p) ? p.bannedUntil : null,
      ...(fault === undefined ? {} : { fault })
    }
  }

  list(): PeerInfo[] {
    return this.table.all().map((p) => this.info(p))
  }

  /** Whether `url` leads to this node under one of its names. */
  isSelf(url: string): boolean {
    if (url === this.selfUrl) return true
    try {
      const u = new URL(url)
      const self = new URL(this.selfUrl)
      const loop = (h: string): boolean =>
        h === 'localhost' || h === '[::1]' || h === '0.0.0.0' || h === '[::]' || /^127\./.test(h)
      return (
        u.port === self.port &&
        u.protocol === self.protocol &&
        loop(u.hostname) &&
        loop(self.hostname)
      )
    } catch {
      return false
    }
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

  /**
   * The link fault on a request going out to `url`: a failure to answer with at once (paused,
   * cut off, lost), or nothing once its latency has passed. The latency is waited before the
   * request goes, outside its deadline, so an injected delay never times a request out.
   */
  private async faultOut(url: string): Promise<PeerResponse | undefined> {
    const d = this.faults.decide(url)
    if (d.drop)
      return {
        ok: false,
        reason: 'unreachable',
        message: `${url}: ${d.why}`,
        bytesIn: 0,
        bytesOut: 0
      }
    if (d.delayMs === 0) return undefined
    try {
      await sleep(d.delayMs, undefined, { signal: this.shutdown.signal })
      return undefined
    } catch {
      return {
        ok: false,
        reason: 'aborted',
        message: `${url}: the node is shutting down`,
        bytesIn: 0,
        bytesOut: 0
      }
    }
  }

  /**
   * The HTTP endpoint's side of the link faults: what to do with a request whose X-Node-Url is
   * `sender` (the raw header; none: a person's curl or the UI, which no fault touches). Dropped
   * for a paused, cut-off or lost request (the endpoint destroys the socket: the peer sees an
   * unreachable node); delayed by the link's latency, but at most half this node's /status
   * deadline: an answer held longer would run into the peer's own deadline, and the peer would
   * score this node down for silence, which an injected fault must never cause.
   */
  incoming(sender: unknown): FaultDecision {
    if (!this.faults.any || sender === undefined) return { drop: false, delayMs: 0 }
    const d = this.faults.decide(normalizeUrl(sender))
    if (d.drop || d.delayMs === 0) return d
    return {
      drop: false,
      delayMs: Math.min(d.delayMs, Math.floor(this.limits.statusTimeoutMs / 2))
    }
  }

  /** A request to a peer (or a candidate), with our X-Node-Url; traffic is counted. */
  async request(url: string, path: string, opts: PeerRequestOptions): Promise<PeerResponse> {
    const res =
      (await this.faultOut(url)) ??
      (await peerRequest(url + path, {
        ...opts,
        headers: { [NODE_URL_HEADER]: this.selfUrl },
        signal: this.shutdown.signal
      }))
    const p = this.table.get(url)
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
    const res =
      (await this.faultOut(url)) ??
      (await peerRequest(url + '/status', {
        timeoutMs: this.limits.statusTimeoutMs,
        maxBytes: this.limits.statusMaxBytes,
        headers: { [NODE_URL_HEADER]: this.selfUrl },
        signal: this.shutdown.signal
      }))
    const p = this.table.get(url)
    if (p) {
      p.bytesIn += res.bytesIn
      p.bytesOut += res.bytesOut
    }
    if (!res.ok) {
      const code =
        res.reason === 'too_large' || res.reason === 'bad_json' ? 'bad_answer' : 'unreachable'
      return { ok: false, code, message: `${url}: ${res.message}`, reason: res.reason }
    }
    if (res.nodeId === this.nodeId)
      return { ok: false, code: 'this_node', message: `${url} is this node` }
    if (res.status !== 200)
      return { ok: false, code: 'unreachable', message: `${url}/status answered ${res.status}` }
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
  async probe(
    url: string
  ): Promise<{ genesisHash: string; index: number; network: string } | undefined> {
    const res = await peerRequest(url + '/status', {
      timeoutMs: this.limits.statusTimeoutMs,
      maxBytes: this.limits.statusMaxBytes,
      signal: this.shutdown.signal
    })
    if (!res.ok || res.status !== 200) return undefined
    const s = parseStatus(res.json)
    return typeof s === 'string'
      ? undefined
      : { genesisHash: s.genesisHash, index: s.index, network: s.network }
  }

  /**
   * The tamper lab: offer a block (a person's copy, not one this node holds) to peer `url` with
   * POST /blocks, and say how the peer answered (PROTOCOL §7). Only to a peer in the table
   * (undefined otherwise). The peer's answer costs it nothing here, whatever it is: the request
   * is the person's, not gossip. Nor does the peer score this node for an invalid copy: a block
   * posted to a node is not scored (anyone can post one under any name).
   */
  async offerBlock(url: string, block: BlockWire): Promise<OfferOutcome | undefined> {
    if (this.table.get(url) === undefined) return undefined
    const res = await this.request(url, '/blocks', {
      method: 'POST',
      body: block,
      timeoutMs: this.limits.pushTimeoutMs,
      maxBytes: SMALL_ANSWER_MAX_BYTES
    })
    if (!res.ok) return { kind: 'failed', message: res.message }
    const j = (typeof res.json === 'object' && res.json !== null ? res.json : {}) as Record<
      string,
      unknown
    >
    const message = typeof j.message === 'string' ? j.message.slice(0, 500) : ''
    if (res.status === 201 && (j.status === 'main' || j.status === 'side'))
      return { kind: 'accepted', status: j.status, message }
    if (res.status === 200) return { kind: 'known', message }
    if (res.status === 202) return { kind: 'orphan', message }
    if (res.status >= 400 && res.status < 500 && typeof j.error === 'string')
      return { kind: 'refused', httpStatus: res.status, code: j.error.slice(0, 64), message }
    return { kind: 'failed', message: `the peer answered ${res.status}` }
  }

  /**
   * The lab's Forks screen: peer `rawUrl`'s fork tree (GET /forks, Blockforge's own route); null
   * when the peer does not serve one (another implementation, or an older Blockforge), undefined
   * when `url` is not a peer. Asked for by a person, so a bad answer is said, not scored.
   */
  async forkTree(rawUrl: string): Promise<ApiResult<ForkTree | null> | undefined> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    if (this.table.get(url) === undefined) return undefined
    // A person looking at both sides of a fork, not traffic between the nodes: no link fault
    // applies (the tour shows a peer's tree while this node is cut off from it).
    const res = await peerRequest(url + '/forks', {
      timeoutMs: 2 * this.limits.statusTimeoutMs,
      maxBytes: MAX_FORK_TREE_BYTES,
      signal: this.shutdown.signal
    })
    if (res.status === 404) return { ok: true, value: null }
    if (!res.ok) {
      const code =
        res.reason === 'too_large' || res.reason === 'bad_json' ? 'bad_answer' : 'unreachable'
      return { ok: false, error: code, message: `${url}/forks: ${res.message}` }
    }
    if (res.status !== 200)
      return { ok: false, error: 'unreachable', message: `${url}/forks answered ${res.status}` }
    const tree = parseForkTree(res.json)
    if (typeof tree === 'string')
      return { ok: false, error: 'bad_answer', message: `${url}: ${tree}` }
    return { ok: true, value: tree }
  }

  /**
   * The guided tour's hand on another node of this machine: `GET /mine` on peer `url` (a control
   * route, which that node answers loopback clients). Not traffic between the nodes, so no link
   * fault applies to it: the tour mines on a peer it has just cut itself off from. Refused
   * (invalid_field) for a peer not on this machine, undefined when `url` is not a peer.
   */
  async mineOnPeer(
    rawUrl: string
  ): Promise<ApiResult<{ index: number; hash: string }> | undefined> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    if (this.table.get(url) === undefined) return undefined
    if (!isLoopbackPeerUrl(url))
      return { ok: false, error: 'invalid_field', message: `${url} is not a node on this machine` }
    const res = await peerRequest(url + '/mine', {
      timeoutMs: MINE_ON_PEER_TIMEOUT_MS,
      maxBytes: MAX_BLOCK_WIRE_BYTES,
      signal: this.shutdown.signal
    })
    if (!res.ok) return { ok: false, error: 'unreachable', message: `${url}/mine: ${res.message}` }
    const j = res.json as { index?: unknown; hash?: unknown } | null
    if (res.status !== 200 || typeof j?.index !== 'number' || !isHash(j.hash)) {
      const why = res.status === 403 ? ' (it asks for its API token)' : ''
      return {
        ok: false,
        error: 'unavailable',
        message: `${url}/mine answered ${res.status}${why}`
      }
    }
    return { ok: true, value: { index: j.index, hash: j.hash } }
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
    if (url === undefined)
      return {
        ok: false,
        error: 'invalid_field',
        message: `${String(rawUrl)} is not an http(s) URL`
      }
    if (this.isSelf(url)) return { ok: false, error: 'this_node', message: `${url} is this node` }
    if (by === 'user') this.table.unremove(url)
    else if (this.table.isRemoved(url))
      return { ok: false, error: 'removed', message: `${url} was removed by the user` }
    const known = this.table.get(url)
    if (known && this.isBanned(known)) {
      return {
        ok: false,
        error: 'banned',
        message: `${url} is banned until ${new Date(known.bannedUntil!).toISOString()}`
      }
    }
    if (!known && this.active().length >= this.limits.maxPeers && !this.evictOne()) {
      return {
        ok: false,
        error: 'peer_limit',
        message: `this node already has ${this.limits.maxPeers} peers`
      }
    }
    const probe = await this.probeStatus(url)
    if (!probe.ok) {
      if (known && probe.code === 'wrong_genesis')
        this.offence(known, OFFENCE.wrongGenesis, probe.message)
      return { ok: false, error: probe.code, message: probe.message }
    }
    // The same node under another name (localhost and 127.0.0.1, a host name and its address):
    // its answers carry the same node id as a peer we already have.
    const twin =
      probe.nodeId === null
        ? undefined
        : this.table.all().find((q) => q.url !== url && q.nodeId === probe.nodeId)
    if (twin !== undefined) {
      this.bootstrap.delete(url)
      return {
        ok: false,
        error: 'same_node',
        message: `${url} is the same node as the peer ${twin.url}`
      }
    }
    const p = known ?? this.table.insert(url)
    this.bootstrap.delete(url)
    p.nodeId = probe.nodeId
    this.updateStatus(p, probe.status)
    this.table.persist(p, true)
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
    if (this.table.has(url))
      return { ok: true, value: this.info(this.table.get(url)!), unreachable: why }
    if (this.active().length >= this.limits.maxPeers && !this.evictOne()) {
      return {
        ok: false,
        error: 'peer_limit',
        message: `this node already has ${this.limits.maxPeers} peers`
      }
    }
    const p = this.table.insert(url)
    p.reachable = false
    this.table.persist(p, true)
    this.markChanged()
    return { ok: true, value: this.info(p), unreachable: why }
  }

  /** Make room for a new peer: drop the worst unreachable one, if any. */
  private evictOne(): boolean {
    const victims = this.active()
      .filter((p) => !p.reachable)
      .sort((a, b) => a.score - b.score || (a.lastContact ?? 0) - (b.lastContact ?? 0))
    if (victims.length === 0) return false
    this.table.drop(victims[0].url)
    this.log.info(
      {
        peer: victims[0].url,
        reason: `unreachable; room made for a new peer (at most ${this.limits.maxPeers})`
      },
      'peer dropped'
    )
    return true
  }

  /**
   * A request named its sender (X-Node-Url): add it once its /status shows our genesis. Runs in
   * the background, at most once at a time per URL, and not again soon after a failure.
   */
  learn(rawUrl: string): void {
    const url = normalizeUrl(rawUrl)
    if (
      url === undefined ||
      this.closed ||
      this.table.has(url) ||
      this.isSelf(url) ||
      this.table.isRemoved(url)
    )
      return
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
    const p = this.table.get(url)
    return p && !this.isBanned(p) ? p : undefined
  }

  /** The user's "disconnect": the peer is dropped and not learned back until the user adds it. */
  remove(rawUrl: string): ApiResult<null> {
    return this.table.remove(normalizeUrl(rawUrl) ?? rawUrl)
  }

  ban(rawUrl: string, minutes: number): ApiResult<null> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    const p = this.table.get(url)
    if (!p) return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    this.table.ban(p, minutes * 60_000, 'banned by the user')
    return { ok: true, value: null }
  }

  unban(rawUrl: string): ApiResult<null> {
    const url = normalizeUrl(rawUrl) ?? rawUrl
    const p = this.table.get(url)
    if (!p) return { ok: false, error: 'not_found', message: `${url} is not a peer` }
    this.table.unban(p)
    this.syncer.consider(p)
    return { ok: true, value: null }
  }

  /** Score a peer down; at banScore it is dropped (banned for banMs). */
  offence(
    p: PeerEntry | string | undefined,
    cost: number,
    why: string,
    about?: OffenceAbout
  ): void {
    this.table.offence(p, cost, why, about)
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
    else if (noAnswer(res.reason)) {
      if (res.reason === 'timeout') this.offence(p, OFFENCE.timeout, res.message)
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
    this.table.persist(p)
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
      void Promise.all([...this.bootstrap].map((u) => this.addBootstrap(u))).finally(
        () => (this.polling = false)
      )
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
      if (!this.bootstrapSaid.has(url))
        this.log.warn(
          { peer: url, from: '--peer', reason: r.message },
          'peer not reachable yet; tried again on every poll'
        )
      this.bootstrapSaid.add(url)
      return
    }
    this.bootstrap.delete(url)
    this.log.warn({ peer: url, from: '--peer', reason: r.message }, 'peer refused')
  }

  /** Refresh one peer's status; `consider`: queue a catch-up if it has more work. */
  async pollOne(p: PeerEntry, consider = true): Promise<PeerStatus | undefined> {
    const probe = await this.probeStatus(p.url)
    if (this.closed || !this.table.has(p.url)) return undefined
    if (!probe.ok) {
      if (probe.code === 'wrong_genesis') this.offence(p, OFFENCE.wrongGenesis, probe.message)
      else if (probe.code === 'bad_answer') this.offence(p, OFFENCE.garbage, probe.message)
      else if (probe.reason === 'slow') this.offence(p, OFFENCE.slow, probe.message)
      else {
        if (probe.reason === 'timeout') this.offence(p, OFFENCE.timeout, probe.message)
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
