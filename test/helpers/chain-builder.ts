/**
 * Builders for chain tests: named keys (seed = SHA-256 of the name, as in vectors/keys.json),
 * signed transfers, and regtest blocks mined for real at difficulty 8 with node:crypto (about 256
 * hashes a block, a fraction of a millisecond). A ChainBuilder follows one branch and its account
 * state, so it can sign transfers with the right nonces; fork() starts a side branch at its tip.
 *
 * Also: opening a real SQLite-backed Chain in a temp folder, and the replay check every
 * persistence test uses (the stored accounts must equal core's applyBlock over the stored main
 * chain from genesis).
 */
import { createHash } from 'node:crypto'
import {
  addressOf,
  applyBlock,
  createCoinbase,
  headerBytes,
  leadingZeroBits,
  MemoryState,
  merkleRoot,
  NETWORKS,
  PROOF_OFFSET,
  publicKeyFromSeed,
  sha256,
  signEd25519,
  StateOverlay,
  txId,
  txSigningBytes,
  type Account,
  type Block,
  type BlockHeader,
  type Network,
  type Transaction
} from '../../src/main/core'
import { Chain, type ChainOptions } from '../../src/main/chain/chain'
import { SqliteStore } from '../../src/main/store/sqlite-store'
import { mineSync } from '../../src/main/miner/mine-sync'
import { Wallet } from '../../src/main/wallet/wallet'

export const REGTEST = NETWORKS.regtest

export interface Key {
  readonly name: string
  readonly seed: Buffer
  readonly publicKey: string
  readonly address: string
}

/** A key whose 32-byte seed is SHA-256 of `name` (alice, bob, carol match vectors/keys.json). */
export function keyFromName(name: string): Key {
  const seed = sha256(Buffer.from(name, 'ascii'))
  const publicKey = publicKeyFromSeed(seed).toString('hex')
  return { name, seed, publicKey, address: addressOf(publicKey) }
}

export const alice = keyFromName('alice')
export const bob = keyFromName('bob')
export const carol = keyFromName('carol')

/** A transfer signed by `from`. */
export function signedTx(
  from: Key,
  to: string,
  amount: number,
  nonce: number,
  fee = 0,
  network: Network = REGTEST
): Transaction {
  const body = { sender: from.address, recipient: to, amount, fee, nonce }
  return {
    ...body,
    id: txId(body, network.genesisHash),
    publicKey: from.publicKey,
    signature: signEd25519(from.seed, txSigningBytes(body, network.genesisHash))
  }
}

export function coinbaseTx(
  index: number,
  recipient: string,
  amount: number,
  network: Network = REGTEST
): Transaction {
  return createCoinbase({ index, recipient, amount }, network.genesisHash)
}

/** Find a proof for `header` (incrementing from `start`): SHA-256 state kept after the first 64 bytes. */
export function mineHeader(
  header: Omit<BlockHeader, 'proof'>,
  start = 0
): { proof: number; hash: string } {
  const bytes = headerBytes({ ...header, proof: 0 })
  const prefix = createHash('sha256').update(bytes.subarray(0, 64))
  const tail = Buffer.from(bytes.subarray(64))
  const off = PROOF_OFFSET - 64
  for (let proof = start; ; proof++) {
    tail.writeUInt32BE(Math.floor(proof / 2 ** 32), off)
    tail.writeUInt32BE(proof >>> 0, off + 4)
    const hash = prefix.copy().update(tail).digest('hex')
    if (leadingZeroBits(hash) >= header.difficulty) return { proof, hash }
  }
}

export interface BlockSpec {
  parent: Pick<Block, 'hash' | 'index' | 'timestamp'>
  /** Transfers after the coinbase. */
  txs?: readonly Transaction[]
  payTo?: string
  timestamp?: number
  difficulty?: number
  network?: Network
  /** Override the coinbase amount (default reward + fees). */
  coinbaseAmount?: number
}

/** A mined block over `parent` with a correct coinbase and merkle root. */
export function mineBlock(spec: BlockSpec): Block {
  const network = spec.network ?? REGTEST
  const txs = spec.txs ?? []
  const index = spec.parent.index + 1
  const fees = txs.reduce((s, t) => s + t.fee, 0)
  const cb = coinbaseTx(
    index,
    spec.payTo ?? alice.address,
    spec.coinbaseAmount ?? network.params.blockReward + fees,
    network
  )
  const transactions = [cb, ...txs]
  const header = {
    version: 1,
    index,
    timestamp: spec.timestamp ?? spec.parent.timestamp + network.params.targetBlockMs,
    previousHash: spec.parent.hash,
    merkleRoot: merkleRoot(transactions.map((t) => t.id)),
    difficulty: spec.difficulty ?? network.params.initialDifficulty
  }
  const { proof, hash } = mineHeader(header)
  return { ...header, proof, hash, transactions }
}

/** Re-mine a block after its header fields were changed (keeps its transactions as they are). */
export function remine(b: Omit<Block, 'hash' | 'proof'>): Block {
  const { proof, hash } = mineHeader(b)
  return { ...b, proof, hash }
}

