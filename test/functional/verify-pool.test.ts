/**
 * The signature-check pool used while catching up (src/main/p2p/verify-pool.ts) on real worker
 * threads: it must be exactly as strict as node:crypto, so every transaction vector (Ed25519 edge
 * cases included) is judged by the pool's verifier as by the plain one, a signature checked for
 * one transaction never vouches for another, and a pool whose workers cannot start falls back to
 * the inline check instead of failing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  NETWORKS,
  parseTransaction,
  txSigningBytes,
  verifyWithNodeCrypto,
  type NetworkName,
  type Transaction
} from '../../src/main/core'
import { VerifyPool } from '../../src/main/p2p/verify-pool'
import { loadVector } from '../helpers/vectors'

const vectors = loadVector('transactions.json').transactions as {
  network: NetworkName
  signer: string | null
  tx: unknown
}[]
const pools: VerifyPool[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

function pool(
  genesisHash: string,
  opts: Partial<ConstructorParameters<typeof VerifyPool>[0]> = {}
): VerifyPool {
  const p = new VerifyPool({ genesisHash, minBatch: 1, ...opts })
  pools.push(p)
  return p
}

function txs(network: NetworkName): Transaction[] {
  return vectors
    .filter((v) => v.network === network && v.signer !== null)
    .map((v) => {
      const r = parseTransaction(v.tx)
      if (!r.ok) throw new Error(r.message)
      return r.value
    })
}

describe('verify pool', () => {
  for (const network of ['regtest', 'main'] as const) {
    it(`judges every ${network} transaction vector exactly as node:crypto does`, async () => {
      const genesis = NETWORKS[network].genesisHash
      const p = pool(genesis)
      const list = txs(network)
      expect(await p.prime(list)).toBe(list.length)
      for (const tx of list) {
        const bytes = txSigningBytes(tx, genesis)
        expect(p.verifier(tx, bytes), tx.id).toBe(verifyWithNodeCrypto(tx, bytes))
      }
    })
  }

  it('does not let a checked signature vouch for another transaction or key', async () => {
    const genesis = NETWORKS.regtest.genesisHash
    const p = pool(genesis)
    const [a, , b] = txs('regtest') // signed by alice and by bob
    await p.prime([a, b])
    const swapped = { ...a, signature: b.signature }
    expect(p.verifier(swapped, txSigningBytes(swapped, genesis))).toBe(false)
    const otherKey = { ...a, publicKey: b.publicKey }
    expect(p.verifier(otherKey, txSigningBytes(otherKey, genesis))).toBe(false)
  })

  it('falls back to the inline check when its workers cannot start', async () => {
    const genesis = NETWORKS.regtest.genesisHash
    const p = pool(genesis, { workerPath: '/nonexistent/verify-worker.js' })
    const list = txs('regtest')
    for (let i = 0; i < 4; i++) await p.prime(list)
    for (const tx of list) {
      const bytes = txSigningBytes(tx, genesis)
      expect(p.verifier(tx, bytes)).toBe(verifyWithNodeCrypto(tx, bytes))
    }
  })
})
