// @vitest-environment happy-dom
/**
 * The Peers screen's "Link faults" panel (components/LinkFaults.vue), mounted as the app mounts
 * it over a fake API: only peers on this machine are listed; Pause and Resume, latency and loss
 * with Apply, "Cut this node off" and "Reconnect", "Heal all links" each send exactly their call
 * and show the node's answer; a fault pushed by the node shows without a reload; the peer table
 * marks a faulted link; every input and button has a name, in English and in Chinese, and the
 * Chinese panel has no English left but URLs and units.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { api } from '@renderer/api'
import { usePeersStore } from '@renderer/stores/peers'
import PeersView from '@renderer/views/PeersView.vue'
import { peer, type FakeApi } from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

const LOCAL = 'http://127.0.0.1:5001'
const REMOTE = 'http://192.168.1.20:5000'

beforeEach(async () => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  document.body.innerHTML = ''
  // The fake keeps its faults between tests: start each healed.
  await fake.healAll()
  fake.healAll.mockClear()
  fake.listPeers.mockResolvedValue([peer(LOCAL), peer(REMOTE)])
})

async function panel(lang: 'en' | 'zh-CN' = 'en') {
  const m = await mountInApp(PeersView, { path: '/peers' })
  m.i18n.global.locale.value = lang
  await flushPromises()
  const root = (): DOMWrapper<Element> => m.wrapper.find('[data-testid="link-faults"]')
  const row = (): DOMWrapper<Element> => root().find(`tr[data-peer="${LOCAL}"]`)
  return {
    ...m,
    root,
    row,
    state: () => row().find('[data-testid="fault-state"]').text(),
    async click(testid: string) {
      await root().find(`[data-testid="${testid}"]`).trigger('click')
      await flushPromises()
    },
    async type(label: string, text: string) {
      const input = root().find<HTMLInputElement>(`input[aria-label="${label}"]`)
      await input.trigger('focus')
      await input.setValue(text)
      await input.trigger('blur')
      await flushPromises()
    }
  }
}

/** What a person reads in the panel and what a screen reader names its controls. */
function words(w: VueWrapper | DOMWrapper<Element>): string {
  const labels = w.findAll('[aria-label]').map((e) => e.attributes('aria-label'))
  return [w.text(), ...labels].join(' ')
}

