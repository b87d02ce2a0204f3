// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { nextTick, reactive } from 'vue'
import { api, connected } from '@renderer/api'
import { useChainStore } from '@renderer/stores/chain'
import { useSettingsStore } from '@renderer/stores/settings'
import AsyncState from '@renderer/components/AsyncState.vue'
import SendForm from '@renderer/components/SendForm.vue'
import AppShell from '@renderer/components/AppShell.vue'
import DashboardView from '@renderer/views/DashboardView.vue'
import BlockView from '@renderer/views/BlockView.vue'
import PeersView from '@renderer/views/PeersView.vue'
import WalletView from '@renderer/views/WalletView.vue'
import SettingsView from '@renderer/views/SettingsView.vue'
import TransactionView from '@renderer/views/TransactionView.vue'
import ChainView from '@renderer/views/ChainView.vue'
import {
  ADDR_A,
  ADDR_B,
  block,
  blockDetail,
  hash,
  peer,
  status,
  wallet,
  type FakeApi
} from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  document.body.innerHTML = ''
})

describe('AsyncState', () => {
  it('shows loading, then error with retry, then empty, then content', async () => {
    const props = reactive({
      loading: true,
      error: null as string | null,
      empty: true,
      emptyText: 'Nothing here',
      onRetry: vi.fn()
    })
    const { wrapper } = await mountInApp(AsyncState, { props })
    expect(wrapper.find('[aria-busy="true"]').exists()).toBe(true)
    Object.assign(props, { loading: false, error: 'boom' })
    await nextTick()
    expect(wrapper.find('[role="alert"]').text()).toContain('boom')
    await wrapper.find('[role="alert"] button').trigger('click')
    expect(props.onRetry).toHaveBeenCalledTimes(1)
    props.error = null
    await nextTick()
    expect(wrapper.text()).toContain('Nothing here')
    Object.assign(props, { empty: false })
    await nextTick()
    expect(wrapper.text()).not.toContain('Nothing here')
  })
})

describe('AppShell', () => {
  it('loads on mount and feeds pushed events to the stores', async () => {
    const { wrapper } = await mountInApp(AppShell)
    expect(fake.onEvent).toHaveBeenCalledTimes(1)
    expect(fake.getSettings).toHaveBeenCalled()
    expect(wrapper.text()).toContain('http://127.0.0.1:5000')
    fake.emit({ type: 'block', block: block(6) })
    expect(useChainStore().recent[0].index).toBe(6)
    wrapper.unmount()
    expect(fake.listenerCount()).toBe(0)
  })

  it('says when the node is unreachable and reloads once it is back', async () => {
    const { wrapper } = await mountInApp(AppShell)
    fake.getStatus.mockClear()
    connected.value = false
    await flushPromises()
    expect(wrapper.text()).toContain('Lost the connection to the node')
    connected.value = true
    await flushPromises()
    expect(wrapper.text()).not.toContain('Lost the connection to the node')
    expect(fake.getStatus).toHaveBeenCalledTimes(1)
  })

  it('shows a banner with the reason while the storage is full or damaged, and drops it when ok', async () => {
    const { wrapper } = await mountInApp(AppShell)
    expect(wrapper.find('[data-test="storage-banner"]').exists()).toBe(false)
    const message = 'the disk holding /tmp/bf is full: the last write was rolled back'
    fake.emit({
      type: 'status',
      status: status({ storage: { state: 'full', message, since: Date.now() } })
    })
    await flushPromises()
    const banner = wrapper.find('[data-test="storage-banner"]')
    expect(banner.text()).toContain('The disk is full')
    expect(banner.text()).toContain(message)
    fake.emit({
      type: 'status',
      status: status({
        storage: { state: 'damaged', message: 'damaged (SQLITE_CORRUPT)', since: Date.now() }
      })
    })
    await flushPromises()
    expect(wrapper.find('[data-test="storage-banner"]').text()).toContain(
      'The chain database is damaged'
    )
    fake.emit({ type: 'status', status: status() })
    await flushPromises()
    expect(wrapper.find('[data-test="storage-banner"]').exists()).toBe(false)
  })
})

