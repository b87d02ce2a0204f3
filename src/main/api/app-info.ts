/**
 * About's facts as the node knows them. Electron's and Chrome's versions come from
 * process.versions, so they are there exactly when the node runs inside Electron; the shell
 * adds its own (shell/app-info.ts).
 */
import pkg from '../../../package.json'
import { PROTOCOL_VERSION } from '../core'
import type { ApiMethod, AppInfo, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { shownPath } from './paths'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const APP_INFO_METHODS = ['getAppInfo'] as const satisfies readonly ApiMethod[]

export type AppInfoHandlers = Pick<NodeApiHandlers, (typeof APP_INFO_METHODS)[number]>

export function appInfoHandlers(deps: Pick<UiApiDeps, 'service'>): AppInfoHandlers {
  const { service } = deps

  return {
    async getAppInfo(): Promise<AppInfo> {
      return {
        name: 'Blockforge',
        version: pkg.version,
        protocolVersion: PROTOCOL_VERSION,
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
        // As Settings shows folders (~/… under the home folder): what a user reads as their own
        // and may show in a screenshot without their account name.
        dataDir: shownPath(service.dataDir),
        walletFile: shownPath(service.walletFile),
        // The node logs to its terminal; the Electron shell adds its log folder (shell/app-info.ts).
        logDir: null,
        walletCreated: service.walletCreated
      }
    }
  }
}
