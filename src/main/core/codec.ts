/**
 * The one codec seam (PROTOCOL §1, §3, §4): wire JSON <-> domain objects, header bytes and
 * transaction signing bytes. Type errors in wire input are `invalid_field`, found before any rule
 * of §3 and §4 is looked at.
 */
import { sha256Hex } from './crypto'
import { fail, ok, type Result } from './errors'
import {
  COINBASE_SENDER,
  type Block,
  type BlockHeader,
  type BlockWire,
  type Transaction,
  type TransactionWire
} from './types'

/** The protocol's version, as GET /status reports it (PROTOCOL.md §7) and the UI shows it. */
export const PROTOCOL_VERSION = 1
export const MAX_U32 = 2 ** 32 - 1
export const MAX_JSON_INT = Number.MAX_SAFE_INTEGER // 2^53 - 1

/**
 * PROTOCOL §1, the one copy of each format: hashes, ids and public keys are 64 lowercase hex,
 * signatures 128, addresses 40; a transaction's sender or recipient is an address or "0"
 * (COINBASE_SENDER). As text for the HTTP layer's JSON schemas (literal types, which its route
 * table's typing needs), as RegExps below for code. The renderer may not import the node, so its
 * send form mirrors `address`; test/one-rule.test.ts holds the mirror to this copy.
 */
export const FORMATS = {
  hash: '^[0-9a-f]{64}$',
  signature: '^[0-9a-f]{128}$',
  address: '^[0-9a-f]{40}$',
  party: '^(0|[0-9a-f]{40})$'
} as const

export const HASH_PATTERN = new RegExp(FORMATS.hash)
export const SIGNATURE_PATTERN = new RegExp(FORMATS.signature)
export const ADDRESS_PATTERN = new RegExp(FORMATS.address)
export const PARTY_PATTERN = new RegExp(FORMATS.party)

export function isHash(v: unknown): v is string {
  return typeof v === 'string' && HASH_PATTERN.test(v)
}

export function isAddress(v: unknown): v is string {
  return typeof v === 'string' && ADDRESS_PATTERN.test(v)
}

/** A JSON object: not null, not an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

class FieldError extends Error {}

/** A JSON integer per PROTOCOL §1: whole, 0 <= n <= max. `1.0` is 1 (JSON numbers are values). */
function int(
  obj: Record<string, unknown>,
  field: string,
  path: string,
  max = MAX_JSON_INT
): number {
  const v = obj[field]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new FieldError(`${path}${field} must be a whole number from 0 to ${max}, got ${show(v)}`)
  }
  return v
}

function str(
  obj: Record<string, unknown>,
  field: string,
  path: string,
  re: RegExp,
  what: string
): string {
  const v = obj[field]
  if (typeof v !== 'string' || !re.test(v)) {
    throw new FieldError(`${path}${field} must be ${what}, got ${show(v)}`)
  }
  return v
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)'
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 40 ? s.slice(0, 37) + '...' : s
}

function txFromObject(v: unknown, path: string): Transaction {
  if (!isObject(v)) throw new FieldError(`${path.replace(/\.$/, '')} must be a JSON object`)
  const id = str(v, 'id', path, HASH_PATTERN, '64 lowercase hex characters')
  const sender = str(v, 'sender', path, PARTY_PATTERN, 'an address (40 lowercase hex) or "0"')
  const recipient = str(v, 'recipient', path, PARTY_PATTERN, 'an address (40 lowercase hex)')
  const amount = int(v, 'amount', path)
  const fee = int(v, 'fee', path)
  const nonce = int(v, 'nonce', path)
  let publicKey: string | null
  let signature: string | null
  // A coinbase carries nulls; whether they are right is rule 5's business (bad_coinbase).
  if (sender === COINBASE_SENDER && v.public_key === null) publicKey = null
  else publicKey = str(v, 'public_key', path, HASH_PATTERN, '64 lowercase hex characters')
  if (sender === COINBASE_SENDER && v.signature === null) signature = null
  else signature = str(v, 'signature', path, SIGNATURE_PATTERN, '128 lowercase hex characters')
  return { id, sender, recipient, amount, fee, nonce, publicKey, signature }
}

/** Parse a wire transaction. Fails with `invalid_field` naming the field. */
export function parseTransaction(v: unknown): Result<Transaction> {
  try {
    return ok(txFromObject(v, ''))
  } catch (e) {
    if (e instanceof FieldError) return fail('invalid_field', e.message)
    throw e
  }
}

