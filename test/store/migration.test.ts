/**
 * The schema migration path (src/main/store/schema.ts). A data dir is made at schema v1 with
 * better-sqlite3 directly (`migrate(db, 1)`, then rows written the way v1 wrote them: blocks with
 * their transactions as JSON, the main_chain index, accounts, meta, a side block and a pending
 * transaction), closed, and opened with the current SqliteStore. It must come out at v2 with the
 * transaction index and the address history backfilled from the main chain only, and the node
 * must carry on from the same tip.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { blockWork, txToWire, type Block } from '../../src/main/core'
import { migrate, SCHEMA_VERSION } from '../../src/main/store/schema'
import { DB_FILE } from '../../src/main/store/sqlite-store'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  openChain,
  plainState,
  REGTEST,
  replayAccounts,
  signedTx,
  storedMainChain
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

/** Write a v1 data dir holding `main` (genesis first) as the main chain and `side` as side blocks. */
function writeV1(
  dataDir: string,
  main: readonly Block[],
  side: readonly Block[],
  pending: ReturnType<typeof signedTx>[]
): void {
  const db = new Database(join(dataDir, DB_FILE))
  db.pragma('journal_mode = WAL')
  migrate(db, 1)
  expect(db.pragma('user_version', { simple: true })).toBe(1)
  const work = new Map<string, bigint>()
  const ins = db.prepare(
    'INSERT INTO blocks (hash, height, parent, version, timestamp, merkle_root, difficulty, proof, total_work, tx_count, txs, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
  )
  const put = (b: Block): void => {
    const w = (work.get(b.previousHash) ?? 0n) + blockWork(b.difficulty)
    work.set(b.hash, w)
    ins.run(
      b.hash,
      b.index,
      b.previousHash,
      b.version,
      b.timestamp,
      b.merkleRoot,
      b.difficulty,
      b.proof,
      w.toString(),
      b.transactions.length,
      JSON.stringify(b.transactions.map(txToWire)),
      1
    )
  }
  db.transaction(() => {
    for (const b of main) {
      put(b)
      db.prepare('INSERT INTO main_chain (height, hash) VALUES (?, ?)').run(b.index, b.hash)
    }
    for (const b of side) put(b)
    for (const [a, acc] of replayAccounts(main))
      db.prepare('INSERT INTO accounts (address, balance, nonce) VALUES (?, ?, ?)').run(
        a,
        acc.balance,
        acc.nonce
      )
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run(
      'network',
      'regtest',
      'genesis_hash',
      REGTEST.genesisHash
    )
    pending.forEach((t, i) =>
      db
        .prepare('INSERT INTO pending (id, seq, tx) VALUES (?, ?, ?)')
        .run(t.id, i + 1, JSON.stringify(txToWire(t)))
    )
  })()
  db.close()
}

describe('schema migration', () => {
  it('migrates a v1 data dir to the current schema: v2 backfills the transaction index and address history from the main chain, v3 adds the empty refusal report, v4 the empty fork history', () => {
    const d = tempDir()
    cleanups.push(d.remove)
    const base = new ChainBuilder()
    buildChain(9, base)
    const side = base.fork(carol.address, 1)
    const sideTx = side.transfer(bob, alice.address, 2, 0)
    side.mine([sideTx])
    const mainBlocks = [REGTEST.genesis, ...base.blocks]
    const pending = [signedTx(alice, carol.address, 1, base.account(alice.address).nonce, 0)]
    writeV1(d.path, mainBlocks, side.blocks, pending)

    const c = openChain(d.path)
    cleanups.unshift(c.close)
    expect(c.store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(SCHEMA_VERSION).toBe(4)
    expect(c.store.refusals.page({}, 0, 10)).toEqual({ rows: [], total: 0 })
    expect(c.store.reorgs.page(0, 10)).toEqual({ records: [], total: 0 })
    expect(c.chain.tip().hash).toBe(base.tip.hash)

    // tx_index: every main-chain transaction at its block and position, nothing from the side block.
    const rows = c.store.db
      .prepare(
        'SELECT id, block_hash AS h, height, position FROM tx_index ORDER BY height, position'
      )
      .all()
    expect(rows).toEqual(
      mainBlocks.flatMap((b) =>
        b.transactions.map((t, i) => ({ id: t.id, h: b.hash, height: b.index, position: i }))
      )
    )
    expect(c.store.txLocation(sideTx.id)).toBeUndefined()

    // address_tx: for each address, its main-chain transactions as sender or recipient, newest first.
    for (const k of [alice, bob, carol]) {
      const want = mainBlocks
        .flatMap((b) =>
          b.transactions.map((t, i) => ({ t, height: b.index, position: i, blockHash: b.hash }))
        )
        .filter(({ t }) => t.sender === k.address || t.recipient === k.address)
        .reverse()
      const got = c.store.addressHistory(k.address, 0, 1000)
      expect(got.total).toBe(want.length)
      expect(got.ids).toEqual(
        want.map(({ height, position, blockHash }) => ({ height, position, blockHash }))
      )
    }

    // The migrated node carries on: the state is untouched and the next block connects and is indexed.
    expect(plainState(c.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(c.store)))
    )
    expect(c.store.loadPending().map((t) => t.id)).toEqual(pending.map((t) => t.id))
    const next = base.mine([pending[0]])
    expect(c.chain.submit(next)).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(c.store.txLocation(pending[0].id)).toEqual({
      blockHash: next.hash,
      height: next.index,
      position: 1
    })
    // The side block from v1 is still known and can still win.
    side.mineMany(2)
    for (const b of side.blocks.slice(1)) expect(c.chain.submit(b).kind).toBe('accepted')
    expect(c.chain.tip().hash).toBe(side.tip.hash)
    expect(c.store.txLocation(sideTx.id)).toMatchObject({ blockHash: side.blocks[0].hash })
  })

  it('migrates an empty v1 database and is idempotent on a second open', () => {
    const d = tempDir()
    cleanups.push(d.remove)
    const db = new Database(join(d.path, DB_FILE))
    migrate(db, 1)
    db.close()
    const c = openChain(d.path)
    expect(c.store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(c.chain.tip().hash).toBe(REGTEST.genesisHash)
    c.close()
    const again = openChain(d.path)
    cleanups.unshift(again.close)
    expect(again.store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(again.store.db.prepare('SELECT COUNT(*) FROM tx_index').pluck().get()).toBe(0)
  })

  it('backfills a main chain longer than one migration slice, in slices that end mid-chain', () => {
    const d = tempDir()
    cleanups.push(d.remove)
    const b = new ChainBuilder()
    buildChain(29, b)
    const mainBlocks = [REGTEST.genesis, ...b.blocks]
    writeV1(d.path, mainBlocks, [], [])
    // Slices of 7 rows: 30 blocks take five, the last a partial one (1,000 rows in the app).
    const raw = new Database(join(d.path, DB_FILE))
    migrate(raw, SCHEMA_VERSION, { sliceRows: 7 })
    raw.close()
    const c = openChain(d.path)
    cleanups.unshift(c.close)
    const txCount = mainBlocks.reduce((s, blk) => s + blk.transactions.length, 0)
    expect(c.store.db.prepare('SELECT COUNT(*) FROM tx_index').pluck().get()).toBe(txCount)
    expect(c.store.db.prepare('SELECT MIN(height), MAX(height) FROM tx_index').raw().get()).toEqual(
      [2, 30]
    )
    const last = b.tip.transactions.at(-1)!
    expect(c.store.txLocation(last.id)).toEqual({
      blockHash: b.tip.hash,
      height: 30,
      position: b.tip.transactions.length - 1
    })
  })
})
