import { blockHash } from './codec'
import type { Block } from './types'

/** PROTOCOL §2: the networks, by name. src/shared/api.ts repeats the type for the UI (held equal by test/one-rule.test.ts). */
export const NETWORK_NAMES = ['main', 'regtest'] as const
export type NetworkName = (typeof NETWORK_NAMES)[number]

/** PROTOCOL §2: the parameters that define a network. */
export interface NetworkParams {
  readonly genesisTimestamp: number
  readonly initialDifficulty: number
  readonly minDifficulty: number
  readonly targetBlockMs: number
  readonly retargetInterval: number
  readonly blockReward: number
  readonly maxBlockTxs: number
  readonly maxFutureMs: number
}

export interface Network {
  readonly name: NetworkName
  readonly params: NetworkParams
  readonly genesis: Block
  readonly genesisHash: string
}

export const NETWORK_PARAMS: Readonly<Record<NetworkName, NetworkParams>> = {
  main: {
    genesisTimestamp: 1506057125900,
    initialDifficulty: 16,
    minDifficulty: 12,
    targetBlockMs: 10000,
    retargetInterval: 10,
    blockReward: 50,
    maxBlockTxs: 1000,
    maxFutureMs: 120000
  },
  regtest: {
    genesisTimestamp: 1506057125900,
    initialDifficulty: 8,
    minDifficulty: 1,
    targetBlockMs: 10000,
    retargetInterval: 0,
    blockReward: 50,
    maxBlockTxs: 1000,
    maxFutureMs: 120000
  }
}

const ZERO_HASH = '0'.repeat(64)
const EMPTY_MERKLE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** PROTOCOL §4: the genesis block follows from the parameters; its hash names the network. */
export function genesisBlock(params: NetworkParams): Block {
  const header = {
    version: 1,
    index: 1,
    timestamp: params.genesisTimestamp,
    previousHash: ZERO_HASH,
    merkleRoot: EMPTY_MERKLE_ROOT,
    difficulty: params.initialDifficulty,
    proof: 100
  }
  return { ...header, hash: blockHash(header), transactions: [] }
}

function makeNetwork(name: NetworkName): Network {
  const params = NETWORK_PARAMS[name]
  const genesis = genesisBlock(params)
  return { name, params, genesis, genesisHash: genesis.hash }
}

export const NETWORKS: Readonly<Record<NetworkName, Network>> = {
  main: makeNetwork('main'),
  regtest: makeNetwork('regtest')
}

export function isNetworkName(v: unknown): v is NetworkName {
  return NETWORK_NAMES.includes(v as NetworkName)
}
