/**
 * Link faults (the lab, issue 13): this node's own traffic with a peer on this machine, made
 * worse on purpose so forks and reorganisations happen when a person wants them to. Per peer URL
 * a link can be paused (every request either way fails as if the peer were unreachable), given
 * latency (each request waits before it goes, or before it is answered) and loss (that share of
 * requests fail the same way as a pause, each drawn on its own); and the whole node can be cut
 * off from every node on this machine, peers added later included.
 *
 * Only links with nodes on this machine (127.0.0.0/8, localhost, [::1]) may be faulted: the lab
 * is for local nodes, and a fault on a real network peer would look like a network problem to
 * whoever reads the log. Only the local control API sets them (api/faults.ts): the UI API is
 * served over IPC and the token-protected UI routes, never on the protocol's routes.
 *
 * The faults are kept in memory only: a restart heals every link. One node applies its faults to
 * both directions of its own traffic (PeerManager.request and probeStatus going out; the HTTP
 * endpoint's onRequest hook coming in, by the request's X-Node-Url), so one node alone cuts a
 * link, without the other node's cooperation.
 *
 * A faulted request fails as `unreachable`, which costs a peer no score (PeerManager's
 * transportOffence and pollOne): an injected fault never gets a peer scored down or banned.
 *
 * Pure apart from the random source (loss) and the clock (when each fault was set), both
 * injected, so tests decide which request is lost.
 */
import { EventEmitter } from 'node:events'
import {
  MAX_FAULT_LATENCY_MS,
  type ApiResult,
  type FaultChange,
  type FaultsView,
  type LinkFault,
  type LinkFaultView
} from '../../shared/api'
import { isLoopbackPeerUrl, normalizeUrl } from '../../shared/peer-url'

/** The most links with a fault at once (a bound on what the API can make the node keep). */
export const MAX_FAULTED_LINKS = 256

/** What happens to one request on a link: it goes (after `delayMs`), or it is dropped. */
export type FaultDecision = { drop: false; delayMs: number } | { drop: true; why: string }

const PASS: FaultDecision = { drop: false, delayMs: 0 }

export interface LinkFaultsOptions {
  /** Uniform in [0, 1): decides which requests a lossy link loses. Math.random by default. */
  random?: () => number
  now?: () => number
  /**
   * Whether the node has `url` (normalised) as a peer: a fault is set only on a link the node has
   * (healing one is always allowed: its peer may have gone since). Any URL when not given.
   */
  isPeer?: (url: string) => boolean
}

export interface LinkFaultsEvents {
  change: [FaultChange]
}

/** A link fault from an untrusted value, or why it is not one. */
export function checkLinkFault(v: unknown): ApiResult<LinkFault> {
  const bad = (message: string): ApiResult<LinkFault> => ({
    ok: false,
    error: 'invalid_field',
    message
  })
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return bad('fault must be an object { paused, latencyMs, lossPercent }')
  const f = v as Record<string, unknown>
  const whole = (x: unknown, max: number): x is number =>
    typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max
  if (typeof f.paused !== 'boolean') return bad('fault.paused must be true or false')
  if (!whole(f.latencyMs, MAX_FAULT_LATENCY_MS))
    return bad(`fault.latencyMs must be a whole number from 0 to ${MAX_FAULT_LATENCY_MS}`)
  if (!whole(f.lossPercent, 100))
    return bad('fault.lossPercent must be a whole number from 0 to 100')
  return {
    ok: true,
    value: { paused: f.paused, latencyMs: f.latencyMs, lossPercent: f.lossPercent }
  }
}

const clear = (f: LinkFault): boolean => !f.paused && f.latencyMs === 0 && f.lossPercent === 0

export class LinkFaults extends EventEmitter<LinkFaultsEvents> {
  private readonly links = new Map<string, LinkFaultView>()
  private isolatedSince: number | null = null
  private readonly random: () => number
  private readonly now: () => number
  private readonly isPeer: (url: string) => boolean

  constructor(opts: LinkFaultsOptions = {}) {
    super()
    this.random = opts.random ?? Math.random
    this.now = opts.now ?? Date.now
    this.isPeer = opts.isPeer ?? (() => true)
  }

