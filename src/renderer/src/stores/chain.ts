import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { BlockSummary, NodeEvent, NodeStatus } from '@shared/api'
import { api } from '@renderer/api'
import { coalesce, tracker } from './tracker'

export type ReorgEvent = Extract<NodeEvent, { type: 'reorg' }>

const RECENT = 10

/** The node's status and the newest main-chain blocks, kept current by pushed events. */
export const useChainStore = defineStore('chain', () => {
  const status = ref<NodeStatus | null>(null)
  const recent = ref<BlockSummary[]>([])
  const lastReorg = ref<ReorgEvent | null>(null)
  /** Bumped on every change of the chain, so views showing other slices of it refetch. */
  const revision = ref(0)
  const { loading, error, track } = tracker()

  async function load(): Promise<void> {
    await track(async () => {
      const [s, blocks] = await Promise.all([api.getStatus(), api.listBlocks(0, RECENT)])
      status.value = s
      recent.value = blocks
    })
  }

  const refreshRecent = coalesce(async () => {
    await track(async () => {
      recent.value = await api.listBlocks(0, RECENT)
    })
  })

  function applyEvent(e: NodeEvent): void {
    switch (e.type) {
      case 'status':
        status.value = e.status
        break
      case 'block':
        if (e.block.onMain) {
          // A new main block at index n replaces whatever we showed at n and above.
          const older = recent.value.filter((b) => b.index < e.block.index)
          recent.value = [e.block, ...older].slice(0, RECENT)
        }
        revision.value++
        break
      case 'blocks':
        // Many blocks at once (catching up): the newest list is read again, once per summary.
        revision.value++
        void refreshRecent()
        break
      case 'reorg':
        lastReorg.value = e
        revision.value++
        void refreshRecent()
        break
      case 'pending':
        if (status.value) status.value = { ...status.value, pending: e.count }
        break
      case 'peers':
        if (status.value) status.value = { ...status.value, peers: e.peers.length }
        break
    }
  }

  function dismissReorg(): void {
    lastReorg.value = null
  }

  return { status, recent, lastReorg, revision, loading, error, load, applyEvent, dismissReorg }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useChainStore, import.meta.hot))
