/**
 * The node's run-time settings, the API token and the mining-thread count: one set of rules
 * (checkThreads, checkToken: the command line, the UI API and the miner all use these) and one
 * owner (NodeSettings: the control routes and the UI routes read the token through it, so what
 * Settings shows is what is checked).
 *
 * Precedence. At start-up a value given explicitly (--api-token or BLOCKFORGE_API_TOKEN,
 * --threads) wins for that run; without one, the value last set in Settings (kept in the data
 * dir's store) applies; without that, the default (no token; one thread per core). Settings
 * says which (`apiTokenFrom`, `miningThreadsFrom`). A change made in Settings takes effect at
 * once, replacing even a command-line value for the rest of the run, and is saved for the next
 * start, where an explicit flag again wins for its run.
 */
import { availableParallelism } from 'node:os'
import {
  API_TOKEN_PATTERN,
  MINING_THREADS_MAX,
  type Language,
  type SettingSource,
  type Theme
} from '../../shared/api'
import { nullLogger, type Logger } from '../log'

export const THREADS_MIN = 1
export const THREADS_MAX = MINING_THREADS_MAX

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string }

const TOKEN = new RegExp(API_TOKEN_PATTERN)

/** A mining-thread count: a whole number from THREADS_MIN to THREADS_MAX. */
export function checkThreads(n: unknown, what = 'threads'): Checked<number> {
  if (typeof n === 'number' && Number.isInteger(n) && n >= THREADS_MIN && n <= THREADS_MAX)
    return { ok: true, value: n }
  return {
    ok: false,
    message: `${what} must be a whole number from ${THREADS_MIN} to ${THREADS_MAX}, got ${String(n).slice(0, 20) || 'nothing'}`
  }
}

/**
 * An API token: what fits in a header, a query string and a cookie without escaping. The value
 * itself is never repeated in the message (it may be a secret typed into the wrong field).
 */
export function checkToken(v: unknown, what = 'the API token'): Checked<string> {
  if (typeof v === 'string' && TOKEN.test(v)) return { ok: true, value: v }
  return { ok: false, message: `${what} needs 1 to 200 letters, digits and ._~- (nothing else)` }
}

/** One worker per core, within the limit. */
export function defaultThreads(): number {
  return Math.min(THREADS_MAX, Math.max(THREADS_MIN, availableParallelism()))
}

/** Where NodeSettings keeps what Settings set: the data dir's store. */
export interface SettingsStore {
  getSetting(key: string): string | undefined
  putSetting(key: string, value: string): void
}

/** What the command line said, explicitly (undefined: not given). */
export interface StartupSettings {
  apiToken?: string
  apiTokenFrom?: 'command-line' | 'environment'
  threads?: number
}

interface Held<T> {
  value: T
  from: SettingSource
}

const TOKEN_KEY = 'apiToken'
const THREADS_KEY = 'miningThreads'

/** The user's choices in Settings that only the UI acts on, kept in the data dir with the rest. */
export interface Preferences {
  theme: Theme
  language: Language
  notifications: boolean
  welcomeSeen: boolean
}

/** Each preference as stored (text) and the value read when nothing valid is stored. */
const PREFERENCES: { [K in keyof Preferences]: { stored: readonly string[]; fallback: string } } = {
  theme: { stored: ['light', 'dark'], fallback: 'light' },
  language: { stored: ['en', 'zh-CN'], fallback: 'en' },
  notifications: { stored: ['on', 'off'], fallback: 'on' },
  welcomeSeen: { stored: ['yes', 'no'], fallback: 'no' }
}

export class NodeSettings {
  private token: Held<string | undefined>
  private threadCount: Held<number>

  constructor(
    private readonly store: SettingsStore,
    startup: StartupSettings,
    private readonly log: Logger = nullLogger()
  ) {
    // A saved value that breaks today's rules (an older version's, a hand edit) is not used.
    const savedToken = store.getSetting(TOKEN_KEY)
    const savedThreads = store.getSetting(THREADS_KEY)
    const tokenOk = savedToken === undefined || savedToken === '' || checkToken(savedToken).ok
    const threadsOk = savedThreads === undefined || checkThreads(Number(savedThreads)).ok
    if (!tokenOk) log.warn('the saved API token breaks the token rules and is not used')
    if (!threadsOk)
      log.warn(
        { saved: savedThreads },
        `the saved mining-thread count is not from ${THREADS_MIN} to ${THREADS_MAX}; not used`
      )

    if (startup.apiToken !== undefined)
      this.token = { value: startup.apiToken, from: startup.apiTokenFrom ?? 'command-line' }
    else if (savedToken !== undefined && tokenOk)
      this.token = { value: savedToken || undefined, from: 'settings' }
    else this.token = { value: undefined, from: 'default' }

    if (startup.threads !== undefined)
      this.threadCount = { value: startup.threads, from: 'command-line' }
    else if (savedThreads !== undefined && threadsOk)
      this.threadCount = { value: Number(savedThreads), from: 'settings' }
    else this.threadCount = { value: defaultThreads(), from: 'default' }
  }

  /** The token in force now (undefined: none; control routes then answer loopback only). */
  apiToken(): string | undefined {
    return this.token.value
  }

  get apiTokenFrom(): SettingSource {
    return this.token.from
  }

  get threads(): number {
    return this.threadCount.value
  }

  get threadsFrom(): SettingSource {
    return this.threadCount.from
  }

  /** Set (or with '' remove) the token: in force for the next request, and saved. */
  setApiToken(v: unknown): Checked<string> {
    const c = v === '' ? ({ ok: true, value: '' } as const) : checkToken(v, 'apiToken')
    if (!c.ok) return c
    this.store.putSetting(TOKEN_KEY, c.value)
    this.token = { value: c.value || undefined, from: 'settings' }
    // Never the token itself: that a new one is in force is all the log may say.
    this.log.info(
      c.value
        ? 'a new API token is in force'
        : 'API token removed; control routes and the UI answer loopback only'
    )
    return c
  }

  /** The UI's preferences; anything stored that is not one of a preference's words reads as its default. */
  preferences(): Preferences {
    const read = (key: keyof Preferences): string => {
      const v = this.store.getSetting(key)
      const p = PREFERENCES[key]
      return v !== undefined && p.stored.includes(v) ? v : p.fallback
    }
    return {
      theme: read('theme') as Theme,
      language: read('language') as Language,
      notifications: read('notifications') === 'on',
      welcomeSeen: read('welcomeSeen') === 'yes'
    }
  }

  /** Save the preferences given (checked by the caller: they are typed). */
  setPreferences(p: Partial<Preferences>): void {
    if (p.theme !== undefined) this.store.putSetting('theme', p.theme)
    if (p.language !== undefined) this.store.putSetting('language', p.language)
    if (p.notifications !== undefined)
      this.store.putSetting('notifications', p.notifications ? 'on' : 'off')
    if (p.welcomeSeen !== undefined)
      this.store.putSetting('welcomeSeen', p.welcomeSeen ? 'yes' : 'no')
  }

  /** Set the thread count: `apply` puts it in force (the miner), then it is saved. */
  async setThreads(n: unknown, apply: (n: number) => Promise<void>): Promise<Checked<number>> {
    const c = checkThreads(n, 'miningThreads')
    if (!c.ok) return c
    await apply(c.value)
    this.store.putSetting(THREADS_KEY, String(c.value))
    this.threadCount = { value: c.value, from: 'settings' }
    return c
  }
}