  /** Whether any fault is in force (a fast way past for the usual case). */
  get any(): boolean {
    return this.isolatedSince !== null || this.links.size > 0
  }

  get isolated(): boolean {
    return this.isolatedSince !== null
  }

  view(): FaultsView {
    return {
      isolated: this.isolated,
      isolatedSince: this.isolatedSince,
      links: [...this.links.values()]
        .map((l) => ({ ...l }))
        .sort((a, b) => a.peer.localeCompare(b.peer))
    }
  }

  /**
   * The fault on the link with peer `url` now, a cut-off node's counted as a pause; undefined when
   * the link is as it should be (and for every peer not on this machine).
   */
  of(url: string): LinkFault | undefined {
    if (!this.any || !isLoopbackPeerUrl(url)) return undefined
    const own = this.links.get(url)
    if (own === undefined && !this.isolated) return undefined
    return {
      paused: this.isolated || own!.paused,
      latencyMs: own?.latencyMs ?? 0,
      lossPercent: own?.lossPercent ?? 0
    }
  }

  /**
   * Set the fault of the link with `peerUrl` (normalised as the peer table does); one that is all
   * clear heals the link. Refused (invalid_field) for a URL not on this machine or a bad fault,
   * and (not_found) for a fault on a link to a node that is not a peer.
   */
  set(peerUrl: unknown, fault: unknown): ApiResult<FaultsView> {
    const url = normalizeUrl(peerUrl)
    if (url === undefined)
      return { ok: false, error: 'invalid_field', message: 'peerUrl must be an http(s) URL' }
    if (!isLoopbackPeerUrl(url))
      return {
        ok: false,
        error: 'invalid_field',
        message: `${url} is not on this machine: only a link with a node on 127.0.0.0/8, localhost or [::1] may be given a fault`
      }
    const f = checkLinkFault(fault)
    if (!f.ok) return f
    if (clear(f.value)) {
      // Healing a link that has no fault changes nothing: no event, no timeline entry.
      if (!this.links.delete(url)) return { ok: true, value: this.view() }
    } else if (!this.isPeer(url))
      return {
        ok: false,
        error: 'not_found',
        message: `${url} is not a peer of this node: a fault is set on a link to a peer`
      }
    else {
      const now = this.links.get(url)
      // The same fault again changes nothing: no event, and the link keeps its `since`.
      if (
        now !== undefined &&
        now.paused === f.value.paused &&
        now.latencyMs === f.value.latencyMs &&
        now.lossPercent === f.value.lossPercent
      )
        return { ok: true, value: this.view() }
      if (now === undefined && this.links.size >= MAX_FAULTED_LINKS)
        return {
          ok: false,
          error: 'invalid_field',
          message: `at most ${MAX_FAULTED_LINKS} links may have a fault at once`
        }
      this.links.set(url, { peer: url, ...f.value, since: this.now() })
    }
    this.emit('change', { what: 'link', peer: url, fault: f.value })
    return { ok: true, value: this.view() }
  }

  /** Cut this node off from every node on this machine (on), or reconnect it (off). */
  setIsolated(on: boolean): FaultsView {
    if (on !== this.isolated) {
      this.isolatedSince = on ? this.now() : null
      this.emit('change', { what: on ? 'cut-off' : 'reconnected' })
    }
    return this.view()
  }

  /** Every link back as it should be, and the node reconnected. */
  healAll(): FaultsView {
    if (this.any) {
      this.links.clear()
      this.isolatedSince = null
      this.emit('change', { what: 'healed' })
    }
    return this.view()
  }

  /**
   * What happens to one request on the link with `url` (undefined: a request that names no
   * peer, which no fault touches). A lossy link draws once per request.
   */
  decide(url: string | undefined): FaultDecision {
    if (url === undefined || !this.any) return PASS
    const f = this.of(url)
    if (f === undefined) return PASS
    if (this.isolated) return { drop: true, why: 'this node is cut off by fault injection' }
    if (f.paused) return { drop: true, why: 'link paused by fault injection' }
    if (f.lossPercent > 0 && this.random() * 100 < f.lossPercent)
      return { drop: true, why: 'request lost by fault injection' }
    return f.latencyMs > 0 ? { drop: false, delayMs: f.latencyMs } : PASS
  }
}
