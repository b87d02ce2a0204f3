/**
 * What the parts of the peer network share, in a leaf that imports none of them: the headers and
 * limits of PROTOCOL §6-§7, the offence costs, a peer's record, and the narrow views the Syncer
 * and Gossip get of the peer manager and of the node. Those two hold these interfaces, not the
 * PeerManager or each other, so the files import one way only:
 *
 *   peer-manager.ts → sync.ts, gossip.ts, peer-table.ts → types.ts, wire.ts, http-client.ts
 */
import type { Logger } from '../log'
import type { NodeFacade } from '../node/facade'
import type { PeerResponse } from './http-client'
import type { PeerStatus } from './wire'

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

/** What an offence was for: a refused block or transaction, by its hash or id. */
export interface OffenceAbout {
  what: 'block' | 'transaction'
  id: string
}

/** A peer scored down: what it lost, where its score is, and whether it is banned for it. */
export interface Offence {
  url: string
  cost: number
  score: number
  banned: boolean
  why: string
  about?: OffenceAbout
}

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

/** Who asks for a peer to be added: the user (UI, register, --peer) or the peer itself (X-Node-Url). */
export type AddedBy = 'user' | 'peer'

/** A request to a peer: deadline and size caps (http-client.ts), method and body. */
export interface PeerRequestOptions {
  method?: 'GET' | 'POST' | 'HEAD'
  body?: unknown
  timeoutMs: number
  maxBytes: number
  maxItemBytes?: number
}

/**
 * What Gossip uses of the peer network: the peers to talk to, requests that count traffic, and
 * the scoring of what a peer does wrong.
 */
export interface PeerNet {
  readonly closed: boolean
  readonly limits: PeerLimits
  readonly log: Logger
  get(url: string): PeerEntry | undefined
  /** Peers we talk to: known and not banned. */
  active(): PeerEntry[]
  isBanned(p: PeerEntry): boolean
  request(url: string, path: string, opts: PeerRequestOptions): Promise<PeerResponse>
  /** `about`: the block or transaction it was for, so the refusal report can say what it cost. */
  offence(p: PeerEntry | string | undefined, cost: number, why: string, about?: OffenceAbout): void
  transportOffence(p: PeerEntry, res: PeerResponse): void
}

/** What the Syncer uses besides: an orphan's sender being learned, and a fresh /status of a peer. */
export interface SyncNet extends PeerNet {
  learned(url: string): Promise<PeerEntry | undefined>
  pollOne(p: PeerEntry, consider?: boolean): Promise<PeerStatus | undefined>
}

/** What catching up uses of the node: its tip and what it lacks, and where blocks go. */
export type SyncNode = Pick<
  NodeFacade,
  | 'storageOk'
  | 'submitBlock'
  | 'submitBlocks'
  | 'tip'
  | 'missingAncestor'
  | 'hasBlock'
  | 'walletAddress'
>

/** What gossip uses of the node: the blocks and transactions it accepts, as events. */
export type GossipNode = Pick<NodeFacade, 'on' | 'off'>

/**
 * The peer network's port into the node: what the Syncer and Gossip use, and the network's
 * genesis (a peer on another network is refused). NodeService satisfies it; the composition
 * root hands it in, so nothing in p2p/ knows the concrete class.
 */
export type PeerNode = SyncNode & GossipNode & Pick<NodeFacade, 'network'>
