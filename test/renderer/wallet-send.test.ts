// @vitest-environment happy-dom
/**
 * Money and state in the wallet (issue #9): the send form sends exactly what was typed or
 * nothing, one click is one transaction even while the node is slow to answer, and the wallet's
 * history pages through every entry the node has, as the Address screen does.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import type { AddressInfo, ApiResult, HistoryEntry } from '@shared/api'
import { api } from '@renderer/api'
import { useWalletStore } from '@renderer/stores/wallet'
import SendForm from '@renderer/components/SendForm.vue'
import WalletView from '@renderer/views/WalletView.vue'
import AddressView from '@renderer/views/AddressView.vue'
import { ADDR_A, ADDR_B, hash, wallet, type FakeApi } from './fakes'
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

type Field = 'Recipient address' | 'Amount' | 'Fee'

/** The form as a user meets it: type into a field, leave it, press Send. */
async function form(balance = 1000) {
  const { wrapper } = await mountInApp(SendForm, { props: { balance, ownAddress: ADDR_A } })
  const input = (f: Field): DOMWrapper<HTMLInputElement> =>
    wrapper.find<HTMLInputElement>(`input[aria-label="${f}"]`)
  return {
    wrapper,
    input,
    /** Types `text` as the field's whole content and leaves the field, as clicking Send does. */
    async type(f: Field, text: string) {
      const el = input(f)
      await el.trigger('focus')
      await el.setValue(text)
      await el.trigger('blur')
      await flushPromises()
    },
    /** Clicks Send (in happy-dom, as in a browser, that submits the form). */
    async clickSend() {
      await wrapper.find('button[type="submit"]').trigger('click')
      await flushPromises()
    },
    /** The message shown under a field (its form item's feedback). */
    feedback(f: Field): string {
      const item = input(f).element.closest('.n-form-item')
      return item?.querySelector('.n-form-item-feedback-wrapper')?.textContent?.trim() ?? ''
    }
  }
}

/** A promise resolved from outside: a node that has not answered yet. */
function later<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('send form: exactly the values typed, or nothing', () => {
  // One form each, the values typed in turn as a user correcting themselves would: what a field
  // says and whether anything is sent depend only on what the fields hold now.
  it('refuses each amount that is not a whole number from 1 to the largest, by the amount field', async () => {
    const f = await form()
    await f.type('Recipient address', ADDR_B)
    for (const [typed, message] of [
      ['-5', 'The amount is a whole number of at least 1'],
      ['0', 'The amount is a whole number of at least 1'],
      ['2.5', 'The amount is a whole number of at least 1'],
      ['1e3', 'The amount is a whole number of at least 1'],
      ['abc', 'The amount is a whole number of at least 1'],
      ['', 'Enter an amount'],
      ['9007199254740992', 'The amount can be at most 9,007,199,254,740,991']
    ]) {
      await f.type('Amount', typed)
      await f.clickSend()
      const what = `amount ${JSON.stringify(typed)}`
      expect(f.input('Amount').element.value, what).toBe(typed)
      expect(f.feedback('Amount'), what).toBe(message)
      expect(f.input('Amount').attributes('aria-invalid'), what).toBe('true')
      expect(f.feedback('Fee'), what).not.toContain('fee is')
      expect(fake.sendTransaction, what).not.toHaveBeenCalled()
    }
  })

  it('refuses each fee that is not a whole number of at least 0, by the fee field', async () => {
    const f = await form()
    await f.type('Recipient address', ADDR_B)
    await f.type('Amount', '5')
    for (const [typed, message] of [
      ['-1', 'The fee is a whole number of at least 0'],
      ['1.5', 'The fee is a whole number of at least 0'],
      ['', 'Enter a fee (0 for none)']
    ]) {
      await f.type('Fee', typed)
      await f.clickSend()
      const what = `fee ${JSON.stringify(typed)}`
      expect(f.input('Fee').element.value, what).toBe(typed)
      expect(f.feedback('Fee'), what).toBe(message)
      expect(f.feedback('Amount'), what).toBe('')
      expect(fake.sendTransaction, what).not.toHaveBeenCalled()
    }
  })

  it('refuses a recipient that is not an address, by the recipient field', async () => {
    const f = await form()
    await f.type('Recipient address', 'B'.repeat(40))
    await f.type('Amount', '5')
    await f.clickSend()
    expect(f.feedback('Recipient address')).toBe(
      'An address is exactly 40 lowercase hex characters (0-9, a-f)'
    )
    expect(fake.sendTransaction).not.toHaveBeenCalled()
  })

  it('sends exactly the typed values', async () => {
    const f = await form()
    await f.type('Recipient address', ADDR_B)
    await f.type('Amount', '7')
    await f.type('Fee', '2')
    await f.clickSend()
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    expect(fake.sendTransaction).toHaveBeenCalledWith({ recipient: ADDR_B, amount: 7, fee: 2 })
  })

  it('sends the largest amount the protocol allows as that exact number', async () => {
    const f = await form(Number.MAX_SAFE_INTEGER)
    await f.type('Recipient address', ADDR_B)
    await f.type('Amount', String(Number.MAX_SAFE_INTEGER))
    await f.type('Fee', '0')
    await f.clickSend()
    expect(fake.sendTransaction).toHaveBeenCalledWith({
      recipient: ADDR_B,
      amount: Number.MAX_SAFE_INTEGER,
      fee: 0
    })
  })

  it('sends nothing on a second click while the first send is in flight', async () => {
    const answer = later<ApiResult<{ id: string }>>()
    fake.sendTransaction.mockImplementationOnce(() => answer.promise)
    const f = await form()
    await f.type('Recipient address', ADDR_B)
    await f.type('Amount', '5')
    await f.type('Fee', '1')
    await f.clickSend()
    expect(f.wrapper.find('button[type="submit"]').attributes('disabled')).toBeDefined()
    await f.clickSend()
    await f.clickSend()
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    answer.resolve({ ok: true, value: { id: 'f'.repeat(64) } })
    await flushPromises()
    expect(f.wrapper.find('button[type="submit"]').attributes('disabled')).toBeUndefined()
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
  })
})

