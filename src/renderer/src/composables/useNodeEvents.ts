import { onMounted, onUnmounted } from 'vue'
import type { NodeEvent } from '@shared/api'
import { api } from '@renderer/api'
import { useAppStore } from '@renderer/stores/app'
import { useChainStore } from '@renderer/stores/chain'
import { useMiningStore } from '@renderer/stores/mining'
import { usePeersStore } from '@renderer/stores/peers'
import { useSettingsStore } from '@renderer/stores/settings'
import { useWalletStore } from '@renderer/stores/wallet'

/**
 * Routes every event the node pushes to the stores, and to `handlers` (the shell's show requests,
 * desktop notices), for as long as the calling component lives: one subscription for the app.
 */
export function useNodeEvents(handlers: ((e: NodeEvent) => void)[] = []): void {
  const stores = [
    useChainStore(),
    useWalletStore(),
    useMiningStore(),
    usePeersStore(),
    useSettingsStore(),
    useAppStore()
  ]
  let unsubscribe: (() => void) | null = null
  onMounted(() => {
    unsubscribe = api.onEvent((e: NodeEvent) => {
      for (const store of stores) store.applyEvent(e)
      for (const handle of handlers) handle(e)
    })
  })
  onUnmounted(() => unsubscribe?.())
}
