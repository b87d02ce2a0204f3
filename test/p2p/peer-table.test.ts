/**
 * The peer table (src/main/p2p/peer-table.ts) on its own, without a network: scores, bans and what
 * outlives a restart, on a real SQLite store in a temp folder, with the clock given to the table
 * (so five minutes of score recovery take no time). The peer network's behaviour with real peers
 * is in test/functional/p2p-*.test.ts and test/security/hostile-peers.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { NETWORKS } from '../../src/main/core'
import { nullLogger } from '../../src/main/log'
import { PeerTable, type PeerTableOptions } from '../../src/main/p2p/peer-table'
import { DEFAULT_LIMITS, OFFENCE } from '../../src/main/p2p/types'
import { SqliteStore } from '../../src/main/store/sqlite-store'
import { captureLog } from '../helpers/log-capture'
import { tempDir } from '../helpers/temp'

const REGTEST = NETWORKS.regtest
const A = 'http://127.0.0.1:7001'
const B = 'http://127.0.0.1:7002'
const C = 'http://127.0.0.1:7003'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const f of cleanups.splice(0).reverse()) f()
})

/** A store in a fresh data dir; `reopen()` opens the same dir again, as a restart does. */
function dataDir(): { store: SqliteStore; reopen: () => SqliteStore } {
  const dir = tempDir()
  const open = (): SqliteStore => {
    const s = SqliteStore.open({
      dataDir: dir.path,
      network: REGTEST.name,
      genesisHash: REGTEST.genesisHash
    })
    cleanups.push(() => s.close())
    return s
  }
  cleanups.push(() => dir.remove())
  return { store: open(), reopen: open }
}

/** A table over `store` whose clock the test moves; `changes` counts what a peer list would show. */
function table(store: SqliteStore, over: Partial<PeerTableOptions> = {}) {
  const clock = { now: 1_000_000 }
  const seen = { changes: 0, dropped: [] as string[] }
  const t = new PeerTable({
    store,
    limits: DEFAULT_LIMITS,
    now: () => clock.now,
    log: nullLogger(),
    closed: () => false,
    changed: () => seen.changes++,
    dropped: (url) => seen.dropped.push(url),
    ...over
  })
  return { t, clock, seen }
}

describe('the peer table', () => {
  it('bans a peer when its score reaches the ban score, and says so in the log', () => {
    const { store } = dataDir()
    const log = captureLog()
    const { t, clock } = table(store, { log: log.logger })
    const p = t.insert(A)
    t.offence(p, OFFENCE.garbage, 'junk')
    expect(p.score).toBe(-OFFENCE.garbage)
    expect(t.isBanned(p)).toBe(false)
    t.offence(A, OFFENCE.garbage, 'junk again')
    expect(t.isBanned(p)).toBe(true)
    expect(p.bannedUntil).toBe(clock.now + DEFAULT_LIMITS.banMs)
    // The ban is the punishment: the score starts again from 0 for when it ends.
    expect(p.score).toBe(0)
    expect(t.active()).toEqual([])
    expect(log.records.map((r) => r.msg)).toEqual([
      'peer added',
      'peer scored down',
      'peer scored down',
      'peer banned'
    ])
    // A banned peer is not scored again.
    t.offence(p, OFFENCE.garbage, 'while banned')
    expect(p.score).toBe(0)
  })

  it('gives back one point per scoreRecoverMs and one per useful block, never above 0', () => {
    const { store } = dataDir()
    const { t, clock } = table(store)
    const p = t.insert(A)
    t.offence(p, OFFENCE.slow, 'slow')
    clock.now += 3 * DEFAULT_LIMITS.scoreRecoverMs + 1
    t.settle(p)
    expect(p.score).toBe(-OFFENCE.slow + 3)
    t.reward(A)
    expect(p.score).toBe(-OFFENCE.slow + 4)
    clock.now += 1000 * DEFAULT_LIMITS.scoreRecoverMs
    t.settle(p)
    t.reward(A)
    expect(p.score).toBe(0)
  })

  it('keeps scores, bans and the removed list across a restart', () => {
    const { store, reopen } = dataDir()
    const first = table(store)
    const a = first.t.insert(A)
    first.t.persist(a, true)
    first.t.offence(a, OFFENCE.tooLarge, 'too large')
    const b = first.t.insert(B)
    first.t.ban(b, 60_000, 'by the user')
    first.t.insert(C)
    expect(first.t.remove(C)).toEqual({ ok: true, value: null })
    expect(first.seen.dropped).toEqual([C])
    store.close()

    const again = reopen()
    const second = table(again)
    expect(second.t.get(A)?.score).toBe(-OFFENCE.tooLarge)
    expect(second.t.get(B)?.bannedUntil).toBe(b.bannedUntil)
    expect(second.t.has(C)).toBe(false)
    expect(second.t.isRemoved(C)).toBe(true)
    // The user adds it again: no longer held back, after another restart too.
    second.t.unremove(C)
    again.close()
    expect(table(reopen()).t.isRemoved(C)).toBe(false)
  })

  it('forgets the oldest ban past maxBanned, dropping that peer', () => {
    const { store } = dataDir()
    const { t, clock, seen } = table(store, { limits: { ...DEFAULT_LIMITS, maxBanned: 2 } })
    for (const url of [A, B, C]) {
      clock.now += 1000
      t.ban(t.insert(url), 60_000, 'test')
    }
    expect(t.has(A)).toBe(false)
    expect(seen.dropped).toEqual([A])
    expect(t.all().map((p) => p.url)).toEqual([B, C])
  })

  it('writes nothing to the store once the network is closed', () => {
    const { store, reopen } = dataDir()
    let closed = false
    const { t } = table(store, { closed: () => closed })
    const p = t.insert(A)
    t.persist(p, true)
    closed = true
    t.ban(p, 60_000, 'after close')
    expect(t.drop(A)).toEqual({ ok: true, value: null })
    store.close()
    const row = reopen()
      .listPeers()
      .find((r) => r.url === A)
    expect(row).toMatchObject({ url: A, bannedUntil: null })
  })

  it('says not_found for a peer it does not hold', () => {
    const { store } = dataDir()
    const { t, seen } = table(store)
    expect(t.drop(A)).toEqual({ ok: false, error: 'not_found', message: `${A} is not a peer` })
    expect(t.remove(A).ok).toBe(false)
    expect(seen.changes).toBe(0)
  })
})
