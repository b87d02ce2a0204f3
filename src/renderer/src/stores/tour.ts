import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import {
  DEMO_WALLET_B,
  type ApiResult,
  type ReorgEntry,
  type TransactionView,
  type WalletInfo
} from '@shared/api'
import { isLoopbackPeerUrl } from '@shared/peer-url'
import { api } from '@renderer/api'
import type { Refusal } from '@renderer/i18n/outcomes'

/**
 * The guided tour's progress (views/TourView.vue): what each step found, which one runs, what it
 * waits for and why one failed. Kept here, not in the screen, so that a person who follows a
 * step's link (to a block, the fork tree) and comes back finds the tour where it was, and a step
 * that waits for the nodes goes on while another screen is shown. What the steps found is also
 * kept in the window's sessionStorage, so a reload finds the tour where it was, unless the chain
 * it was made on is gone (a new demo, a reset chain). Each step acts only through the UI API, as
 * a person would from the other screens. Values only: the screen words them.
 */
export type StepId = 'mine' | 'send' | 'confirm' | 'peer' | 'resolve' | 'fork' | 'heal'
export const TOUR_STEPS: readonly StepId[] = [
  'mine',
  'send',
  'confirm',
  'peer',
  'resolve',
  'fork',
  'heal'
]

export interface TourFound {
  mine?: { index: number; hash: string; difficulty: number; reward: number; balance: number }
  send?: { id: string; amount: number; fee: number; recipient: string }
  confirm?: { index: number; hash: string; confirmations: number; balance: number }
  peer?: { url: string; started: boolean; to: number }
  resolve?: { replaced: boolean; length: number }
  /** `reorgs`: the fork history's length when the fork was made (heal waits for one more). */
  fork?: { peer: string; fork: number; ours: string[]; theirs: string[]; reorgs: number }
  heal?: { record: ReorgEntry }
}

/** What a running step waits for: a peer to catch up, or the nodes to agree after healing. */
export type TourWait = { step: 'peer'; url: string } | { step: 'heal' }

/** Why a step failed: the node refused, the nodes did not get there in time, or the transport. */
export type TourFailure =
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'not-regtest' }
  | { kind: 'timeout'; wait: TourWait }
  | { kind: 'error'; message: string }

/** Where the window keeps what the steps found, across a reload (not across windows). */
export const TOUR_STORAGE_KEY = 'blockforge.tour'
/** Where the fork step keeps what it has done so far (it makes several changes on two nodes). */
export const TOUR_FORK_KEY = 'blockforge.tour.fork'
/** Where the send step keeps the wallet's next nonce just before it sends (see send below). */
export const TOUR_SEND_KEY = 'blockforge.tour.send'

/** The fork step so far: the fork point and history length it started from, blocks mined. */
export type ForkSoFar = NonNullable<TourFound['fork']>

/** The shape of each finding, as the screen reads it: anything else in storage is not kept. */
type Shape = { [field: string]: 'number' | 'string' | 'boolean' | 'strings' | Shape }
const FORK_SHAPE: Shape = {
  peer: 'string',
  fork: 'number',
  ours: 'strings',
  theirs: 'strings',
  reorgs: 'number'
}
const SHAPES: Record<StepId, Shape> = {
  mine: {
    index: 'number',
    hash: 'string',
    difficulty: 'number',
    reward: 'number',
    balance: 'number'
  },
  send: { id: 'string', amount: 'number', fee: 'number', recipient: 'string' },
  confirm: { index: 'number', hash: 'string', confirmations: 'number', balance: 'number' },
  peer: { url: 'string', started: 'boolean', to: 'number' },
  resolve: { replaced: 'boolean', length: 'number' },
  fork: FORK_SHAPE,
  heal: {
    record: {
      forkIndex: 'number',
      newWork: 'string',
      oldWork: 'string',
      disconnectedCount: 'number',
      connectedCount: 'number',
      txsBackCount: 'number'
    }
  }
}

function fits(v: unknown, shape: Shape): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const o = v as Record<string, unknown>
  return Object.entries(shape).every(([k, want]) =>
    want === 'strings'
      ? Array.isArray(o[k]) && (o[k] as unknown[]).every((x) => typeof x === 'string')
      : typeof want === 'object'
        ? fits(o[k], want)
        : typeof o[k] === want
  )
}

function stored(key: string): unknown {
  try {
    return JSON.parse(window.sessionStorage.getItem(key) ?? 'null')
  } catch {
    return null // no storage (a sandboxed page) or not JSON
  }
}

/**
 * What a previous load of this window kept: the findings of the first steps, in order, each of
 * the shape the screen reads; from the first one missing or malformed on, nothing.
 */
function kept(): TourFound {
  const v = stored(TOUR_STORAGE_KEY)
  const out: Record<string, unknown> = {}
  if (typeof v !== 'object' || v === null) return out
  for (const s of TOUR_STEPS) {
    const f = (v as Record<string, unknown>)[s]
    if (!fits(f, SHAPES[s])) break
    out[s] = f
  }
  return out as TourFound
}

