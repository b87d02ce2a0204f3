// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { api } from '@renderer/api'
import { useChainStore } from '@renderer/stores/chain'
import { MAX_SAMPLES, useMiningStore } from '@renderer/stores/mining'
import { usePeersStore } from '@renderer/stores/peers'
import { useSettingsStore } from '@renderer/stores/settings'
import { useWalletStore } from '@renderer/stores/wallet'
import { block, createFakeApi, mining, peer, settings, status, wallet, type FakeApi } from './fakes'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
})

describe('chain store', () => {
  it('loads the status and the newest blocks', async () => {
    const chain = useChainStore()
    await chain.load()
    expect(chain.status?.index).toBe(5)
    expect(chain.recent.map((b) => b.index)).toEqual([5, 4, 3, 2, 1])
    expect(fake.listBlocks).toHaveBeenCalledWith(0, 10)
    expect(chain.loading).toBe(false)
    expect(chain.error).toBeNull()
  })

  it('keeps the transport failure in error and stops loading', async () => {
    fake.getStatus.mockRejectedValueOnce(new Error('connection refused'))
    const chain = useChainStore()
    await chain.load()
    expect(chain.error).toBe('connection refused')
    expect(chain.loading).toBe(false)
  })

  it('puts a pushed main-chain block on top and drops what it replaces', async () => {
    const chain = useChainStore()
    await chain.load()
    chain.applyEvent({ type: 'block', block: block(4, { hash: 'x'.repeat(64) }) })
    expect(chain.recent.map((b) => b.index)).toEqual([4, 3, 2, 1])
    expect(chain.recent[0].hash).toBe('x'.repeat(64))
    expect(chain.revision).toBe(1)
  })

  it('leaves recent blocks alone for a side block but still bumps the revision', async () => {
    const chain = useChainStore()
    await chain.load()
    chain.applyEvent({ type: 'block', block: block(6, { onMain: false }) })
    expect(chain.recent[0].index).toBe(5)
    expect(chain.revision).toBe(1)
  })

  it('takes a summary of many blocks by reading the newest again, once', async () => {
    const chain = useChainStore()
    await chain.load()
    fake.listBlocks.mockClear()
    chain.applyEvent({ type: 'blocks', count: 300 })
    await flushPromises()
    expect(fake.listBlocks).toHaveBeenCalledTimes(1)
    expect(fake.listBlocks).toHaveBeenCalledWith(0, 10)
    expect(chain.revision).toBe(1)
  })

  it('remembers a reorg and refetches the recent blocks', async () => {
    const chain = useChainStore()
    await chain.load()
    fake.listBlocks.mockClear()
    chain.applyEvent({
      type: 'reorg',
      forkIndex: 3,
      disconnected: ['a', 'b'],
      connected: ['c', 'd', 'e']
    })
    await flushPromises()
    expect(chain.lastReorg?.forkIndex).toBe(3)
    expect(fake.listBlocks).toHaveBeenCalledWith(0, 10)
  })

  it('applies pushed status, pending and peer counts', async () => {
    const chain = useChainStore()
    chain.applyEvent({ type: 'status', status: status({ index: 9 }) })
    chain.applyEvent({ type: 'pending', count: 3 })
    chain.applyEvent({ type: 'peers', peers: [peer('http://a'), peer('http://b')] })
    expect(chain.status).toMatchObject({ index: 9, pending: 3, peers: 2 })
  })
})

describe('wallet store', () => {
  it('sends through the node and reloads the wallet when accepted', async () => {
    const w = useWalletStore()
    await w.load()
    fake.getWallet.mockClear()
    const r = await w.send({ recipient: 'b'.repeat(40), amount: 5, fee: 1 })
    expect(r?.ok).toBe(true)
    expect(fake.sendTransaction).toHaveBeenCalledWith({
      recipient: 'b'.repeat(40),
      amount: 5,
      fee: 1
    })
    expect(fake.getWallet).toHaveBeenCalledTimes(1)
    expect(w.sending).toBe(false)
  })

  it('returns the node refusal without reloading', async () => {
    fake.sendTransaction.mockResolvedValueOnce({
      ok: false,
      error: 'insufficient_funds',
      message: 'balance 1 < 6'
    })
    const w = useWalletStore()
    const r = await w.send({ recipient: 'b'.repeat(40), amount: 5, fee: 1 })
    expect(r).toEqual({ ok: false, error: 'insufficient_funds', message: 'balance 1 < 6' })
    expect(fake.getWallet).not.toHaveBeenCalled()
  })

  it('refreshes on chain and pool events once loaded', async () => {
    const w = useWalletStore()
    await w.load()
    fake.getWallet.mockResolvedValueOnce(wallet({ balance: 250 }))
    w.applyEvent({ type: 'block', block: block(6) })
    await flushPromises()
    expect(w.wallet?.balance).toBe(250)
    w.applyEvent({ type: 'status', status: status({ walletBalance: 300 }) })
    expect(w.wallet?.balance).toBe(300)
  })
})

describe('mining store', () => {
  it('starts with the chosen number of workers and records samples from events', async () => {
    const m = useMiningStore()
    const r = await m.start(3)
    expect(fake.startMining).toHaveBeenCalledWith(3)
    expect(r?.ok).toBe(true)
    m.applyEvent({ type: 'mining', mining: mining({ active: true, hashRate: 1000 }) })
    expect(m.mining?.hashRate).toBe(1000)
    expect(m.samples.at(-1)?.rate).toBe(1000)
  })

  it('keeps at most MAX_SAMPLES samples', () => {
    const m = useMiningStore()
    for (let i = 0; i < MAX_SAMPLES + 15; i++) {
      m.applyEvent({ type: 'mining', mining: mining({ active: true, hashRate: i }) })
    }
    expect(m.samples).toHaveLength(MAX_SAMPLES)
    expect(m.samples.at(-1)?.rate).toBe(MAX_SAMPLES + 14)
  })

  it('does not start a chart while the miner is idle', () => {
    const m = useMiningStore()
    m.applyEvent({ type: 'mining', mining: mining({ active: false }) })
    expect(m.samples).toHaveLength(0)
  })
})

