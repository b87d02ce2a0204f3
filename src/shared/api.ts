/**
 * The one API contract between the node (src/main) and the UI (src/renderer), shared by both
 * transports: Electron IPC (preload forwards each call on channel `bf:<method>`) and HTTP for a
 * browser talking to a headless node (`POST /api/ui/<method>` with body `{"args": [...]}`, events
 * as server-sent events on `GET /api/ui/events`, both behind the API token).
 *
 * Types only plus constant tables: this file is imported by main, preload and renderer.
 */

/**
 * A failure carries its code (`error`, e.g. not_found, insufficient_funds): the UI words it in the
 * user's language (i18n `outcomes.codes`, a record over ApiErrorCode); `message` is the node's
 * English detail.
 */
export type ApiResult<T> =
  { ok: true; value: T } | { ok: false; error: ApiErrorCode; message: string }

/**
 * The rule codes of PROTOCOL §3 and §4: the node's own copy is src/main/core/errors.ts's
 * RuleCode (src/shared imports nothing), held equal by test/api/error-codes.test.ts. They reach
 * the UI from sendTransaction: the pool refuses a transfer with the transaction rules' codes, and
 * the node's types do not narrow RuleCode further. The list is the refusal report's filter.
 */
export const RULE_REFUSALS = [
  'invalid_field',
  'bad_version',
  'bad_index',
  'bad_previous_hash',
  'bad_hash',
  'bad_difficulty',
  'bad_pow',
  'time_too_old',
  'time_too_new',
  'too_many_txs',
  'bad_coinbase',
  'duplicate_tx',
  'bad_merkle_root',
  'bad_transaction',
  'bad_signature',
  'bad_sender',
  'bad_nonce',
  'insufficient_funds'
] as const
export type RuleRefusal = (typeof RULE_REFUSALS)[number]

/**
 * Every code a failed API call carries (ApiResult.error): a rule broken (sendTransaction), why a
 * URL did not become a peer (addPeer, startLocalNode), and the API's own: invalid_field (an
 * argument, PROTOCOL §7's code), not_found (no such block, transaction or peer) and unavailable
 * (the data dir cannot be written or read; a setting or action this node does not offer).
 * PROTOCOL §7's other codes (invalid_json, payload_too_large, forbidden, unknown_parent) are
 * answers of the HTTP routes, never an ApiResult: over the UI's HTTP transport a refused request
 * is a thrown error, not a code.
 */
export type ApiErrorCode = RuleRefusal | PeerRefusal | 'not_found' | 'unavailable'

/** The networks (PROTOCOL §2): the renderer's copy of src/main/core's, held equal by test/one-rule.test.ts. */
export const NETWORK_NAMES = ['main', 'regtest'] as const
export type NetworkName = (typeof NETWORK_NAMES)[number]
export type Theme = 'light' | 'dark'
export type Language = 'en' | 'zh-CN'

export interface TransactionView {
  id: string
  sender: string
  recipient: string
  amount: number
  fee: number
  nonce: number
  publicKey: string | null
  signature: string | null
}

/**
 * Whether the node can write to its data dir. `full`: a write failed for lack of space (or the
 * disk became read-only); nothing was half-written, mining and catching up pause and resume by
 * themselves once a write fits again. `damaged`: SQLite found the database file damaged; mining
 * and catching up stop until a person mends the data dir. Reads go on being served in every state.
 */
export interface StorageHealth {
  state: 'ok' | 'full' | 'damaged'
  /** For a person: what happened and what to do; null when ok. */
  message: string | null
  /** When the current state began (ms since 1970); null when ok. */
  since: number | null
}

export interface NodeStatus {
  network: NetworkName
  genesisHash: string
  index: number
  tipHash: string
  totalWork: string
  /** Difficulty of the next block. */
  difficulty: number
  pending: number
  peers: number
  /** Protocol version. */
  version: number
  /** The base URL peers reach this node at, e.g. http://127.0.0.1:5000. */
  url: string
  dataDir: string
  walletAddress: string
  walletBalance: number
  mining: boolean
  hashRate: number
  storage: StorageHealth
}

