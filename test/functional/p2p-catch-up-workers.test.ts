/**
 * Signature-check workers only when there are signatures to check (issue 12): a node catching up
 * coinbase-only blocks starts no verify worker; one catching up blocks with transfers starts them,
 * and they stop after a while without work, so an idle node holds none (each is about 10 MB of
 * RSS); the next batch starts them again and is judged as strictly as ever. Real worker threads,
 * real nodes over loopback, real SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { NETWORKS, txSigningBytes, verifyWithNodeCrypto, type Block } from '../../src/main/core'
import { NodeService } from '../../src/main/node/service'
import { PeerManager } from '../../src/main/p2p/peer-manager'
import { commitChunks, COMMIT_EVERY, COMMIT_TXS } from '../../src/main/p2p/sync'
import { VerifyPool } from '../../src/main/p2p/verify-pool'
import { emptyBlocks, makeBlock, namedWallet, tipOf } from '../helpers/chain-builder'
import { closeAll, startTestNode, TEST_PEER_LIMITS, waitFor } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

const R = NETWORKS.regtest
const GENESIS = { hash: R.genesisHash, index: 1, timestamp: R.params.genesisTimestamp }
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
  await closeAll()
})

/** A node that catches up through a PeerManager holding `pool` (what startNode wires). */
function catchingUpNode(pool: VerifyPool): { service: NodeService; peers: PeerManager } {
  const dir = tempDir()
  const service = NodeService.open({ dataDir: dir.path, network: R, verifier: pool.verifier })
  const peers = new PeerManager({
    service,
    store: service.store,
    selfUrl: 'http://127.0.0.1:9',
    verifyPool: pool,
    limits: TEST_PEER_LIMITS
  })
  cleanups.push(() => dir.remove())
  cleanups.push(() => service.close())
  cleanups.push(() => pool.close())
  cleanups.push(() => peers.close())
  return { service, peers }
}

describe('verify workers on need', () => {
  const w = namedWallet('workers-w')
  const bob = namedWallet('workers-bob')
  const coinbaseOnly = emptyBlocks(GENESIS, 150, w.address)
  // Then three blocks of 20 transfers each from w (which holds 150 coinbases) to bob.
  const withTransfers: Block[] = []
  let tip = tipOf(coinbaseOnly[coinbaseOnly.length - 1])
  for (let k = 0; k < 3; k++) {
    const txs = Array.from({ length: 20 }, (_, i) =>
      w.transfer({ recipient: bob.address, amount: 1, fee: 0, nonce: k * 20 + i }, R.genesisHash)
    )
    const b = makeBlock(tip, txs, w.address)
    withTransfers.push(b)
    tip = tipOf(b)
  }

  it('starts none for coinbase-only blocks, starts them for transfers, stops them when idle', async () => {
    const src = await startTestNode()
    for (const b of coinbaseOnly) expect(src.node.service.submitBlock(b).kind).toBe('accepted')
    const pool = new VerifyPool({ genesisHash: R.genesisHash, idleMs: 1500 })
    const dst = catchingUpNode(pool)
    expect(pool.running).toBe(0)

    expect((await dst.peers.add(src.url)).ok).toBe(true)
    await waitFor(() => dst.service.tip().index === 151, 'the coinbase-only catch-up')
    expect(pool.running).toBe(0)

    for (const b of withTransfers) expect(src.node.service.submitBlock(b).kind).toBe('accepted')
    void dst.peers.pollOne(dst.peers.get(src.url)!)
    await waitFor(() => dst.service.tip().index === 154, 'the catch-up with transfers')
    expect(pool.running).toBeGreaterThan(0)
    expect(dst.service.account(bob.address).balance).toBe(60)

    await waitFor(() => pool.running === 0, 'the idle workers to stop', 10_000)
  })

  it('judges a batch after an idle stop as strictly as node:crypto', async () => {
    const pool = new VerifyPool({ genesisHash: R.genesisHash, minBatch: 1, idleMs: 100 })
    cleanups.push(() => pool.close())
    const txs = withTransfers.flatMap((b) => b.transactions.slice(1))
    const forged = txs.map((t, i) =>
      i % 2 ? { ...t, signature: txs[(i + 1) % txs.length].signature } : t
    )
    expect(await pool.prime(txs.slice(0, 10))).toBe(10)
    await waitFor(() => pool.running === 0, 'the idle workers to stop', 10_000)
    expect(await pool.prime(forged)).toBe(forged.length - 5) // five already remembered
    for (const t of forged) {
      const bytes = txSigningBytes(t, R.genesisHash)
      expect(pool.verifier(t, bytes)).toBe(verifyWithNodeCrypto(t, bytes))
    }
  })
})

describe('commit chunks', () => {
  const w = namedWallet('chunks-w')
  const blocks = (n: number, txsEach: number): Block[] =>
    Array.from({ length: n }, (_, i) => ({
      ...coinbaseLike(i),
      transactions: Array.from({ length: txsEach }, () => coinbaseLike(i).transactions[0])
    }))
  function coinbaseLike(i: number): Block {
    return {
      version: 1,
      index: i + 2,
      timestamp: 0,
      previousHash: '',
      merkleRoot: '',
      difficulty: 1,
      proof: 0,
      hash: String(i),
      transactions: [
        {
          id: '',
          sender: '0',
          recipient: w.address,
          amount: 50,
          fee: 0,
          nonce: i + 2,
          publicKey: null,
          signature: null
        }
      ]
    }
  }

  it('puts up to COMMIT_EVERY small blocks in a commit, fewer when they carry transfers', () => {
    expect(commitChunks(blocks(1000, 1)).map((c) => c.length)).toEqual([
      COMMIT_EVERY,
      1000 - COMMIT_EVERY
    ])
    const five = commitChunks(blocks(500, 5))
    const per = COMMIT_TXS / 5
    expect(five.map((c) => c.length)).toEqual([
      ...Array(Math.floor(500 / per)).fill(per),
      ...(500 % per ? [500 % per] : [])
    ])
    // A block over the cap alone is a chunk of its own; order is kept.
    const mixed = [...blocks(3, 1), ...blocks(1, COMMIT_TXS + 5), ...blocks(2, 1)]
    const chunks = commitChunks(mixed)
    expect(chunks.map((c) => c.length)).toEqual([3, 1, 2])
    expect(chunks.flat()).toEqual(mixed)
  })
})
