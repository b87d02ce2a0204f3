/**
 * The store as parts over one database handle (src/main/store: chain-adapter, explorer,
 * pending, peers, key-values, composed by sqlite-store.ts). What the division must not change:
 * a chain change stays one SQLite transaction however its writes are spread over the parts,
 * peer writes stay best effort through the fault handler the node sets on the store, and rows
 * are read through typed statements (statements.ts) instead of casts at each call.
 * Real SQLite files in temp folders.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ChainChange } from '../../src/main/chain/store'
import { storageFaultOf } from '../../src/main/store/faults'
import {
  buildChain,
  carol,
  ChainBuilder,
  plainState,
  storedMainChain,
  submitAll
} from '../helpers/chain-builder'
import { freshChain } from '../helpers/fresh-chain'

const STORE_DIR = join(__dirname, '../../src/main/store')

describe('the store in parts', () => {
  it('rolls back a whole chain change when its last write fails: blocks, main chain, indexes and accounts as before', () => {
    const { store, chain } = freshChain()
    const base = new ChainBuilder()
    buildChain(5, base)
    const side = base.fork(carol.address)
    const [mainTip] = base.mineMany(1)
    const [sideTip] = side.mineMany(1)
    submitAll(chain, base.blocks)
    const before = {
      tip: store.tip(),
      main: storedMainChain(store).map((b) => b.hash),
      accounts: plainState(store.allAccounts()),
      loc: store.txLocation(mainTip.transactions[0].id),
      history: store.addressHistory(base.payTo, 0, 100),
      blocks: store.countBlocks()
    }
    // A reorganisation onto the side block whose last account write cannot be bound: by then the
    // block is inserted, the tip disconnected and the side block connected and indexed.
    const change: ChainChange = {
      add: { block: sideTip, totalWork: before.tip.totalWork + 1n },
      disconnect: [mainTip],
      connect: [sideTip],
      accounts: new Map([
        [carol.address, { balance: 50, nonce: 0 }],
        [base.payTo, { balance: {} as unknown as number, nonce: 0 }]
      ])
    }
    expect(() => store.applyChange(change)).toThrow()

    expect(store.db.inTransaction).toBe(false)
    expect(store.hasBlock(sideTip.hash)).toBe(false)
    expect(store.txLocation(sideTip.transactions[0].id)).toBeUndefined()
    expect(store.tip()).toEqual(before.tip)
    expect(storedMainChain(store).map((b) => b.hash)).toEqual(before.main)
    expect(plainState(store.allAccounts())).toEqual(before.accounts)
    expect(store.txLocation(mainTip.transactions[0].id)).toEqual(before.loc)
    expect(store.addressHistory(base.payTo, 0, 100)).toEqual(before.history)
    expect(store.countBlocks()).toBe(before.blocks)
    // And the chain goes on from the same tip.
    submitAll(chain, base.mineMany(1))
    expect(store.tip().hash).toBe(base.tip.hash)
  })

  it('keeps peer-table writes best effort through the fault handler the node sets on the store', () => {
    const { store } = freshChain()
    const row = {
      url: 'http://127.0.0.1:5001',
      score: 3,
      addedAt: 1,
      lastSeen: null,
      bannedUntil: null
    }
    store.putPeer(row)
    // The database refuses writes (as on a disk that turned read-only: SQLITE_READONLY).
    store.db.pragma('query_only = ON')
    const told: unknown[] = []
    store.onBestEffortFault = (e) => {
      told.push(e)
      return storageFaultOf(e) !== undefined
    }
    expect(() => store.putPeer({ ...row, score: 9 })).not.toThrow()
    expect(() => store.deletePeer(row.url)).not.toThrow()
    expect(told.map((e) => storageFaultOf(e)?.code)).toEqual(['SQLITE_READONLY', 'SQLITE_READONLY'])
    expect(store.listPeers()).toEqual([row])
    // Without a handler that takes it, the fault is the caller's.
    store.onBestEffortFault = undefined
    expect(() => store.putPeer({ ...row, score: 9 })).toThrow(/readonly/i)
    // Settings are not best effort: the UI is told its change was not kept.
    expect(() => store.putSetting('theme', 'dark')).toThrow(/readonly/i)
  })

  it('reads rows through typed statements, not a cast at each query', () => {
    // Migrations (schema.ts) are left out on purpose: each is written against the tables of its
    // own version, frozen, not against today's row types.
    const casts: string[] = []
    for (const name of readdirSync(STORE_DIR).filter(
      (n) => n.endsWith('.ts') && n !== 'schema.ts'
    )) {
      const src = readFileSync(join(STORE_DIR, name), 'utf8')
      for (const m of src.matchAll(/\.(?:get|all|iterate)\([^)]*\)\s*as\s+[^\n]+/g))
        casts.push(`${name}: ${m[0]}`)
    }
    expect(casts).toEqual([])
  })
})
