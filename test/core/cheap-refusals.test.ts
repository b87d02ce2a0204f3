/**
 * Cheap refusals (issue 12). A transfer this node's wallet cannot pay is refused before it is
 * signed or any signature is checked, with exactly the answer the signed transfer would get. A
 * transfer signed elsewhere keeps PROTOCOL §3's order (form, the signature last, then nonce and
 * balance), so one that breaks two rules gets the first one's code; its signature check is done
 * once per transaction, not once per offer. Real SQLite data dirs, real Ed25519.
 */
import { cpSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  checkTransactionForm,
  checkTransactionState,
  MemoryState,
  verifyWithNodeCrypto,
  type Check,
  type SignatureVerifier,
  type Transaction
} from '../../src/main/core'
import { PendingPool } from '../../src/main/mempool/pool'
import { NodeService, type TxOutcome } from '../../src/main/node/service'
import { alice, bob, carol, emptyBlocks, REGTEST, signedTx, tipOf } from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const G = REGTEST.genesisHash
const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function counting(): { verifier: SignatureVerifier; calls: () => number } {
  let n = 0
  return {
    verifier: (tx, bytes) => {
      n++
      return verifyWithNodeCrypto(tx, bytes)
    },
    calls: () => n
  }
}

/** A node whose wallet holds `coinbases` block rewards (50 each), with a counting verifier. */
function fundedNode(coinbases: number, dir = tempDir()) {
  const v = counting()
  const open = () => NodeService.open({ dataDir: dir.path, network: REGTEST, verifier: v.verifier })
  let svc = open()
  const blocks = emptyBlocks(tipOf(REGTEST.genesis), coinbases, svc.wallet.address)
  for (const b of blocks) expect(svc.submitBlock(b).kind).toBe('accepted')
  const twin = tempDir()
  svc.close()
  cpSync(dir.path, twin.path, { recursive: true })
  svc = open()
  const v2 = counting()
  const other = NodeService.open({ dataDir: twin.path, network: REGTEST, verifier: v2.verifier })
  cleanups.push(() => {
    svc.close()
    other.close()
    dir.remove()
    twin.remove()
  })
  return { svc, calls: v.calls, twin: other, twinCalls: v2.calls }
}

const answer = (o: TxOutcome) =>
  o.kind === 'invalid' ? { kind: o.kind, code: o.code, message: o.message } : { kind: o.kind }

describe("the wallet's own transfers", () => {
  it('refuses one it cannot pay without signing it or checking a signature', () => {
    const { svc, calls } = fundedNode(1)
    const sign = vi.spyOn(svc.wallet, 'transfer')
    const refused: unknown[] = []
    svc.on('refused', (r) => refused.push(r))
    const o = svc.sendFromWallet({ recipient: bob.address, amount: 51, fee: 0 })
    expect(o.kind === 'invalid' && o.code).toBe('insufficient_funds')
    expect(sign).not.toHaveBeenCalled()
    expect(calls()).toBe(0)
    expect(refused).toEqual([
      expect.objectContaining({ code: 'insufficient_funds', via: 'wallet' })
    ])
    // One it can pay is signed and checked as before.
    expect(svc.sendFromWallet({ recipient: bob.address, amount: 50, fee: 0 }).kind).toBe('accepted')
    expect(sign).toHaveBeenCalledTimes(1)
    expect(calls()).toBe(1)
  })

  it('gets, for every request, the answer the signed transfer gets when offered to the pool', () => {
    const { svc, twin } = fundedNode(2)
    const big = Number.MAX_SAFE_INTEGER
    const requests = [
      { amount: 0, fee: 0 },
      { amount: 0, fee: big },
      { amount: 1, fee: 0 },
      { amount: 60, fee: 0 },
      { amount: 39, fee: 0 },
      { amount: 1, fee: 0 },
      { amount: big, fee: big },
      { amount: 1, fee: big },
      { amount: 20, fee: 1 },
      { amount: 18, fee: 1 },
      { amount: 1, fee: 0 }
    ]
    const eventsA: unknown[] = []
    const eventsB: unknown[] = []
    svc.on('refused', (r) => eventsA.push(r))
    twin.on('refused', (r) => eventsB.push(r))
    for (const [i, r] of requests.entries()) {
      const req = { recipient: carol.address, ...r }
      const a = svc.sendFromWallet(req)
      // The old way: sign with the next nonce, then offer it.
      const nonce = twin.pool.nextNonce(twin.wallet.address, twin.store)
      const b = twin.submitTransaction(
        twin.wallet.transfer({ ...req, nonce }, G),
        undefined,
        'wallet'
      )
      expect(answer(a), `request ${i}: ${JSON.stringify(r)}`).toEqual(answer(b))
    }
    expect(eventsA).toEqual(eventsB)
    expect(svc.pool.all()).toEqual(twin.pool.all())
    expect(eventsA.length).toBeGreaterThan(3)
  })
})

