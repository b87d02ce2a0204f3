/**
 * The refusal report's store and owner on a real SQLite file: the newest MAX_REFUSALS are kept
 * (here a bound of 5), newest first, through filters; RefusalLog writes what waits once a
 * second in one transaction, puts a peer's score cost on the refusal it was for (and on no
 * other), and in a flood keeps MAX_WAITING a second and counts the rest.
 */
import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { NETWORKS } from '../../src/main/core'
import type { NodeServiceEvents, Refusal } from '../../src/main/node/facade'
import { MAX_WAITING, RefusalLog, type ScoredOffence } from '../../src/main/node/refusals'
import { RefusalRepository, type RefusalRow } from '../../src/main/store/refusals'
import { SqliteStore } from '../../src/main/store/sqlite-store'
import { tempDir } from '../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function openStore(): SqliteStore {
  const dir = tempDir()
  const store = SqliteStore.open({
    dataDir: dir.path,
    network: 'regtest',
    genesisHash: NETWORKS.regtest.genesisHash
  })
  cleanups.push(() => {
    store.close()
    dir.remove()
  })
  return store
}

const row = (i: number, over: Partial<RefusalRow> = {}): RefusalRow => ({
  at: 1_000 + i,
  what: 'block',
  code: 'bad_pow',
  rule: 'pow',
  message: `refusal ${i}`,
  itemId: i.toString(16).padStart(64, '0'),
  height: i,
  via: 'http',
  source: 'http',
  facts: { zeros: 3, need: 8 },
  scoreCost: null,
  scoreAfter: null,
  banned: false,
  ...over
})

const refusal = (i: number, from = 'http://127.0.0.1:9'): Refusal => ({
  what: 'block',
  code: 'bad_hash',
  message: `bad ${i}`,
  id: i.toString(16).padStart(64, '0'),
  index: i,
  via: 'peer',
  from,
  rule: 'hash',
  facts: { hash: 'x', computed: 'y' }
})

describe('RefusalRepository', () => {
  it('keeps the newest within its bound, newest first, and filters', () => {
    const store = openStore()
    const repo = new RefusalRepository(store.db, 5)
    repo.add([1, 2, 3, 4].map((i) => row(i)))
    repo.add([
      row(5, { what: 'transaction', code: 'bad_nonce', rule: null, source: 'wallet' }),
      row(6),
      row(7, { source: 'http://127.0.0.1:7' }),
      row(8)
    ])
    const all = repo.page({}, 0, 100)
    expect(all.total).toBe(5)
    expect(all.rows.map((r) => r.height)).toEqual([8, 7, 6, 5, 4])
    expect(all.rows[0]).toEqual(row(8))
    expect(repo.page({ what: 'transaction' }, 0, 10).rows.map((r) => r.height)).toEqual([5])
    expect(repo.page({ code: 'bad_pow' }, 0, 10).total).toBe(4)
    expect(repo.page({ source: 'http://127.0.0.1:7' }, 0, 10).rows.map((r) => r.height)).toEqual([
      7
    ])
    expect(repo.page({}, 1, 2).rows.map((r) => r.height)).toEqual([7, 6])
    expect(repo.sources()).toEqual(['http', 'http://127.0.0.1:7', 'wallet'])
  })
})

describe('RefusalRepository bounds', () => {
  it('keeps the newest of posts and of the rest apart: a flood of posts pushes out only posts', () => {
    const store = openStore()
    const repo = new RefusalRepository(store.db, 3)
    repo.add([1, 2].map((i) => row(i, { via: 'peer', source: 'http://127.0.0.1:9' })))
    repo.add([3, 4, 5, 6, 7].map((i) => row(i)))
    repo.add([row(8, { via: 'wallet', source: 'wallet' })])
    expect(repo.page({}, 0, 100).rows.map((r) => r.height)).toEqual([8, 7, 6, 5, 2, 1])
  })
})

describe('RefusalLog', () => {
  function setup() {
    const store = openStore()
    const service = new EventEmitter<NodeServiceEvents>()
    const peers = new EventEmitter<{ offence: [ScoredOffence] }>()
    const log = new RefusalLog({ service, peers, repo: store.refusals, now: () => 42 })
    cleanups.push(() => log.close())
    return { store, service, peers, log }
  }

  it("puts a peer's score cost on the refusal it was for, and on no other", () => {
    const { service, peers, log } = setup()
    service.emit('refused', refusal(1, 'http://127.0.0.1:1'))
    service.emit('refused', refusal(2, 'http://127.0.0.1:2'))
    // For block 1 but from another peer, and for a block never refused: neither lands.
    peers.emit('offence', {
      url: 'http://127.0.0.1:2',
      cost: 50,
      score: -50,
      banned: false,
      about: { what: 'block', id: refusal(1).id }
    })
    peers.emit('offence', {
      url: 'http://127.0.0.1:1',
      cost: 50,
      score: -50,
      banned: false,
      about: { what: 'block', id: refusal(3).id }
    })
    peers.emit('offence', {
      url: 'http://127.0.0.1:1',
      cost: 50,
      score: -100,
      banned: true,
      about: { what: 'block', id: refusal(1).id }
    })
    const { rows } = log.page({}, 0, 10)
    expect(rows.map((r) => [r.height, r.scoreCost, r.scoreAfter, r.banned])).toEqual([
      [2, null, null, false],
      [1, 50, -100, true]
    ])
    expect(rows[1]).toMatchObject({ at: 42, rule: 'hash', via: 'peer', facts: { hash: 'x' } })
  })

  it('keeps MAX_WAITING refusals of a flood between two writes and counts the rest', () => {
    const { service, log } = setup()
    for (let i = 0; i < MAX_WAITING + 50; i++) service.emit('refused', refusal(i))
    expect(log.dropped).toBe(50)
    expect(log.page({}, 0, 1).total).toBe(MAX_WAITING)
    // Written: room again for the next second's.
    service.emit('refused', refusal(MAX_WAITING + 50))
    expect(log.page({}, 0, 1).total).toBe(MAX_WAITING + 1)
    expect(log.dropped).toBe(50)
  })

  it("drops only posts in a flood of posts: a peer's refusal in the same second is kept", () => {
    const { service, log } = setup()
    for (let i = 0; i < MAX_WAITING + 10; i++)
      service.emit('refused', { ...refusal(i), via: 'http', from: 'http' })
    service.emit('refused', refusal(9_999))
    expect(log.dropped).toBe(10)
    const { rows, total } = log.page({}, 0, 1)
    expect(total).toBe(MAX_WAITING + 1)
    expect(rows[0]).toMatchObject({ via: 'peer', height: 9_999 })
  })

  it('writes what waits on close, and then listens no more', () => {
    const { store, service, log } = setup()
    service.emit('refused', refusal(1))
    log.close()
    expect(store.refusals.page({}, 0, 10).total).toBe(1)
    service.emit('refused', refusal(2))
    log.flush()
    expect(store.refusals.page({}, 0, 10).total).toBe(1)
  })
})