function keptFork(): ForkSoFar | null {
  const v = stored(TOUR_FORK_KEY)
  return fits(v, FORK_SHAPE) ? (v as ForkSoFar) : null
}

function store(key: string, v: unknown): void {
  try {
    if (v === null) window.sessionStorage.removeItem(key)
    else window.sessionStorage.setItem(key, JSON.stringify(v))
  } catch {
    // Full or refused storage: the tour goes on, only a reload forgets it.
  }
}

/** How long a step waits for the nodes (a catch-up, a reorganisation) before it says so. */
export const TOUR_WAIT_MS = 60_000
/** The transfer the tour sends: to the demo's node B (app/demo.ts). */
export const TOUR_TRANSFER = { recipient: DEMO_WALLET_B, amount: 10, fee: 1 } as const

class Stop extends Error {
  constructor(readonly failure: TourFailure) {
    super('tour step failed')
  }
}
function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Stop({ kind: 'refused', refusal: r })
  return r.value
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Asks until `check` gives a value; a timeout failure after TOUR_WAIT_MS. */
async function until<T>(wait: TourWait, check: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + TOUR_WAIT_MS
  for (;;) {
    const v = await check()
    if (v !== null) return v
    if (Date.now() > end) throw new Stop({ kind: 'timeout', wait })
    await sleep(500)
  }
}

/** Confirmed transfers read per page while looking for the tour's transfer (the API's most). */
const HISTORY_PAGE = 500

/**
 * The tour's transfer among the wallet's from nonce `since` on: pending, among the wallet's newest
 * entries, or confirmed further back (blocks mined since push it out of the wallet's first page).
 */
async function tourTransferSince(
  w: WalletInfo,
  since: number
): Promise<TransactionView | undefined> {
  const isIt = (t: TransactionView): boolean =>
    t.sender === w.address &&
    t.nonce >= since &&
    t.recipient === TOUR_TRANSFER.recipient &&
    t.amount === TOUR_TRANSFER.amount &&
    t.fee === TOUR_TRANSFER.fee
  const near = [...w.pending, ...w.history].map((e) => e.transaction).find(isIt)
  // No transfer of that nonce is confirmed yet: it is pending or was never taken.
  if (near !== undefined || w.nonce <= since) return near
  // Newest first, back to the first transfer of this wallet from before `since`.
  for (let offset = 0; ; offset += HISTORY_PAGE) {
    const page = value(await api.getAddress(w.address, offset, HISTORY_PAGE))
    const confirmed = page.history.filter((e) => e.status === 'confirmed')
    for (const { transaction: t } of confirmed) {
      if (isIt(t)) return t
      if (t.sender === w.address && t.nonce < since) return undefined
    }
    if (confirmed.length < HISTORY_PAGE) return undefined
  }
}

/** The one peer on this machine the tour works with: a peer already, found here, or started. */
async function localPeer(): Promise<{ url: string; started: boolean }> {
  // A peer this node reaches: one left in the list by a node that has since stopped is passed by.
  const known = (await api.listPeers()).find(
    (p) => isLoopbackPeerUrl(p.url) && p.state === 'connected'
  )
  if (known) return { url: known.url, started: false }
  const status = await api.getStatus()
  const nodes = await api.discoverLocalNodes()
  const same = nodes.filter((n) => !n.self && n.genesisHash === status.genesisHash)
  // The demo's node B listens on the port after A's (npm run demo): it first, rather than
  // whichever other regtest node this machine runs.
  const port = (u: string): number => Number(new URL(u).port)
  const self = nodes.find((n) => n.self)
  const local =
    same.find((n) => self !== undefined && port(n.url) === port(self.url) + 1) ?? same[0]
  if (local) {
    value(await api.addPeer(local.url))
    return { url: local.url, started: false }
  }
  return { url: value(await api.startLocalNode()).url, started: true }
}

