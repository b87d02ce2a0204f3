// @vitest-environment happy-dom
/**
 * Issue #9, the last pieces a user meets in Settings, Peers and the lookup screens: the workers
 * field sends exactly the number typed within the node's own bounds or nothing (with a message
 * by the field), Settings says where the token and the worker count come from, every reason the
 * node gives for not adding a peer is worded in the user's language, and the Address and
 * Transaction screens show a refusal by its code (the node's English only as detail).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { MINING_THREADS_MAX, type PeerRefusal, type SettingSource } from '@shared/api'
import { api } from '@renderer/api'
import { useSettingsStore } from '@renderer/stores/settings'
import AddressView from '@renderer/views/AddressView.vue'
import PeersView from '@renderer/views/PeersView.vue'
import SettingsView from '@renderer/views/SettingsView.vue'
import TransactionView from '@renderer/views/TransactionView.vue'
import { ADDR_B, hash, settings, type FakeApi } from './fakes'
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

type Lang = 'en' | 'zh-CN'

async function mountIn(
  lang: Lang,
  component: Parameters<typeof mountInApp>[0],
  options: Parameters<typeof mountInApp>[1] = {}
) {
  // The app loads the settings once at start (App.vue); a screen alone does not.
  if (component === SettingsView) await useSettingsStore().load()
  const m = await mountInApp(component, options)
  m.i18n.global.locale.value = lang
  await flushPromises()
  return m
}

/** Latin words left in a Chinese text (a code name or an English sentence shown as such). */
const latinWords = (s: string) => (s.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => w !== 'Blockforge')

describe("Settings: the workers field takes exactly what is typed, within the node's bounds", () => {
  const WORKERS = 'input[aria-label="Mining workers"]'

  async function settingsForm() {
    const { wrapper } = await mountIn('en', SettingsView)
    const input = () => wrapper.find<HTMLInputElement>(WORKERS)
    return {
      wrapper,
      input,
      async type(text: string) {
        await input().trigger('focus')
        await input().setValue(text)
        await input().trigger('blur')
        await flushPromises()
      },
      async save() {
        await wrapper.find('form button[type="submit"]').trigger('click')
        await flushPromises()
      },
      feedback(): string {
        return (
          input()
            .element.closest('.n-form-item')
            ?.querySelector('.n-form-item-feedback-wrapper')
            ?.textContent?.trim() ?? ''
        )
      }
    }
  }

  // One form, each value typed in turn as a user correcting themselves would: what the field
  // says and what is saved depend only on what it holds now.
  it('refuses each out-of-bounds or non-whole value with a message by the field and saves nothing', async () => {
    const bounds = `Mining workers is a whole number from 1 to ${MINING_THREADS_MAX}`
    fake.getSettings.mockResolvedValue(settings({ miningThreads: 2 }))
    const f = await settingsForm()
    for (const [typed, message] of [
      ['0', bounds],
      ['-3', bounds],
      ['2.5', bounds],
      ['abc', bounds],
      [String(MINING_THREADS_MAX + 1), bounds],
      ['300', bounds],
      ['', 'Enter the number of mining workers']
    ]) {
      await f.type(typed)
      // Left as typed: no number input clamping or rounding it on blur.
      expect(f.input().element.value, `typed ${JSON.stringify(typed)}`).toBe(typed)
      expect(f.feedback(), `typed ${JSON.stringify(typed)}`).toBe(message)
      expect(f.input().attributes('aria-invalid'), `typed ${JSON.stringify(typed)}`).toBe('true')
      await f.save()
      expect(fake.updateSettings, `typed ${JSON.stringify(typed)}`).not.toHaveBeenCalled()
    }
  })

  it('saves each whole number within bounds as exactly that number', async () => {
    fake.getSettings.mockResolvedValue(settings({ miningThreads: 2 }))
    fake.updateSettings.mockImplementation(async (p) => ({ ok: true, value: settings({ ...p }) }))
    const f = await settingsForm()
    const typedValues = ['1', '8', String(MINING_THREADS_MAX), ' 12 ']
    for (const [i, typed] of typedValues.entries()) {
      await f.type(typed)
      expect(f.feedback(), `typed ${JSON.stringify(typed)}`).toBe('')
      await f.save()
      expect(fake.updateSettings, `typed ${JSON.stringify(typed)}`).toHaveBeenCalledTimes(i + 1)
      expect(fake.updateSettings, `typed ${JSON.stringify(typed)}`).toHaveBeenLastCalledWith({
        miningThreads: Number(typed.trim())
      })
    }
  })

  it('sends nothing else when only another field changed', async () => {
    fake.getSettings.mockResolvedValue(settings({ miningThreads: 2, host: '127.0.0.1' }))
    fake.updateSettings.mockImplementation(async (p) => ({
      ok: true,
      value: settings({ miningThreads: 2, ...p })
    }))
    const { wrapper } = await mountIn('en', SettingsView)
    await wrapper.find('input[aria-label="Host"]').setValue('0.0.0.0')
    await wrapper.find('form button[type="submit"]').trigger('click')
    await flushPromises()
    expect(fake.updateSettings).toHaveBeenCalledWith({ host: '0.0.0.0' })
  })
})