export interface BlockSummary {
  hash: string
  index: number
  timestamp: number
  previousHash: string
  difficulty: number
  txCount: number
  /** Coinbase recipient. */
  miner: string
  /** Coinbase amount: reward + fees. */
  reward: number
  onMain: boolean
  totalWork: string
}

export interface BlockDetail extends BlockSummary {
  version: number
  proof: number
  merkleRoot: string
  /** Main chain: tip index - index + 1; side branch: 0. */
  confirmations: number
  /** Known blocks whose parent is this one (main first). */
  children: { hash: string; onMain: boolean }[]
}

/** One node of the drawn chain: main and side blocks in an index range. */
export interface ChainNode {
  hash: string
  index: number
  previousHash: string
  onMain: boolean
  txCount: number
  timestamp: number
}

/** A block of the fork tree: on the main chain, on a side branch, or an orphan waiting for its parent. */
export interface ForkTreeBlock extends ChainNode {
  status: 'main' | 'side' | 'orphan'
  /** The chain's work up to and including it (decimal); null for an orphan (its parent is unknown). */
  totalWork: string | null
}

/**
 * Every block this node knows off its main chain, and the main-chain blocks beside them: the
 * main chain's long straight runs are left out (the UI draws them as a gap of n blocks).
 */
export interface ForkTree {
  tipIndex: number
  tipHash: string
  /** The main chain's total work (decimal). */
  totalWork: string
  /** Main blocks around the branches, the tip and the genesis; side blocks; orphans. */
  blocks: ForkTreeBlock[]
  /** Older side blocks left out past FORK_TREE_SIDE_MAX. */
  sideOmitted: number
}

/** The most side blocks a fork tree holds (the newest are kept). */
export const FORK_TREE_SIDE_MAX = 300

/**
 * One reorganisation of this node's main chain, as the fork history keeps it: the fork point,
 * the tip it left and the tip it reached, the work of each branch since the fork (decimal), the
 * blocks and transfers that left and joined, and the transfers offered back to the pool. The
 * hash and id lists hold at most REORG_LIST_MAX; the counts count them all.
 */
export interface ReorgEntry {
  seq: number
  at: number
  forkIndex: number
  forkHash: string
  oldTip: { hash: string; index: number }
  newTip: { hash: string; index: number }
  oldWork: string
  newWork: string
  disconnected: string[]
  disconnectedCount: number
  connected: string[]
  connectedCount: number
  txsDisconnected: number
  txsConnected: number
  txsBack: string[]
  txsBackCount: number
  /** Who offered the block that made the switch: a peer's URL, else 'mined', 'http', 'import', 'local'. */
  source: string
}

/**
 * The wallet address of the demo's node B (`--demo`, app/demo.ts: its seed is SHA-256 of "blockforge
 * demo wallet B"), where the guided tour sends coins; test/one-rule.test.ts holds it equal.
 */
export const DEMO_WALLET_B = '8fd3e95f4f735c59cdd570c4ac979ab7a414096f'

/** The most reorganisations the fork history keeps (and a page of it may ask for). */
export const MAX_REORGS = 500

export interface TransactionDetail {
  transaction: TransactionView
  status: 'pending' | 'confirmed'
  blockHash: string | null
  blockIndex: number | null
  /** Its place in the block (0 is the coinbase); null while pending. */
  position: number | null
  confirmations: number
  timestamp: number | null
}

export interface HistoryEntry {
  transaction: TransactionView
  blockHash: string | null
  blockIndex: number | null
  timestamp: number | null
  status: 'pending' | 'confirmed'
  /** Net change of this address's balance. */
  delta: number
}

export interface AddressInfo {
  address: string
  balance: number
  nonce: number
  /** Newest first. */
  history: HistoryEntry[]
  historyTotal: number
}

export interface WalletInfo {
  address: string
  publicKey: string
  balance: number
  nonce: number
  /** Next nonce counting pending transfers. */
  pendingNonce: number
  pending: HistoryEntry[]
  history: HistoryEntry[]
}

export interface SendRequest {
  recipient: string
  amount: number
  fee: number
}

export type SearchHit =
  | { kind: 'block'; hash: string }
  | { kind: 'transaction'; id: string }
  | { kind: 'address'; address: string }