describe('DashboardView', () => {
  it('shows the node figures and a block arriving live', async () => {
    const chain = useChainStore()
    await chain.load()
    const { wrapper } = await mountInApp(DashboardView)
    const stats = wrapper.find('[data-testid="stats"]').text()
    expect(stats).toContain('regtest')
    expect(stats).toContain('#5')
    expect(stats).toContain('200 coins')
    chain.applyEvent({ type: 'block', block: block(6, { hash: 'ab'.repeat(32) }) })
    await flushPromises()
    expect(wrapper.find('[data-testid="recent-blocks"]').text()).toContain('abababab')
  })

  it('explains an empty chain', async () => {
    fake.listBlocks.mockResolvedValueOnce([block(1)])
    await useChainStore().load()
    const { wrapper } = await mountInApp(DashboardView)
    expect(wrapper.text()).toContain('Only the genesis block so far')
  })
})

describe('SendForm', () => {
  it('explains every mistake and sends nothing', async () => {
    const { wrapper } = await mountInApp(SendForm, { props: { balance: 10, ownAddress: ADDR_A } })
    await wrapper.find('input[aria-label="Recipient address"]').setValue('XYZ')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('exactly 40 lowercase hex characters')
    expect(wrapper.text()).toContain('Enter an amount')
    expect(fake.sendTransaction).not.toHaveBeenCalled()
  })

  it('refuses more than the balance, then sends a valid transfer', async () => {
    const { wrapper } = await mountInApp(SendForm, { props: { balance: 10, ownAddress: ADDR_A } })
    await wrapper.find('input[aria-label="Recipient address"]').setValue(ADDR_B)
    const amount = wrapper.find('input[aria-label="Amount"]')
    await amount.setValue('10')
    await amount.trigger('blur')
    await wrapper.find('input[aria-label="Fee"]').setValue('1')
    await wrapper.find('input[aria-label="Fee"]').trigger('blur')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('Amount plus fee (11) is more than your balance (10)')
    expect(fake.sendTransaction).not.toHaveBeenCalled()

    await amount.setValue('9')
    await amount.trigger('blur')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(fake.sendTransaction).toHaveBeenCalledWith({ recipient: ADDR_B, amount: 9, fee: 1 })
  })
})

describe('BlockView', () => {
  it('shows every header field, confirmations and the parent', async () => {
    const { wrapper } = await mountInApp(BlockView, { props: { hash: hash(5) } })
    const text = wrapper.text()
    for (const label of [
      'Hash',
      'Previous hash',
      'Merkle root',
      'Timestamp',
      'Difficulty',
      'Proof (nonce)',
      'Version'
    ]) {
      expect(text).toContain(label)
    }
    expect(wrapper.find('[data-testid="block-status"]').text()).toContain('3 confirmations')
    expect(wrapper.find('[data-testid="parent-link"]').text()).toContain('#4')
    expect(wrapper.findAll('button[aria-label^="Copy"]').length).toBeGreaterThanOrEqual(8)
  })

  it('marks a side-branch block and lists children', async () => {
    fake.getBlock.mockResolvedValueOnce({
      ok: true,
      value: blockDetail(5, {
        onMain: false,
        confirmations: 0,
        children: [{ hash: hash(6), onMain: false }]
      })
    })
    const { wrapper } = await mountInApp(BlockView, { props: { hash: hash(5) } })
    expect(wrapper.find('[data-testid="block-status"]').text()).toBe('Side branch')
    expect(wrapper.text()).toContain('not on the chain with the most work')
  })

  it('says so when the block is unknown', async () => {
    fake.getBlock.mockResolvedValueOnce({ ok: false, error: 'not_found', message: 'unknown block' })
    const { wrapper } = await mountInApp(BlockView, { props: { hash: hash(9) } })
    expect(wrapper.find('[role="alert"]').text()).toContain(`No block with hash ${hash(9)}`)
  })
})

