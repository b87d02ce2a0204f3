/**
 * Validation never throws on bad input (errors are values; PROTOCOL §7 "never a 5xx"), checked with
 * fast-check: arbitrary JSON (fc.json text, fc.anything made JSON-able, and objects shaped like a
 * transaction whose fields are drawn from valid and junk values) goes through parseTransaction,
 * then checkTransactionForm and the pending pool; every refusal is a known error code.
 * Chain.submit is fuzzed the same way in test/chain/fuzz.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkTransactionForm,
  MemoryState,
  parseBlock,
  parseTransaction,
  txToWire
} from '../../src/main/core'
import { PendingPool } from '../../src/main/mempool/pool'
import { alice, bob, REGTEST, signedTx } from '../helpers/chain-builder'
import { jsonAnything, RULE_CODES, txShaped } from './fuzz-arbitraries'

function checkTx(v: unknown, pool: PendingPool, state: MemoryState): void {
  const p = parseTransaction(v)
  if (!p.ok) {
    expect(p.code).toBe('invalid_field')
    expect(p.message.length).toBeGreaterThan(0)
    return
  }
  const form = checkTransactionForm(p.value, REGTEST.genesisHash)
  if (!form.ok) expect(RULE_CODES).toContain(form.code)
  const added = pool.add(p.value, state)
  if (!added.ok) expect(RULE_CODES).toContain(added.code)
}

describe('transaction validation on arbitrary input', () => {
  const state = new MemoryState()
  state.accounts.set(alice.address, { balance: 1000, nonce: 0 })
  const valid = txToWire(signedTx(alice, bob.address, 5, 0, 1))

  it('never throws on fc.json() text', () => {
    const pool = new PendingPool(REGTEST.genesisHash)
    fc.assert(
      fc.property(fc.json(), (text) => {
        checkTx(JSON.parse(text), pool, state)
        expect(parseBlock(JSON.parse(text)).ok).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it('never throws on fc.anything() made JSON-able', () => {
    const pool = new PendingPool(REGTEST.genesisHash)
    fc.assert(
      fc.property(jsonAnything, (v) => {
        checkTx(v, pool, state)
        parseBlock(v)
      }),
      { numRuns: 500 }
    )
  })

  it('never throws on transaction-shaped objects with junk fields', () => {
    const pool = new PendingPool(REGTEST.genesisHash)
    fc.assert(
      fc.property(txShaped(valid), (v) => checkTx(v, pool, state)),
      { numRuns: 1000 }
    )
  })
})
