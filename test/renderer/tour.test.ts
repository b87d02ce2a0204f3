// @vitest-environment happy-dom
/**
 * The guided tour over a fake node, for what the end-to-end walk (test/e2e/tour.test.ts) does not
 * reach: only the current step can be done; a refusal is worded from its code and the step can be
 * tried again; a second node that cannot be found or started is said; the tour's progress
 * outlives leaving the screen; "Start again" clears the words, not the chain.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { api } from '@renderer/api'
import TourView from '@renderer/views/TourView.vue'
import { useTourStore } from '@renderer/stores/tour'
import type { FakeApi } from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
})

async function click(w: Awaited<ReturnType<typeof mountInApp>>['wrapper'], step: string) {
  await w.find(`[data-testid="tour-do-${step}"]`).trigger('click')
  await flushPromises()
}

describe('guided tour', () => {
  it('does only the current step, and words a refusal so the step can be tried again', async () => {
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    expect(wrapper.find('[data-testid="tour-do-send"]').attributes('disabled')).toBeDefined()
    await click(wrapper, 'mine')
    expect(wrapper.find('[data-testid="tour-done-mine"]').text()).toMatch(/^Block 6 was found:/)

    fake.sendTransaction.mockResolvedValueOnce({
      ok: false,
      error: 'insufficient_funds',
      message: 'balance 0 < 11'
    })
    await click(wrapper, 'send')
    const failed = wrapper.find('[data-testid="tour-failed-send"]').text()
    expect(failed).toMatch(/^This step did not go through: /)
    expect(failed).toContain('(balance 0 < 11)')
    expect(wrapper.find('[data-testid="tour-done-send"]').exists()).toBe(false)
    // Tried again, it goes through and the failure is gone.
    await click(wrapper, 'send')
    expect(wrapper.find('[data-testid="tour-failed-send"]').exists()).toBe(false)
    expect(fake.sendTransaction).toHaveBeenLastCalledWith({
      recipient: '8fd3e95f4f735c59cdd570c4ac979ab7a414096f',
      amount: 10,
      fee: 1
    })
  })

  it('says when no second node can be found or started, and keeps its progress off the screen', async () => {
    const tour = useTourStore()
    tour.found.mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    tour.found.send = { id: 'b'.repeat(64), amount: 10, fee: 1, recipient: 'c'.repeat(40) }
    tour.found.confirm = { index: 3, hash: 'd'.repeat(64), confirmations: 1, balance: 90 }
    fake.startLocalNode.mockResolvedValueOnce({
      ok: false,
      error: 'unavailable',
      message: 'this node cannot start another'
    })
    const first = await mountInApp(TourView, { path: '/tour' })
    await click(first.wrapper, 'peer')
    expect(first.wrapper.find('[data-testid="tour-failed-peer"]').text()).toContain(
      'this node cannot start another'
    )
    first.wrapper.unmount()
    // Back on the screen: the steps done are still done, the failure still said.
    const again = await mountInApp(TourView, { path: '/tour' })
    expect(again.wrapper.find('[data-testid="tour-done-confirm"]').text()).toMatch(
      /^Block 3 holds the transfer: it has 1 confirmation\(s\)\. The balance is now 90/
    )
    expect(again.wrapper.find('[data-testid="tour-failed-peer"]').exists()).toBe(true)
    await again.wrapper.find('[data-testid="tour-restart"]').trigger('click')
    await flushPromises()
    expect(again.wrapper.find('[data-testid="tour-done-mine"]').exists()).toBe(false)
    expect(again.wrapper.find('[data-testid="tour-failed-peer"]').exists()).toBe(false)
  })
})
