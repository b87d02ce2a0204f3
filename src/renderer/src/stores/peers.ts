import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  ApiResult,
  FaultsView,
  LinkFault,
  LocalNode,
  NodeEvent,
  PeerInfo,
  ResolveOutcome
} from '@shared/api'
import { api } from '@renderer/api'
import { tracker } from './tracker'

/**
 * Our peers, the other Blockforge nodes on this machine, the last resolve's outcome, and the
 * lab's link faults of this node.
 */
export const usePeersStore = defineStore('peers', () => {
  const peers = ref<PeerInfo[]>([])
  const localNodes = ref<LocalNode[]>([])
  const discovering = ref(false)
  const lastResolve = ref<ResolveOutcome | null>(null)
  const faults = ref<FaultsView | null>(null)
  /**
   * URL of the peer an action is running on, or 'resolve' / 'start' / 'isolate' / 'heal', to
   * disable its button.
   */
  const busy = ref<string | null>(null)
  const { loading, error, track } = tracker()

  async function load(): Promise<void> {
    const list = await track(() => api.listPeers())
    if (list) peers.value = list
  }

  async function loadFaults(): Promise<void> {
    const f = await track(() => api.getFaults())
    if (f) faults.value = f
  }

  /** A link-fault action: its answer is the faults as they now are. */
  async function fault(key: string, work: () => Promise<ApiResult<FaultsView>>) {
    busy.value = key
    try {
      const r = await track(work)
      if (r?.ok) faults.value = r.value
      return r
    } finally {
      busy.value = null
    }
  }
  const setLinkFault = (url: string, f: LinkFault) => fault(url, () => api.setLinkFault(url, f))
  const setIsolated = (on: boolean) => fault('isolate', () => api.setIsolated(on))
  const healAll = () => fault('heal', () => api.healAll())

  async function discover(): Promise<void> {
    discovering.value = true
    try {
      const found = await track(() => api.discoverLocalNodes())
      if (found) localNodes.value = found
    } finally {
      discovering.value = false
    }
  }

  /** Runs one peer action, then refreshes what it may have changed. */
  async function act<T>(key: string, work: () => Promise<ApiResult<T>>) {
    busy.value = key
    try {
      const r = await track(work)
      if (r?.ok) await Promise.all([load(), localNodes.value.length > 0 ? discover() : undefined])
      return r
    } finally {
      busy.value = null
    }
  }

  const add = (url: string) => act(url, () => api.addPeer(url))
  const remove = (url: string) => act(url, () => api.removePeer(url))
  const ban = (url: string, minutes: number) => act(url, () => api.banPeer(url, minutes))
  const unban = (url: string) => act(url, () => api.unbanPeer(url))
  const startLocal = () => act('start', () => api.startLocalNode())

  async function resolve(): Promise<ApiResult<ResolveOutcome> | undefined> {
    const r = await act('resolve', () => api.resolve())
    if (r?.ok) lastResolve.value = r.value
    return r
  }

  function applyEvent(e: NodeEvent): void {
    if (e.type === 'peers') peers.value = e.peers
    else if (e.type === 'faults') faults.value = e.faults
  }

  return {
    peers,
    localNodes,
    discovering,
    lastResolve,
    faults,
    busy,
    loading,
    error,
    load,
    discover,
    add,
    remove,
    ban,
    unban,
    startLocal,
    resolve,
    loadFaults,
    setLinkFault,
    setIsolated,
    healAll,
    applyEvent
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePeersStore, import.meta.hot))