export const useTourStore = defineStore('tour', () => {
  const found = reactive<TourFound>(kept())
  watch(found, (f) => store(TOUR_STORAGE_KEY, f), { deep: true })
  /** The fork step's changes so far, kept as they are made (see fork below). */
  const forkSoFar = ref<ForkSoFar | null>(keptFork())
  watch(forkSoFar, (f) => store(TOUR_FORK_KEY, f), { deep: true })
  const failed = reactive<Partial<Record<StepId, TourFailure>>>({})
  const busy = ref<StepId | null>(null)
  const waiting = ref<TourWait | null>(null)
  /** The first step not done yet: the only one that can be done now. */
  const current = computed(() => TOUR_STEPS.find((s) => found[s] === undefined) ?? null)

  const balance = async (): Promise<number> => (await api.getWallet()).balance

  const RUN: Record<StepId, () => Promise<void>> = {
    async mine() {
      const b = value(await api.mineOnce())
      found.mine = {
        index: b.index,
        hash: b.hash,
        difficulty: b.difficulty,
        reward: b.reward,
        balance: await balance()
      }
    },
    async send() {
      // A reload while the node was taking the transfer would send it a second time: the nonce
      // it was to get is kept before sending, and the step done again first looks for the
      // tour's transfer from that nonce on, pending or already in a block.
      const w = await api.getWallet()
      const since = stored(TOUR_SEND_KEY)
      if (typeof since === 'number') {
        const sent = await tourTransferSince(w, since)
        if (sent !== undefined) {
          found.send = { id: sent.id, ...TOUR_TRANSFER }
          store(TOUR_SEND_KEY, null)
          return
        }
      } else store(TOUR_SEND_KEY, w.pendingNonce)
      const { id } = value(await api.sendTransaction({ ...TOUR_TRANSFER }))
      found.send = { id, ...TOUR_TRANSFER }
      store(TOUR_SEND_KEY, null)
    },
    async confirm() {
      const b = value(await api.mineOnce())
      const tx = value(await api.getTransaction(found.send!.id))
      found.confirm = {
        index: tx.blockIndex ?? b.index,
        hash: tx.blockHash ?? b.hash,
        confirmations: tx.confirmations,
        balance: await balance()
      }
    },
    async peer() {
      const { url, started } = await localPeer()
      const tip = (await api.getStatus()).index
      const wait: TourWait = { step: 'peer', url }
      waiting.value = wait
      const to = await until(wait, async () => {
        const p = (await api.listPeers()).find((x) => x.url === url)
        return p && p.tipIndex !== null && p.tipIndex >= tip ? p.tipIndex : null
      })
      found.peer = { url, started, to }
    },
    async resolve() {
      const r = value(await api.resolve())
      found.resolve = { replaced: r.replaced, length: r.length }
    },
    async fork() {
      const peer = found.peer!.url
      // Several changes on two nodes: each is kept as soon as it is made, so that the step done
      // again (after a failure, or a reload in its middle) goes on from there, from the same
      // fork point, instead of cutting again and counting from a later block.
      if (forkSoFar.value?.peer !== peer) {
        const fork = (await api.getStatus()).index
        const reorgs = value(await api.listReorgs(0, 1)).total
        forkSoFar.value = { peer, fork, reorgs, ours: [], theirs: [] }
      }
      const so = forkSoFar.value!
      value(await api.setIsolated(true))
      if (so.ours.length < 1) so.ours.push(value(await api.mineOnce()).hash)
      while (so.theirs.length < 2) so.theirs.push(value(await api.mineOnPeer(peer)).hash)
      found.fork = { ...so, ours: [...so.ours], theirs: [...so.theirs] }
      forkSoFar.value = null
    },
    async heal() {
      // Counted from the fork, not from this click: the links may have been healed already
      // (Peers → Link faults), and the reorganisation with them.
      const before = found.fork!.reorgs
      // Every fault goes: the cut-off the tour made, and any link fault set meanwhile.
      value(await api.healAll())
      const wait: TourWait = { step: 'heal' }
      waiting.value = wait
      const record = await until(wait, async () => {
        const page = value(await api.listReorgs(0, 1))
        return page.total > before ? page.records[0] : null
      })
      found.heal = { record }
    }
  }

  /** Does `step`, if it is the current one and nothing runs; true when it was done. */
  async function run(step: StepId): Promise<boolean> {
    if (busy.value !== null || current.value !== step) return false
    busy.value = step
    delete failed[step]
    try {
      // Regtest only: on main the tour would send coins to the demo's wallet, whose seed is public.
      if ((await api.getStatus()).network !== 'regtest') throw new Stop({ kind: 'not-regtest' })
      await RUN[step]()
      return true
    } catch (e) {
      failed[step] =
        e instanceof Stop
          ? e.failure
          : { kind: 'error', message: e instanceof Error ? e.message : String(e) }
      return false
    } finally {
      busy.value = null
      waiting.value = null
    }
  }

  /** Starts the tour's explanations again; the chain it made stays (a fresh one: `npm run demo`). */
  function restart(): void {
    if (busy.value !== null) return
    for (const s of TOUR_STEPS) {
      delete found[s]
      delete failed[s]
    }
    forkSoFar.value = null
    store(TOUR_SEND_KEY, null)
  }

  // Kept from before a reload: dropped if the node no longer has the tour's first block.
  const first = found.mine?.hash
  if (first !== undefined)
    void api
      .getBlock(first)
      .then((r) => {
        if (r?.ok === false && r.error === 'not_found' && found.mine?.hash === first) restart()
      })
      .catch(() => {}) // the node unreachable: keep it, the screen says the node is away

  return { found, failed, busy, waiting, current, run, restart }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTourStore, import.meta.hot))
