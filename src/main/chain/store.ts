/**
 * The port between fork choice and persistence. The chain never holds the chain in memory: it
 * reads headers, blocks and accounts through this interface, and every change of the main chain
 * is one call, which the SQLite adapter runs as one transaction (PROTOCOL §6: "never half").
 */
import type { Account, Block, BlockHeader, StateView } from '../core'
import type { ReorgRecord } from './reorg-record'

export interface HeaderEntry extends BlockHeader {
  readonly hash: string
  readonly totalWork: bigint
  readonly txCount: number
}

/** The header entry of a block about to be stored with `totalWork` (what getHeader will read). */
export function headerEntry(block: Block, totalWork: bigint): HeaderEntry {
  return {
    hash: block.hash,
    version: block.version,
    index: block.index,
    timestamp: block.timestamp,
    previousHash: block.previousHash,
    merkleRoot: block.merkleRoot,
    difficulty: block.difficulty,
    proof: block.proof,
    totalWork,
    txCount: block.transactions.length
  }
}

export interface StoredBlock {
  readonly block: Block
  readonly totalWork: bigint
}

/** One atomic change of the chain state. */
export interface ChainChange {
  /** A block not yet stored. */
  readonly add?: StoredBlock
  /** Main-chain blocks leaving the main chain, tip first. */
  readonly disconnect: readonly Block[]
  /** Blocks joining the main chain, oldest first (may include `add`). */
  readonly connect: readonly Block[]
  /** Final values of every account touched. */
  readonly accounts: ReadonlyMap<string, Account>
  /** For a reorganisation: its record in the fork history, kept with the change. */
  readonly reorg?: ReorgRecord
}

export interface ChainStore extends StateView {
  getHeader(hash: string): HeaderEntry | undefined
  getBlock(hash: string): Block | undefined
  hasBlock(hash: string): boolean
  /** Hash of the main-chain block at `index`. */
  getMainHash(index: number): string | undefined
  tip(): HeaderEntry
  /** Known blocks whose parent is `hash`. */
  childrenOf(hash: string): string[]
  /** Writes the genesis as the whole main chain; a no-op when a chain exists. */
  initGenesis(genesis: Block, work: bigint): void
  /** Store a valid block that does not change the main chain. */
  addSideBlock(b: StoredBlock): void
  /** Apply a change of the main chain atomically. */
  applyChange(change: ChainChange): void
  /**
   * True while a caller holds a transaction open around chain calls (e.g. a batch of blocks):
   * what is read then may still be rolled back, so it must not be cached beyond it.
   */
  inTransaction?(): boolean
}
