import { onMounted, onUnmounted } from 'vue'
import type { NodeEvent } from '@shared/api'
import { api } from '@renderer/api'
import { useChainStore } from '@renderer/stores/chain'
import { useMiningStore } from '@renderer/stores/mining'
import { usePeersStore } from '@renderer/stores/peers'
import { useSettingsStore } from '@renderer/stores/settings'
import { useWalletStore } from '@renderer/stores/wallet'

/** Routes every event the node pushes to the stores, for as long as the calling component lives. */
export function useNodeEvents(): void {
  const stores = [
    useChainStore(),
    useWalletStore(),
    useMiningStore(),
    usePeersStore(),
    useSettingsStore()
  ]
  let unsubscribe: (() => void) | null = null
  onMounted(() => {
    unsubscribe = api.onEvent((e: NodeEvent) => {
      for (const store of stores) store.applyEvent(e)
    })
  })
  onUnmounted(() => unsubscribe?.())
}
