/**
 * Settings from the UI. The look (theme, language, notifications, first run seen), the API token
 * and the thread count go through their one owner (node/settings.ts), which keeps them in the
 * data dir; port, host, network and data dir are saved for the next start.
 */
import { checkThreads, checkToken } from '../node/settings'
import type {
  ApiMethod,
  Language,
  NodeApiHandlers,
  NodeEvent,
  Settings,
  Theme
} from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { BadArgument, errResult, int, okResult, str } from './guards'
import { fullPath, shownPath } from './paths'
import { isObject } from '../core'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const SETTINGS_METHODS = [
  'getSettings',
  'updateSettings'
] as const satisfies readonly ApiMethod[]

export type SettingsHandlers = Pick<NodeApiHandlers, (typeof SETTINGS_METHODS)[number]>

/** A true or false from an untrusted caller (a switch in Settings); nothing else is read as one. */
function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new BadArgument(`${name} must be true or false`)
  return v
}

export function settingsHandlers(
  deps: Pick<UiApiDeps, 'service' | 'mining' | 'launch' | 'settings' | 'saveLaunchSettings'>,
  /** Tells every window of the change (the 'settings' event). */
  push: (e: NodeEvent) => void
): SettingsHandlers {
  const { service, mining } = deps

  function settings(): Settings {
    return {
      port: deps.launch.port,
      host: deps.launch.host,
      network: service.network.name,
      dataDir: shownPath(service.dataDir),
      apiToken: deps.settings.apiToken() ?? '',
      miningThreads: deps.settings.threads,
      apiTokenFrom: deps.settings.apiTokenFrom,
      miningThreadsFrom: deps.settings.threadsFrom,
      ...deps.settings.preferences()
    }
  }

  return {
    async getSettings() {
      return settings()
    },

    updateSettings: guarded(async (patch) => {
      if (!isObject(patch)) throw new BadArgument('settings must be an object')
      const p = patch as Record<string, unknown>
      // Checked before anything is saved: a bad switch value must not leave the theme half-applied.
      const notifications =
        p.notifications === undefined ? undefined : bool(p.notifications, 'notifications')
      const welcomeSeen =
        p.welcomeSeen === undefined ? undefined : bool(p.welcomeSeen, 'welcomeSeen')
      const theme =
        p.theme === undefined ? undefined : (str(p.theme, 'theme', /^(light|dark)$/) as Theme)
      const language =
        p.language === undefined
          ? undefined
          : (str(p.language, 'language', /^(en|zh-CN)$/) as Language)
      deps.settings.setPreferences({ theme, language, notifications, welcomeSeen })
      // The node's own rules (node/settings.ts), both checked before either is applied.
      const threads =
        p.miningThreads === undefined ? undefined : checkThreads(p.miningThreads, 'miningThreads')
      const token =
        p.apiToken === undefined || p.apiToken === ''
          ? undefined
          : checkToken(p.apiToken, 'apiToken')
      for (const c of [threads, token])
        if (c !== undefined && !c.ok) return errResult<Settings>('invalid_field', c.message)
      if (p.miningThreads !== undefined)
        await deps.settings.setThreads(p.miningThreads, (n) => mining.setThreads(n))
      // In force for the next request: the control and UI routes read the token through its owner.
      if (p.apiToken !== undefined) deps.settings.setApiToken(p.apiToken)
      const launch = {
        port: p.port === undefined ? deps.launch.port : int(p.port, 'port', 0, 65535),
        host:
          p.host === undefined
            ? deps.launch.host
            : str(p.host, 'host', /^[0-9A-Za-z.:[\]-]{1,255}$/),
        network:
          p.network === undefined
            ? service.network.name
            : (str(p.network, 'network', /^(main|regtest)$/) as Settings['network']),
        dataDir:
          p.dataDir === undefined
            ? service.dataDir
            : fullPath(str(p.dataDir, 'dataDir', /^[^\0]{1,1024}$/))
      }
      const changedLaunch =
        launch.port !== deps.launch.port ||
        launch.host !== deps.launch.host ||
        launch.network !== service.network.name ||
        launch.dataDir !== service.dataDir
      if (changedLaunch) {
        if (!deps.saveLaunchSettings)
          return errResult<Settings>(
            'unavailable',
            'port, host, network and data dir are set by command-line flags on this node'
          )
        deps.saveLaunchSettings(launch)
      }
      const s = settings()
      push({ type: 'settings', settings: s })
      return okResult(s)
    })
  }
}
