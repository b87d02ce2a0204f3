import type { RuleFindingView } from '@shared/api'
import { shortHash } from './useFormat'

/**
 * What a rule compared (RuleFindingView.facts, RefusalEntry.facts) as the words' placeholders
 * take it: a hash shortened to its ends, a number as the protocol writes it (a timestamp stays
 * whole, not grouped in thousands).
 */
export function shownFacts(facts: RuleFindingView['facts']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [
      k,
      typeof v === 'string' && v.length === 64 ? shortHash(v, 10, 6) : String(v)
    ])
  )
}