describe('peers store', () => {
  it('adds a peer and reloads the list', async () => {
    fake.listPeers.mockResolvedValue([peer('http://127.0.0.1:5001')])
    const p = usePeersStore()
    const r = await p.add('http://127.0.0.1:5001')
    expect(r?.ok).toBe(true)
    expect(p.peers.map((x) => x.url)).toEqual(['http://127.0.0.1:5001'])
    expect(p.busy).toBeNull()
    fake.listPeers.mockResolvedValue([])
  })

  it('bans for the given minutes and keeps the resolve outcome', async () => {
    const p = usePeersStore()
    await p.ban('http://x', 30)
    expect(fake.banPeer).toHaveBeenCalledWith('http://x', 30)
    await p.resolve()
    expect(p.lastResolve?.message).toBe('Our chain is authoritative')
  })

  it('takes pushed peer lists', () => {
    const p = usePeersStore()
    p.applyEvent({ type: 'peers', peers: [peer('http://a')] })
    expect(p.peers).toHaveLength(1)
  })
})

describe('settings store', () => {
  it('persists theme and language through updateSettings', async () => {
    const s = useSettingsStore()
    await s.load()
    await s.update({ language: 'zh-CN', theme: 'dark' })
    expect(fake.updateSettings).toHaveBeenCalledWith({ language: 'zh-CN', theme: 'dark' })
    expect(s.language).toBe('zh-CN')
    expect(s.theme).toBe('dark')
  })

  it('follows settings pushed by the node', () => {
    const s = useSettingsStore()
    s.applyEvent({ type: 'settings', settings: settings({ theme: 'dark' }) })
    expect(s.theme).toBe('dark')
  })
})

it('createFakeApi hands out independent fakes', () => {
  expect(createFakeApi().getStatus).not.toBe(fake.getStatus)
})

describe('coalesce', () => {
  it('runs a burst of refreshes as one call in flight and one after it', async () => {
    const { coalesce } = await import('@renderer/stores/tracker')
    let calls = 0
    let release: () => void = () => undefined
    const refresh = coalesce(async () => {
      calls++
      await new Promise<void>((r) => (release = r))
    }, 0)
    const burst = Array.from({ length: 50 }, () => refresh())
    expect(calls).toBe(1)
    release()
    await new Promise((r) => setTimeout(r, 5))
    expect(calls).toBe(2)
    release()
    await Promise.all(burst)
    expect(calls).toBe(2)
  })
})

describe('useBlockPages', () => {
  it('fetches index-aligned pages on demand and keeps them when the tip moves', async () => {
    const { ref } = await import('vue')
    const { useBlockPages } = await import('@renderer/composables/useBlockPages')
    const tip = ref(250)
    const reorg = ref<import('@renderer/stores/chain').ReorgEvent | null>(null)
    const pages = useBlockPages(tip, reorg)

    expect(pages.rowAt(0)).toBeUndefined()
    expect(fake.listBlocks).toHaveBeenLastCalledWith(250, 50)
    expect(pages.rowAt(60)).toBeUndefined()
    expect(fake.listBlocks).toHaveBeenLastCalledWith(200, 100)
    await flushPromises()
    expect(pages.rowAt(0)?.index).toBe(250)
    expect(pages.rowAt(60)?.index).toBe(190)

    fake.listBlocks.mockClear()
    tip.value = 251
    expect(pages.rowAt(1)?.index).toBe(250)
    expect(fake.listBlocks).not.toHaveBeenCalled()
    expect(pages.rowAt(0)).toBeUndefined()
    expect(fake.listBlocks).toHaveBeenCalledWith(251, 51)
    await flushPromises()

    reorg.value = { type: 'reorg', forkIndex: 249, disconnected: [], connected: [] }
    await flushPromises()
    expect(pages.rowAt(2)?.index).toBe(249)
    expect(pages.rowAt(1)).toBeUndefined()
  })

  it('holds at most MAX_PAGES pages, dropping those farthest from where the list is read', async () => {
    const { ref } = await import('vue')
    const { useBlockPages, MAX_PAGES, PAGE_SIZE } =
      await import('@renderer/composables/useBlockPages')
    const tip = ref(100_000)
    const pages = useBlockPages(tip, ref(null))
    // Scroll from the tip down through MAX_PAGES + 5 pages, one row of each.
    for (let p = 0; p < MAX_PAGES + 5; p++) {
      pages.rowAt(p * PAGE_SIZE)
      await flushPromises()
    }
    fake.listBlocks.mockClear()
    // Where the reader is now: still held, nothing fetched.
    const last = (MAX_PAGES + 4) * PAGE_SIZE
    expect(pages.rowAt(last)?.index).toBe(100_000 - last)
    expect(pages.rowAt(last - PAGE_SIZE)?.index).toBe(100_000 - last + PAGE_SIZE)
    expect(fake.listBlocks).not.toHaveBeenCalled()
    // The tip's page, the farthest: dropped, so reading it fetches it again.
    expect(pages.rowAt(0)).toBeUndefined()
    expect(fake.listBlocks).toHaveBeenCalledWith(100_000, PAGE_SIZE)
  })
})