export interface PeerInfo {
  url: string
  state: 'connected' | 'unreachable' | 'banned'
  tipIndex: number | null
  tipHash: string | null
  /** Our tip index minus theirs (negative: they are ahead). */
  lag: number | null
  lastContact: number | null
  score: number
  bytesIn: number
  bytesOut: number
  bannedUntil: number | null
  /**
   * The fault this node applies to its traffic with the peer (the lab, p2p/faults.ts), counting
   * a cut-off node's as paused; absent when the link is as it should be.
   */
  fault?: LinkFault
}

/** The most latency a link fault may add, in ms. */
export const MAX_FAULT_LATENCY_MS = 10_000

/**
 * A fault injected on this node's link with a peer on this machine (the lab): paused (every
 * request either way fails as if the peer were unreachable), latency added to each request, and
 * the share of requests lost (whole percent). Kept in memory: a restart heals every link.
 */
export interface LinkFault {
  paused: boolean
  /** 0 to MAX_FAULT_LATENCY_MS. */
  latencyMs: number
  /** 0 to 100, whole. */
  lossPercent: number
}

export interface LinkFaultView extends LinkFault {
  peer: string
  /** When it was set (ms since 1970). */
  since: number
}

/** This node's link faults: cut off from every node on this machine, and each link's own fault. */
export interface FaultsView {
  isolated: boolean
  /** Since when it is cut off (null when it is not). */
  isolatedSince: number | null
  links: LinkFaultView[]
}

/** A change of the link faults, as the timeline records it. */
export type FaultChange =
  | { what: 'link'; peer: string; fault: LinkFault }
  | { what: 'cut-off' }
  | { what: 'reconnected' }
  | { what: 'healed' }

/**
 * Why a URL did not become a peer (addPeer's `error`, POST /nodes/register's `rejected[].error`;
 * `unreachable` there is in `pending`: kept and tried again on every poll): wrong_genesis (another
 * network), this_node (a URL leading back to this node), same_node (a peer already known under
 * another name, e.g. localhost and 127.0.0.1: the same node id), banned, peer_limit, bad_answer
 * (its /status is not one), invalid_field (not an http(s) URL), removed (the user removed it:
 * only a peer's own announcement gets this, the user's add lifts it).
 */
export type PeerRefusal =
  | 'unreachable'
  | 'wrong_genesis'
  | 'this_node'
  | 'same_node'
  | 'banned'
  | 'peer_limit'
  | 'bad_answer'
  | 'invalid_field'
  | 'removed'

export interface ResolveOutcome {
  /** The outcome as a value: the UI words it in the user's language from this, never from `message`. */
  replaced: boolean
  /** The walkthrough's message: "Our chain was replaced" or "Our chain is authoritative". */
  message: string
  length: number
}

export interface MiningStatus {
  active: boolean
  threads: number
  maxThreads: number
  hashRate: number
  hashes: number
  difficulty: number
  expectedMs: number
  blocksFound: number
}

export interface LocalNode {
  url: string
  network: NetworkName
  genesisHash: string
  index: number
  /** Already one of our peers. */
  connected: boolean
  self: boolean
}

/**
 * Where a run-time setting's value comes from (src/main/node/settings.ts): a flag given
 * explicitly wins for its run (`command-line`, or `environment` for BLOCKFORGE_API_TOKEN), else
 * what Settings saved (`settings`), else the default. A change in Settings applies at once.
 */
export type SettingSource = 'command-line' | 'environment' | 'settings' | 'default'

/** The one limit of mining threads (command line, UI API, miner). */
export const MINING_THREADS_MAX = 256
/** The one form of an API token (command line, environment, UI API); '' in Settings removes it. */
export const API_TOKEN_PATTERN = '^[A-Za-z0-9._~-]{1,200}$'

export interface Settings {
  port: number
  host: string
  network: NetworkName
  dataDir: string
  /** The token in force ('' = none: control routes and the UI answer loopback only). */
  apiToken: string
  miningThreads: number
  /** Where apiToken and miningThreads come from (a node always says; optional for older fakes). */
  apiTokenFrom?: SettingSource
  miningThreadsFrom?: SettingSource
  theme: Theme
  language: Language
  /** Desktop notifications when this node finds a block or the wallet receives coins. */
  notifications: boolean
  /** The first-run screen was seen and closed for this data dir. */
  welcomeSeen: boolean
}

