/**
 * A folder under the user's home as Settings shows it, ~/…: how users know their own folders,
 * and what they may show others (a screenshot) without their account name. fullPath reads a
 * ~/… typed or sent back in Settings as the folder it names.
 */
import { homedir } from 'node:os'
import { join, sep } from 'node:path'

export function shownPath(p: string, home = homedir()): string {
  if (!home || home === sep) return p
  if (p === home) return '~'
  return p.startsWith(home + sep) ? `~${sep}${p.slice(home.length + sep.length)}` : p
}

export function fullPath(p: string, home = homedir()): string {
  if (p === '~') return home
  return p.startsWith('~/') || p.startsWith(`~${sep}`) ? join(home, p.slice(2)) : p
}
