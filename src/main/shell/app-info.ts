/**
 * The window's getAppInfo: the node's answer with what only the Electron shell knows, the
 * runtime's versions and where this instance writes its log.
 */
import type { AppInfo, NodeApiHandlers } from '../../shared/api'
import { shownPath } from '../api/handlers'

/**
 * electron-builder.yml's appId. On Windows the installer's Start Menu shortcut carries it as its
 * AppUserModelID, and a notification is shown only for a process that says the same
 * (app.setAppUserModelId; Electron's notifications tutorial). A test keeps the two equal.
 */
export const APP_ID = 'dev.blockforge.app'

export interface ShellInfo {
  logDir: string
  versions: Partial<Pick<NodeJS.ProcessVersions, 'electron' | 'chrome' | 'node'>>
}

export function withShellInfo(api: NodeApiHandlers, shell: ShellInfo): NodeApiHandlers {
  return {
    ...api,
    getAppInfo: async (): Promise<AppInfo> => {
      const info = await api.getAppInfo()
      return {
        ...info,
        electron: shell.versions.electron ?? info.electron,
        chrome: shell.versions.chrome ?? info.chrome,
        node: shell.versions.node ?? info.node,
        // Shown as the node shows its data dir and wallet file (~/...).
        logDir: shownPath(shell.logDir)
      }
    }
  }
}