describe('transfers signed elsewhere', () => {
  /** What PROTOCOL §3 answers: the form (signature last), then nonce and balance. */
  function reference(tx: Transaction, state: MemoryState): Check {
    const form = checkTransactionForm(tx, G)
    return form.ok ? checkTransactionState(tx, state) : form
  }

  const state = new MemoryState()
  state.accounts.set(alice.address, { balance: 10, nonce: 2 })
  const badSig = (t: Transaction): Transaction => ({
    ...t,
    signature: signedTx(bob, carol.address, 1, 0).signature
  })
  const cases: [string, Transaction, string][] = [
    ['bad signature and unpayable', badSig(signedTx(alice, bob.address, 11, 2)), 'bad_signature'],
    ['bad signature and wrong nonce', badSig(signedTx(alice, bob.address, 1, 5)), 'bad_signature'],
    [
      'wrong id and unpayable',
      { ...signedTx(alice, bob.address, 11, 2), id: 'ab'.repeat(32) },
      'bad_transaction'
    ],
    [
      'wrong sender and wrong nonce',
      { ...signedTx(alice, bob.address, 1, 0), sender: bob.address },
      'bad_sender'
    ],
    ['amount 0 and bad signature', badSig(signedTx(alice, bob.address, 0, 2)), 'bad_transaction'],
    ['wrong nonce and unpayable', signedTx(alice, bob.address, 11, 3), 'bad_nonce'],
    ['unpayable', signedTx(alice, bob.address, 10, 2, 1), 'insufficient_funds'],
    ['valid', signedTx(alice, bob.address, 9, 2, 1), 'ok']
  ]
  for (const [what, tx, code] of cases) {
    it(`answers the first rule broken: ${what}`, () => {
      const pool = new PendingPool(G)
      const r = pool.add(tx, state)
      const ref = reference(tx, state)
      expect(r.ok ? 'ok' : r.code).toBe(code)
      // The pool's nonce and balance messages count pending transactions; the code is the rule's.
      expect(r.ok ? 'ok' : r.code).toBe(ref.ok ? 'ok' : ref.code)
      if (!checkTransactionForm(tx, G).ok) expect(r).toEqual(ref)
    })
  }

  it('checks a signature once, however often the transaction is offered', () => {
    const v = counting()
    const pool = new PendingPool(G, { verifier: v.verifier })
    const first = signedTx(alice, bob.address, 1, 2)
    const second = signedTx(alice, bob.address, 1, 3)
    const forged = badSig(signedTx(alice, bob.address, 1, 3))
    // Offered before the one it follows: refused for its nonce (after its signature is checked).
    expect(pool.add(second, state)).toMatchObject({ ok: false, code: 'bad_nonce' })
    expect(pool.add(forged, state)).toMatchObject({ ok: false, code: 'bad_signature' })
    expect(pool.add(forged, state)).toMatchObject({ ok: false, code: 'bad_signature' })
    expect(pool.add(first, state).ok).toBe(true)
    expect(pool.add(second, state).ok).toBe(true)
    expect(v.calls()).toBe(3)
  })
})
