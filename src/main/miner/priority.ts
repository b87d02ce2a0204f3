/**
 * A mining thread's scheduling priority. The miner should get only what the machine would
 * otherwise leave idle, but never at the cost of the node's own thread (HTTP, sync, the app's IPC).
 *
 * `os.setPriority(19)` is `setpriority(PRIO_PROCESS, 0, 19)` in libuv. On Linux the nice value is
 * per thread (NPTL; setpriority(2), "BUGS"), so that lowers only the calling worker. On macOS and
 * the BSDs it lowers the whole process, and on Windows libuv calls SetPriorityClass on the process:
 * the window, the HTTP API and sync would all run at idle priority while mining. Node offers no
 * per-thread call there (SetThreadPriority, pthread QoS), so those threads mine at normal priority
 * and the OS scheduler shares the cores.
 */
import { setPriority } from 'node:os'

/** Lowest nice value for a Linux thread. */
export const MINER_NICE = 19

export type PriorityPlan = { kind: 'thread'; nice: number } | { kind: 'none'; why: string }

/** What a miner thread on `platform` may do about its priority. */
export function minerPriorityPlan(platform: NodeJS.Platform): PriorityPlan {
  switch (platform) {
    case 'linux':
    case 'android':
      return { kind: 'thread', nice: MINER_NICE }
    case 'win32':
      return { kind: 'none', why: 'Windows sets priority per process (SetPriorityClass)' }
    default:
      return { kind: 'none', why: `on ${platform} setpriority applies to the whole process` }
  }
}

/**
 * Lower the calling thread's priority where only the thread is affected; else leave it. Returns
 * whether it was lowered (false also when the OS refused, e.g. a restricted container).
 */
export function lowerThreadPriority(
  platform: NodeJS.Platform = process.platform,
  set: (pid: number, priority: number) => void = setPriority
): boolean {
  const plan = minerPriorityPlan(platform)
  if (plan.kind !== 'thread') return false
  try {
    // pid 0: the caller, which on Linux is this thread alone.
    set(0, plan.nice)
    return true
  } catch {
    return false
  }
}