describe('TransactionView', () => {
  it('shows a pending transfer with its parties', async () => {
    fake.getTransaction.mockResolvedValueOnce({
      ok: true,
      value: {
        transaction: {
          id: 'f'.repeat(64),
          sender: ADDR_A,
          recipient: ADDR_B,
          amount: 7,
          fee: 1,
          nonce: 0,
          publicKey: 'c'.repeat(64),
          signature: 'd'.repeat(128)
        },
        status: 'pending',
        blockHash: null,
        blockIndex: null,
        position: null,
        confirmations: 0,
        timestamp: null
      }
    })
    const { wrapper } = await mountInApp(TransactionView, { props: { id: 'f'.repeat(64) } })
    expect(wrapper.find('[data-testid="tx-status"]').text()).toBe('pending')
    expect(wrapper.text()).toContain(ADDR_B)
    expect(wrapper.text()).toContain('7 coins')
    expect(wrapper.text()).toContain('d'.repeat(128))
  })
})

describe('WalletView', () => {
  it('shows the address with a QR code and the pending transfers', async () => {
    fake.getWallet.mockResolvedValueOnce(
      wallet({
        pending: [
          {
            transaction: {
              id: 'f'.repeat(64),
              sender: ADDR_A,
              recipient: ADDR_B,
              amount: 7,
              fee: 1,
              nonce: 0,
              publicKey: null,
              signature: null
            },
            blockHash: null,
            blockIndex: null,
            timestamp: null,
            status: 'pending',
            delta: -8
          }
        ]
      })
    )
    const { wrapper } = await mountInApp(WalletView)
    await useWalletStoreLoad()
    await flushPromises()
    expect(wrapper.find('[data-testid="wallet-address"]').text()).toContain(ADDR_A)
    expect(wrapper.find('img[alt="QR code of your address"]').attributes('src')).toMatch(
      /^data:image\/svg\+xml/
    )
    expect(wrapper.find('[data-testid="wallet-pending"]').text()).toContain('-8')
    expect(wrapper.find('[data-testid="wallet-history"]').text()).toContain(
      'No confirmed transactions yet'
    )
  })
})

async function useWalletStoreLoad(): Promise<void> {
  const { useWalletStore } = await import('@renderer/stores/wallet')
  await useWalletStore().load()
}

describe('PeersView', () => {
  it("refuses in the form what the node's URL rule refuses, and sends what it accepts", async () => {
    const { wrapper } = await mountInApp(PeersView)
    for (const url of [
      'http://user:pw@127.0.0.1:5002',
      'http://127.0.0.1:99999',
      'ftp://127.0.0.1:5002'
    ]) {
      await wrapper.find('input[aria-label="Peer URL"]').setValue(url)
      await wrapper.find('form').trigger('submit')
      expect(wrapper.text(), url).toContain('Enter an http:// or https:// URL')
    }
    expect(fake.addPeer).not.toHaveBeenCalled()
    await wrapper.find('input[aria-label="Peer URL"]').setValue('HTTP://LocalHost:5002/status')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    // The text as typed: the node keeps its origin (src/shared/peer-url.ts).
    expect(fake.addPeer).toHaveBeenCalledWith('HTTP://LocalHost:5002/status')
  })

  it('adds a peer by URL, shows the resolve outcome and local nodes', async () => {
    fake.discoverLocalNodes.mockResolvedValueOnce([
      {
        url: 'http://127.0.0.1:5007',
        network: 'regtest',
        genesisHash: hash(1),
        index: 3,
        connected: false,
        self: false
      }
    ])
    fake.listPeers.mockResolvedValue([peer('http://127.0.0.1:5001', { lag: -2 })])
    const { wrapper } = await mountInApp(PeersView)
    expect(wrapper.text()).toContain('2 ahead of us')
    expect(wrapper.find('[data-testid="local-nodes"]').text()).toContain('http://127.0.0.1:5007')

    await wrapper.find('input[aria-label="Peer URL"]').setValue('not a url')
    await wrapper.find('form').trigger('submit')
    expect(wrapper.text()).toContain('Enter an http:// or https:// URL')
    expect(fake.addPeer).not.toHaveBeenCalled()

    await wrapper.find('input[aria-label="Peer URL"]').setValue('http://127.0.0.1:5002')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(fake.addPeer).toHaveBeenCalledWith('http://127.0.0.1:5002')

    const resolve = wrapper.findAll('button').find((b) => b.text() === 'Resolve conflicts')!
    await resolve.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="resolve-outcome"]').text()).toContain(
      'Our chain is authoritative'
    )
    fake.listPeers.mockResolvedValue([])
  })

  it("shows the node's refusal of a peer action", async () => {
    fake.listPeers.mockResolvedValue([peer('http://127.0.0.1:5001')])
    fake.removePeer.mockResolvedValueOnce({
      ok: false,
      error: 'not_found',
      message: 'no peer http://127.0.0.1:5001'
    })
    const { wrapper } = await mountInApp(PeersView)
    const disconnect = wrapper.findAll('button').find((b) => b.text() === 'Disconnect')!
    await disconnect.trigger('click')
    await flushPromises()
    expect(fake.removePeer).toHaveBeenCalledWith('http://127.0.0.1:5001')
    expect(document.body.textContent).toContain('no peer http://127.0.0.1:5001')
    fake.listPeers.mockResolvedValue([])
  })

  it('connects to a local node in one click', async () => {
    fake.discoverLocalNodes.mockResolvedValue([
      {
        url: 'http://127.0.0.1:5007',
        network: 'regtest',
        genesisHash: hash(1),
        index: 3,
        connected: false,
        self: false
      }
    ])
    const { wrapper } = await mountInApp(PeersView)
    await wrapper.find('button[aria-label="Connect http://127.0.0.1:5007"]').trigger('click')
    await flushPromises()
    expect(fake.addPeer).toHaveBeenCalledWith('http://127.0.0.1:5007')
    fake.discoverLocalNodes.mockResolvedValue([])
  })
})

