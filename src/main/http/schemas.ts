/**
 * JSON schemas of the HTTP API (PROTOCOL §1, §3, §4, §7). The same objects validate requests
 * (Fastify/Ajv, no type coercion) and make the OpenAPI document, so the two cannot disagree.
 * Types follow PROTOCOL §1: integers are whole JSON numbers from 0 to 2^53 - 1, hashes 64
 * lowercase hex. Whatever a schema cannot say (rules of §3 and §4) the core checks afterwards.
 */
import { FORMATS, MAX_JSON_INT, MAX_U32, NETWORK_NAMES } from '../core'

export const hash = {
  type: 'string',
  pattern: FORMATS.hash,
  description: '64 lowercase hex'
} as const
export const address = {
  type: 'string',
  pattern: FORMATS.address,
  description: '40 lowercase hex'
} as const
const party = {
  type: 'string',
  pattern: FORMATS.party,
  description: 'an address, or "0" for the coinbase'
} as const
const u53 = { type: 'integer', minimum: 0, maximum: MAX_JSON_INT } as const
const u32 = { type: 'integer', minimum: 0, maximum: MAX_U32 } as const

export const transaction = {
  type: 'object',
  description: 'PROTOCOL §3 wire form',
  required: ['id', 'sender', 'recipient', 'amount', 'fee', 'nonce', 'public_key', 'signature'],
  properties: {
    id: hash,
    sender: party,
    recipient: party,
    amount: u53,
    fee: u53,
    nonce: u53,
    public_key: { type: ['string', 'null'], pattern: FORMATS.hash },
    signature: { type: ['string', 'null'], pattern: FORMATS.signature }
  }
} as const

export const block = {
  type: 'object',
  description: 'PROTOCOL §4 wire form',
  required: [
    'index',
    'timestamp',
    'transactions',
    'proof',
    'previous_hash',
    'merkle_root',
    'difficulty',
    'version',
    'hash'
  ],
  properties: {
    index: u53,
    timestamp: u53,
    transactions: { type: 'array', items: transaction },
    proof: u53,
    previous_hash: hash,
    merkle_root: hash,
    difficulty: u32,
    version: u32,
    hash
  }
} as const

export const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } }
} as const

export const message = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } }
} as const

/** Query integers arrive as text: decimal digits, checked for range by the route. */
const decimal = { type: 'string', pattern: '^[0-9]{1,16}$' } as const

export const sliceQuery = {
  type: 'object',
  properties: {
    from: { ...decimal, description: 'first main-chain index (default 1)' },
    limit: { ...decimal, description: 'at most this many blocks (default and cap 500)' }
  }
} as const

export const status = {
  type: 'object',
  required: [
    'network',
    'genesis_hash',
    'index',
    'tip_hash',
    'total_work',
    'difficulty',
    'pending',
    'peers',
    'version'
  ],
  properties: {
    network: { type: 'string', enum: NETWORK_NAMES },
    genesis_hash: hash,
    index: u53,
    tip_hash: hash,
    total_work: { type: 'string', pattern: '^[0-9]+$', description: 'decimal' },
    difficulty: u32,
    pending: u53,
    peers: u53,
    version: { type: 'integer', const: 1 }
  }
} as const

export const chainAnswer = {
  type: 'object',
  required: ['chain', 'length'],
  properties: { chain: { type: 'array', items: block }, length: u53 }
} as const

export const blocksAnswer = {
  type: 'object',
  required: ['blocks'],
  properties: { blocks: { type: 'array', items: block } }
} as const

export const blockAccepted = {
  type: 'object',
  required: ['message', 'status'],
  properties: { message: { type: 'string' }, status: { type: 'string', enum: ['main', 'side'] } }
} as const

export const txAccepted = {
  type: 'object',
  required: ['message', 'id'],
  properties: { message: { type: 'string' }, id: hash }
} as const

export const txLookup = {
  type: 'object',
  required: ['transaction', 'block_hash', 'block_index', 'confirmations'],
  properties: {
    transaction,
    block_hash: { type: ['string', 'null'] },
    block_index: { type: ['integer', 'null'] },
    confirmations: u53
  }
} as const

export const account = {
  type: 'object',
  required: ['address', 'balance', 'nonce'],
  properties: { address, balance: u53, nonce: u53 }
} as const

export const forkTree = {
  type: 'object',
  required: ['tip_index', 'tip_hash', 'total_work', 'side_omitted', 'blocks'],
  properties: {
    tip_index: u53,
    tip_hash: hash,
    total_work: { type: 'string', pattern: '^[0-9]+$' },
    side_omitted: u53,
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'hash',
          'index',
          'previous_hash',
          'status',
          'tx_count',
          'timestamp',
          'total_work'
        ],
        properties: {
          hash,
          index: u53,
          previous_hash: hash,
          status: { type: 'string', enum: ['main', 'side', 'orphan'] },
          tx_count: u53,
          timestamp: u53,
          total_work: { type: ['string', 'null'], pattern: '^[0-9]+$' }
        }
      }
    }
  }
} as const

export const nodesAnswer = {
  type: 'object',
  required: ['nodes'],
  properties: { nodes: { type: 'array', items: { type: 'string' } } }
} as const

export const mined = {
  type: 'object',
  required: ['message', 'index', 'transactions', 'proof', 'previous_hash', 'hash'],
  properties: {
    message: { type: 'string', const: 'New Block Forged' },
    index: u53,
    transactions: { type: 'array', items: transaction },
    proof: u53,
    previous_hash: hash,
    hash
  }
} as const

export const newTransaction = {
  type: 'object',
  required: ['recipient', 'amount'],
  properties: {
    recipient: party,
    amount: u53,
    fee: { ...u53, default: 0 },
    sender: {
      type: 'string',
      maxLength: 64,
      description: "if given, must be the node wallet's address"
    }
  }
} as const

export const register = {
  type: 'object',
  required: ['nodes'],
  properties: {
    nodes: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', maxLength: 2048, description: 'a base URL, http://host:port' }
    }
  }
} as const

/** One URL of /nodes/register's answer that did not become a peer (now), with why. */
const urlOutcome = {
  type: 'object',
  required: ['url', 'error', 'message'],
  properties: {
    url: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' }
  }
} as const

export const registered = {
  type: 'object',
  required: ['message', 'total_nodes'],
  properties: {
    message: { type: 'string' },
    total_nodes: { type: 'array', items: { type: 'string' } },
    rejected: {
      type: 'array',
      description: 'URLs that were not added, with why (unreachable, another network, this node)',
      items: urlOutcome
    },
    pending: {
      type: 'array',
      description:
        'URLs kept as peers that do not answer yet (checked again on every poll), with why',
      items: urlOutcome
    }
  }
} as const

export const resolved = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string', enum: ['Our chain was replaced', 'Our chain is authoritative'] },
    new_chain: { type: 'array', items: block },
    chain: { type: 'array', items: block }
  }
} as const

export const hashParams = { type: 'object', required: ['hash'], properties: { hash } } as const
export const idParams = { type: 'object', required: ['id'], properties: { id: hash } } as const
export const addressParams = {
  type: 'object',
  required: ['address'],
  properties: { address }
} as const