/** What the About dialog and the first-run screen show; the shell fills in what only it knows. */
export interface AppInfo {
  name: string
  /** The app's version (package.json). */
  version: string
  /** docs/PROTOCOL.md's version, as /status says. */
  protocolVersion: number
  /** Versions of the runtime: electron and chrome are null outside Electron. */
  electron: string | null
  chrome: string | null
  node: string
  platform: string
  dataDir: string
  /** The wallet's key file: the only copy of the key. */
  walletFile: string
  /** Where the app writes its log files; null where it logs to the terminal (headless). */
  logDir: string | null
  /** The wallet was created when this node started: the data dir's first run. */
  walletCreated: boolean
}

/** Something worth a desktop notification (when Settings allows). */
export type Notice =
  | { kind: 'mined'; index: number; hash: string; reward: number }
  | { kind: 'received'; txId: string; amount: number; sender: string; blockIndex: number }

/** Screens and dialogs the shell (menu, shortcuts) can ask the UI to show. */
export type ShowTarget =
  'dashboard' | 'chain' | 'wallet' | 'mining' | 'peers' | 'settings' | 'about' | 'welcome'

export type NodeEvent =
  | { type: 'status'; status: NodeStatus }
  | { type: 'block'; block: BlockSummary }
  /**
   * Blocks accepted in a burst (catching up, fast regtest mining): `count` of them since the last
   * block event, told as one summary instead of one event each. The status event that follows
   * has the new tip; lists of blocks refetch.
   */
  | { type: 'blocks'; count: number }
  | { type: 'reorg'; forkIndex: number; disconnected: string[]; connected: string[] }
  | { type: 'pending'; count: number }
  | { type: 'peers'; peers: PeerInfo[] }
  /** The lab's link faults changed (set, cut off, reconnected, healed). */
  | { type: 'faults'; faults: FaultsView }
  | { type: 'mining'; mining: MiningStatus }
  /** Re-mining a copy in the tamper lab: proofs tried so far and the rate. */
  | { type: 'copyMining'; hashes: number; hashRate: number; expectedMs: number }
  | { type: 'settings'; settings: Settings }
  | { type: 'notice'; notice: Notice }
  /** From the Electron shell only (menu, shortcuts): show a screen or dialog. */
  | { type: 'show'; target: ShowTarget }

/** The rules of PROTOCOL §4 by name, in order: the node's RuleName (core/validate.ts), held equal by test/api/inspect-block.test.ts. */
export type RuleName =
  | 'version'
  | 'index'
  | 'previous_hash'
  | 'hash'
  | 'difficulty'
  | 'pow'
  | 'time_old'
  | 'time_new'
  | 'tx_count'
  | 'coinbase'
  | 'duplicates'
  | 'merkle_root'
  | 'transactions'

/** One rule held against one block (core/inspect.ts's RuleFinding). */
export interface RuleFindingView {
  name: RuleName
  /** Its number in PROTOCOL §4's list. */
  rule: number
  /** The code a block breaking it is refused with (for `transactions`, the broken one's). */
  code: RuleRefusal
  /** unchecked: the parent is unknown, a rule it needs is broken, or the state is too deep. */
  status: 'pass' | 'fail' | 'unchecked'
  /** The node's English words for a broken rule; null otherwise. */
  message: string | null
  /** What the rule compared, by name (the UI words them). */
  facts: Record<string, string | number>
}

/** The header's fields in byte order (PROTOCOL §4, "Header bytes"). */
export type HeaderFieldName =
  'version' | 'index' | 'timestamp' | 'previous_hash' | 'merkle_root' | 'difficulty' | 'proof'

export interface MerkleNodeView {
  hash: string
  /** The transactions it covers: from, up to but not including to. */
  from: number
  to: number
  left?: MerkleNodeView
  right?: MerkleNodeView
}

/** One step from a transaction's leaf up to the root: combine with the sibling on its side. */
export interface MerkleStepView {
  sibling: string
  side: 'left' | 'right'
  /** The hash this step makes: SHA-256(0x01 || left || right). */
  result: string
}