describe('Link faults panel', () => {
  it('lists the peers on this machine only, with what a fault does', async () => {
    const p = await panel()
    expect(
      p
        .root()
        .findAll('tbody tr')
        .map((r) => r.attributes('data-peer'))
    ).toEqual([LOCAL])
    expect(p.root().text()).toContain(
      'A fault is applied by this node to its own traffic with that peer, both ways; a restart heals every link.'
    )
    expect(p.state()).toBe('normal')
    expect(fake.getFaults).toHaveBeenCalled()
  })

  it('pauses and resumes a link, each time with that call alone', async () => {
    const p = await panel()
    const pause = () => p.row().find('[data-testid="fault-pause"]')
    expect(pause().attributes('aria-label')).toBe(`Pause the link with ${LOCAL}`)
    await p.click('fault-pause')
    expect(fake.setLinkFault).toHaveBeenLastCalledWith(LOCAL, {
      paused: true,
      latencyMs: 0,
      lossPercent: 0
    })
    expect(p.state()).toBe('paused')
    expect(pause().text()).toBe('Resume')
    expect(pause().attributes('aria-label')).toBe(`Resume the link with ${LOCAL}`)
    await p.click('fault-pause')
    expect(fake.setLinkFault).toHaveBeenLastCalledWith(LOCAL, {
      paused: false,
      latencyMs: 0,
      lossPercent: 0
    })
    expect(p.state()).toBe('normal')
    expect(fake.setLinkFault).toHaveBeenCalledTimes(2)
  })

  it('applies the latency and loss typed, keeping the pause as it is', async () => {
    const p = await panel()
    await p.type(`Latency of the link with ${LOCAL}, in ms`, '300')
    await p.type(`Loss of the link with ${LOCAL}, in %`, '20')
    // Typed is not applied.
    expect(fake.setLinkFault).not.toHaveBeenCalled()
    await p.click('fault-apply')
    expect(fake.setLinkFault).toHaveBeenCalledWith(LOCAL, {
      paused: false,
      latencyMs: 300,
      lossPercent: 20
    })
    expect(p.state()).toBe('slowed or lossy')
  })

  it('sends nothing for an empty field', async () => {
    const p = await panel()
    await p.type(`Latency of the link with ${LOCAL}, in ms`, '')
    const apply = p.row().find('[data-testid="fault-apply"]')
    expect(apply.attributes('disabled')).toBeDefined()
    await p.click('fault-apply')
    expect(fake.setLinkFault).not.toHaveBeenCalled()
  })

  it('cuts the node off, reconnects it, and heals every link', async () => {
    const p = await panel()
    const isolate = () => p.root().find('[data-testid="fault-isolate"]')
    expect(isolate().text()).toBe('Cut this node off')
    await p.click('fault-isolate')
    expect(fake.setIsolated).toHaveBeenLastCalledWith(true)
    expect(p.root().find('[data-testid="fault-cut-off"]').exists()).toBe(true)
    expect(p.state()).toBe('cut off')
    expect(isolate().text()).toBe('Reconnect')
    await p.click('fault-isolate')
    expect(fake.setIsolated).toHaveBeenLastCalledWith(false)
    expect(p.root().find('[data-testid="fault-cut-off"]').exists()).toBe(false)

    await p.click('fault-pause')
    await p.click('fault-isolate')
    await p.click('fault-heal')
    expect(fake.healAll).toHaveBeenCalledTimes(1)
    expect(p.state()).toBe('normal')
    expect(isolate().text()).toBe('Cut this node off')
  })

  it('shows a fault the node pushes, and the peer table marks the faulted link', async () => {
    const p = await panel()
    // As the app's one subscription (useNodeEvents) hands the node's events to the stores.
    const store = usePeersStore()
    store.applyEvent({
      type: 'faults',
      faults: {
        isolated: false,
        isolatedSince: null,
        links: [{ peer: LOCAL, paused: false, latencyMs: 250, lossPercent: 10, since: 1 }]
      }
    })
    store.applyEvent({
      type: 'peers',
      peers: [peer(LOCAL, { fault: { paused: false, latencyMs: 250, lossPercent: 10 } })]
    })
    await flushPromises()
    expect(p.state()).toBe('slowed or lossy')
    const input = p
      .root()
      .find<HTMLInputElement>(`input[aria-label="Latency of the link with ${LOCAL}, in ms"]`)
    expect(input.element.value).toBe('250')
    expect(p.wrapper.find('[data-testid="peer-fault"]').text()).toBe(
      'link: +250 ms, 10% lost (fault)'
    )
  })

  it('speaks Chinese: no English left in the panel but URLs and units', async () => {
    fake.listPeers.mockResolvedValue([
      peer(LOCAL, { fault: { paused: true, latencyMs: 0, lossPercent: 0 } })
    ])
    await fake.setLinkFault(LOCAL, { paused: true, latencyMs: 0, lossPercent: 0 })
    const p = await panel('zh-CN')
    expect(p.state()).toBe('已暂停')
    const text = words(p.root()).replace(/https?:\/\/[^\s，,）)]+/g, '')
    const latin = (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => w !== 'ms')
    expect(latin).toEqual([])
    expect(p.root().text()).toContain('故障由本节点施加在它与该对等节点之间的往来流量上')
    expect(p.wrapper.find('[data-testid="peer-fault"]').text()).toBe('连接已暂停（故障）')
    await p.click('fault-isolate')
    expect(fake.setIsolated).toHaveBeenLastCalledWith(true)
    expect(p.root().find('[data-testid="fault-isolate"]').text()).toBe('重新连接')
  })
})
