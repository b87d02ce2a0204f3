/**
 * NodeFacade: everything the transports may ask of a running node. The HTTP routes, the UI API,
 * peer sync and gossip meet the node only through this interface, as Bitcoin Core's GUI meets
 * its node only through `interfaces::Node`: narrow queries that answer in domain values
 * (camelCase; the wire's snake_case is the codec's, the HTTP layer's and the store's rows'), the writes
 * that go through the node's rules, and the events that say what changed.
 *
 * NodeService implements it. Its store, chain, pending pool and wallet stay behind it: the
 * composition root (app/) and the tests may reach them, http/, api/ and p2p/ may not
 * (test/architecture.test.ts checks that nothing there imports node/service.ts or the folders
 * beneath the facade). The types a caller needs to use the facade are exported from here, so
 * a transport imports `node/facade` and the core, nothing else of the node.
 */
import type { EventEmitter } from 'node:events'
import type {
  Account,
  Block,
  BlockHeader,
  Failure,
  Network,
  RuleCode,
  RuleFinding,
  RuleName,
  SignatureVerifier,
  Transaction
} from '../core'
import type { AcceptedBlock, BlockVia, SubmitOutcome } from '../chain/chain'
import type { HeaderEntry } from '../chain/store'
import type { BlockListing, TxLocation } from '../store/explorer'
import type { StoredReorg } from '../store/reorgs'
import type { StorageHealth } from '../../shared/api'

export type { AcceptedBlock, BlockVia, SubmitOutcome } from '../chain/chain'
export type { HeaderEntry } from '../chain/store'
export type { BlockListing, TxLocation } from '../store/explorer'
export type { StoredReorg } from '../store/reorgs'
export { StorageUnavailableError, storageFaultOf } from '../store/faults'

export type TxOutcome =
  | { kind: 'accepted'; tx: Transaction }
  | { kind: 'known'; id: string }
  | (Failure & { kind: 'invalid' })

export interface BlockTemplate {
  header: Omit<BlockHeader, 'proof'>
  transactions: Transaction[]
}

/** Data the node refused, with the protocol's rule code (what the log says; nothing else acts on it). */
export interface Refusal {
  what: 'block' | 'transaction'
  code: RuleCode
  message: string
  /** The block's hash or the transaction's id. */
  id: string
  index?: number
  via?: BlockVia | 'wallet'
  /** The sender: a peer's URL, else how it came ('http', 'wallet', 'mined'). */
  from: string
  /** For a block, the rule it broke (none for invalid_field). */
  rule?: RuleName
  /**
   * What the broken rule compared (core/inspect.ts's ruleFacts for a block; for a transaction its
   * amount, fee and nonce beside the sender's balance and next nonce).
   */
  facts: Record<string, string | number>
}

export interface NodeServiceEvents {
  /** A block was accepted (main or side), possibly with a reorganisation; `origin` says who offered it. */
  block: [AcceptedBlock]
  /** A block or transaction broke a rule (PROTOCOL.md §3, §4) and was refused. */
  refused: [Refusal]
  /** A transaction entered the pending pool. */
  transaction: [Transaction, { source?: string; via?: 'http' | 'wallet' }]
  /** The pending pool changed size. */
  pending: [number]
  /** The storage became full, damaged, or ok again. */
  storage: [StorageHealth]
}

/**
 * The chain's state in one read: the tip, the next block's difficulty, the pool's size and the
 * storage's state. GET /status writes it in the protocol's snake_case (http/routes.ts); the UI's
 * NodeStatus adds what only the UI needs (api/status.ts).
 */
export interface ChainStatus {
  network: Network['name']
  genesisHash: string
  index: number
  tipHash: string
  totalWork: bigint
  /** The difficulty the next block must meet. */
  difficulty: number
  pending: number
  storage: StorageHealth
}

/** Where a transaction is: confirmed on the main chain, or pending. */
export type FoundTransaction =
  | {
      tx: Transaction
      blockHash: string
      blockIndex: number
      /** Its place in the block (0 is the coinbase). */
      position: number
      confirmations: number
      timestamp: number
    }
  | {
      tx: Transaction
      blockHash: null
      blockIndex: null
      position: null
      confirmations: 0
      timestamp: null
    }

