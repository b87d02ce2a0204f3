/**
 * The fork history (chain/reorg-record.ts, store/reorgs.ts): each reorganisation is recorded in
 * the transaction of the chain change it makes, with the fork point, both tips, each branch's work
 * since the fork, the blocks and transfers that left and joined and the transfers offered back to
 * the pool; the record outlives a restart and the history keeps the newest MAX_REORGS. On a real
 * SQLite store, with branches mined by test/helpers/chain-builder.ts.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { alice, bob, buildChain, carol, ChainBuilder, openChain } from '../helpers/chain-builder'
import { freshChain } from '../helpers/fresh-chain'
import { tempDir } from '../helpers/temp'
import { blockWork } from '../../src/main/core'
import { REORG_LIST_MAX, reorgRecord } from '../../src/main/chain/reorg-record'
import { ReorgRepository } from '../../src/main/store/reorgs'

const work = (bs: { difficulty: number }[]): string =>
  bs.reduce((w, b) => w + blockWork(b.difficulty), 0n).toString()

describe('the fork history', () => {
  it('records a reorganisation with the change: fork point, both tips, work, blocks, transfers back, sender', () => {
    const dir = tempDir()
    let c = openChain(dir.path)
    onTestFinished(() => {
      c.close()
      dir.remove()
    })
    const base = new ChainBuilder()
    buildChain(4, base)
    const main = base.fork(alice.address, 0)
    const side = base.fork(bob.address, 1)
    // The main branch: two transfers, one of which the side branch carries too.
    const shared = main.transfer(alice, carol.address, 3, 0)
    main.mine([shared])
    main.mine([main.transfer(alice, carol.address, 5, 0)])
    side.mine([side.transfer(bob, carol.address, 4, 0)])
    side.mine([shared])
    for (const b of [...base.blocks, ...main.blocks]) c.chain.submit(b)
    for (const b of side.blocks) c.chain.submit(b, { source: 'http://127.0.0.1:5001' })
    expect(c.chain.tip().hash).toBe(main.tip.hash)
    const tip = side.mine()
    expect(c.chain.submit(tip, { source: 'http://127.0.0.1:5001', via: 'peer' })).toMatchObject({
      kind: 'accepted',
      status: 'main'
    })

    const { records, total } = c.store.reorgs.page(0, 10)
    expect(total).toBe(1)
    expect(records[0]).toEqual({
      seq: 1,
      at: expect.any(Number),
      forkIndex: base.tip.index,
      forkHash: base.tip.hash,
      oldTip: { hash: main.tip.hash, index: main.tip.index },
      newTip: { hash: tip.hash, index: tip.index },
      oldWork: work(main.blocks),
      newWork: work(side.blocks),
      disconnected: main.blocks.map((b) => b.hash),
      disconnectedCount: 2,
      connected: side.blocks.map((b) => b.hash),
      connectedCount: 3,
      txsDisconnected: 2,
      txsConnected: 2,
      // The shared transfer is in the new branch too: only the other goes back to the pool.
      txsBack: [main.blocks[1].transactions[1].id],
      txsBackCount: 1,
      source: 'http://127.0.0.1:5001'
    })
    expect(BigInt(records[0].newWork)).toBeGreaterThan(BigInt(records[0].oldWork))

    // Kept across a restart.
    c.close()
    c = openChain(dir.path)
    expect(c.store.reorgs.page(0, 10).records[0].newTip.hash).toBe(tip.hash)
  })

  it('records nothing for blocks that extend the tip or wait on a side branch', () => {
    const c = freshChain()
    const base = new ChainBuilder()
    buildChain(3, base)
    const side = base.fork(bob.address, 1)
    side.mine()
    for (const b of base.blocks) c.chain.submit(b)
    base.mine()
    c.chain.submit(base.tip)
    expect(c.chain.submit(side.tip)).toMatchObject({ status: 'side' })
    expect(c.store.reorgs.page(0, 10)).toEqual({ records: [], total: 0 })
  })

  it('lists at most REORG_LIST_MAX hashes of each branch and counts them all', () => {
    const many = Array.from({ length: REORG_LIST_MAX + 5 }, (_, i) => ({
      hash: i.toString(16).padStart(64, '0'),
      index: i + 1,
      previousHash: (i === 0 ? 'f' : (i - 1).toString(16)).padStart(64, '0'),
      difficulty: 1,
      transactions: [{ id: 'c'.repeat(64) }]
    }))
    const r = reorgRecord(
      {
        forkIndex: 0,
        disconnected: [many[0]] as never,
        connected: many as never
      },
      7,
      {}
    )
    expect(r.connected).toHaveLength(REORG_LIST_MAX)
    expect(r.connected[0]).toBe(many[0].hash)
    expect(r.connectedCount).toBe(REORG_LIST_MAX + 5)
    expect(r.source).toBe('local')
    expect(r.at).toBe(7)
  })

  it('keeps the newest records past its bound', () => {
    const c = freshChain()
    const repo = new ReorgRepository(c.store.db, 2)
    const rec = (n: number) => ({
      ...reorgRecord(
        {
          forkIndex: n,
          disconnected: [{ hash: 'a'.repeat(64), index: n + 1, difficulty: 1, transactions: [] }],
          connected: [
            {
              hash: n.toString().padStart(64, '0'),
              index: n + 1,
              previousHash: 'b'.repeat(64),
              difficulty: 1,
              transactions: []
            }
          ]
        } as never,
        n,
        { via: 'mined' }
      )
    })
    for (const n of [1, 2, 3]) repo.addInChange(rec(n))
    const page = repo.page(0, 10)
    expect(page.total).toBe(2)
    expect(page.records.map((r) => r.forkIndex)).toEqual([3, 2])
    expect(page.records.map((r) => r.seq)).toEqual([3, 2])
  })
})
