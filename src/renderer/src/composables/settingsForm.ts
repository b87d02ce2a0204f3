/**
 * Checks the Settings form's number of mining workers as typed, under the node's own rule
 * (src/main/node/settings.ts checkThreads: a whole number from 1 to MINING_THREADS_MAX). As in the
 * send form, the field is text and this is the only place it becomes a number: 0, 2.5 or 300 are
 * refused with a message by the field, never clamped or rounded into a count the user did not type.
 */
import { MINING_THREADS_MAX } from '@shared/api'
import { whole } from './sendForm'

/** The node's lower bound (THREADS_MIN in src/main/node/settings.ts). */
export const MINING_THREADS_MIN = 1

export type WorkersError = 'workersRequired' | 'workersRange'

export function checkWorkers(text: string): { value: number } | { error: WorkersError } {
  const p = whole(text, MINING_THREADS_MIN)
  if ('value' in p && p.value <= MINING_THREADS_MAX) return p
  return { error: 'error' in p && p.error === 'required' ? 'workersRequired' : 'workersRange' }
}