/** Everything the block inspector shows of a stored block. */
export interface BlockInspection {
  hash: string
  index: number
  onMain: boolean
  /** The 96 header bytes, field by field: their hex joined is what SHA-256 hashes. */
  header: { name: HeaderFieldName; offset: number; length: number; hex: string; value: string }[]
  /** The hash as 256 bits, most significant first. */
  hashBits: string
  zeros: number
  difficulty: number
  /** Every rule of PROTOCOL §4 with its result; null for the genesis block, fixed, not checked. */
  rules: RuleFindingView[] | null
  merkle: {
    root: string
    txCount: number
    /** The whole tree, when it has at most INSPECT_TREE_LEAVES leaves; null above. */
    tree: MerkleNodeView | null
    /** The transaction whose audit path is shown, its id and its leaf, SHA-256(0x00 || id). */
    txIndex: number
    txId: string
    leaf: string
    path: MerkleStepView[]
  }
}

/**
 * The tamper lab's edits to a copy of a stored block: what differs from the original. The node
 * applies them to a fresh copy on every call (it keeps no copy), so the stored chain is never
 * touched. An edited transaction gets its id recomputed (an id is its contents' hash, which
 * anyone can compute); its signature stays the original's, which nobody without the key can redo.
 */
export interface CopyEdits {
  timestamp?: number
  proof?: number
  previousHash?: string
  /** The header's Merkle root as stated (e.g. recomputed from the edited ids). */
  merkleRoot?: string
  /** The hash as stated (e.g. the one re-mining found). */
  hash?: string
  /** Edited transactions by their place in the block (0: the coinbase). */
  transactions?: { index: number; amount?: number; recipient?: string }[]
}

/** What a copy of a block breaks, against the original and this node's chain. */
export interface TamperReport {
  original: {
    hash: string
    index: number
    /** A known child of the original (main first): its previous_hash names the original. */
    next: { hash: string; index: number } | null
  }
  /** The copy's 96 header bytes, field by field. */
  header: BlockInspection['header']
  statedHash: string
  /** SHA-256 of the copy's header bytes. */
  computedHash: string
  /** computedHash as 256 bits; its leading zeros against the difficulty. */
  hashBits: string
  zeros: number
  difficulty: number
  statedMerkleRoot: string
  /** The root of the copy's transaction ids. */
  computedMerkleRoot: string
  /** The transaction asked for, as in the original and in the copy. */
  transaction: {
    index: number
    count: number
    original: TransactionView
    copy: TransactionView
    /** The copy's signature against its contents: none for the coinbase, which has none. */
    signature: 'valid' | 'invalid' | 'none'
  }
  /** Every edited transaction and whether its signature still holds (null: the coinbase). */
  edited: { index: number; signatureValid: boolean | null }[]
  /** The next block's link: its previous_hash is the original's hash; held if the copy's is too. */
  link: 'none' | 'holds' | 'broken'
  /** Every rule of PROTOCOL §4 held against the copy as stated. */
  rules: RuleFindingView[]
  /** The code a node refuses the copy with: the first broken rule's, null if none is broken. */
  refusedWith: RuleRefusal | null
}

/** Re-mining a copy: its new proof and hash, or why it stopped. */
export type CopyMining =
  | { solved: true; proof: number; hash: string }
  /** cancelled: by cancelCopyMining; superseded: this node started mining, which comes first. */
  | { solved: false; reason: 'cancelled' | 'superseded' }

/** A peer's answer to a copy offered with POST /blocks (PROTOCOL §7). */
export type OfferOutcome =
  /** 201: new and valid, kept on its main chain or as a side block. */
  | { kind: 'accepted'; status: 'main' | 'side'; message: string }
  /** 200: the peer has this block already. */
  | { kind: 'known'; message: string }
  /** 202: its parent is unknown to the peer. */
  | { kind: 'orphan'; message: string }
  /** 4xx: refused, with the rule's code. */
  | { kind: 'refused'; httpStatus: number; code: string; message: string }
  /** No usable answer (unreachable, timeout, an answer that is not the protocol's). */
  | { kind: 'failed'; message: string }

