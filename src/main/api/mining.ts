/** Mining from the UI: one block now, start and stop the miner, and its state. */
import type { ApiMethod, MiningStatus, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { errResult, okResult } from './guards'
import type { StatusView } from './status'
import { blockSummary } from './views'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const MINING_METHODS = [
  'mineOnce',
  'startMining',
  'stopMining',
  'getMining'
] as const satisfies readonly ApiMethod[]

export type MiningHandlers = Pick<NodeApiHandlers, (typeof MINING_METHODS)[number]>

export function miningHandlers(
  deps: Pick<UiApiDeps, 'service' | 'mining' | 'settings'>,
  view: StatusView
): MiningHandlers {
  const { mining, service } = deps

  return {
    mineOnce: guarded(async () => {
      const b = await mining.mineOnce()
      const h = service.header(b.hash)!
      return okResult(blockSummary(b, h, service.isOnMain(h)))
    }),

    startMining: guarded(async (threads) => {
      if (threads !== undefined) {
        // The thread count's one owner checks it, puts it in force in the miner, then saves it.
        const set = await deps.settings.setThreads(threads, (n) => mining.setThreads(n))
        if (!set.ok) return errResult<MiningStatus>('invalid_field', set.message)
      }
      mining.start()
      return okResult(view.miningStatus())
    }),

    async stopMining() {
      mining.stop()
      return view.miningStatus()
    },

    async getMining() {
      return view.miningStatus()
    }
  }
}
