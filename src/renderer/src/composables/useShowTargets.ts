import { useRouter } from 'vue-router'
import type { NodeEvent } from '@shared/api'

/**
 * The Electron menu and its shortcuts ask the UI to show a screen with a `show` event: the
 * returned handler (given to useNodeEvents) navigates to it. The two dialogs (About, Getting
 * started) are opened by the app store.
 */
export function useShowTargets(): (e: NodeEvent) => void {
  const router = useRouter()
  return (e) => {
    if (e.type !== 'show' || e.target === 'about' || e.target === 'welcome') return
    if (router.currentRoute.value.name !== e.target) void router.push({ name: e.target })
  }
}