/** The most blocks one exportChain or importBlocks call carries. */
export const CHAIN_FILE_PAGE = 500
/**
 * About the most bytes of blocks one exportChain or importBlocks call carries (a call's first
 * block always goes, whatever its size): 500 blocks of 1,000 transfers would be 150 MB, and an
 * HTTP call of the UI API takes at most 2 MiB.
 */
export const CHAIN_FILE_BYTES = 1024 * 1024

/**
 * What importing blocks did: how many were new and how many this node had, and the block it
 * stopped at (its place in the call, from 0), with why; null when it took every one.
 */
export interface ImportOutcome {
  accepted: number
  known: number
  stopped:
    | {
        kind: 'refused'
        at: number
        index: number | null
        hash: string | null
        code: RuleRefusal
        message: string
      }
    /** Its parent is not known here: the file does not start at this chain's blocks. */
    | { kind: 'orphan'; at: number; index: number; hash: string }
    | null
}

/** One block or transaction this node refused (the refusal report, newest first). */
export interface RefusalEntry {
  /** When it was refused (ms since 1970). */
  at: number
  what: 'block' | 'transaction'
  code: RuleRefusal
  /** For a block, the rule it broke (null for invalid_field and for transactions). */
  rule: RuleName | null
  /** The node's English words. */
  message: string
  /** The block's hash or the transaction's id. */
  id: string
  /** The block's index. */
  index: number | null
  /** How it came: 'peer' (fetched from a peer), 'http' (posted to this node), 'wallet', 'mined'. */
  via: string | null
  /** A peer's URL, else how it came. */
  source: string
  /**
   * What the broken rule compared: for a block the inspector's facts of its rule; for a
   * transaction amount, fee, nonce and the sender's balance and next nonce.
   */
  facts: Record<string, string | number>
  /** Points the sending peer lost for it; null when it was not scored (not from a peer we asked). */
  scoreCost: number | null
  scoreAfter: number | null
  /** The peer was banned for it. */
  banned: boolean
}

export interface RefusalFilter {
  what?: 'block' | 'transaction'
  code?: RuleRefusal
  source?: string
}

export interface RefusalPage {
  entries: RefusalEntry[]
  /** Entries matching the filter. */
  total: number
  /** Every source with a refusal on record, for the filter. */
  sources: string[]
  /** Refusals not kept since the node started, during floods. */
  dropped: number
}

/** What the event timeline records (node/timeline.ts), by kind. */
export const TIMELINE_KINDS = [
  'block',
  'mined',
  'side',
  'reorg',
  'transaction',
  'refused',
  'peer-added',
  'peer-dropped',
  'peer-scored',
  'peer-banned',
  'fault'
] as const
export type TimelineKind = (typeof TIMELINE_KINDS)[number]

/** One thing the node did. Which fields are set depends on the kind. */
export interface TimelineEntry {
  seq: number
  /** When (ms since 1970); for a run of blocks, its last. */
  at: number
  kind: TimelineKind
  /** A block's index; for a run of blocks from one sender (a catch-up), the first. */
  index?: number
  lastIndex?: number
  /** A run of blocks, or a burst of refusals (its other fields are the last refusal's). */
  count?: number
  /** The block (a run's last; the new tip of a reorganisation; a refused block). */
  hash?: string
  txId?: string
  amount?: number
  /** The peer added, dropped or scored. */
  peer?: string
  /** Who sent it: a peer's URL, else 'http', 'wallet', 'mined', 'local'. */
  source?: string
  code?: RuleRefusal
  what?: 'block' | 'transaction'
  /** A reorganisation: the fork point, how many blocks left and joined the main chain, the tip it
   * left, the work of each branch since the fork (decimal), and the transfers offered back to
   * the pool (those of the blocks that left that are in none that joined). */
  forkIndex?: number
  disconnected?: number
  connected?: number
  oldTip?: string
  oldWork?: string
  newWork?: string
  txsBack?: number
  cost?: number
  score?: number
  /**
   * A fault injected (the lab): on the link with `peer` (its fault in `paused`, `latencyMs`,
   * `lossPercent`; all clear: that link healed), or the node cut off from, or reconnected to, the
   * nodes on this machine, or every link healed.
   */
  fault?: FaultChange['what']
  paused?: boolean
  latencyMs?: number
  lossPercent?: number
}

/** The most entries the timeline keeps (and getTimeline returns). */
export const MAX_TIMELINE = 2_000

