/**
 * Per-profile folders for Electron's own data. Two app instances run two profiles (data dirs
 * `main`, `main-2`, ...); left to its defaults Electron would give both one `userData` (the
 * persistent default session, GPU cache, Crashpad), which Chromium does not share safely. Each
 * profile gets its own folder under the per-user config root, named after its data dir, and its
 * logs live there too. Set before the app is ready (app.setPath: "sessionData ... before the
 * ready event").
 */
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

export interface ProfilePaths {
  userData: string
  /** Cookies, caches, localStorage of the default session (the windows use in-memory ones). */
  sessionData: string
  crashDumps: string
  /** Where the shell's log files go (rotated by src/main/log). */
  logs: string
}

/**
 * A folder name for a data dir: its own name when it is one of the app's data dirs in `root`
 * (`main`, `regtest-2`), else its name plus a hash of its full path, since two custom data dirs
 * may share a name.
 */
export function profileName(dataDir: string, root: string): string {
  const full = resolve(dataDir)
  const name = basename(full).replace(/[^A-Za-z0-9._-]/g, '_') || 'root'
  if (dirname(full) === resolve(root)) return name
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8)
  return `${name}-${hash}`
}

export function profilePaths(dataDir: string, root: string): ProfilePaths {
  const userData = join(resolve(root), 'profiles', profileName(dataDir, root))
  return {
    userData,
    sessionData: join(userData, 'session'),
    crashDumps: join(userData, 'Crashpad'),
    logs: join(userData, 'logs')
  }
}

/** What of Electron's `app` this needs (a parameter, so it is tested without Electron). */
export interface PathSetter {
  setPath(name: 'userData' | 'sessionData' | 'crashDumps', path: string): void
  setAppLogsPath(path?: string): void
}

/** Creates the folders (setPath throws for a missing one) and points Electron at them. */
export function applyProfilePaths(paths: ProfilePaths, app: PathSetter): void {
  for (const dir of [paths.userData, paths.sessionData, paths.crashDumps, paths.logs])
    mkdirSync(dir, { recursive: true })
  app.setPath('userData', paths.userData)
  app.setPath('sessionData', paths.sessionData)
  app.setPath('crashDumps', paths.crashDumps)
  app.setAppLogsPath(paths.logs)
}
