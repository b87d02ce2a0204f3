/**
 * The refusal report against real nodes: a hostile peer's invalid blocks, fetched while catching
 * up, are recorded with the rule they broke, what it compared and the points the peer lost (up
 * to its ban); a block posted over HTTP that misses its proof of work, with its zero bits
 * against the difficulty and no score; a transfer the wallet cannot pay, with the amount, fee and
 * balance. The report filters by kind, code and source, and survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockHash, blockToWire, leadingZeroBits, type Block } from '../../src/main/core'
import type { RefusalEntry, RefusalFilter, RefusalPage } from '../../src/shared/api'
import { startHostilePeer, type HostilePeer } from '../helpers/hostile-peer'
import {
  closeAll,
  http,
  mine,
  startTestNode,
  waitFor,
  type TestNode
} from '../helpers/node-harness'

let node: TestNode
let hostile: HostilePeer

beforeAll(async () => {
  node = await startTestNode({ peerLimits: { chainTimeoutMs: 1500, banMs: 60_000 } })
  hostile = await startHostilePeer('invalid-blocks')
})
afterAll(async () => {
  await closeAll()
  await hostile.close()
})

async function report(f: RefusalFilter = {}, t: TestNode = node): Promise<RefusalPage> {
  const r = await t.node.api.listRefusals(f, 0, 100)
  if (!r.ok) throw new Error(r.message)
  return r.value
}

/** A block on the tip whose header hashes right but whose proof misses the difficulty. */
function unworkedBlock(): Block {
  const tmpl = node.node.service.blockTemplate()
  for (let proof = 0; ; proof++) {
    const header = { ...tmpl.header, proof }
    const hash = blockHash(header)
    if (leadingZeroBits(hash) < header.difficulty)
      return { ...header, transactions: tmpl.transactions, hash }
  }
}

describe('refusal report', () => {
  it("records a peer's invalid blocks with the rule, what it compared and the score they cost", async () => {
    expect((await node.node.api.addPeer(hostile.url)).ok).toBe(true)
    await waitFor(
      async () => (await report({ source: hostile.url })).entries.some((e) => e.banned),
      'the hostile peer to be banned for its blocks',
      20_000
    )
    const { entries } = await report({ source: hostile.url })
    const first: RefusalEntry = entries.at(-1)!
    expect(first).toMatchObject({
      what: 'block',
      code: 'bad_hash',
      rule: 'hash',
      via: 'peer',
      source: hostile.url,
      index: 2,
      scoreCost: 50,
      scoreAfter: -50,
      banned: false
    })
    expect(first.facts.hash).toBe(first.id)
    expect(first.facts.computed).toMatch(/^[0-9a-f]{64}$/)
    expect(first.facts.computed).not.toBe(first.id)
    expect(entries[0]).toMatchObject({ scoreCost: 50, scoreAfter: -100, banned: true })
  })

  it('records a posted block that misses its proof of work, with its zero bits, unscored', async () => {
    await mine(node, 1)
    const b = unworkedBlock()
    const r = await http(node.url, '/blocks', { body: blockToWire(b) })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('bad_pow')
    const { entries } = await report({ code: 'bad_pow' })
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      what: 'block',
      rule: 'pow',
      via: 'http',
      source: 'http',
      id: b.hash,
      index: b.index,
      facts: { zeros: leadingZeroBits(b.hash), need: b.difficulty },
      scoreCost: null,
      banned: false
    })
  })

  it('records a transfer the wallet cannot pay, with amount, fee and balance', async () => {
    const balance = node.node.service.account(node.node.service.walletAddress).balance
    const sent = await node.node.api.sendTransaction({
      recipient: 'cd'.repeat(20),
      amount: balance + 1,
      fee: 2
    })
    expect(sent.ok ? 'ok' : sent.error).toBe('insufficient_funds')
    const { entries, total } = await report({ what: 'transaction' })
    expect(total).toBe(1)
    expect(entries[0]).toMatchObject({
      what: 'transaction',
      code: 'insufficient_funds',
      rule: null,
      via: 'wallet',
      facts: { amount: balance + 1, fee: 2, nonce: 0, balance, nextNonce: 0 }
    })
  })

  it('filters, lists its sources, refuses a bad filter and keeps every record across a restart', async () => {
    const all = await report()
    expect(all.total).toBe(all.entries.length)
    expect(all.sources).toEqual(expect.arrayContaining([hostile.url, 'http', 'wallet']))
    expect((await report({ what: 'block' })).total).toBe(all.total - 1)
    for (const bad of [null, [], { what: 'tx' }, { code: 'BAD' }, { colour: 'red' }]) {
      const r = await node.node.api.listRefusals(bad as RefusalFilter, 0, 10)
      expect(r.ok ? 'ok' : r.error, JSON.stringify(bad)).toBe('invalid_field')
    }
    const dataDir = node.dataDir
    await node.stop()
    const again = await startTestNode({ dataDir })
    try {
      const after = await report({}, again)
      expect(after.entries).toEqual(all.entries)
      expect(after.dropped).toBe(0)
    } finally {
      await again.stop()
    }
  })
})
