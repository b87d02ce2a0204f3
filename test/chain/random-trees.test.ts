/**
 * Fork choice against a model, as a property (fast-check seeds a PRNG): a random tree of valid
 * regtest blocks (branches forking anywhere, transfers among alice, bob and carol, conflicting
 * across branches) is offered to a NodeService in a random order, so blocks arrive as main, side
 * or orphan, with transactions of every branch offered to the pool in between. After every step:
 * the pool holds nothing the main chain has mined, its transactions apply one after another on the
 * tip, and the persisted pool equals it. At the end: every block is stored, no orphan is left, the
 * tip is a block of greatest height (all blocks weigh the same on regtest), the accounts equal
 * both the builder's state for that block and a replay of the stored main chain.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  applyTransaction,
  checkTransactionState,
  StateOverlay,
  type Block,
  type Transaction
} from '../../src/main/core'
import { NodeService } from '../../src/main/node/service'
import {
  alice,
  bob,
  carol,
  ChainBuilder,
  plainState,
  REGTEST,
  replayAccounts,
  storedMainChain,
  type Key
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'
import { mulberry32 as prng } from '../helpers/prng'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

interface Node {
  block: Block
  builder: ChainBuilder
}

function randomTree(rand: () => number, size: number): { nodes: Node[]; txs: Transaction[] } {
  const keys: Key[] = [alice, bob, carol]
  const root = new ChainBuilder()
  const nodes: Node[] = []
  const txs: Transaction[] = []
  for (let i = 0; i < size; i++) {
    // Mostly extend one of the newest blocks, sometimes fork far back (or from genesis).
    const back =
      rand() < 0.8
        ? Math.floor(rand() * Math.min(nodes.length, 3))
        : Math.floor(rand() * (nodes.length + 1))
    const parent = back >= nodes.length ? root : nodes[nodes.length - 1 - back].builder
    const b = parent.fork(keys[Math.floor(rand() * 3)].address, 1 + i)
    const blockTxs: Transaction[] = []
    for (const k of keys) {
      const bal = b.account(k.address).balance
      if (bal >= 2 && rand() < 0.5)
        blockTxs.push(
          b.transfer(
            k,
            keys[Math.floor(rand() * 3)].address,
            1 + Math.floor(rand() * (bal / 2)),
            Math.floor(rand() * 2)
          )
        )
    }
    txs.push(...blockTxs)
    nodes.push({ block: b.mine(blockTxs), builder: b })
  }
  return { nodes, txs }
}

function checkPool(svc: NodeService): void {
  const pending = svc.pool.all()
  for (const t of pending) expect(svc.store.txLocation(t.id)).toBeUndefined()
  const overlay = new StateOverlay(svc.store)
  for (const t of svc.pool.template(pending.length, svc.store)) {
    expect(checkTransactionState(t, overlay)).toEqual({ ok: true, value: undefined })
    applyTransaction(overlay, t)
  }
  expect(svc.store.loadPending().map((t) => t.id)).toEqual(pending.map((t) => t.id))
}

describe('fork choice on random block trees', () => {
  it('ends on a heaviest chain with the right state whatever the arrival order, the pool following', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 4, max: 28 }), (seed, size) => {
        const rand = prng(seed)
        const { nodes, txs } = randomTree(rand, size)
        const dir = tempDir()
        const svc = NodeService.open({ dataDir: dir.path, network: REGTEST })
        try {
          // Arrival order: a random permutation, or a mostly ordered one with a few swaps.
          const order = nodes.map((n) => n.block)
          if (rand() < 0.5) {
            for (let i = order.length - 1; i > 0; i--) {
              const j = Math.floor(rand() * (i + 1))
              ;[order[i], order[j]] = [order[j], order[i]]
            }
          } else {
            for (let k = 0; k < 3; k++) {
              const i = Math.floor(rand() * order.length)
              const j = Math.min(order.length - 1, i + 1 + Math.floor(rand() * 3))
              ;[order[i], order[j]] = [order[j], order[i]]
            }
          }
          for (const b of order) {
            const out = svc.submitBlock(b)
            expect(['accepted', 'orphan']).toContain(out.kind)
            for (let k = 0; k < 2 && txs.length > 0; k++)
              svc.submitTransaction(txs[Math.floor(rand() * txs.length)])
            checkPool(svc)
          }
          expect(svc.chain.orphanCount()).toBe(0)
          for (const n of nodes) expect(svc.store.hasBlock(n.block.hash)).toBe(true)
          const maxIndex = Math.max(...nodes.map((n) => n.block.index))
          const tip = svc.chain.tip()
          expect(tip.index).toBe(maxIndex)
          const winner = nodes.find((n) => n.block.hash === tip.hash)!
          expect(winner).toBeDefined()
          const main = storedMainChain(svc.store)
          expect(plainState(svc.store.allAccounts())).toEqual(plainState(replayAccounts(main)))
          const want = new Map(
            [...winner.builder.state.accounts].filter(([, a]) => a.balance !== 0 || a.nonce !== 0)
          )
          expect(plainState(svc.store.allAccounts())).toEqual(plainState(want))
        } finally {
          svc.close()
          dir.remove()
        }
      }),
      { numRuns: Number(process.env.BLOCKFORGE_TREE_RUNS ?? 40) }
    )
  })
})
