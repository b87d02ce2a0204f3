/**
 * Choosing where a desktop node lives, so that several app instances on one machine never fight:
 * a data dir another process holds is skipped for `<dir>-2`, `<dir>-3`, ..., and a port in use for
 * a free one, unless the user asked for that exact dir or port with a flag.
 */
import { existsSync } from 'node:fs'

export interface ProfileConfig {
  dataDir: string
  port: number
  host: string
}

export interface Explicit {
  dataDir: boolean
  port: boolean
}

/** How many suffixed data dirs to try before giving up. */
const MAX_PROFILES = 50

export function isLockedError(e: unknown): boolean {
  return e instanceof Error && e.name === 'StoreLockedError'
}

export function isPortInUse(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE'
}

/** `<base>`, then `<base>-2`, `<base>-3`, ... */
export function profileDir(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`
}

/** The first `<base>-n` (n >= 2) that does not exist yet: a fresh profile for a new local node. */
export function unusedProfileDir(
  base: string,
  exists: (p: string) => boolean = existsSync
): string {
  let n = 2
  while (exists(profileDir(base, n))) n++
  return profileDir(base, n)
}

/**
 * Starts a node with `cfg`, moving to the next profile while the data dir is locked by another
 * process and to a free port while the port is taken (each only if not set explicitly).
 */
export async function openProfile<C extends ProfileConfig, N>(
  cfg: C,
  explicit: Explicit,
  start: (cfg: C) => Promise<N>,
  freePort: (host: string) => Promise<number>
): Promise<{ node: N; cfg: C }> {
  let current = { ...cfg }
  for (let n = 1; n <= MAX_PROFILES;) {
    try {
      return { node: await start(current), cfg: current }
    } catch (e) {
      if (isLockedError(e) && !explicit.dataDir) {
        n++
        current = { ...current, dataDir: profileDir(cfg.dataDir, n) }
      } else if (isPortInUse(e) && !explicit.port) {
        current = { ...current, port: await freePort(current.host) }
      } else {
        throw e
      }
    }
  }
  throw new Error(
    `no free profile among ${cfg.dataDir} .. ${profileDir(cfg.dataDir, MAX_PROFILES)}`
  )
}

const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--data-dir',
  '--network',
  '--peer',
  '--api-token',
  '--threads',
  '--log-level',
  '--log-format'
])
const BOOL_FLAGS = new Set(['--mine'])

/**
 * The node's own flags out of Electron's argv, which also holds the executable, the app path and
 * Chromium switches. Accepts `--flag value` and `--flag=value`.
 */
export function nodeFlags(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [name, inline] = arg.split(/=(.*)/s, 2)
    if (BOOL_FLAGS.has(name)) out.push(arg)
    else if (VALUE_FLAGS.has(name)) {
      if (inline !== undefined) out.push(arg)
      else if (i + 1 < argv.length) out.push(arg, argv[++i])
    }
  }
  return out
}

export function hasFlag(flags: readonly string[], name: string): boolean {
  return flags.some((f) => f === name || f.startsWith(`${name}=`))
}

/** Saved launch settings as flags, to go before the command line's own (later flags win). */
export function launchFlags(s: {
  port?: number
  host?: string
  network?: string
  dataDir?: string
}): string[] {
  return [
    ...(s.port !== undefined ? ['--port', String(s.port)] : []),
    ...(s.host !== undefined ? ['--host', s.host] : []),
    ...(s.network !== undefined ? ['--network', s.network] : []),
    ...(s.dataDir !== undefined ? ['--data-dir', s.dataDir] : [])
  ]
}
