/**
 * The lab's link faults from the UI (p2p/faults.ts owns them and their rules): read them, set
 * one link's, cut the node off from the nodes on this machine or reconnect it, heal them all.
 * Local only: the UI API is served over Electron IPC and the UI routes, which answer loopback
 * clients or the API token and refuse other sites' pages (http/ui-routes.ts); no protocol route
 * reaches these. In memory: a restart heals every link.
 */
import type { ApiMethod, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { bool, okResult } from './guards'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const FAULT_METHODS = [
  'getFaults',
  'setLinkFault',
  'setIsolated',
  'healAll'
] as const satisfies readonly ApiMethod[]

export type FaultHandlers = Pick<NodeApiHandlers, (typeof FAULT_METHODS)[number]>

export function faultHandlers(deps: Pick<UiApiDeps, 'peers'>): FaultHandlers {
  const { faults } = deps.peers
  return {
    async getFaults() {
      return faults.view()
    },
    // The URL and the fault are checked by their one owner (invalid_field, with why).
    setLinkFault: guarded(async (peerUrl, fault) => faults.set(peerUrl, fault)),
    setIsolated: guarded(async (on) => okResult(faults.setIsolated(bool(on, 'on')))),
    healAll: guarded(async () => okResult(faults.healAll()))
  }
}