/** The most transactions whose Merkle tree the inspector draws whole. */
export const INSPECT_TREE_LEAVES = 32

export interface NodeApi {
  getStatus(): Promise<NodeStatus>
  /** Main-chain blocks, newest first, starting at index `fromIndex` going down (0 = the tip). */
  listBlocks(fromIndex: number, limit: number): Promise<BlockSummary[]>
  /** Main and side blocks with fromIndex <= index <= toIndex, for drawing branches. */
  getChainView(fromIndex: number, toIndex: number): Promise<ChainNode[]>
  getBlock(hash: string): Promise<ApiResult<BlockDetail>>
  /** The block inspector: header bytes, hash bits, rules, and the audit path of transaction `txIndex`. */
  inspectBlock(hash: string, txIndex: number): Promise<ApiResult<BlockInspection>>
  /**
   * The tamper lab: a copy of stored block `hash` with `edits`, and what it breaks; transaction
   * `txIndex` of the copy is shown whole.
   */
  tamperBlock(hash: string, edits: CopyEdits, txIndex: number): Promise<ApiResult<TamperReport>>
  /** Re-mine the copy's header (its stated fields) on this node's miner workers. */
  mineCopy(hash: string, edits: CopyEdits): Promise<ApiResult<CopyMining>>
  /** Stop re-mining a copy (nothing to stop is not an error). */
  cancelCopyMining(): Promise<ApiResult<null>>
  /** Offer the copy to peer `peerUrl` (one of this node's peers) with POST /blocks. */
  offerCopy(hash: string, edits: CopyEdits, peerUrl: string): Promise<ApiResult<OfferOutcome>>
  /**
   * Main-chain blocks from index `from`, at most `limit` (CHAIN_FILE_PAGE) and about
   * CHAIN_FILE_BYTES, as their wire JSON joined by commas: pages of a chain file, which is GET
   * /chain's answer. `length` is the chain's.
   */
  exportChain(
    from: number,
    limit: number
  ): Promise<ApiResult<{ json: string; count: number; length: number }>>
  /** Blocks of a chain file, in order, checked as blocks from a peer are (CHAIN_FILE_PAGE a call). */
  importBlocks(blocks: unknown[]): Promise<ApiResult<ImportOutcome>>
  /** The fork tree: side branches and orphans with the main blocks beside them. */
  getForkTree(): Promise<ApiResult<ForkTree>>
  /**
   * Peer `peerUrl`'s fork tree (one of this node's peers), from its GET /forks; null when the
   * peer serves none (GET /forks is Blockforge's, not the protocol's).
   */
  getPeerForkTree(peerUrl: string): Promise<ApiResult<ForkTree | null>>
  /**
   * The guided tour: mine one block on peer `peerUrl`, a node on this machine (its GET /mine,
   * which no link fault stops: the tour mines on both sides of a fork it made).
   */
  mineOnPeer(peerUrl: string): Promise<ApiResult<{ index: number; hash: string }>>
  /** The fork history, newest first. */
  listReorgs(
    offset: number,
    limit: number
  ): Promise<ApiResult<{ records: ReorgEntry[]; total: number }>>
  /** The event timeline, newest first: entries of `kinds` (every kind when null). */
  getTimeline(kinds: TimelineKind[] | null, limit: number): Promise<ApiResult<TimelineEntry[]>>
  /** The refusal report: what this node refused, newest first; at most MAX_REFUSALS are kept. */
  listRefusals(
    filter: RefusalFilter,
    offset: number,
    limit: number
  ): Promise<ApiResult<RefusalPage>>
  getBlockTransactions(
    hash: string,
    offset: number,
    limit: number
  ): Promise<ApiResult<{ transactions: TransactionView[]; total: number }>>
  getTransaction(id: string): Promise<ApiResult<TransactionDetail>>
  getAddress(address: string, offset: number, limit: number): Promise<ApiResult<AddressInfo>>
  /** A block index, block hash, transaction id or address. */
  search(query: string): Promise<ApiResult<SearchHit>>
  getWallet(): Promise<WalletInfo>
  sendTransaction(req: SendRequest): Promise<ApiResult<{ id: string }>>
  mineOnce(): Promise<ApiResult<BlockSummary>>
  startMining(threads?: number): Promise<ApiResult<MiningStatus>>
  stopMining(): Promise<MiningStatus>
  getMining(): Promise<MiningStatus>
  listPeers(): Promise<PeerInfo[]>
  addPeer(url: string): Promise<ApiResult<PeerInfo>>
  removePeer(url: string): Promise<ApiResult<null>>
  banPeer(url: string, minutes: number): Promise<ApiResult<null>>
  unbanPeer(url: string): Promise<ApiResult<null>>
  resolve(): Promise<ApiResult<ResolveOutcome>>
  /** The lab's link faults of this node (peers on this machine only). */
  getFaults(): Promise<FaultsView>
  /**
   * Set the fault of this node's link with peer `peerUrl` (a URL on this machine); all clear
   * (not paused, no latency, no loss) heals that link.
   */
  setLinkFault(peerUrl: string, fault: LinkFault): Promise<ApiResult<FaultsView>>
  /** Cut this node off from every node on this machine (on), or reconnect it (off). */
  setIsolated(on: boolean): Promise<ApiResult<FaultsView>>
  /** Clear every link fault and reconnect the node. */
  healAll(): Promise<ApiResult<FaultsView>>
  /** Other Blockforge nodes running on this machine. */
  discoverLocalNodes(): Promise<LocalNode[]>
  /** Start another node with its own data dir and a free port, registered with this one. */
  startLocalNode(): Promise<ApiResult<LocalNode>>
  getAppInfo(): Promise<AppInfo>
  getSettings(): Promise<Settings>
  /** Port, host, network and data dir take effect on restart; the rest at once. */
  updateSettings(patch: Partial<Settings>): Promise<ApiResult<Settings>>
  /** Subscribe to pushed changes; returns the unsubscribe function. */
  onEvent(cb: (e: NodeEvent) => void): () => void
}

