/**
 * The UI API (src/shared/api.ts) implemented over a running node. Both transports call exactly
 * these handlers: Electron IPC from the renderer and HTTP (+ server-sent events) from a browser.
 * Every argument is checked; failures come back as ApiResult values, never as throws the
 * renderer would see as opaque errors.
 *
 * One file per area, composed here into the one handler object:
 * reads.ts (status, blocks, transactions, addresses, search), wallet.ts, mining.ts, peers.ts,
 * settings.ts, app-info.ts, faults.ts (the lab's link faults), lab.ts (the block inspector), tamper.ts (the tamper lab), chain-file.ts (export and import), forks.ts (the fork tree and history), tour.ts (the guided tour's mining on a peer), and events.ts (what is pushed to subscribers); status.ts is the
 * status both getStatus and the events report, views.ts the conversions to the contract's shapes.
 */
import type { NodeApiHandlers, NodeEvent } from '../../shared/api'
import { APP_INFO_METHODS, appInfoHandlers } from './app-info'
import type { UiApiDeps } from './deps'
import { createEvents } from './events'
import { FAULT_METHODS, faultHandlers } from './faults'
import { FORK_METHODS, forkHandlers } from './forks'
import { TOUR_METHODS, tourHandlers } from './tour'
import { LAB_METHODS, labHandlers } from './lab'
import { MINING_METHODS, miningHandlers } from './mining'
import { PEER_METHODS, peerHandlers } from './peers'
import { READ_METHODS, readHandlers } from './reads'
import { SETTINGS_METHODS, settingsHandlers } from './settings'
import { CHAIN_FILE_METHODS, chainFileHandlers } from './chain-file'
import { createStatusView } from './status'
import { TAMPER_METHODS, tamperHandlers } from './tamper'
import { WALLET_METHODS, walletHandlers } from './wallet'

export type { PeerControl, UiApiDeps } from './deps'
export { fullPath, shownPath } from './paths'

/**
 * Which area answers which methods. Each area's handler object has exactly its listed methods
 * (typed Pick<NodeApiHandlers, …> of its list), createUiApi's object must be a whole
 * NodeApiHandlers, and test/api/areas.test.ts checks that no method is in two lists.
 */
export const API_AREAS = {
  reads: READ_METHODS,
  wallet: WALLET_METHODS,
  mining: MINING_METHODS,
  peers: PEER_METHODS,
  faults: FAULT_METHODS,
  settings: SETTINGS_METHODS,
  appInfo: APP_INFO_METHODS,
  lab: LAB_METHODS,
  tamper: TAMPER_METHODS,
  chainFile: CHAIN_FILE_METHODS,
  forks: FORK_METHODS,
  tour: TOUR_METHODS
} as const

export interface UiApi {
  api: NodeApiHandlers
  subscribe(cb: (e: NodeEvent) => void): () => void
}

export function createUiApi(deps: UiApiDeps): UiApi {
  const view = createStatusView(deps)
  const events = createEvents(deps, view)
  // Each area answers its own methods (API_AREAS); no two answer the same one.
  const api = {
    ...readHandlers(deps, view),
    ...walletHandlers(deps),
    ...miningHandlers(deps, view),
    ...peerHandlers(deps),
    ...faultHandlers(deps),
    ...settingsHandlers(deps, events.push),
    ...appInfoHandlers(deps),
    ...labHandlers(deps),
    ...tamperHandlers(deps),
    ...chainFileHandlers(deps),
    ...forkHandlers(deps),
    ...tourHandlers(deps)
  } satisfies NodeApiHandlers
  return { api, subscribe: events.subscribe }
}
