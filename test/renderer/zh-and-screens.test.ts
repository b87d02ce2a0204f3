// @vitest-environment happy-dom
/**
 * Issue #9, the Chinese UI and the screens' display defects: the node's outcomes shown through
 * their codes (translated, the node's own English only as detail), network names translated, the
 * search error cleared on navigation, the hash-rate chart on a time axis, no "0 ms" expected time
 * while idle, and the Block screen using the app's number formatter.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { Line } from 'vue-chartjs'
import { api } from '@renderer/api'
import { useMiningStore } from '@renderer/stores/mining'
import { useSettingsStore } from '@renderer/stores/settings'
import HashRateChart from '@renderer/components/HashRateChart.vue'
import SearchBox from '@renderer/components/SearchBox.vue'
import SendForm from '@renderer/components/SendForm.vue'
import BlockView from '@renderer/views/BlockView.vue'
import MiningView from '@renderer/views/MiningView.vue'
import PeersView from '@renderer/views/PeersView.vue'
import SettingsView from '@renderer/views/SettingsView.vue'
import { ADDR_A, ADDR_B, blockDetail, hash, mining, peer, type FakeApi } from './fakes'
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

/** Mounts in the app's providers and switches the UI to Simplified Chinese. */
async function mountZh(
  component: Parameters<typeof mountInApp>[0],
  options: Parameters<typeof mountInApp>[1] = {}
) {
  const m = await mountInApp(component, options)
  m.i18n.global.locale.value = 'zh-CN'
  await flushPromises()
  return m
}

const toasts = () => [...document.querySelectorAll('.n-message')].map((e) => e.textContent ?? '')
const hasLatin = (s: string) => /[A-Za-z]{3,}/.test(s)

describe('Chinese UI: the node outcomes through their codes', () => {
  it('shows "chain replaced" translated from the resolve value, not the node\'s English', async () => {
    fake.resolve.mockResolvedValueOnce({
      ok: true,
      value: { replaced: true, message: 'Our chain was replaced', length: 7 }
    })
    const { wrapper } = await mountZh(PeersView)
    const button = wrapper.findAll('button').find((b) => b.text() === '解决冲突')!
    await button.trigger('click')
    await flushPromises()
    const outcome = wrapper.find('[data-testid="resolve-outcome"]').text()
    expect(outcome).toContain('我们的链已被替换')
    expect(outcome).not.toContain('Our chain')
    expect(toasts().join('\n')).toContain('我们的链已被替换')
    expect(toasts().join('\n')).not.toContain('Our chain')
  })

  it('says "authoritative" from replaced = false, whatever the message says', async () => {
    fake.resolve.mockResolvedValueOnce({
      ok: true,
      value: { replaced: false, message: 'anything', length: 7 }
    })
    const { wrapper } = await mountZh(PeersView)
    await wrapper
      .findAll('button')
      .find((b) => b.text() === '解决冲突')!
      .trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="resolve-outcome"]').text()).toContain('我们的链是权威链')
  })

  it('shows a refused peer action by its code, the node text only as detail', async () => {
    fake.listPeers.mockResolvedValue([peer('http://127.0.0.1:5001')])
    fake.removePeer.mockResolvedValueOnce({
      ok: false,
      error: 'not_found',
      message: 'http://127.0.0.1:5001 is not a peer'
    })
    const { wrapper } = await mountZh(PeersView)
    await wrapper
      .findAll('button')
      .find((b) => b.text() === '断开')!
      .trigger('click')
    await flushPromises()
    const [toast] = toasts()
    expect(toast).toMatch(/^节点拒绝：找不到/)
    // The node's own words follow as detail, after the translated outcome.
    expect(toast).toContain('（http://127.0.0.1:5001 is not a peer）')
    fake.listPeers.mockResolvedValue([])
  })

  it('translates a code the UI has no text for into a generic refusal naming the code', async () => {
    // Outside ApiErrorCode, whose codes all have words: codes arrive as JSON, so the UI still
    // copes with one it does not know.
    fake.addPeer.mockResolvedValueOnce({
      ok: false,
      error: 'some_new_code' as never,
      message: 'why'
    })
    const { wrapper } = await mountZh(PeersView)
    await wrapper.find('input[aria-label="节点 URL"]').setValue('http://127.0.0.1:5002')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(toasts()[0]).toBe('节点拒绝了这个操作（some_new_code）（why）')
  })

  it('shows a send the node refused by its code, the node text only as detail', async () => {
    fake.sendTransaction.mockResolvedValueOnce({
      ok: false,
      error: 'bad_nonce',
      message: 'expected nonce 6, got 5'
    })
    const { wrapper } = await mountZh(SendForm, { props: { balance: 100, ownAddress: ADDR_A } })
    await wrapper.find('input[aria-label="接收地址"]').setValue(ADDR_B)
    await wrapper.find('input[aria-label="金额"]').setValue('5')
    await wrapper.find('input[aria-label="手续费"]').setValue('1')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    expect(toasts()).toEqual(['节点拒绝：转账顺序不对（nonce）（expected nonce 6, got 5）'])
  })

  it('translates the search hint for input that is no index, hash, id or address', async () => {
    fake.search.mockResolvedValueOnce({
      ok: false,
      error: 'invalid_field',
      message: 'search for a block index, a block hash, a transaction id or an address'
    })
    const { wrapper } = await mountZh(SearchBox)
    await wrapper.find('input').setValue('hello')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const problem = wrapper.find('#search-problem').text()
    expect(problem).toContain('区块高度')
    expect(hasLatin(problem)).toBe(false)
  })

  it('names the networks in Chinese in Peers and Settings, keeping the technical name', async () => {
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
    const peers = await mountZh(PeersView)
    const local = peers.wrapper.find('[data-testid="local-nodes"]').text()
    expect(local).toContain('回归测试网 (regtest)')
    peers.wrapper.unmount()

    await useSettingsStore().load()
    const settings = await mountZh(SettingsView)
    expect(settings.wrapper.find('[data-testid="settings-network"]').text()).toContain(
      '回归测试网 (regtest)'
    )
  })
})

