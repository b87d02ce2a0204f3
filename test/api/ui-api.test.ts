/**
 * The UI API (src/main/api/handlers.ts) on a real regtest node started with startNode: argument
 * checking, and the events the app is driven by (pushed mining state, hash rate on an easy chain).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startNode, type RunningNode } from '../../src/main/app/run'
import type { MiningStatus, NodeEvent } from '../../src/shared/api'
import { tempDir } from '../helpers/temp'

let node: RunningNode
let dir: ReturnType<typeof tempDir>

beforeEach(async () => {
  dir = tempDir()
  node = await startNode({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir.path,
    network: 'regtest',
    peers: [],
    mine: false,
    threads: 1,
    announce: false
  })
})

afterEach(async () => {
  await node.close()
  dir.remove()
})

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('UI API', () => {
  it('pushes the last mining state of a burst, so a start is never shown as stopped', async () => {
    const states: MiningStatus[] = []
    const off = node.subscribe((e: NodeEvent) => {
      if (e.type === 'mining') states.push(e.mining)
    })
    const started = await node.api.startMining(1)
    expect(started.ok).toBe(true)
    await until(() => states.some((s) => s.active))
    await node.api.stopMining()
    await until(() => states.length > 0 && !states[states.length - 1].active)
    off()
  })

  it('reports a hash rate while mining a regtest chain, where blocks take microseconds', async () => {
    await node.api.startMining(1)
    await until(() => node.service.chain.tip().index > 20)
    await until(() => node.mining.state().hashRate > 0, 15_000)
    const m = await node.api.getMining()
    expect(m.active).toBe(true)
    expect(m.hashRate).toBeGreaterThan(0)
    await node.api.stopMining()
  })

  it('answers bad arguments with invalid_field, not a throw', async () => {
    expect(await node.api.getBlock('not a hash')).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    expect(await node.api.sendTransaction({ recipient: '00', amount: 1, fee: 0 })).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    // @ts-expect-error: a hostile renderer can send anything
    expect(await node.api.getAddress(42, -1, 1e9)).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    expect(await node.api.search('nothing like a hash')).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    await expect(node.api.listBlocks(-1, 10)).rejects.toThrow()
  })

  it('finds blocks, transactions and addresses by search', async () => {
    const mined = await node.api.mineOnce()
    expect(mined.ok).toBe(true)
    if (!mined.ok) return
    expect(await node.api.search(String(mined.value.index))).toEqual({
      ok: true,
      value: { kind: 'block', hash: mined.value.hash }
    })
    expect(await node.api.search(mined.value.hash)).toEqual({
      ok: true,
      value: { kind: 'block', hash: mined.value.hash }
    })
    const w = await node.api.getWallet()
    expect(await node.api.search(w.address)).toEqual({
      ok: true,
      value: { kind: 'address', address: w.address }
    })
    const sent = await node.api.sendTransaction({ recipient: '11'.repeat(20), amount: 5, fee: 1 })
    expect(sent.ok).toBe(true)
    if (!sent.ok) return
    expect(await node.api.search(sent.value.id)).toEqual({
      ok: true,
      value: { kind: 'transaction', id: sent.value.id }
    })
    const tx = await node.api.getTransaction(sent.value.id)
    expect(tx).toMatchObject({ ok: true, value: { status: 'pending', confirmations: 0 } })
  })
})

describe('discoverLocalNodes', () => {
  it('tells each other node on this machine by what its /status says: its network, genesis and height', async () => {
    // A second node on the other network, announced in this machine's registry as the app does.
    const otherDir = tempDir()
    const other = await startNode({
      port: 0,
      host: '127.0.0.1',
      dataDir: otherDir.path,
      network: 'main',
      peers: [],
      mine: false,
      threads: 1
    })
    try {
      const found = await node.api.discoverLocalNodes()
      const entry = found.find((n) => n.url === other.url)
      const status = (await (await fetch(`${other.url}/status`)).json()) as {
        genesis_hash: string
        index: number
      }
      expect(entry).toEqual({
        url: other.url,
        network: 'main',
        genesisHash: status.genesis_hash,
        index: status.index,
        connected: false,
        self: false
      })
      expect(entry?.genesisHash).not.toBe(node.service.network.genesisHash)
    } finally {
      await other.close()
      otherDir.remove()
    }
  })
})