/** Parse a wire block, transactions included. Fails with `invalid_field` naming the field. */
export function parseBlock(v: unknown): Result<Block> {
  try {
    if (!isObject(v)) throw new FieldError('a block must be a JSON object')
    const version = int(v, 'version', '', MAX_U32)
    const index = int(v, 'index', '')
    const timestamp = int(v, 'timestamp', '')
    const previousHash = str(v, 'previous_hash', '', HASH_PATTERN, '64 lowercase hex characters')
    const merkleRoot = str(v, 'merkle_root', '', HASH_PATTERN, '64 lowercase hex characters')
    const difficulty = int(v, 'difficulty', '', MAX_U32)
    const proof = int(v, 'proof', '')
    const hash = str(v, 'hash', '', HASH_PATTERN, '64 lowercase hex characters')
    if (!Array.isArray(v.transactions)) throw new FieldError('transactions must be a list')
    const transactions = v.transactions.map((t, i) => txFromObject(t, `transactions[${i}].`))
    return ok({
      version,
      index,
      timestamp,
      previousHash,
      merkleRoot,
      difficulty,
      proof,
      hash,
      transactions
    })
  } catch (e) {
    if (e instanceof FieldError) return fail('invalid_field', e.message)
    throw e
  }
}

export function txToWire(tx: Transaction): TransactionWire {
  return {
    id: tx.id,
    sender: tx.sender,
    recipient: tx.recipient,
    amount: tx.amount,
    fee: tx.fee,
    nonce: tx.nonce,
    public_key: tx.publicKey,
    signature: tx.signature
  }
}

export function blockToWire(b: Block): BlockWire {
  return {
    index: b.index,
    timestamp: b.timestamp,
    transactions: b.transactions.map(txToWire),
    proof: b.proof,
    previous_hash: b.previousHash,
    merkle_root: b.merkleRoot,
    difficulty: b.difficulty,
    version: b.version,
    hash: b.hash
  }
}

function writeU64(buf: Buffer, value: number, offset: number): void {
  // Values are at most 2^53 - 1, so the high word fits a u32 exactly.
  buf.writeUInt32BE(Math.floor(value / 2 ** 32), offset)
  buf.writeUInt32BE(value >>> 0, offset + 4)
}

/**
 * Writes the bytes of hex string `hex` into `buf` at `offset`, exactly `size` of them: what hex
 * decoding gives (it stops at the first character that is not hex, as Buffer.from does), then
 * zeros. The same bytes as copying Buffer.from(hex, 'hex') into a zeroed buffer, where a longer
 * value's spill was always overwritten by the field after it; without the temporary Buffer or the
 * zero-filled allocation, which a catch-up made thousands of times (issue 12).
 */
function writeHex(buf: Buffer, hex: string, offset: number, size: number): void {
  const n = buf.write(hex, offset, size, 'hex')
  if (n < size) buf.fill(0, offset + n, offset + size)
}

/** Address bytes for signing: the coinbase sender "0" is 20 zero bytes (PROTOCOL §1). */
function writeAddress(buf: Buffer, a: string, offset: number): void {
  if (a === COINBASE_SENDER) buf.fill(0, offset, offset + 20)
  else writeHex(buf, a, offset, 20)
}

const BFTX = Buffer.from('BFTX', 'ascii')

/** PROTOCOL §3: the 100 signing bytes of a transaction on the network named by `genesisHash`. */
export function txSigningBytes(
  tx: Pick<Transaction, 'sender' | 'recipient' | 'amount' | 'fee' | 'nonce'>,
  genesisHash: string
): Buffer {
  // From Node's shared pool: every byte is written below.
  const buf = Buffer.allocUnsafe(100)
  BFTX.copy(buf, 0)
  writeHex(buf, genesisHash, 4, 32)
  writeAddress(buf, tx.sender, 36)
  writeAddress(buf, tx.recipient, 56)
  writeU64(buf, tx.amount, 76)
  writeU64(buf, tx.fee, 84)
  writeU64(buf, tx.nonce, 92)
  return buf
}

/** PROTOCOL §3: id = hex SHA-256(signing bytes). */
export function txId(
  tx: Pick<Transaction, 'sender' | 'recipient' | 'amount' | 'fee' | 'nonce'>,
  genesisHash: string
): string {
  return sha256Hex(txSigningBytes(tx, genesisHash))
}

export const HEADER_BYTES = 96
/** Offset of the proof: the header's last 8 bytes, after one full 64-byte SHA-256 block. */
export const PROOF_OFFSET = 88

/** PROTOCOL §4: the 96 header bytes. */
export function headerBytes(h: BlockHeader): Buffer {
  // From Node's shared pool: every byte is written below.
  const buf = Buffer.allocUnsafe(HEADER_BYTES)
  buf.writeUInt32BE(h.version, 0)
  writeU64(buf, h.index, 4)
  writeU64(buf, h.timestamp, 12)
  writeHex(buf, h.previousHash, 20, 32)
  writeHex(buf, h.merkleRoot, 52, 32)
  buf.writeUInt32BE(h.difficulty, 84)
  writeU64(buf, h.proof, PROOF_OFFSET)
  return buf
}

/** PROTOCOL §4: hash = hex SHA-256(header bytes). */
export function blockHash(h: BlockHeader): string {
  return sha256Hex(headerBytes(h))
}