/** A main-chain block as its wire JSON text, with what a reader needs to check that pages link. */
export interface BlockJson {
  height: number
  hash: string
  parent: string
  json: string
}

export interface NodeFacade extends Pick<EventEmitter<NodeServiceEvents>, 'on' | 'off' | 'once'> {
  readonly network: Network
  readonly dataDir: string
  /** The wallet file's path (in the data dir). */
  readonly walletFile: string
  /** This node's wallet: the address it mines to and signs for, and its public key. */
  readonly walletAddress: string
  readonly walletPublicKey: string
  /** Whether this start created the wallet (a new data dir), rather than loading one. */
  readonly walletCreated: boolean

  /** False once the node is closed: a late timer or event has nothing left to read. */
  isOpen(): boolean

  // ---- storage health (the one owner of "can this node write to its data dir") ----
  storageHealth(): StorageHealth
  storageOk(): boolean
  /** A storage fault a caller caught becomes the node's storage state (true); anything else: false. */
  reportStorageError(e: unknown): boolean

  // ---- the chain ----
  status(): ChainStatus
  tip(): HeaderEntry
  /** A known block's header (main chain or side branch). */
  header(hash: string): HeaderEntry | undefined
  isOnMain(h: HeaderEntry): boolean
  /** For an orphan: the hash of the first ancestor this node lacks. */
  missingAncestor(hash: string): string | undefined
  hasBlock(hash: string): boolean
  block(hash: string): Block | undefined
  /** The hash of the main chain's block at `index`. */
  mainHash(index: number): string | undefined
  /**
   * Every rule of PROTOCOL §4 held against `block`, stored or not, with what each compared
   * (core/inspect.ts). Reads only: nothing is stored, cached, scored or logged. Rule 7 is left
   * unchecked for a parent more than INSPECT_MAX_DEPTH blocks from the tip.
   */
  ruleReport(block: Block, verifier?: SignatureVerifier): RuleFinding[]
  /** The hashes of the known blocks whose parent is `hash`. */
  childrenOf(hash: string): string[]
  /**
   * Blocks for lists: 'main-desc', main-chain blocks from index `a` down, at most `b` of them;
   * 'range', main and side blocks with index in [a, b].
   */
  blockListings(where: 'main-desc' | 'range', a: number, b: number): BlockListing[]
  /** The newest `limit` blocks off the main chain, ascending by index (the fork tree). */
  sideListings(limit: number): BlockListing[]
  /** Blocks waiting for their parent (held in memory, not stored). */
  orphanBlocks(): Block[]
  /** The fork history: this data dir's reorganisations, newest first (store/reorgs.ts). */
  reorgHistory(offset: number, limit: number): { records: StoredReorg[]; total: number }
  /** Main-chain blocks above `afterHeight` as wire JSON, up to about `maxBytes` (at least one). */
  mainBlockJson(afterHeight: number, maxBytes: number): BlockJson[]
  /** Main-chain blocks with index in [from, from + limit) as wire JSON. */
  mainBlockJsonSlice(from: number, limit: number): string[]

  // ---- accounts and transactions ----
  account(address: string): Account
  /** A page of the main-chain transactions touching `address`, newest first, and their count. */
  addressHistory(
    address: string,
    offset: number,
    limit: number
  ): { ids: TxLocation[]; total: number }
  findTransaction(id: string): FoundTransaction | undefined
  /** Whether a transaction with this id is pending or on the main chain. */
  knowsTransaction(id: string): boolean
  /** The pending pool, in arrival order. */
  pendingTransactions(): Transaction[]
  /** The nonce `address`'s next transaction takes, counting its pending ones. */
  nextNonce(address: string): number

  // ---- writes, each through the node's rules and its storage guard ----
  submitBlock(block: Block, source?: string, via?: BlockVia): SubmitOutcome
  submitBlocks(blocks: readonly Block[], source?: string, via?: BlockVia): SubmitOutcome[]
  submitTransaction(tx: Transaction, source?: string, via?: 'http' | 'wallet'): TxOutcome
  sendFromWallet(req: { recipient: string; amount: number; fee: number }): TxOutcome
  blockTemplate(payTo?: string): BlockTemplate
}