describe('Settings: where the token and the worker count come from', () => {
  async function sources(
    lang: Lang,
    apiTokenFrom: SettingSource,
    miningThreadsFrom: SettingSource
  ) {
    fake.getSettings.mockResolvedValue(settings({ apiToken: 'x', apiTokenFrom, miningThreadsFrom }))
    const { wrapper } = await mountIn(lang, SettingsView)
    return {
      token: wrapper.find('[data-testid="api-token-source"]').text(),
      threads: wrapper.find('[data-testid="workers-source"]').text()
    }
  }

  it('names the flag that set each for this run, and that a change here applies at once', async () => {
    const s = await sources('en', 'command-line', 'command-line')
    expect(s.token).toContain('Set by --api-token for this run')
    expect(s.threads).toContain('Set by --threads for this run')
    expect(s.threads).toContain('a change here applies at once and is saved')
  })

  it('names the environment variable, a saved value and the default', async () => {
    expect((await sources('en', 'environment', 'settings')).token).toContain(
      'Set by BLOCKFORGE_API_TOKEN for this run'
    )
    const saved = await sources('en', 'settings', 'settings')
    expect(saved.token).toContain('Saved in Settings')
    expect(saved.threads).toContain('Saved in Settings')
    const d = await sources('en', 'default', 'default')
    expect(d.threads).toContain('one worker per processor core')
    expect(d.token).toContain('No token')
  })

  it('says the same in Chinese, keeping only the flag names in Latin letters', async () => {
    for (const [from, flag] of [
      ['command-line', '--threads'],
      ['settings', null],
      ['default', null]
    ] as const) {
      const s = await sources('zh-CN', 'environment', from)
      expect(latinWords(s.threads.replaceAll(flag ?? '', ''))).toEqual([])
      expect(s.threads).toMatch(/[\u4e00-\u9fff]/)
      expect(latinWords(s.token.replaceAll('BLOCKFORGE_API_TOKEN', ''))).toEqual([])
    }
  })
})

/** Every refusal addPeer can give (the Record makes the typecheck fail when a code is added). */
const PEER_REFUSALS: Record<PeerRefusal, string> = {
  unreachable: 'http://127.0.0.1:5009/status: ECONNREFUSED',
  wrong_genesis: 'http://127.0.0.1:5009 is on another network (genesis 00ab…)',
  this_node: 'http://127.0.0.1:5000 is this node',
  same_node: 'http://localhost:5001 is the node already known as http://127.0.0.1:5001',
  banned: 'http://127.0.0.1:5009 is banned for 4 more minutes',
  peer_limit: 'this node already has 64 peers',
  bad_answer: 'http://127.0.0.1:5009/status is not a Blockforge status',
  invalid_field: 'url must be an http(s) URL',
  removed: 'http://127.0.0.1:5009 was removed by the user'
}

