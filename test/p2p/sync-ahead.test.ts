/**
 * Catching up asks a peer for the next batches as soon as the peer answered one, so that the peer
 * (another process, another machine) prepares them while this node connects the batch it has.
 * The node is a real NodeService on SQLite in a temp folder; the peer is its chain served from
 * memory through the Syncer's network port, which records every request. Each chunk handed to
 * the node is checked against the requests made before it.
 */
import { describe, expect, it } from 'vitest'
import { blockToWire, NETWORKS, type Block } from '../../src/main/core'
import { createLogger } from '../../src/main/log'
import { NodeService } from '../../src/main/node/service'
import { newPeer } from '../../src/main/p2p/peer-table'
import { AHEAD, BATCH, Syncer } from '../../src/main/p2p/sync'
import { DEFAULT_LIMITS, type PeerEntry, type SyncNet } from '../../src/main/p2p/types'
import { emptyBlocks, tipOf } from '../helpers/chain-builder'
import { freshService } from '../helpers/fresh-chain'

const genesis = NETWORKS.regtest.genesis
const PEER = 'http://127.0.0.1:5999'

/** A peer holding `chain` (genesis first), and the requests it was sent, in order. */
function peerNet(chain: Block[]): { net: SyncNet; peer: PeerEntry; paths: string[] } {
  const tip = chain[chain.length - 1]
  const peer: PeerEntry = {
    ...newPeer(PEER, 0, 0, null, null),
    status: {
      network: 'regtest',
      genesisHash: genesis.hash,
      index: tip.index,
      tipHash: tip.hash,
      // Far more than the empty node's: it catches up.
      totalWork: 1n << 40n
    },
    reachable: true
  }
  const paths: string[] = []
  const net: SyncNet = {
    closed: false,
    limits: DEFAULT_LIMITS,
    log: createLogger({ level: 'silent' }),
    get: (url) => (url === PEER ? peer : undefined),
    active: () => [peer],
    isBanned: () => false,
    async request(_url, path) {
      paths.push(path)
      const q = new URL(path, PEER).searchParams
      const from = Number(q.get('from'))
      const limit = Number(q.get('limit'))
      const blocks = chain.slice(from - 1, from - 1 + limit).map(blockToWire)
      // Answered on a later turn of the event loop, as a socket would.
      await new Promise((r) => setImmediate(r))
      return { ok: true, status: 200, json: { blocks }, bytesIn: 0, bytesOut: 0, nodeId: null }
    },
    offence: () => undefined,
    transportOffence: () => undefined,
    learned: async () => undefined,
    pollOne: async () => peer.status!
  }
  return { net, peer, paths }
}

describe('catching up in batches', () => {
  it('asks for the next batches once the peer answered one, before connecting it', async () => {
    const service = freshService()
    const chain = [genesis, ...emptyBlocks(tipOf(genesis), 2 * BATCH + 100, service.walletAddress)]
    const { net, peer, paths } = peerNet(chain)

    // What the peer had been asked for when each chunk reached the node.
    const batchesAsked = (): string[] => paths.filter((p) => !p.endsWith('limit=1'))
    const seen: { first: number; asked: string[] }[] = []
    const submitBlocks = service.submitBlocks.bind(service)
    const node = Object.assign(Object.create(service) as NodeService, {
      submitBlocks: (blocks: readonly Block[], source?: string) => {
        seen.push({ first: blocks[0].index, asked: batchesAsked() })
        return submitBlocks(blocks, source, 'peer')
      }
    })

    const syncer = new Syncer(net, node, () => undefined)
    expect(await syncer.syncFrom(peer, false)).toBe(true)
    expect(service.tip().hash).toBe(chain[chain.length - 1].hash)

    const batch = (from: number) => `/blocks?from=${from}&limit=${BATCH}`
    expect(batchesAsked()).toEqual([batch(2), batch(502), batch(1002)])
    // The first batch reaches the node only after the one behind it was asked for (before, the
    // second was asked for once the first was connected); at most AHEAD batches are held at once.
    expect(AHEAD).toBe(2)
    expect(seen.map((s) => [s.first, s.asked.length])).toEqual([
      [2, 2],
      [502, 3],
      [1002, 3]
    ])
  })

  it('costs one batch ahead, not more, when the first batch does not connect', async () => {
    const service = freshService()
    // A chain whose block 2 is not a child of our genesis: the peer's batches are orphans here.
    const stranger = { ...tipOf(genesis), hash: 'ee'.repeat(32) }
    const chain = [genesis, ...emptyBlocks(stranger, 2 * BATCH + 100, service.walletAddress)]
    const { net, peer, paths } = peerNet(chain)

    expect(await new Syncer(net, service, () => undefined).syncFrom(peer, false)).toBe(false)
    await new Promise((r) => setTimeout(r, 20))
    expect(paths.filter((p) => !p.endsWith('limit=1'))).toEqual([
      `/blocks?from=2&limit=${BATCH}`,
      `/blocks?from=502&limit=${BATCH}`
    ])
    expect(service.tip().hash).toBe(genesis.hash)
  })
})
