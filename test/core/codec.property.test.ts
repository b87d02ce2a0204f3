/**
 * Property tests (fast-check) of the codec seam (PROTOCOL §1, §3, §4): any transaction or block
 * in the value ranges of §1 survives wire form and JSON text unchanged (parseTransaction(txToWire)
 * and parseBlock(blockToWire)); the 96 header bytes and the 100 signing bytes hold each field at
 * the offset of the tables, big-endian; and a value just out of range is `invalid_field`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  blockHash,
  blockToWire,
  headerBytes,
  MAX_JSON_INT,
  MAX_U32,
  parseBlock,
  parseTransaction,
  sha256Hex,
  txId,
  txSigningBytes,
  txToWire,
  type Block,
  type Transaction
} from '../../src/main/core'

const hex = (bytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a).toString('hex'))
const u53 = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(MAX_JSON_INT), fc.maxSafeNat())
const u32 = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.constant(MAX_U32),
  fc.integer({ min: 0, max: MAX_U32 })
)

const transfer: fc.Arbitrary<Transaction> = fc.record({
  id: hex(32),
  sender: hex(20),
  recipient: fc.oneof(hex(20), fc.constant('0')),
  amount: u53,
  fee: u53,
  nonce: u53,
  publicKey: hex(32),
  signature: hex(64)
})
const coinbase: fc.Arbitrary<Transaction> = fc.record({
  id: hex(32),
  sender: fc.constant('0'),
  recipient: hex(20),
  amount: u53,
  fee: u53,
  nonce: u53,
  publicKey: fc.oneof(fc.constant(null), hex(32)),
  signature: fc.oneof(fc.constant(null), hex(64))
})
const anyTx = fc.oneof(transfer, coinbase)

const header = fc.record({
  version: u32,
  index: u53,
  timestamp: u53,
  previousHash: hex(32),
  merkleRoot: hex(32),
  difficulty: u32,
  proof: u53
})
const block: fc.Arbitrary<Block> = fc
  .tuple(header, hex(32), fc.array(anyTx, { maxLength: 5 }))
  .map(([h, hash, transactions]) => ({ ...h, hash, transactions }))

describe('wire round trip', () => {
  it('parseTransaction(txToWire(tx)) gives the transaction back, also through JSON text', () => {
    fc.assert(
      fc.property(anyTx, (tx) => {
        expect(parseTransaction(txToWire(tx))).toEqual({ ok: true, value: tx })
        expect(parseTransaction(JSON.parse(JSON.stringify(txToWire(tx))))).toEqual({
          ok: true,
          value: tx
        })
      }),
      { numRuns: 300 }
    )
  })

  it('parseBlock(blockToWire(b)) gives the block back, also through JSON text', () => {
    fc.assert(
      fc.property(block, (b) => {
        expect(parseBlock(blockToWire(b))).toEqual({ ok: true, value: b })
        expect(parseBlock(JSON.parse(JSON.stringify(blockToWire(b))))).toEqual({
          ok: true,
          value: b
        })
      }),
      { numRuns: 300 }
    )
  })

  it('refuses a JSON integer just out of range with invalid_field', () => {
    fc.assert(
      fc.property(
        block.filter((b) => b.transactions.length > 0),
        fc.constantFrom('index', 'timestamp', 'proof', 'version', 'difficulty'),
        fc.constantFrom('amount', 'fee', 'nonce'),
        fc.constantFrom(-1, 0.5, MAX_JSON_INT + 1, '1', true, null),
        (b, blockField, txField, bad) => {
          const w = blockToWire(b) as unknown as Record<string, unknown>
          const value =
            (blockField === 'version' || blockField === 'difficulty') && bad === MAX_JSON_INT + 1
              ? MAX_U32 + 1
              : bad
          expect(parseBlock({ ...w, [blockField]: value })).toMatchObject({
            ok: false,
            code: 'invalid_field'
          })
          const tx = { ...txToWire(b.transactions[0]), [txField]: bad }
          expect(parseTransaction(tx)).toMatchObject({ ok: false, code: 'invalid_field' })
          expect(parseBlock({ ...w, transactions: [tx] })).toMatchObject({
            ok: false,
            code: 'invalid_field'
          })
        }
      ),
      { numRuns: 200 }
    )
  })

  it('takes 1.0 as 1 and refuses uppercase hex', () => {
    const tx: Transaction = {
      id: 'a'.repeat(64),
      sender: 'b'.repeat(40),
      recipient: 'c'.repeat(40),
      amount: 1,
      fee: 0,
      nonce: 0,
      publicKey: 'd'.repeat(64),
      signature: 'e'.repeat(128)
    }
    expect(
      parseTransaction(
        JSON.parse(JSON.stringify(txToWire(tx)).replace('"amount":1', '"amount":1.0'))
      )
    ).toEqual({ ok: true, value: tx })
    expect(parseTransaction({ ...txToWire(tx), sender: 'B'.repeat(40) })).toMatchObject({
      ok: false,
      code: 'invalid_field'
    })
  })
})

describe('byte layouts', () => {
  it('places every header field at its offset of the §4 table, and the hash is SHA-256 of the 96 bytes', () => {
    fc.assert(
      fc.property(header, (h) => {
        const b = headerBytes(h)
        expect(b.length).toBe(96)
        expect(b.readUInt32BE(0)).toBe(h.version)
        expect(Number(b.readBigUInt64BE(4))).toBe(h.index)
        expect(Number(b.readBigUInt64BE(12))).toBe(h.timestamp)
        expect(b.subarray(20, 52).toString('hex')).toBe(h.previousHash)
        expect(b.subarray(52, 84).toString('hex')).toBe(h.merkleRoot)
        expect(b.readUInt32BE(84)).toBe(h.difficulty)
        expect(Number(b.readBigUInt64BE(88))).toBe(h.proof)
        expect(blockHash(h)).toBe(sha256Hex(b))
      }),
      { numRuns: 300 }
    )
  })

  it('places every signing field at its offset of the §3 table, the coinbase sender as 20 zero bytes', () => {
    fc.assert(
      fc.property(anyTx, hex(32), (tx, genesis) => {
        const b = txSigningBytes(tx, genesis)
        expect(b.length).toBe(100)
        expect(b.subarray(0, 4).toString('ascii')).toBe('BFTX')
        expect(b.subarray(4, 36).toString('hex')).toBe(genesis)
        expect(b.subarray(36, 56).toString('hex')).toBe(
          tx.sender === '0' ? '00'.repeat(20) : tx.sender
        )
        expect(b.subarray(56, 76).toString('hex')).toBe(
          tx.recipient === '0' ? '00'.repeat(20) : tx.recipient
        )
        expect(Number(b.readBigUInt64BE(76))).toBe(tx.amount)
        expect(Number(b.readBigUInt64BE(84))).toBe(tx.fee)
        expect(Number(b.readBigUInt64BE(92))).toBe(tx.nonce)
        expect(txId(tx, genesis)).toBe(sha256Hex(b))
      }),
      { numRuns: 300 }
    )
  })

  // The bytes are written into memory from Node's shared pool, not a zeroed buffer: a hash field
  // that is not 64 hex characters (short, long, odd, broken: the tamper lab and tests hash such
  // values) must still give the same bytes as copying its decoding into zeros, never a stale
  // byte of the pool.
  it('hashes malformed hex fields as their decoding copied into zeros, whatever was in memory', () => {
    const messy = fc.oneof(
      hex(32),
      fc.string({ maxLength: 80 }),
      fc.stringMatching(/^[0-9a-f]{0,90}$/),
      fc.stringMatching(/^[0-9a-f]{0,40}[g-z ][0-9a-f]{0,40}$/)
    )
    const zeroedCopy = (size: number, fields: [string, number, number][]): Buffer => {
      const out = Buffer.alloc(size)
      for (const [h, at, len] of fields)
        Buffer.from(h, 'hex').copy(out, at, 0, Math.min(len, Buffer.from(h, 'hex').length))
      return out
    }
    fc.assert(
      fc.property(header, messy, messy, messy, (h, prev, root, genesis) => {
        Buffer.allocUnsafe(4096).fill(0xa5) // dirty the pool the codec takes from
        const b = headerBytes({ ...h, previousHash: prev, merkleRoot: root })
        const want = zeroedCopy(96, [
          [prev, 20, 32],
          [root, 52, 32]
        ])
        expect(b.subarray(20, 84)).toEqual(want.subarray(20, 84))
        const t = txSigningBytes(
          { sender: prev.slice(0, 40), recipient: '0', amount: 1, fee: 0, nonce: 0 },
          genesis
        )
        const tw = zeroedCopy(100, [
          [genesis, 4, 32],
          [prev.slice(0, 40), 36, 20]
        ])
        expect(t.subarray(4, 76)).toEqual(tw.subarray(4, 76))
      }),
      { numRuns: 500 }
    )
  })
})