/** The request/response methods of the contract: every method of NodeApi but onEvent. */
export type RequestMethod = Exclude<keyof NodeApi, 'onEvent'>

/** What `list` lacks of RequestMethod; never when it has them all. */
type MissingFrom<L extends readonly RequestMethod[]> = Exclude<RequestMethod, L[number]>

/**
 * The list unchanged, where it names every request method: a method added to NodeApi and not
 * to the list fails to compile here, naming it (`{ missing: 'newMethod' }`), instead of being
 * answered by neither transport at run time. `satisfies` alone checks only that each entry is a
 * method, not that each method is an entry.
 */
export function everyRequestMethod<const L extends readonly RequestMethod[]>(
  list: L & ([MissingFrom<L>] extends [never] ? unknown : { missing: MissingFrom<L> })
): L {
  return list
}

/** Every request/response method (all but onEvent), the table both transports iterate over. */
export const API_METHODS = everyRequestMethod([
  'getStatus',
  'listBlocks',
  'getChainView',
  'getBlock',
  'inspectBlock',
  'tamperBlock',
  'mineCopy',
  'cancelCopyMining',
  'offerCopy',
  'exportChain',
  'importBlocks',
  'listRefusals',
  'getTimeline',
  'getForkTree',
  'getPeerForkTree',
  'mineOnPeer',
  'listReorgs',
  'getBlockTransactions',
  'getTransaction',
  'getAddress',
  'search',
  'getWallet',
  'sendTransaction',
  'mineOnce',
  'startMining',
  'stopMining',
  'getMining',
  'listPeers',
  'addPeer',
  'removePeer',
  'banPeer',
  'unbanPeer',
  'resolve',
  'getFaults',
  'setLinkFault',
  'setIsolated',
  'healAll',
  'discoverLocalNodes',
  'startLocalNode',
  'getAppInfo',
  'getSettings',
  'updateSettings'
])

export type ApiMethod = (typeof API_METHODS)[number]

/** The request/response part of the API, as main implements it. */
export type NodeApiHandlers = Pick<NodeApi, ApiMethod>

export const IPC_PREFIX = 'bf:'
export const IPC_EVENT_CHANNEL = 'bf:event'
export const HTTP_API_PREFIX = '/api/ui/'
export const HTTP_EVENTS_PATH = '/api/ui/events'
