// @vitest-environment happy-dom
/**
 * The first-run screen, About, the menu's `show` events and desktop notifications in the UI
 * (issue #10), mounted in the app's shell with the fake API: the first-run screen shows only
 * while the node says welcomeSeen is false and closing it sets it; About shows what getAppInfo
 * says; `show` events open the dialogs or navigate; a `notice` becomes a Notification worded in
 * the UI's language, only with the Settings switch on, asking permission only after a gesture.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { api } from '@renderer/api'
import AppShell from '@renderer/components/AppShell.vue'
import SettingsView from '@renderer/views/SettingsView.vue'
import { useAppStore } from '@renderer/stores/app'
import { useSettingsStore } from '@renderer/stores/settings'
import { useDesktopNotices, type NotificationHost } from '@renderer/composables/useDesktopNotices'
import type { Notice } from '@shared/api'
import { ADDR_A, ADDR_B, appInfo, settings, type FakeApi } from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
  // clearAllMocks keeps answers set by an earlier test: back to the fake's defaults.
  fake.getSettings.mockImplementation(async () => settings())
  fake.getAppInfo.mockImplementation(async () => appInfo())
  fake.updateSettings.mockImplementation(async (patch) => ({ ok: true, value: settings(patch) }))
  document.body.innerHTML = ''
})

/** Closed as far as the user is concerned (naive-ui's leave transition never ends in happy-dom). */
const closed = (which: 'welcomeOpen' | 'aboutOpen'): boolean => !useAppStore()[which]

/** Dialogs are teleported to <body>: look there, not in the wrapper. */
const dialog = (testId: string): HTMLElement | null =>
  document.body.querySelector(`[data-testid="${testId}"]`)
const click = async (testId: string): Promise<void> => {
  ;(document.body.querySelector(`[data-testid="${testId}"]`) as HTMLElement).click()
  await flushPromises()
}

describe('the first-run screen', () => {
  it('shows on a data dir whose first run was not seen: the wallet created, its address, the key file, how to add a node', async () => {
    fake.getSettings.mockResolvedValue(settings({ welcomeSeen: false }))
    await mountInApp(AppShell)
    const d = dialog('welcome-dialog')
    expect(d).not.toBeNull()
    expect(d!.getAttribute('role')).toBe('dialog')
    expect(d!.textContent).toContain('Your wallet was created')
    expect(dialog('welcome-address')!.textContent).toBe(ADDR_A)
    expect(dialog('welcome-wallet-file')!.textContent).toBe('/tmp/bf/wallet.json')
    expect(d!.textContent).toContain('the only copy')
    expect(d!.textContent).toContain('Start another local node')
    // The address can be copied with a named button.
    expect(d!.querySelector('button[aria-label="Copy wallet address"]')).not.toBeNull()
  })

  it('is not shown once seen, nor before the node has answered', async () => {
    await mountInApp(AppShell)
    expect(dialog('welcome-dialog')).toBeNull()
  })

  it('closes with its one button and tells the node it was seen', async () => {
    fake.getSettings.mockResolvedValue(settings({ welcomeSeen: false }))
    await mountInApp(AppShell)
    await click('welcome-close')
    expect(fake.updateSettings).toHaveBeenCalledWith({ welcomeSeen: true })
    expect(closed('welcomeOpen')).toBe(true)
  })

  it('closes even when saving fails, rather than trapping the user', async () => {
    fake.getSettings.mockResolvedValue(settings({ welcomeSeen: false }))
    fake.updateSettings.mockResolvedValueOnce({
      ok: false,
      error: 'unavailable',
      message: 'disk full'
    })
    await mountInApp(AppShell)
    await click('welcome-close')
    expect(closed('welcomeOpen')).toBe(true)
  })

  it('says "your wallet" rather than "created" when the wallet was there before', async () => {
    fake.getSettings.mockResolvedValue(settings({ welcomeSeen: false }))
    fake.getAppInfo.mockResolvedValue(appInfo({ walletCreated: false }))
    await mountInApp(AppShell)
    expect(dialog('welcome-dialog')!.textContent).toContain('Your wallet')
    expect(dialog('welcome-dialog')!.textContent).not.toContain('was created')
  })

  it('opens again from the navigation, and closing it then does not save again', async () => {
    await mountInApp(AppShell)
    await click('open-welcome')
    expect(dialog('welcome-dialog')).not.toBeNull()
    await click('welcome-close')
    expect(fake.updateSettings).not.toHaveBeenCalled()
  })

  it('is in Chinese when the UI is', async () => {
    fake.getSettings.mockResolvedValue(settings({ welcomeSeen: false, language: 'zh-CN' }))
    const { i18n } = await mountInApp(AppShell)
    i18n.global.locale.value = 'zh-CN'
    await flushPromises()
    expect(dialog('welcome-dialog')!.textContent).toContain('已为你创建钱包')
    expect(dialog('welcome-close')!.textContent).toBe('开始使用')
  })
})

describe('About', () => {
  it('shows what getAppInfo says, with Electron, Chrome and the log folder only when known', async () => {
    await mountInApp(AppShell)
    await click('open-about')
    const d = dialog('about-dialog')!
    expect(d.getAttribute('role')).toBe('dialog')
    expect(dialog('about-version')!.textContent).toBe('Blockforge 0.1.0')
    expect(dialog('about-runtime')!.textContent).toBe('Node.js 22.23.3')
    expect(d.textContent).toContain('/tmp/bf/wallet.json')
    expect(d.textContent).toContain('MIT')
    expect(dialog('about-log-dir')).toBeNull()
  })

  it('names Electron, Chrome and the log folder inside the desktop app', async () => {
    fake.getAppInfo.mockResolvedValue(
      appInfo({ electron: '45.4.1', chrome: '142.0.1', logDir: '/home/u/.config/Blockforge/logs' })
    )
    await mountInApp(AppShell)
    await click('open-about')
    expect(dialog('about-runtime')!.textContent).toBe(
      'Electron 45.4.1 · Chrome 142.0.1 · Node.js 22.23.3'
    )
    expect(dialog('about-log-dir')!.textContent).toBe('/home/u/.config/Blockforge/logs')
    await click('about-close')
    expect(closed('aboutOpen')).toBe(true)
  })
})

