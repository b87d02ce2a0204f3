/**
 * Processes as Linux's /proc shows them: a started command's whole tree (npm, a shell, node,
 * workers' parents), to check that a signal left nothing behind and to measure what a tree holds.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** The PIDs of `pid` and everything below it. */
export function processTree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim()
        if (kids !== '') out.push(...kids.split(/\s+/).map(Number))
      }
    } catch {
      // gone meanwhile: no children to list
    }
  }
  return out
}

/** The command line of `pid`, arguments separated by NUL ('' once it is gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}

/** Whether `pid` still runs (a zombie waiting to be reaped does not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
