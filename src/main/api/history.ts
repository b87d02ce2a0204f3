/**
 * An address's transfers for the wallet and the address page: pending ones from the pool
 * (newest first), then a page of confirmed ones from the store's address index.
 */
import type { Block } from '../core'
import type { NodeFacade } from '../node/facade'
import type { HistoryEntry } from '../../shared/api'
import { historyEntry } from './views'

export interface History {
  pending: HistoryEntry[]
  history: HistoryEntry[]
  /** Confirmed transfers in all (the page is `history`). */
  total: number
}

export function historyOf(
  service: Pick<NodeFacade, 'pendingTransactions' | 'addressHistory' | 'block'>,
  address: string,
  offset: number,
  limit: number
): History {
  const pending: HistoryEntry[] = service
    .pendingTransactions()
    .filter((t) => t.sender === address || t.recipient === address)
    .reverse()
    .map((t) => historyEntry(t, address, null, null, null))
  const confirmed = service.addressHistory(address, offset, limit)
  // Several transfers of a page are often in one block: each block is read once.
  const blocks = new Map<string, Block>()
  const history = confirmed.ids.map((loc) => {
    let b = blocks.get(loc.blockHash)
    if (!b) {
      b = service.block(loc.blockHash)!
      blocks.set(b.hash, b)
    }
    return historyEntry(b.transactions[loc.position], address, b.hash, b.index, b.timestamp)
  })
  return { pending, history, total: confirmed.total }
}