describe('SettingsView', () => {
  it('switches the language at run time and persists it', async () => {
    const settings = useSettingsStore()
    await settings.load()
    const { wrapper, i18n } = await mountInApp(SettingsView)
    await wrapper.find('[data-testid="lang-zh-CN"] input').setValue(true)
    await flushPromises()
    expect(fake.updateSettings).toHaveBeenCalledWith({ language: 'zh-CN' })
    expect(settings.language).toBe('zh-CN')
    // App.vue applies the store's language to i18n; here we check the messages exist for it.
    i18n.global.locale.value = settings.language
    await flushPromises()
    expect(wrapper.text()).toContain('外观')
  })

  it('saves only the node fields that changed', async () => {
    await useSettingsStore().load()
    const { wrapper } = await mountInApp(SettingsView)
    await wrapper.find('input[aria-label="Host"]').setValue('0.0.0.0')
    await wrapper.findAll('form').at(-1)!.trigger('submit')
    await flushPromises()
    expect(fake.updateSettings).toHaveBeenCalledWith({ host: '0.0.0.0' })
  })
})

describe('ChainView', () => {
  it('draws main and side blocks as links and tells of a reorg', async () => {
    fake.getChainView.mockResolvedValue([
      { hash: hash(4), index: 4, previousHash: hash(3), onMain: true, txCount: 1, timestamp: 0 },
      { hash: hash(5), index: 5, previousHash: hash(4), onMain: true, txCount: 2, timestamp: 0 },
      {
        hash: hash(5, 'f'),
        index: 5,
        previousHash: hash(4),
        onMain: false,
        txCount: 1,
        timestamp: 0
      }
    ])
    const chain = useChainStore()
    await chain.load()
    const { wrapper } = await mountInApp(ChainView)
    expect(fake.getChainView).toHaveBeenCalledWith(1, 5)
    const blocks = wrapper.findAll('svg a')
    expect(blocks.map((a) => a.attributes('aria-label'))).toEqual([
      expect.stringContaining('Block 4'),
      expect.stringContaining('main chain'),
      expect.stringContaining('side branch')
    ])
    expect(blocks[2].attributes('href')).toBe(`/block/${hash(5, 'f')}`)
    expect(wrapper.text()).toContain('5 blocks, newest first')

    chain.applyEvent({
      type: 'reorg',
      forkIndex: 4,
      disconnected: [hash(5)],
      connected: [hash(5, 'f')]
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="reorg"]').text()).toContain(
      'Reorganisation at block 4: 1 block left the main chain, 1 joined it.'
    )
    fake.getChainView.mockResolvedValue([])
  })
})
