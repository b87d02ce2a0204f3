import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiResult, BlockSummary, MiningStatus, NodeEvent } from '@shared/api'
import { api } from '@renderer/api'
import { tracker } from './tracker'

export interface HashRateSample {
  /** Milliseconds since the epoch. */
  t: number
  rate: number
}

/** How many pushed samples the hash-rate chart keeps. */
export const MAX_SAMPLES = 60

/** The miner's state and a rolling history of its hash rate for the chart. */
export const useMiningStore = defineStore('mining', () => {
  const mining = ref<MiningStatus | null>(null)
  const samples = ref<HashRateSample[]>([])
  const busy = ref(false)
  /** Re-mining a copy in the tamper lab: the last progress pushed, null before the first. */
  const copyProgress = ref<{ hashes: number; hashRate: number; expectedMs: number } | null>(null)
  const { loading, error, track } = tracker()

  function record(m: MiningStatus, now = Date.now()): void {
    mining.value = m
    if (!m.active && samples.value.length === 0) return
    samples.value = [...samples.value, { t: now, rate: m.active ? m.hashRate : 0 }].slice(
      -MAX_SAMPLES
    )
  }

  async function load(): Promise<void> {
    const m = await track(() => api.getMining())
    if (m) mining.value = m
  }

  async function act<T>(work: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    try {
      return await track(work)
    } finally {
      busy.value = false
    }
  }

  async function start(threads?: number): Promise<ApiResult<MiningStatus> | undefined> {
    const r = await act(() => api.startMining(threads))
    if (r?.ok) record(r.value)
    return r
  }

  async function stop(): Promise<void> {
    const m = await act(() => api.stopMining())
    if (m) record(m)
  }

  async function mineOnce(): Promise<ApiResult<BlockSummary> | undefined> {
    const r = await act(() => api.mineOnce())
    if (r?.ok) await load()
    return r
  }

  function applyEvent(e: NodeEvent): void {
    if (e.type === 'mining') record(e.mining)
    else if (e.type === 'copyMining')
      copyProgress.value = { hashes: e.hashes, hashRate: e.hashRate, expectedMs: e.expectedMs }
  }

  return {
    mining,
    samples,
    copyProgress,
    busy,
    loading,
    error,
    load,
    start,
    stop,
    mineOnce,
    applyEvent
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useMiningStore, import.meta.hot))
