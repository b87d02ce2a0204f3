/**
 * The lab's fork tree and fork history: every block this node knows off its main chain (side
 * branches and orphans waiting for their parent), with the main-chain blocks beside them, and
 * each reorganisation as the store kept it (store/reorgs.ts). Reads only.
 */
import { MAX_REORGS, type ApiMethod, type ForkTree, type NodeApiHandlers } from '../../shared/api'
import { forkTree } from '../node/fork-tree'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { errResult, int, okResult, str } from './guards'

export const FORK_METHODS = [
  'getForkTree',
  'getPeerForkTree',
  'listReorgs'
] as const satisfies readonly ApiMethod[]

export type ForkHandlers = Pick<NodeApiHandlers, (typeof FORK_METHODS)[number]>

export function forkHandlers(deps: Pick<UiApiDeps, 'service' | 'peers'>): ForkHandlers {
  const { service, peers } = deps
  return {
    getForkTree: guarded(async () => okResult(forkTree(service))),

    getPeerForkTree: guarded(async (peerUrl) => {
      const url = str(peerUrl, 'peerUrl', undefined, 300)
      const r = await peers.forkTree(url)
      return r ?? errResult<ForkTree | null>('not_found', `${url} is not a peer of this node`)
    }),

    listReorgs: guarded(async (offset, limit) => {
      const page = service.reorgHistory(
        int(offset, 'offset', 0, MAX_REORGS),
        int(limit, 'limit', 1, MAX_REORGS)
      )
      return okResult({
        records: page.records.map((r) => ({
          ...r,
          disconnected: [...r.disconnected],
          connected: [...r.connected],
          txsBack: [...r.txsBack]
        })),
        total: page.total
      })
    })
  }
}