describe('wallet store: one intent, one transaction', () => {
  it('refuses a second send while one is in flight, whoever calls it', async () => {
    const answer = later<ApiResult<{ id: string }>>()
    fake.sendTransaction.mockImplementationOnce(() => answer.promise)
    const w = useWalletStore()
    const req = { recipient: ADDR_B, amount: 5, fee: 1 }
    const first = w.send(req)
    const second = await w.send(req)
    expect(second).toEqual({ ok: false, error: 'busy', message: expect.any(String) })
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    answer.resolve({ ok: true, value: { id: 'f'.repeat(64) } })
    expect(await first).toEqual({ ok: true, value: { id: 'f'.repeat(64) } })
    // Once the node has answered, the next intent goes out.
    await w.send(req)
    expect(fake.sendTransaction).toHaveBeenCalledTimes(2)
  })
})

/** An address with `total` confirmed transfers, newest first, served in pages as the node does. */
function historyOf(address: string, total: number) {
  const entries: HistoryEntry[] = Array.from({ length: total }, (_, i) => {
    const index = total - i
    return {
      transaction: {
        id: hash(index, 'e'),
        sender: '0',
        recipient: address,
        amount: 50,
        fee: 0,
        nonce: index,
        publicKey: null,
        signature: null
      },
      blockHash: hash(index),
      blockIndex: index,
      timestamp: 1_700_000_000_000 + index * 10_000,
      status: 'confirmed',
      delta: 50
    }
  })
  fake.getWallet.mockResolvedValue(wallet({ history: entries.slice(0, 50) }))
  fake.getAddress.mockImplementation(async (a: string, offset: number, limit: number) => {
    const value: AddressInfo = {
      address: a,
      balance: total * 50,
      nonce: 0,
      history: entries.slice(offset, offset + limit),
      historyTotal: total
    }
    return { ok: true, value }
  })
  return entries
}

/** The block links of the rows a history table shows. */
const blockLinks = (w: VueWrapper, testid: string) =>
  w
    .find(`[data-testid="${testid}"]`)
    .findAll('a[href*="/block/"]')
    .map((a) => a.attributes('title'))

async function lastPage(w: VueWrapper, testid: string): Promise<void> {
  const items = w
    .find(`[data-testid="${testid}"]`)
    .findAll('.n-pagination-item:not(.n-pagination-item--button)')
  await items[items.length - 1].trigger('click')
  await flushPromises()
}

describe('wallet history: every entry, paged as on the Address screen', () => {
  it('pages the wallet history to its oldest entry of 839', async () => {
    historyOf(ADDR_A, 839)
    const { wrapper } = await mountInApp(WalletView)
    await useWalletStore().load()
    await flushPromises()
    expect(blockLinks(wrapper, 'wallet-history')[0]).toBe(hash(839))
    const pages = wrapper
      .find('[data-testid="wallet-history"]')
      .findAll('.n-pagination-item:not(.n-pagination-item--button)')
    expect(pages[pages.length - 1].text()).toBe('42')
    await lastPage(wrapper, 'wallet-history')
    expect(blockLinks(wrapper, 'wallet-history')).toContain(hash(1))
    expect(fake.getAddress).toHaveBeenLastCalledWith(ADDR_A, 820, 20)
  })

  it('pages the Address screen the same way', async () => {
    historyOf(ADDR_B, 839)
    const { wrapper } = await mountInApp(AddressView, { props: { address: ADDR_B } })
    await flushPromises()
    await lastPage(wrapper, 'address-history')
    expect(blockLinks(wrapper, 'address-history')).toContain(hash(1))
  })
})