function copyState(s: MemoryState): MemoryState {
  const c = new MemoryState()
  for (const [a, acc] of s.accounts) c.accounts.set(a, acc)
  return c
}

/**
 * One branch of a regtest chain and the state at its tip. `blocks` holds the blocks this builder
 * mined (a fork's start at its fork point, not before).
 */
export class ChainBuilder {
  readonly blocks: Block[] = []
  tip: Block
  readonly state: MemoryState
  readonly network: Network
  /** Miner of this branch: a fork with another miner never repeats the other branch's blocks. */
  payTo: string
  /** Added to every block's timestamp step, to tell branches apart. */
  private readonly jitter: number
  private readonly drafted = new Map<string, number>()

  constructor(
    opts: {
      network?: Network
      tip?: Block
      state?: MemoryState
      payTo?: string
      jitter?: number
    } = {}
  ) {
    this.network = opts.network ?? REGTEST
    this.tip = opts.tip ?? this.network.genesis
    this.state = opts.state ?? new MemoryState()
    this.payTo = opts.payTo ?? alice.address
    this.jitter = opts.jitter ?? 0
  }

  /** A side branch starting at this builder's tip, mined by `payTo`, with its own copy of the state. */
  fork(payTo: string, jitter = 1): ChainBuilder {
    return new ChainBuilder({
      network: this.network,
      tip: this.tip,
      state: copyState(this.state),
      payTo,
      jitter
    })
  }

  account(address: string): Account {
    return this.state.account(address)
  }

  /** A transfer with the sender's next nonce, counting transfers drafted since the last block. */
  transfer(from: Key, to: string, amount: number, fee = 0): Transaction {
    const drafted = this.drafted.get(from.address) ?? 0
    this.drafted.set(from.address, drafted + 1)
    return signedTx(
      from,
      to,
      amount,
      this.state.account(from.address).nonce + drafted,
      fee,
      this.network
    )
  }

  /** Mine the next block on this branch and apply it to the branch state. */
  mine(txs: readonly Transaction[] = [], opts: { payTo?: string; timestamp?: number } = {}): Block {
    const b = mineBlock({
      parent: this.tip,
      txs,
      payTo: opts.payTo ?? this.payTo,
      timestamp:
        opts.timestamp ?? this.tip.timestamp + this.network.params.targetBlockMs + this.jitter,
      network: this.network
    })
    const o = new StateOverlay(this.state)
    applyBlock(o, b)
    this.state.commit(o)
    this.drafted.clear()
    this.tip = b
    this.blocks.push(b)
    return b
  }

  /** Mine `n` blocks; `txsFor(i)` may add transfers to the i-th (0-based). */
  mineMany(n: number, txsFor?: (i: number, builder: ChainBuilder) => Transaction[]): Block[] {
    const out: Block[] = []
    for (let i = 0; i < n; i++) out.push(this.mine(txsFor ? txsFor(i, this) : []))
    return out
  }
}

/**
 * A chain of `n` blocks after genesis with transfers: alice mines the first blocks, then every
 * third block carries transfers among alice, bob and carol (with fees), so that balances and
 * nonces of several accounts move.
 */
export function buildChain(n: number, builder = new ChainBuilder()): Block[] {
  return builder.mineMany(n, (i, b) => {
    if (i % 3 !== 2) return []
    const txs: Transaction[] = []
    if (b.account(alice.address).balance >= 12) txs.push(b.transfer(alice, bob.address, 10, 2))
    if (b.account(bob.address).balance >= 4) txs.push(b.transfer(bob, carol.address, 3, 1))
    if (b.account(carol.address).balance >= 1) txs.push(b.transfer(carol, alice.address, 1, 0))
    return txs
  })
}

export interface OpenedChain {
  store: SqliteStore
  chain: Chain
  close: () => void
}

/** A Chain over a real SQLite store in `dataDir`. */
export function openChain(
  dataDir: string,
  opts: ChainOptions = {},
  network: Network = REGTEST
): OpenedChain {
  const store = SqliteStore.open({
    dataDir,
    network: network.name,
    genesisHash: network.genesisHash
  })
  const chain = new Chain(store, network, opts)
  return { store, chain, close: () => store.close() }
}

/** Submit blocks in order and insist each is accepted. */
export function submitAll(chain: Chain, blocks: readonly Block[]): void {
  for (const b of blocks) {
    const o = chain.submit(b)
    if (o.kind !== 'accepted')
      throw new Error(`block ${b.index} ${b.hash} not accepted: ${JSON.stringify(o)}`)
  }
}

