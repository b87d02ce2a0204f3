/**
 * What the UI API is built from: the running node's parts, handed in by the composition root
 * (app/run.ts). Each area of handlers takes the few of these it uses (Pick<UiApiDeps, …>).
 */
import type { EventEmitter } from 'node:events'
import type { MiningController } from '../node/mining'
import type { NodeFacade } from '../node/facade'
import type { NodeSettings } from '../node/settings'
import type { RefusalLog } from '../node/refusals'
import type { Timeline } from '../node/timeline'
import type { BlockWire } from '../core'
import type {
  ApiResult,
  FaultsView,
  ForkTree,
  OfferOutcome,
  PeerInfo,
  ResolveOutcome,
  Settings
} from '../../shared/api'

/**
 * The lab's link faults of this node (p2p/faults.ts, the one owner of their rules): set only
 * through the UI API, which is served over IPC and the token-protected UI routes.
 */
export interface FaultControl {
  view(): FaultsView
  /** Refused (invalid_field) for a URL not on this machine or a fault out of its ranges. */
  set(peerUrl: unknown, fault: unknown): ApiResult<FaultsView>
  setIsolated(on: boolean): FaultsView
  healAll(): FaultsView
}

/** What the UI needs of the peer manager (src/main/p2p). */
export interface PeerControl extends Pick<EventEmitter, 'on' | 'off'> {
  list(): PeerInfo[]
  add(url: string): Promise<ApiResult<PeerInfo>>
  remove(url: string): ApiResult<null>
  ban(url: string, minutes: number): ApiResult<null>
  unban(url: string): ApiResult<null>
  resolve(): Promise<ResolveOutcome>
  /** Fetch a peer's /status (for local discovery); undefined when unreachable. */
  probe(url: string): Promise<{ genesisHash: string; index: number; network: string } | undefined>
  /** The tamper lab: POST a block to peer `url`; undefined when `url` is not a peer. */
  offerBlock(url: string, block: BlockWire): Promise<OfferOutcome | undefined>
  /** The Forks screen: peer `url`'s fork tree (null: it serves none); undefined when not a peer. */
  forkTree(url: string): Promise<ApiResult<ForkTree | null> | undefined>
  /** The guided tour: GET /mine on peer `url`, a node on this machine; undefined when not a peer. */
  mineOnPeer(url: string): Promise<ApiResult<{ index: number; hash: string }> | undefined>
  readonly faults: FaultControl
}

export interface UiApiDeps {
  /** The node, as the transports see it. */
  service: NodeFacade
  mining: MiningController
  peers: PeerControl
  /** The refusal report's owner (node/refusals.ts). */
  refusals: Pick<RefusalLog, 'page' | 'dropped'>
  /** The event timeline's owner (node/timeline.ts). */
  timeline: Pick<Timeline, 'list'>
  /** This node's base URL. */
  url: string
  launch: { port: number; host: string }
  /** The one owner of the settings: API token, mining threads, the UI's preferences (node/settings.ts). */
  settings: Pick<
    NodeSettings,
    | 'apiToken'
    | 'apiTokenFrom'
    | 'threads'
    | 'threadsFrom'
    | 'setApiToken'
    | 'setThreads'
    | 'preferences'
    | 'setPreferences'
  >
  /** The local-node registry (app/local-nodes.ts): the live entries of nodes on this machine. */
  registry?: { list(): ReadonlyArray<{ url: string }> }
  /** Start another node on this machine (its own data dir, a free port); returns its URL. */
  spawnLocalNode?: () => Promise<string>
  /** Persist launch settings (port, host, network, data dir) for the next start. */
  saveLaunchSettings?: (s: Pick<Settings, 'port' | 'host' | 'network' | 'dataDir'>) => void
}
