/**
 * The guided tour's one action of its own (the renderer's TourView does the rest through the
 * other areas' methods, as a person would): mining a block on a peer on this machine, so the tour
 * can make a fork with both sides mining. Only a peer of this node, only one on this machine,
 * and only through the UI API (IPC, or the token-protected UI routes).
 */
import type { ApiMethod, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { errResult, str } from './guards'

export const TOUR_METHODS = ['mineOnPeer'] as const satisfies readonly ApiMethod[]

export type TourHandlers = Pick<NodeApiHandlers, (typeof TOUR_METHODS)[number]>

export function tourHandlers(deps: Pick<UiApiDeps, 'peers'>): TourHandlers {
  const { peers } = deps
  return {
    mineOnPeer: guarded(async (peerUrl) => {
      const url = str(peerUrl, 'peerUrl', undefined, 300)
      const r = await peers.mineOnPeer(url)
      return (
        r ??
        errResult<{ index: number; hash: string }>('not_found', `${url} is not a peer of this node`)
      )
    })
  }
}