describe("Peers: every reason a peer was not added, in the user's language", () => {
  /**
   * The Peers screen, mounted once for both languages (mountIn mounts in English and switches,
   * so a screen mounted "in Chinese" is this same screen after the switch). Each call adds the
   * peer in `lang` and returns the toasts that add brought, not those of an earlier one.
   */
  async function peersScreen() {
    const { wrapper, i18n } = await mountIn('en', PeersView)
    return async function addRefused(lang: Lang, code: PeerRefusal): Promise<string> {
      i18n.global.locale.value = lang
      await flushPromises()
      fake.addPeer.mockResolvedValueOnce({ ok: false, error: code, message: PEER_REFUSALS[code] })
      const before = new Set(document.querySelectorAll('.n-message'))
      const input = wrapper.find(
        'input[aria-label="' + (lang === 'en' ? 'Peer URL' : '节点 URL') + '"]'
      )
      await input.setValue('http://127.0.0.1:5009')
      await wrapper.find('form.add').trigger('submit')
      await flushPromises()
      return [...document.querySelectorAll('.n-message')]
        .filter((e) => !before.has(e))
        .map((e) => e.textContent ?? '')
        .join('\n')
    }
  }

  // One screen, every code in turn (as a user trying several URLs would meet them).
  it('words every refusal from its code, the node text as detail (en, zh-CN)', async () => {
    const addRefused = await peersScreen()
    for (const code of Object.keys(PEER_REFUSALS) as PeerRefusal[]) {
      const en = await addRefused('en', code)
      expect(en, code).toMatch(/^The node refused to add http:\/\/127\.0\.0\.1:5009: /)
      // A code the UI has no words for would be shown by its name: every one has words.
      expect(en, code).not.toContain(`(${code})`)
      expect(en, code).toContain(`(${PEER_REFUSALS[code]})`)
      expect(fake.addPeer, code).toHaveBeenLastCalledWith('http://127.0.0.1:5009')

      const zh = await addRefused('zh-CN', code)
      expect(zh, code).toMatch(/^节点拒绝添加 http:\/\/127\.0\.0\.1:5009：/)
      // Outside the node's own words (the detail) and the URL, nothing is in English.
      const headline = zh
        .replace(`（${PEER_REFUSALS[code]}）`, '')
        .replace('http://127.0.0.1:5009', '')
      expect(headline, code).not.toContain(code)
      expect(latinWords(headline), code).toEqual([])
    }
  })
})

describe('Address and Transaction screens: a refusal by its code', () => {
  const errorText = (w: VueWrapper) => w.find('.state-error').text()

  it('Transaction: a refused id in Chinese, the node text as detail', async () => {
    fake.getTransaction.mockResolvedValue({
      ok: false,
      error: 'invalid_field',
      message: 'id must be 64 hex digits'
    })
    const { wrapper } = await mountIn('zh-CN', TransactionView, { props: { id: 'xyz' } })
    const text = errorText(wrapper)
    expect(text).toContain('节点拒绝：某个值无效（id must be 64 hex digits）')
  })

  it('Transaction: unknown id still says it is not found', async () => {
    fake.getTransaction.mockResolvedValue({
      ok: false,
      error: 'not_found',
      message: 'unknown transaction'
    })
    const { wrapper } = await mountIn('en', TransactionView, { props: { id: hash(9) } })
    expect(errorText(wrapper)).toContain(hash(9))
    expect(errorText(wrapper)).not.toContain('unknown transaction')
  })

  it('Address: a refused address in English and Chinese, never the bare node text', async () => {
    fake.getAddress.mockResolvedValue({
      ok: false,
      error: 'invalid_field',
      message: 'address must be 40 hex digits'
    })
    const { wrapper, i18n } = await mountIn('en', AddressView, { props: { address: 'nope' } })
    expect(errorText(wrapper)).toContain(
      'The node refused: a value is not valid (address must be 40 hex digits)'
    )
    // The language switched while the error is shown: the wording follows.
    i18n.global.locale.value = 'zh-CN'
    await flushPromises()
    expect(errorText(wrapper)).toContain('节点拒绝：某个值无效（address must be 40 hex digits）')
  })

  it('Address: a storage problem is worded from its code too', async () => {
    fake.getAddress.mockResolvedValue({
      ok: false,
      error: 'unavailable',
      message: 'the store is read-only'
    })
    const { wrapper } = await mountIn('zh-CN', AddressView, { props: { address: ADDR_B } })
    expect(errorText(wrapper)).toContain('节点拒绝：暂时无法执行（the store is read-only）')
  })
})