describe("the shell's show events", () => {
  it('open About and the first-run screen, and navigate to a screen', async () => {
    const { router } = await mountInApp(AppShell)
    fake.emit({ type: 'show', target: 'about' })
    await flushPromises()
    expect(dialog('about-dialog')).not.toBeNull()
    fake.emit({ type: 'show', target: 'welcome' })
    await flushPromises()
    expect(dialog('welcome-dialog')).not.toBeNull()
    await click('welcome-close')
    // A screen is a lazily loaded chunk: on a busy machine its first load takes over a second.
    fake.emit({ type: 'show', target: 'peers' })
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('peers'), {
      timeout: 15_000
    })
    fake.emit({ type: 'show', target: 'settings' })
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('settings'), {
      timeout: 15_000
    })
  })
})

/** A Notification API that records what it was asked to show. */
function fakeHost(permission: 'default' | 'granted' | 'denied', active = false) {
  const shown: { title: string; options?: { tag?: string; lang?: string } }[] = []
  const state = { permission, requests: 0, active }
  class N {
    static get permission() {
      return state.permission
    }
    static async requestPermission() {
      state.requests++
      state.permission = 'granted'
      return state.permission
    }
    constructor(title: string, options?: { tag?: string; lang?: string }) {
      shown.push({ title, options })
    }
  }
  const host: NotificationHost = { Notification: N, hasBeenActive: () => state.active }
  return { host, shown, state }
}

/** Mounts a component that uses the composable and returns its notice handler. */
async function withNotices(host: NotificationHost, lang: 'en' | 'zh-CN' = 'en') {
  let show!: (n: Notice) => Promise<void>
  const Probe = defineComponent({
    setup() {
      show = useDesktopNotices(host).show
      return () => h('div')
    }
  })
  const { i18n } = await mountInApp(Probe)
  i18n.global.locale.value = lang
  await useSettingsStore().load()
  return show
}

const mined: Notice = { kind: 'mined', index: 12, hash: 'a'.repeat(64), reward: 50 }
const received: Notice = {
  kind: 'received',
  txId: 'b'.repeat(64),
  amount: 5,
  sender: ADDR_B,
  blockIndex: 13
}

describe('desktop notifications', () => {
  it('word a block found and coins received in English', async () => {
    const { host, shown } = fakeHost('granted')
    const show = await withNotices(host)
    await show(mined)
    await show(received)
    expect(shown.map((s) => s.title)).toEqual([
      'Block #12 found: +50 coins',
      'Received 5 coins from bbbbbbbb…'
    ])
    expect(shown[0].options?.tag).toBe(mined.hash)
  })

  it('and in Chinese', async () => {
    const { host, shown } = fakeHost('granted')
    const show = await withNotices(host, 'zh-CN')
    await show(mined)
    await show(received)
    expect(shown.map((s) => s.title)).toEqual([
      '挖出区块 #12：+50 枚币',
      '收到 5 枚币，来自 bbbbbbbb…'
    ])
  })

  it("come from the node's pushed notice events, through the page's Notification", async () => {
    const { host, shown } = fakeHost('granted')
    vi.stubGlobal('Notification', host.Notification)
    try {
      await mountInApp(AppShell)
      fake.emit({ type: 'notice', notice: mined })
      await flushPromises()
      expect(shown.map((s) => s.title)).toEqual(['Block #12 found: +50 coins'])
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('show nothing with the Settings switch off', async () => {
    fake.getSettings.mockResolvedValue(settings({ notifications: false }))
    const { host, shown } = fakeHost('granted')
    const show = await withNotices(host)
    await show(mined)
    expect(shown).toHaveLength(0)
  })

  it('never ask for permission without a user gesture, and ask once after one', async () => {
    const { host, shown, state } = fakeHost('default')
    const show = await withNotices(host)
    await show(mined)
    expect(state.requests).toBe(0)
    expect(shown).toHaveLength(0)
    state.active = true
    await show(received)
    expect(state.requests).toBe(1)
    expect(shown).toHaveLength(1)
  })

  it("follow the Permissions API where Notification.permission disagrees (Chromium's headless shell)", async () => {
    const { host, shown } = fakeHost('denied')
    const show = await withNotices({ ...host, queryPermission: async () => 'granted' })
    await show(mined)
    expect(shown).toHaveLength(1)
  })

  it('are not shown where permission was refused', async () => {
    const { host, shown, state } = fakeHost('denied', true)
    const show = await withNotices(host)
    await show(mined)
    expect(state.requests).toBe(0)
    expect(shown).toHaveLength(0)
  })
})

describe('the Settings switch', () => {
  it('saves notifications off and on, in both languages', async () => {
    const { wrapper } = await mountInApp(defineComponent({ setup: () => () => h(SettingsView) }))
    await useSettingsStore().load()
    await flushPromises()
    const sw = wrapper.find('[data-testid="notifications-switch"]')
    expect(sw.attributes('role')).toBe('switch')
    expect(sw.attributes('aria-label')).toBe('Notifications')
    expect(sw.attributes('aria-checked')).toBe('true')
    await sw.trigger('click')
    await flushPromises()
    expect(fake.updateSettings).toHaveBeenCalledWith({ notifications: false })
  })
})
