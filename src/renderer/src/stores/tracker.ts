import { computed, ref, type ComputedRef, type Ref } from 'vue'
import type { ApiResult } from '@shared/api'

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}

/** The message of a failed ApiResult, as the node wrote it (e.g. `insufficient_funds: ...`). */
export function failureMessage(r: ApiResult<unknown>): string | null {
  return r.ok ? null : r.message || r.error
}

export interface Tracker {
  /** True while at least one tracked call is running. */
  loading: ComputedRef<boolean>
  /** The last tracked call's transport failure, cleared when the next one starts. */
  error: Ref<string | null>
  track<T>(work: () => Promise<T>): Promise<T | undefined>
}

/** Loading and error state shared by every store's calls into the node. */
export function tracker(): Tracker {
  const running = ref(0)
  const error = ref<string | null>(null)
  async function track<T>(work: () => Promise<T>): Promise<T | undefined> {
    running.value++
    error.value = null
    try {
      return await work()
    } catch (e) {
      error.value = errorMessage(e)
      return undefined
    } finally {
      running.value--
    }
  }
  return { loading: computed(() => running.value > 0), error, track }
}

/**
 * Wraps a refresh so that bursts of events (a regtest miner pushes hundreds of blocks a second)
 * cause at most one call in flight and one more after it, never a request per event; calls after
 * the first in a burst start at least `gapMs` after the previous one ended.
 */
export function coalesce(work: () => Promise<void>, gapMs = 250): () => Promise<void> {
  let running: Promise<void> | null = null
  let again = false
  const run = (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      try {
        for (let first = true; first || again; first = false) {
          if (!first) await new Promise((r) => setTimeout(r, gapMs))
          again = false
          await work()
        }
      } finally {
        running = null
      }
    })()
    return running
  }
  return run
}
