/**
 * Checks the node against every file in test/vectors: encodings, hashes, signatures, merkle
 * roots, difficulty, the valid chains (with their account state) and every invalid block and
 * transaction with its expected code. Chains run through the real Chain on a real SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  addressOf,
  blockHash,
  checkHeader,
  headerBytes,
  leadingZeroBits,
  merkleRoot,
  meetsDifficulty,
  NETWORKS,
  parseBlock,
  parseTransaction,
  publicKeyFromSeed,
  retarget,
  signEd25519,
  txSigningBytes,
  verifyEd25519,
  blockToWire,
  type Block,
  type NetworkName
} from '../src/main/core'
import { Chain } from '../src/main/chain/chain'
import { SqliteStore } from '../src/main/store/sqlite-store'
import { loadVector } from './helpers/vectors'
import { tempDir } from './helpers/temp'

const networks = loadVector('networks.json')
const keys = loadVector('keys.json').keys
const txVectors = loadVector('transactions.json').transactions
const merkle = loadVector('merkle.json')
const headers = loadVector('headers.json').headers
const regtestChain = loadVector('chain-regtest.json')
const invalidBlocks = loadVector('invalid-blocks.json')
const retargetVec = loadVector('chain-main-retarget.json')

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function block(wire: unknown): Block {
  const r = parseBlock(wire)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

function openChain(network: NetworkName): Chain {
  const dir = tempDir()
  const n = NETWORKS[network]
  const store = SqliteStore.open({ dataDir: dir.path, network, genesisHash: n.genesisHash })
  cleanups.push(() => {
    store.close()
    dir.remove()
  })
  return new Chain(store, n)
}

function stateOf(store: SqliteStore): Record<string, { balance: number; nonce: number }> {
  return Object.fromEntries([...store.allAccounts()].map(([a, v]) => [a, v]))
}

function expectedState(s: Record<string, { balance: number; nonce: number }>) {
  return Object.fromEntries(
    Object.entries(s).map(([a, v]) => [a, { balance: v.balance, nonce: v.nonce }])
  )
}

describe('networks.json', () => {
  for (const name of ['main', 'regtest'] as const) {
    it(`derives the ${name} genesis block and hash from the parameters`, () => {
      const v = networks[name]
      const n = NETWORKS[name]
      expect(n.params).toEqual(v.parameters)
      expect(headerBytes(n.genesis).toString('hex')).toBe(v.genesis_header_bytes)
      expect(n.genesisHash).toBe(v.genesis_hash)
      expect(blockToWire(n.genesis)).toEqual(v.genesis)
      expect((1n << BigInt(n.genesis.difficulty)).toString()).toBe(v.genesis_work)
    })
  }
})

describe('keys.json', () => {
  for (const k of keys) {
    it(`derives ${k.name}'s public key, address and deterministic signature`, () => {
      const seed = Buffer.from(k.seed, 'hex')
      expect(publicKeyFromSeed(seed).toString('hex')).toBe(k.public_key)
      expect(addressOf(k.public_key)).toBe(k.address)
      const msg = Buffer.from(k.sample_message_hex, 'hex')
      expect(signEd25519(seed, msg)).toBe(k.sample_signature)
      expect(verifyEd25519(k.public_key, msg, k.sample_signature)).toBe(true)
    })
  }
})

describe('transactions.json', () => {
  const seeds = Object.fromEntries(
    keys.map((k: { name: string; seed: string }) => [k.name, k.seed])
  )
  for (const v of txVectors) {
    it(`${v.network}: ${v.description}`, () => {
      const parsed = parseTransaction(v.tx)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) return
      const tx = parsed.value
      const genesis = NETWORKS[v.network as NetworkName].genesisHash
      const bytes = txSigningBytes(tx, genesis)
      expect(bytes.toString('hex')).toBe(v.signing_bytes)
      expect(tx.id).toBe(v.id)
      if (v.signer === null) {
        expect(tx.signature).toBeNull()
        return
      }
      expect(verifyEd25519(tx.publicKey!, bytes, tx.signature!)).toBe(v.signature_valid)
      if (v.deterministic_signature) {
        expect(signEd25519(Buffer.from(seeds[v.signer], 'hex'), bytes)).toBe(tx.signature)
      }
    })
  }
})

describe('merkle.json', () => {
  for (const r of merkle.roots) {
    it(`root of ${r.count} ids`, () => {
      expect(merkleRoot(r.ids)).toBe(r.root)
    })
  }
})

describe('headers.json', () => {
  for (const h of headers) {
    it(h.description, () => {
      const f = h.fields
      const header = {
        version: f.version,
        index: f.index,
        timestamp: f.timestamp,
        previousHash: f.previous_hash,
        merkleRoot: f.merkle_root,
        difficulty: f.difficulty,
        proof: f.proof
      }
      expect(headerBytes(header).toString('hex')).toBe(h.header_bytes)
      expect(blockHash(header)).toBe(h.hash)
      expect(leadingZeroBits(h.hash)).toBe(h.leading_zero_bits)
      for (const [d, holds] of Object.entries(h.pow))
        expect(meetsDifficulty(h.hash, Number(d))).toBe(holds)
    })
  }
})

describe('chain-regtest.json', () => {
  it('accepts the chain block by block with the state after each block', () => {
    const chain = openChain('regtest')
    const store = chain.store as SqliteStore
    const blocks = regtestChain.blocks
    expect(blocks[0].hash).toBe(NETWORKS.regtest.genesisHash)
    for (let i = 1; i < blocks.length; i++) {
      const o = chain.submit(block(blocks[i]))
      expect(o).toMatchObject({ kind: 'accepted', status: 'main' })
      expect(stateOf(store)).toEqual(expectedState(regtestChain.states_after[i]))
    }
    const tip = chain.tip()
    expect(tip.index).toBe(regtestChain.tip.index)
    expect(tip.hash).toBe(regtestChain.tip.hash)
    expect(tip.totalWork.toString()).toBe(regtestChain.tip.total_work)
    expect(chain.nextDifficulty()).toBe(regtestChain.tip.next_difficulty)
    expect(stateOf(store)).toEqual(expectedState(regtestChain.state))
  })
})

describe('invalid-blocks.json', () => {
  function chainAtRegtestTip(): Chain {
    const chain = openChain('regtest')
    for (const b of regtestChain.blocks.slice(1)) chain.submit(block(b))
    return chain
  }

  for (const v of invalidBlocks.invalid) {
    it(`refuses ${v.name} with ${v.expected[0]}`, () => {
      const chain = chainAtRegtestTip()
      const parsed = parseBlock(v.block)
      if (!parsed.ok) {
        expect(v.expected).toContain(parsed.code)
        return
      }
      const b = parsed.value
      if (v.name === 'bad_previous_hash') {
        // Checked against the parent it names in the vector, rule 1 refuses it; offered alone
        // (POST /blocks) its previous_hash is unknown, so it is held as an orphan instead.
        const parent = chain.header(v.parent_hash)!
        const r = checkHeader(b, chain.parentContext(parent), NETWORKS.regtest)
        expect(v.expected).toContain(r.ok ? undefined : r.code)
        expect(chain.submit(b).kind).toBe('orphan')
        return
      }
      const parent = chain.header(v.parent_hash)!
      expect(parent.index).toBe(v.parent_index)
      const o = chain.submit(b)
      expect(o.kind).toBe('invalid')
      if (o.kind === 'invalid') expect(v.expected).toContain(o.code)
      expect(chain.tip().hash).toBe(regtestChain.tip.hash)
    })
  }

  for (const v of invalidBlocks.accepted) {
    it(`accepts ${v.name} as a side block`, () => {
      const chain = chainAtRegtestTip()
      const o = chain.submit(block(v.block))
      expect(o).toMatchObject({ kind: 'accepted', status: v.http.status_field })
      expect(chain.tip().hash).toBe(regtestChain.tip.hash)
    })
  }
})

describe('chain-main-retarget.json', () => {
  for (const name of ['increase', 'decrease', 'boundary'] as const) {
    it(`accepts the ${name} branch with its tip and state`, () => {
      const chain = openChain('main')
      const br = retargetVec[name]
      for (const b of br.blocks) {
        if (b.index === 1) continue
        expect(chain.submit(block(b))).toMatchObject({ kind: 'accepted', status: 'main' })
      }
      expect(chain.tip().hash).toBe(br.tip.hash)
      expect(chain.tip().totalWork.toString()).toBe(br.tip.total_work)
      expect(stateOf(chain.store as SqliteStore)).toEqual(expectedState(br.state))
    })
  }

  it('keeps increase as the main chain when the longer but lighter decrease arrives', () => {
    const chain = openChain('main')
    for (const b of retargetVec.increase.blocks.slice(1)) chain.submit(block(b))
    for (const b of retargetVec.decrease.blocks.slice(1)) {
      expect(chain.submit(block(b))).toMatchObject({ kind: 'accepted', status: 'side' })
    }
    expect(chain.tip().hash).toBe(retargetVec.increase.tip.hash)
  })

  for (const v of retargetVec.invalid) {
    it(`refuses ${v.name}`, () => {
      const chain = openChain('main')
      for (const b of retargetVec[v.branch].blocks.slice(1)) {
        if (b.index > v.parent_index) break
        chain.submit(block(b))
      }
      const o = chain.submit(block(v.block))
      expect(o.kind).toBe('invalid')
      if (o.kind === 'invalid') expect(v.expected).toContain(o.code)
    })
  }

  for (const c of retargetVec.retarget_cases) {
    it(`retarget: ${c.description}`, () => {
      const got = retarget(NETWORKS.main.params, {
        parentIndex: c.parent_index,
        parentDifficulty: c.parent_difficulty,
        parentTimestamp: c.parent_timestamp,
        oldestTimestamp: c.oldest_timestamp
      })
      expect(got).toBe(c.child_difficulty)
    })
  }
})
