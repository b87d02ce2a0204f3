import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApiResult, NodeEvent, SendRequest, WalletInfo } from '@shared/api'
import { api } from '@renderer/api'
import type { Busy } from '@renderer/i18n/outcomes'
import { coalesce, tracker } from './tracker'

/** The node's own wallet: address, balance and its pending and confirmed transfers. */
export const useWalletStore = defineStore('wallet', () => {
  const wallet = ref<WalletInfo | null>(null)
  const sending = ref(false)
  const { loading, error, track } = tracker()

  async function load(): Promise<void> {
    const w = await track(() => api.getWallet())
    if (w) wallet.value = w
  }

  /**
   * Sends from the node's wallet; the node signs. Resolves to the node's answer. While one send
   * is in flight another is refused, not queued: the node would sign it with the next nonce, so
   * a double click on a slow node became two transfers. `sending` is set before the first await,
   * so even two calls in the same tick send once.
   */
  async function send(req: SendRequest): Promise<ApiResult<{ id: string }> | Busy | undefined> {
    if (sending.value)
      return { ok: false, error: 'busy', message: 'a send is already on its way to the node' }
    sending.value = true
    try {
      const r = await track(() => api.sendTransaction(req))
      if (r?.ok) await load()
      return r
    } finally {
      sending.value = false
    }
  }

  const refresh = coalesce(load)

  function applyEvent(e: NodeEvent): void {
    // Any change of the chain or of the pool can move our balance or settle a pending transfer.
    if (e.type === 'block' || e.type === 'blocks' || e.type === 'reorg' || e.type === 'pending') {
      if (wallet.value) void refresh()
    } else if (e.type === 'status' && wallet.value) {
      wallet.value = { ...wallet.value, balance: e.status.walletBalance }
    }
  }

  return { wallet, sending, loading, error, load, send, applyEvent }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useWalletStore, import.meta.hot))