/** The main chain as stored: block 1 to the tip, each one's parent the one before. Throws if not. */
export function storedMainChain(store: SqliteStore): Block[] {
  const tip = store.tip()
  const out: Block[] = []
  for (let i = 1; i <= tip.index; i++) {
    const h = store.getMainHash(i)
    if (h === undefined)
      throw new Error(`main_chain has no block at height ${i} (tip ${tip.index})`)
    const b = store.getBlock(h)
    if (b === undefined) throw new Error(`main_chain height ${i} names unknown block ${h}`)
    if (b.index !== i) throw new Error(`main_chain height ${i} holds a block of index ${b.index}`)
    if (i > 1 && b.previousHash !== out[i - 2].hash)
      throw new Error(`main_chain height ${i} does not link to ${i - 1}`)
    out.push(b)
  }
  const extra = store.db
    .prepare('SELECT COUNT(*) FROM main_chain WHERE height > ? OR height < 1')
    .pluck()
    .get(tip.index)
  if (extra !== 0) throw new Error(`main_chain has rows outside 1..${tip.index}`)
  return out
}

/** Core's applyBlock over the blocks from genesis: what the accounts table must hold. */
export function replayAccounts(blocks: readonly Block[]): Map<string, Account> {
  const state = new MemoryState()
  for (const b of blocks) {
    const o = new StateOverlay(state)
    applyBlock(o, b)
    state.commit(o)
  }
  const out = new Map<string, Account>()
  for (const [a, acc] of state.accounts) if (acc.balance !== 0 || acc.nonce !== 0) out.set(a, acc)
  return out
}

/** Sorted plain object of a state, for toEqual with a readable diff. */
export function plainState(m: ReadonlyMap<string, Account>): Record<string, Account> {
  return Object.fromEntries(
    [...m]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([a, v]) => [a, { balance: v.balance, nonce: v.nonce }])
  )
}

// ---- builders for functional tests and the sync benchmark (Tip-based, wallets by name) ----------
// Kept here beside the ChainBuilder API above: both are used (test/functional, bench/).

export interface Tip {
  hash: string
  index: number
  timestamp: number
}

/** A deterministic wallet from a name (seed = SHA-256 of it), as the vectors' keys are made. */
export function namedWallet(name: string): Wallet {
  return new Wallet(createHash('sha256').update(name).digest())
}

/** A child of `parent` paying `payTo`, with `txs` after the coinbase. */
export function makeBlock(
  parent: Tip,
  txs: readonly Transaction[],
  payTo: string,
  opts: { network?: Network; timestamp?: number; difficulty?: number } = {}
): Block {
  const network = opts.network ?? NETWORKS.regtest
  const index = parent.index + 1
  const fees = txs.reduce((s, t) => s + t.fee, 0)
  const transactions = [
    createCoinbase(
      { index, recipient: payTo, amount: network.params.blockReward + fees },
      network.genesisHash
    ),
    ...txs
  ]
  const header = {
    version: 1,
    index,
    timestamp: opts.timestamp ?? parent.timestamp + 10_000,
    previousHash: parent.hash,
    merkleRoot: merkleRoot(transactions.map((t) => t.id)),
    difficulty: opts.difficulty ?? network.params.initialDifficulty
  }
  const { proof, hash } = mineSync(header)
  return { ...header, proof, hash, transactions }
}

export function tipOf(b: Block): Tip {
  return { hash: b.hash, index: b.index, timestamp: b.timestamp }
}

/** `n` blocks with coinbases only, on top of `parent`. */
export function emptyBlocks(parent: Tip, n: number, payTo: string, salt = 0): Block[] {
  const out: Block[] = []
  let tip = parent
  for (let i = 0; i < n; i++) {
    const b = makeBlock(tip, [], payTo, { timestamp: tip.timestamp + 10_000 + salt })
    out.push(b)
    tip = tipOf(b)
  }
  return out
}

/**
 * A regtest chain of `blocks` blocks after genesis carrying `transfers` signed transfers among
 * `wallets` named wallets: coinbases pay the wallets in turn, then every block carries its share
 * of transfers (amount 1, fee 1, round-robin senders, each with its next nonce).
 */
export function chainWithTransfers(blocks: number, transfers: number, wallets = 8): Block[] {
  const network = NETWORKS.regtest
  const ws = Array.from({ length: wallets }, (_, i) => namedWallet(`bench-${i}`))
  const nonces = new Array<number>(wallets).fill(0)
  const out: Block[] = []
  let tip: Tip = { hash: network.genesisHash, index: 1, timestamp: network.params.genesisTimestamp }
  // Each wallet has received a coinbase before it sends.
  const carrying = blocks - wallets
  let left = transfers
  let sender = 0
  for (let i = 0; i < blocks; i++) {
    const txs: Transaction[] = []
    if (i >= wallets) {
      const share = Math.ceil(left / (blocks - i))
      for (let k = 0; k < share && carrying > 0; k++) {
        const from = sender % wallets
        const to = (sender + 1) % wallets
        sender++
        txs.push(
          ws[from].transfer(
            { recipient: ws[to].address, amount: 1, fee: 1, nonce: nonces[from]++ },
            network.genesisHash
          )
        )
      }
      left -= txs.length
    }
    const b = makeBlock(tip, txs, ws[i % wallets].address)
    out.push(b)
    tip = tipOf(b)
  }
  return out
}
