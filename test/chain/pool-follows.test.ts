/**
 * The pending pool follows the main chain (PROTOCOL §6), through NodeService on a real data dir:
 * a new tip removes what it mined and what it made invalid; after a reorganisation the
 * transactions of the abandoned blocks (oldest block first) and then the previous pool are offered
 * again and kept when still valid, while those the new branch mined leave. The persisted pool
 * (pending table) always equals the one in memory, also after reopening.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { NodeService } from '../../src/main/node/service'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  mineHeader,
  REGTEST,
  signedTx
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function openService(dir = tempDir()): { svc: NodeService; dir: ReturnType<typeof tempDir> } {
  const svc = NodeService.open({ dataDir: dir.path, network: REGTEST })
  cleanups.push(() => {
    svc.close()
    dir.remove()
  })
  return { svc, dir }
}

function submitBlocks(svc: NodeService, blocks: readonly { hash: string }[]): void {
  for (const b of blocks) expect(svc.submitBlock(b as never).kind).toBe('accepted')
}

const ids = (txs: readonly { id: string }[]): string[] => txs.map((t) => t.id)

describe('pending pool across blocks and reorganisations', () => {
  it('drops pending transactions a new block mines or makes invalid', () => {
    const { svc } = openService()
    const b = new ChainBuilder()
    buildChain(6, b)
    submitBlocks(svc, b.blocks)
    const n = b.account(alice.address).nonce
    const t1 = signedTx(alice, bob.address, 5, n, 1)
    const t2 = signedTx(alice, bob.address, 6, n + 1, 1)
    const bobSpend = signedTx(
      bob,
      carol.address,
      b.account(bob.address).balance,
      b.account(bob.address).nonce,
      0
    )
    const t3 = signedTx(carol, alice.address, 1, b.account(carol.address).nonce, 0)
    for (const t of [t1, t2, bobSpend, t3]) expect(svc.submitTransaction(t).kind).toBe('accepted')
    // The block mines t1 and a different transfer of bob's with the same nonce (conflict).
    const conflict = signedTx(bob, alice.address, 1, b.account(bob.address).nonce, 0)
    const blk = b.mine([t1, conflict])
    expect(svc.submitBlock(blk)).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(ids(svc.pool.all())).toEqual(ids([t2, t3]))
    expect(ids(svc.store.loadPending())).toEqual(ids([t2, t3]))
    // Already mined: known, not re-added.
    expect(svc.submitTransaction(t1).kind).toBe('known')
  })

  it("returns the abandoned blocks' transactions to the pool and removes those the new branch mined", () => {
    const { svc, dir } = openService()
    const base = new ChainBuilder()
    buildChain(6, base)
    submitBlocks(svc, base.blocks)
    const main = base.fork(alice.address, 0)
    const side = base.fork(carol.address, 1)
    const n = base.account(alice.address).nonce
    const bn = base.account(bob.address).nonce

    const shared = signedTx(alice, carol.address, 2, n, 0) // in both branches
    const onlyOld = signedTx(alice, carol.address, 3, n + 1, 1) // only on the abandoned branch
    const oldBob = signedTx(bob, alice.address, 1, bn, 0) // abandoned, but its nonce is used by the new branch
    main.mine([shared, onlyOld, oldBob])
    main.mine()
    submitBlocks(svc, main.blocks)

    const pendingAlice = signedTx(alice, bob.address, 4, n + 2, 2) // pending before the reorg
    const pendingCarol = signedTx(carol, bob.address, 1, base.account(carol.address).nonce, 0) // mined by the new branch
    expect(svc.submitTransaction(pendingAlice).kind).toBe('accepted')
    expect(svc.submitTransaction(pendingCarol).kind).toBe('accepted')

    const newBob = signedTx(bob, carol.address, 2, bn, 0)
    side.mine([shared, newBob])
    side.mine([pendingCarol])
    submitBlocks(svc, side.blocks.slice(0, 2))
    expect(svc.chain.tip().hash).toBe(main.tip.hash)
    const s3 = side.mine()
    const events: number[] = []
    svc.on('pending', (size) => events.push(size))
    expect(svc.submitBlock(s3)).toMatchObject({ kind: 'accepted', status: 'main' })

    // Abandoned first (onlyOld; shared is mined again, oldBob's nonce is taken), then the old pool
    // (pendingAlice still follows onlyOld's nonce; pendingCarol was mined).
    expect(ids(svc.pool.all())).toEqual(ids([onlyOld, pendingAlice]))
    expect(ids(svc.store.loadPending())).toEqual(ids([onlyOld, pendingAlice]))
    expect(events.at(-1)).toBe(2)
    expect(svc.findTransaction(shared.id)).toMatchObject({ blockHash: side.blocks[0].hash })
    expect(svc.findTransaction(onlyOld.id)).toMatchObject({ blockHash: null, confirmations: 0 })
    expect(svc.findTransaction(oldBob.id)).toBeUndefined()

    // A block template from the pool builds a valid block on the new tip.
    const t = svc.blockTemplate(bob.address)
    expect(ids(t.transactions.slice(1))).toEqual(ids([onlyOld, pendingAlice]))
    const mined = mineHeader(t.header)
    const fromTemplate = { ...t.header, ...mined, transactions: t.transactions }
    expect(svc.submitBlock(fromTemplate)).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(svc.pool.size).toBe(0)
    expect(svc.store.account(bob.address).balance).toBe(
      side.account(bob.address).balance + 50 + onlyOld.fee + pendingAlice.fee + pendingAlice.amount
    )

    // The pool, here empty again, and the chain survive a restart unchanged.
    svc.close()
    cleanups.length = 0
    const again = openService(dir).svc
    expect(again.pool.size).toBe(0)
    expect(again.chain.tip().hash).toBe(fromTemplate.hash)
  })

  it('re-checks the persisted pool on open against the stored tip', () => {
    const dir = tempDir()
    const b = new ChainBuilder()
    buildChain(4, b)
    const svc = NodeService.open({ dataDir: dir.path, network: REGTEST })
    submitBlocks(svc, b.blocks)
    const t = signedTx(alice, bob.address, 1, b.account(alice.address).nonce, 0)
    expect(svc.submitTransaction(t).kind).toBe('accepted')
    // As if the process died after connecting a block mining t but before rewriting the pool.
    const blk = b.mine([t])
    svc.chain.store.applyChange({
      add: { block: blk, totalWork: svc.chain.tip().totalWork + 256n },
      disconnect: [],
      connect: [blk],
      accounts: new Map([...b.state.accounts])
    })
    svc.close()
    const again = openService(dir).svc
    expect(again.chain.tip().hash).toBe(blk.hash)
    expect(again.pool.size).toBe(0)
    expect(again.store.loadPending()).toEqual([])
  })

  it('persists exactly the pool it keeps when a full pool evicts for a higher fee', () => {
    const d = tempDir()
    let svc = NodeService.open({ dataDir: d.path, network: REGTEST, maxPending: 2 })
    cleanups.push(() => {
      svc.close()
      d.remove()
    })
    const b = new ChainBuilder()
    buildChain(6, b)
    submitBlocks(svc, b.blocks)
    const cheap = signedTx(bob, carol.address, 1, b.account(bob.address).nonce, 1)
    const mid = signedTx(carol, bob.address, 1, b.account(carol.address).nonce, 2)
    const rich = signedTx(alice, bob.address, 1, b.account(alice.address).nonce, 5)
    for (const t of [cheap, mid, rich]) expect(svc.submitTransaction(t).kind).toBe('accepted')
    expect(ids(svc.pool.all())).toEqual(ids([mid, rich]))
    expect(ids(svc.store.loadPending())).toEqual(ids([mid, rich]))
    svc.close()
    svc = NodeService.open({ dataDir: d.path, network: REGTEST, maxPending: 2 })
    expect(ids(svc.pool.all())).toEqual(ids([mid, rich]))
  })
})
