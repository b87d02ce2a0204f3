/**
 * The timeline's own rules, on plain emitters standing for the service and the peer manager:
 * consecutive blocks from one sender within RUN_GAP_MS are one run, anything else starts a new
 * entry; mined, side and reorganising blocks are entries of their own; the newest `max` are
 * kept, newest first, filtered by kind; after close() nothing more is recorded.
 */
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { AcceptedBlock, NodeServiceEvents } from '../../src/main/node/facade'
import { RUN_GAP_MS, Timeline } from '../../src/main/node/timeline'
import type { Block } from '../../src/main/core'

function setup(max?: number) {
  let now = 1_000
  const service = new EventEmitter<NodeServiceEvents>()
  const peers = new EventEmitter()
  const tl = new Timeline({ service, peers, now: () => now, max })
  const block = (
    index: number,
    origin: AcceptedBlock['origin'],
    extra: Partial<AcceptedBlock> = {}
  ) =>
    service.emit('block', {
      kind: 'accepted',
      block: { index, hash: index.toString(16).padStart(64, '0') } as Block,
      status: 'main',
      origin,
      ...extra
    })
  return { service, peers, tl, block, tick: (ms: number) => (now += ms) }
}

const P = 'http://127.0.0.1:7001'
const Q = 'http://127.0.0.1:7002'

describe('Timeline', () => {
  it('makes one run of consecutive blocks from one sender, and a new entry for anything else', () => {
    const { tl, block, tick } = setup()
    for (let i = 2; i <= 6; i++) block(i, { source: P, via: 'peer' })
    block(7, { source: Q, via: 'peer' }) // another sender
    block(9, { source: Q, via: 'peer' }) // not the next index
    tick(RUN_GAP_MS + 1)
    block(10, { source: Q, via: 'peer' }) // too long after
    block(11, { via: 'mined' })
    block(12, { source: P, via: 'peer' }, { status: 'side' })
    block(13, { source: P, via: 'peer' }, { status: 'side' }) // a side branch's run too
    expect(
      tl.list(undefined, 100).map((e) => [e.kind, e.index, e.lastIndex, e.count, e.source])
    ).toEqual([
      ['side', 12, 13, 2, P],
      ['mined', 11, undefined, undefined, 'mined'],
      ['block', 10, undefined, undefined, Q],
      ['block', 9, undefined, undefined, Q],
      ['block', 7, undefined, undefined, Q],
      ['block', 2, 6, 5, P]
    ])
  })

  it('makes a flood of refusals one counted entry, so it pushes nothing else out', () => {
    const { tl, service, block, tick } = setup(10)
    block(2, { via: 'mined' })
    for (let i = 0; i < 5_000; i++)
      service.emit('refused', {
        what: i % 2 ? 'block' : 'transaction',
        code: i % 2 ? 'bad_pow' : 'bad_nonce',
        message: 'x',
        id: i.toString(16).padStart(64, '0'),
        index: i % 2 ? 9 : undefined,
        from: `http://10.0.0.${i % 250}:1`,
        facts: {}
      })
    tick(RUN_GAP_MS + 1)
    service.emit('refused', {
      what: 'block',
      code: 'bad_hash',
      message: 'x',
      id: 'ab'.repeat(32),
      index: 3,
      from: 'http',
      facts: {}
    })
    expect(tl.list(undefined, 100)).toMatchObject([
      { kind: 'refused', code: 'bad_hash', hash: 'ab'.repeat(32), source: 'http' },
      { kind: 'refused', count: 5_000, what: 'block', code: 'bad_pow', index: 9 },
      { kind: 'mined', index: 2 }
    ])
    expect(tl.list(undefined, 100)[1].txId).toBeUndefined()
  })

  it('keeps the newest max, filters by kind, and records nothing after close', () => {
    const { tl, peers, service, block } = setup(3)
    peers.emit('added', P)
    block(2, { via: 'mined' })
    block(3, { via: 'mined' })
    peers.emit('offence', { url: P, cost: 50, score: -100, banned: true })
    expect(tl.list(undefined, 10).map((e) => e.kind)).toEqual(['peer-banned', 'mined', 'mined'])
    expect(tl.list(['peer-banned'], 10)).toMatchObject([{ peer: P, cost: 50, score: -100 }])
    expect(tl.list(['mined'], 1).map((e) => e.index)).toEqual([3])
    tl.close()
    peers.emit('dropped', P)
    service.emit('refused', {
      what: 'transaction',
      code: 'bad_nonce',
      message: 'x',
      id: 'ab'.repeat(32),
      from: 'http',
      facts: {}
    })
    expect(tl.list(undefined, 10).map((e) => e.kind)).toEqual(['peer-banned', 'mined', 'mined'])
  })
})
