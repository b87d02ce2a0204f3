/**
 * fast-check arbitraries shared by the fuzz tests: JSON-able junk, objects shaped like a
 * transaction or block whose fields are drawn from valid and junk values, and mutations of a valid
 * wire block. Not a test file itself.
 */
import fc from 'fast-check'
import type { RuleCode } from '../../src/main/core'

export const RULE_CODES: readonly RuleCode[] = [
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
]

/** fc.anything() through JSON text: what a peer could really send. */
export const jsonAnything: fc.Arbitrary<unknown> = fc.anything().map((x) => {
  try {
    const s = JSON.stringify(x)
    return s === undefined ? null : (JSON.parse(s) as unknown)
  } catch {
    return null
  }
})

const hexOf = (chars: number): fc.Arbitrary<string> =>
  fc
    .uint8Array({ minLength: chars / 2, maxLength: chars / 2 })
    .map((a) => Buffer.from(a).toString('hex'))

/** Values near the edges of every field's type, and plain junk. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    1,
    1.5,
    -0,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    1e300,
    '',
    '0',
    '1',
    'A'.repeat(64),
    null,
    true,
    false,
    [],
    {}
  ),
  hexOf(40),
  hexOf(64),
  hexOf(128),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.jsonValue({ maxDepth: 2 })
)

const MISSING = Symbol('missing')

/** An object with the keys of `valid`, each kept, replaced by junk or left out. */
export function shaped(
  valid: Record<string, unknown>,
  extra: Record<string, fc.Arbitrary<unknown>> = {}
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [k, v] of Object.entries(valid)) {
    fields[k] = fc.oneof(
      { arbitrary: fc.constant(v), weight: 6 },
      { arbitrary: extra[k] ?? junk, weight: 2 },
      { arbitrary: fc.constant(MISSING), weight: 1 }
    )
  }
  return fc
    .record(fields)
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== MISSING)))
}

export const txShaped = (valid: object): fc.Arbitrary<Record<string, unknown>> =>
  shaped(valid as Record<string, unknown>)

export function blockShaped(
  valid: { transactions: object[] } & object
): fc.Arbitrary<Record<string, unknown>> {
  const txs = fc.array(
    fc.oneof(
      fc.constantFrom(...valid.transactions),
      txShaped(valid.transactions[valid.transactions.length - 1])
    ),
    { maxLength: 4 }
  )
  return shaped(valid as Record<string, unknown>, { transactions: fc.oneof(txs, junk) })
}

type Wire = Record<string, unknown> & { transactions: Record<string, unknown>[] }
// Edits write junk anywhere, transactions included: at run time a Wire is any JSON object.
type AnyWire = Record<string, unknown>

/** The transaction list of a wire block, or an empty one when an earlier edit replaced it. */
const txsOf = (w: Wire): Record<string, unknown>[] =>
  Array.isArray(w.transactions)
    ? w.transactions.filter((t) => typeof t === 'object' && t !== null)
    : []

/** One edit of a wire block: a field changed (block or transaction), removed, nudged, or the list reshuffled. */
export const mutation: fc.Arbitrary<(w: Wire) => void> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'index',
        'timestamp',
        'proof',
        'previous_hash',
        'merkle_root',
        'difficulty',
        'version',
        'hash',
        'transactions'
      ),
      junk
    )
    .map(
      ([k, v]) =>
        (w: Wire) =>
          void ((w as AnyWire)[k] = v)
    ),
  fc
    .tuple(
      fc.constantFrom('index', 'timestamp', 'proof', 'difficulty', 'version'),
      fc.integer({ min: -2, max: 2 })
    )
    .map(
      ([k, d]) =>
        (w: Wire) =>
          void (w[k] = (w[k] as number) + d)
    ),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        'id',
        'sender',
        'recipient',
        'amount',
        'fee',
        'nonce',
        'public_key',
        'signature'
      ),
      junk
    )
    .map(([i, k, v]) => (w: Wire) => {
      const txs = txsOf(w)
      const t = txs[i % Math.max(1, txs.length)]
      if (t) t[k] = v
    }),
  fc
    .tuple(fc.nat(), fc.constantFrom('amount', 'fee', 'nonce'), fc.integer({ min: -2, max: 2 }))
    .map(([i, k, d]) => (w: Wire) => {
      const txs = txsOf(w)
      const t = txs[i % Math.max(1, txs.length)]
      if (t) t[k] = (t[k] as number) + d
    }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (w: Wire) => {
    const n = txsOf(w).length
    if (n > 1 && n === w.transactions.length)
      [w.transactions[i % n], w.transactions[j % n]] = [
        w.transactions[j % n],
        w.transactions[i % n]
      ]
  }),
  fc.nat().map((i) => (w: Wire) => {
    const n = txsOf(w).length
    if (n > 0 && n === w.transactions.length)
      w.transactions.splice(i % n, 0, structuredClone(w.transactions[i % n]))
  }),
  fc.nat().map((i) => (w: Wire) => {
    const n = txsOf(w).length
    if (n > 0 && n === w.transactions.length) w.transactions.splice(i % n, 1)
  }),
  fc
    .constantFrom('index', 'hash', 'transactions', 'previous_hash')
    .map((k) => (w: Wire) => void delete w[k])
)
