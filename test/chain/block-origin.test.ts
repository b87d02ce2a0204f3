/**
 * Who offered a block travels with it: Chain.submit takes the offer's origin (sender URL, how it
 * came) and hands it back on the accepted block, the value its listeners and NodeService's 'block'
 * event carry. No field of the service is set before a submit and read in a listener: a listener
 * that offers another block while handling one (as gossip or a catch-up may) cannot change what
 * the blocks of the first offer say about where they came from. Real SQLite data dirs.
 */
import { describe, expect, it } from 'vitest'
import type { AcceptedBlock } from '../../src/main/chain/chain'
import { bob, ChainBuilder } from '../helpers/chain-builder'
import { freshChain, freshService } from '../helpers/fresh-chain'

const A = 'http://127.0.0.1:5001'
const B = 'http://127.0.0.1:5002'
const C = 'http://127.0.0.1:5003'

describe('the accepted block carries its origin', () => {
  it('returns and tells listeners the origin it was offered with', () => {
    const { chain } = freshChain()
    const seen: AcceptedBlock[] = []
    chain.onAccepted((a) => seen.push(a))
    const [b1, b2] = new ChainBuilder().mineMany(2)
    const o = chain.submit(b1, { source: A, via: 'peer' })
    expect(o).toMatchObject({ kind: 'accepted', origin: { source: A, via: 'peer' } })
    // Offered with no origin (an import, a test): an empty one, not another offer's.
    expect(chain.submit(b2)).toMatchObject({ kind: 'accepted', origin: {} })
    expect(seen.map((a) => a.origin)).toEqual([{ source: A, via: 'peer' }, {}])
  })

  it('gives an orphan the origin of the offer that connected it', () => {
    const { chain } = freshChain()
    const seen: AcceptedBlock[] = []
    chain.onAccepted((a) => seen.push(a))
    const [b1, b2] = new ChainBuilder().mineMany(2)
    expect(chain.submit(b2, { source: B, via: 'http' }).kind).toBe('orphan')
    chain.submit(b1, { source: A, via: 'peer' })
    expect(seen.map((a) => [a.block.index, a.origin.source])).toEqual([
      [2, A],
      [3, A]
    ])
  })
})

describe("NodeService's block event", () => {
  it('says where each block came from even when a listener offers another block meanwhile', () => {
    const svc = freshService()
    const main = new ChainBuilder()
    const [b1, b2] = main.mineMany(2)
    // A block of another branch, offered by a listener while the service tells about b1.
    const [side] = new ChainBuilder({ payTo: bob.address, jitter: 7 }).mineMany(1)
    const events: [number, string | undefined, string | undefined][] = []
    svc.on('block', (a) => {
      events.push([a.block.index, a.origin.source, a.origin.via])
      if (a.block.hash === b1.hash) svc.submitBlock(side, C, 'http')
    })
    expect(svc.submitBlock(b2, B, 'http').kind).toBe('orphan')
    expect(svc.submitBlock(b1, A, 'peer').kind).toBe('accepted')
    expect(events).toEqual([
      [2, A, 'peer'],
      [2, C, 'http'],
      // b2, connected by A's offer of its parent: still A's, not cleared by the nested offer.
      [3, A, 'peer']
    ])
  })
})