describe('the search error', () => {
  it('is cleared, with its query, when the user goes to another screen', async () => {
    const { wrapper, router } = await mountInApp(SearchBox)
    await wrapper.find('input').setValue('999999')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('#search-problem').text()).toBe('Nothing matches “999999”')

    await router.push('/peers')
    await flushPromises()
    expect(wrapper.find('#search-problem').text()).toBe('')
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('')
  })
})

describe('the mining screen', () => {
  it("draws the hash rate against the samples' real times", async () => {
    const samples = [
      { t: 1_000_000, rate: 10 },
      { t: 1_001_000, rate: 20 },
      { t: 1_031_000, rate: 30 }
    ]
    const { wrapper } = await mountInApp(HashRateChart, { props: { samples } })
    const chart = wrapper.findComponent(Line)
    const data = chart.props('data') as { datasets: { data: unknown[] }[] }
    expect(data.datasets[0].data).toEqual([
      { x: 1_000_000, y: 10 },
      { x: 1_001_000, y: 20 },
      { x: 1_031_000, y: 30 }
    ])
    const options = chart.props('options') as {
      scales: { x: { type: string; min?: number; max?: number } }
    }
    expect(options.scales.x.type).toBe('linear')
  })

  it('shows no expected time per block while not mining', async () => {
    fake.getMining.mockResolvedValueOnce(mining({ active: false, expectedMs: 0 }))
    const { wrapper } = await mountInApp(MiningView)
    const tile = wrapper
      .findAll('.stat-tile')
      .find((t) => t.text().includes('Expected time per block'))!
    expect(tile.text()).not.toContain('0 ms')
    expect(tile.text()).toContain('—')

    useMiningStore().applyEvent({
      type: 'mining',
      mining: mining({ active: true, hashRate: 256, expectedMs: 1500 })
    })
    await flushPromises()
    expect(tile.text()).toContain('2 s')
  })
})

describe('the Block screen', () => {
  it("prints its numbers with the app's number formatter", async () => {
    fake.getBlock.mockResolvedValueOnce({
      ok: true,
      value: blockDetail(1941, { totalWork: '496896', proof: 123456 })
    })
    const { wrapper } = await mountInApp(BlockView, { props: { hash: hash(1941) } })
    const header = wrapper.find('.n-descriptions').text()
    expect(header).toContain('1,941')
    expect(header).toContain('496,896')
    expect(header).not.toMatch(/\b1941\b/)
    expect(header).not.toMatch(/\b496896\b/)
    expect(wrapper.find('[data-testid="parent-link"]').text()).toContain('#1,940')
  })
})
