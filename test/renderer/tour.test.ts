// @vitest-environment happy-dom
/**
 * The guided tour over a fake node, for what the end-to-end walk (test/e2e/tour.test.ts) does not
 * reach: only the current step can be done; a refusal is worded from its code and the step can be
 * tried again; a second node that cannot be found or started is said; the tour's progress
 * outlives leaving the screen and a reload, but not the chain it was made on; "Start again"
 * clears the words, not the chain.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { api } from '@renderer/api'
import TourView from '@renderer/views/TourView.vue'
import {
  TOUR_FORK_KEY,
  TOUR_SEND_KEY,
  TOUR_STORAGE_KEY,
  TOUR_TRANSFER,
  useTourStore
} from '@renderer/stores/tour'
import { useChainStore } from '@renderer/stores/chain'
import type { TransactionView } from '@shared/api'
import { ADDR_A, hash, peer, status, wallet, type FakeApi } from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  // Each test is a new window: nothing kept from the one before (the tour keeps its progress in
  // sessionStorage across a reload).
  sessionStorage.clear()
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
      /^Block 3 holds the transfer: it has 1 confirmation\. The balance is now 90/
    )
    expect(again.wrapper.find('[data-testid="tour-failed-peer"]').exists()).toBe(true)
    await again.wrapper.find('[data-testid="tour-restart"]').trigger('click')
    await flushPromises()
    expect(again.wrapper.find('[data-testid="tour-done-mine"]').exists()).toBe(false)
    expect(again.wrapper.find('[data-testid="tour-failed-peer"]').exists()).toBe(false)
  })

  it('keeps its progress across a reload, and drops it once the node no longer has its first block', async () => {
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    await click(wrapper, 'mine')
    await click(wrapper, 'send')
    wrapper.unmount()
    // A reload: a new page, new stores, the same window's sessionStorage.
    setActivePinia(createPinia())
    const reloaded = await mountInApp(TourView, { path: '/tour' })
    expect(reloaded.wrapper.find('[data-testid="tour-done-mine"]').text()).toMatch(
      /^Block 6 was found:/
    )
    expect(reloaded.wrapper.find('[data-testid="tour-done-send"]').exists()).toBe(true)
    expect(fake.getBlock).toHaveBeenCalledWith(useTourStore().found.mine!.hash)
    // The next step is the one to do, not the first again.
    expect(
      reloaded.wrapper.find('[data-testid="tour-do-confirm"]').attributes('disabled')
    ).toBeUndefined()
    reloaded.wrapper.unmount()

    // A new demo emptied the chain: the kept tour is about blocks the node does not have.
    fake.getBlock.mockResolvedValueOnce({ ok: false, error: 'not_found', message: 'unknown block' })
    setActivePinia(createPinia())
    const fresh = await mountInApp(TourView, { path: '/tour' })
    await flushPromises()
    expect(fresh.wrapper.find('[data-testid="tour-done-mine"]').exists()).toBe(false)
    expect(
      fresh.wrapper.find('[data-testid="tour-do-mine"]').attributes('disabled')
    ).toBeUndefined()
    expect(JSON.parse(sessionStorage.getItem(TOUR_STORAGE_KEY)!)).toEqual({})
  })

  it('does not send the transfer again after a reload while the node was taking it', async () => {
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    await click(wrapper, 'mine')
    // The window is reloaded while the send is on its way: its answer never comes back here.
    fake.sendTransaction.mockImplementationOnce(() => new Promise(() => undefined))
    await click(wrapper, 'send')
    wrapper.unmount()
    // The node took it: the wallet has it pending, with the nonce it had next before.
    const taken = {
      id: 'e'.repeat(64),
      sender: ADDR_A,
      recipient: TOUR_TRANSFER.recipient,
      amount: 10,
      fee: 1,
      nonce: 0,
      publicKey: 'c'.repeat(64),
      signature: 'd'.repeat(128)
    }
    const pending = {
      transaction: taken,
      blockHash: null,
      blockIndex: null,
      timestamp: null,
      status: 'pending' as const,
      delta: -11
    }
    fake.getWallet.mockResolvedValue(wallet({ pendingNonce: 1, pending: [pending] }))
    setActivePinia(createPinia())
    const reloaded = await mountInApp(TourView, { path: '/tour' })
    await click(reloaded.wrapper, 'send')
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    expect(useTourStore().found.send?.id).toBe(taken.id)
    expect(reloaded.wrapper.find('[data-testid="tour-done-send"]').exists()).toBe(true)
    expect(sessionStorage.getItem(TOUR_SEND_KEY)).toBeNull()
    reloaded.wrapper.unmount()

    // A send that never reached the node (a transfer of another nonce, or none): sent again.
    sessionStorage.clear()
    sessionStorage.setItem(TOUR_SEND_KEY, '1')
    setActivePinia(createPinia())
    const tour = useTourStore()
    tour.found.mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    const again = await mountInApp(TourView, { path: '/tour' })
    await click(again.wrapper, 'send')
    expect(fake.sendTransaction).toHaveBeenCalledTimes(2)
    expect(tour.found.send?.id).toBe('f'.repeat(64))
  })

  it('finds that transfer however many blocks were mined after it, and reads no further back', async () => {
    const tour = useTourStore()
    tour.found.mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    // Sent as nonce 3 before a reload; since then 600 blocks were mined: the wallet's newest
    // entries are all coinbases, and the transfer is on the second page of its history.
    sessionStorage.setItem(TOUR_SEND_KEY, '3')
    const entry = (t: Partial<TransactionView>, blockIndex: number) => ({
      transaction: {
        id: hash(blockIndex),
        sender: '0',
        recipient: ADDR_A,
        amount: 50,
        fee: 0,
        nonce: 0,
        publicKey: null,
        signature: null,
        ...t
      },
      blockHash: hash(blockIndex),
      blockIndex,
      timestamp: 1,
      status: 'confirmed' as const,
      delta: 50
    })
    const coinbases = Array.from({ length: 600 }, (_, i) => entry({}, 1000 - i))
    const ours = (nonce: number, blockIndex: number, recipient: string = TOUR_TRANSFER.recipient) =>
      entry(
        { id: hash(5000 + nonce), sender: ADDR_A, recipient, amount: 10, fee: 1, nonce },
        blockIndex
      )
    const history = [...coinbases, ours(3, 400), ours(2, 399, 'b'.repeat(40)), ours(1, 398)]
    fake.getWallet.mockResolvedValue(
      wallet({ nonce: 4, pendingNonce: 4, history: history.slice(0, 50) })
    )
    fake.getAddress.mockImplementation(async (address: string, offset: number, limit: number) => ({
      ok: true as const,
      value: {
        address,
        balance: 0,
        nonce: 4,
        history: history.slice(offset, offset + limit),
        historyTotal: history.length
      }
    }))
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    await click(wrapper, 'send')
    expect(fake.sendTransaction).not.toHaveBeenCalled()
    expect(tour.found.send?.id).toBe(hash(5003))
    expect(fake.getAddress.mock.calls.map((c) => c[1])).toEqual([0, 500])
    wrapper.unmount()

    // Kept from nonce 4 on: the transfer of nonce 3 is not it, and nonce 2's ends the search.
    tour.restart()
    tour.found.mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    sessionStorage.setItem(TOUR_SEND_KEY, '4')
    fake.getWallet.mockResolvedValue(
      wallet({ nonce: 5, pendingNonce: 5, history: history.slice(0, 50) })
    )
    fake.getAddress.mockClear()
    const again = await mountInApp(TourView, { path: '/tour' })
    await click(again.wrapper, 'send')
    expect(fake.sendTransaction).toHaveBeenCalledTimes(1)
    expect(fake.getAddress.mock.calls.map((c) => c[1])).toEqual([0, 500])
  })

  it('keeps from storage only the first steps whose findings have the shape the screen reads', async () => {
    for (const junk of ['not json', '[1,2]', '{"mine":7,"nope":{}}', '{"mine":{}}']) {
      sessionStorage.setItem(TOUR_STORAGE_KEY, junk)
      setActivePinia(createPinia())
      expect({ ...useTourStore().found }).toEqual({})
      expect(useTourStore().current).toBe('mine')
    }
    const mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    const confirm = { index: 3, hash: 'd'.repeat(64), confirmations: 1, balance: 90 }
    // A malformed step ends what is kept: the steps after it are not taken either.
    sessionStorage.setItem(
      TOUR_STORAGE_KEY,
      JSON.stringify({
        mine,
        send: { id: 5, amount: 10, fee: 1, recipient: 'c'.repeat(40) },
        confirm
      })
    )
    setActivePinia(createPinia())
    expect({ ...useTourStore().found }).toEqual({ mine })
    // And the screen shows what was kept, without a render error.
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    expect(wrapper.find('[data-testid="tour-done-mine"]').text()).toMatch(/^Block 2 was found:/)
    expect(wrapper.find('[data-testid="tour-do-send"]').attributes('disabled')).toBeUndefined()
  })

  it('picks the demo’s node B (the next port) over other nodes on this machine', async () => {
    const tour = useTourStore()
    Object.assign(tour.found, {
      mine: { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 },
      send: { id: 'b'.repeat(64), amount: 10, fee: 1, recipient: 'c'.repeat(40) },
      confirm: { index: 3, hash: 'd'.repeat(64), confirmations: 1, balance: 90 }
    })
    const node = (url: string, self = false) => ({
      url,
      network: 'regtest' as const,
      genesisHash: status().genesisHash,
      index: 1,
      connected: false,
      self
    })
    fake.discoverLocalNodes.mockResolvedValue([
      node('http://127.0.0.1:5701'),
      node('http://127.0.0.1:5810', true),
      node('http://127.0.0.1:5811')
    ])
    fake.listPeers.mockImplementation(async () =>
      fake.addPeer.mock.calls.length > 0
        ? [peer('http://127.0.0.1:5811', { tipIndex: 6, state: 'connected' })]
        : []
    )
    await tour.run('peer')
    expect(fake.addPeer).toHaveBeenCalledWith('http://127.0.0.1:5811')
    expect(tour.found.peer).toMatchObject({ url: 'http://127.0.0.1:5811', started: false })
  })

  it('does the fork step again from where a reload stopped it, from the same fork point', async () => {
    const tour = useTourStore()
    Object.assign(tour.found, {
      mine: { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 },
      send: { id: 'b'.repeat(64), amount: 10, fee: 1, recipient: 'c'.repeat(40) },
      confirm: { index: 3, hash: 'd'.repeat(64), confirmations: 1, balance: 90 },
      peer: { url: 'http://127.0.0.1:5001', started: false, to: 3 },
      resolve: { replaced: false, length: 3 }
    })
    await flushPromises() // kept in sessionStorage
    // The step had cut the link, mined here and once on the peer when the page was reloaded.
    sessionStorage.setItem(
      TOUR_FORK_KEY,
      JSON.stringify({
        peer: 'http://127.0.0.1:5001',
        fork: 3,
        reorgs: 0,
        ours: ['e'.repeat(64)],
        theirs: ['f'.repeat(64)]
      })
    )
    setActivePinia(createPinia())
    const reloaded = useTourStore()
    fake.getStatus.mockResolvedValue(status({ index: 4 })) // the block mined before the reload
    expect(await reloaded.run('fork')).toBe(true)
    expect(fake.mineOnce).not.toHaveBeenCalled()
    expect(fake.mineOnPeer).toHaveBeenCalledTimes(1)
    expect(reloaded.found.fork).toMatchObject({
      fork: 3,
      ours: ['e'.repeat(64)],
      theirs: ['f'.repeat(64), hash(66)]
    })
    expect(sessionStorage.getItem(TOUR_FORK_KEY)).toBeNull()
  })

  it('heals counting from the fork: a reorganisation that came before the click still ends it', async () => {
    const tour = useTourStore()
    tour.found.mine = { index: 2, hash: 'a'.repeat(64), difficulty: 8, reward: 50, balance: 50 }
    tour.found.send = { id: 'b'.repeat(64), amount: 10, fee: 1, recipient: 'c'.repeat(40) }
    tour.found.confirm = { index: 3, hash: 'd'.repeat(64), confirmations: 1, balance: 90 }
    tour.found.peer = { url: 'http://127.0.0.1:5001', started: false, to: 3 }
    tour.found.resolve = { replaced: false, length: 3 }
    tour.found.fork = {
      peer: 'http://127.0.0.1:5001',
      fork: 3,
      ours: ['e'.repeat(64)],
      theirs: ['f'.repeat(64), '1'.repeat(64)],
      reorgs: 0
    }
    // The links were healed on the Peers screen before the tour's button: the record is there.
    const record = {
      seq: 1,
      at: 1,
      forkIndex: 3,
      forkHash: 'd'.repeat(64),
      oldTip: { hash: 'e'.repeat(64), index: 4 },
      newTip: { hash: '1'.repeat(64), index: 5 },
      oldWork: '256',
      newWork: '512',
      disconnected: ['e'.repeat(64)],
      disconnectedCount: 1,
      connected: ['f'.repeat(64), '1'.repeat(64)],
      connectedCount: 2,
      txsDisconnected: 0,
      txsConnected: 0,
      txsBack: [],
      txsBackCount: 0,
      source: 'http://127.0.0.1:5001'
    }
    fake.listReorgs.mockResolvedValue({ ok: true, value: { records: [record], total: 1 } })
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    await click(wrapper, 'heal')
    expect(fake.healAll).toHaveBeenCalled()
    expect(wrapper.find('[data-testid="tour-reorg"]').text()).toMatch(
      /^This node switched to the branch from http:\/\/127\.0\.0\.1:5001: since block 3 it has more work \(512 against 256\)/
    )
  })

  it('runs on regtest only: on main it says why, and no step can be done', async () => {
    fake.getStatus.mockResolvedValue(status({ network: 'main' }))
    // As the app's shell does before any screen.
    await useChainStore().load()
    const { wrapper } = await mountInApp(TourView, { path: '/tour' })
    await flushPromises()
    expect(wrapper.find('[data-testid="tour-main"]').text()).toContain('regtest nodes only')
    expect(wrapper.find('[data-testid="tour-do-mine"]').attributes('disabled')).toBeDefined()
    // Asked anyway (the store, as another screen could), it refuses before mining anything.
    expect(await useTourStore().run('mine')).toBe(false)
    expect(fake.mineOnce).not.toHaveBeenCalled()
  })
})
