/**
 * Reading the chain: the status, pages of blocks, a block, a transaction, an address, search.
 * Nothing here writes; every argument is checked (guards.ts) before the store is read.
 */
import { isAddress, isHash } from '../core'
import type { ApiMethod, BlockDetail, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { ADDRESS, BadArgument, errResult, HASH, int, okResult, str } from './guards'
import { historyOf } from './history'
import type { StatusView } from './status'
import { blockSummary, chainNodeFromListing, summaryFromListing, txView } from './views'

/** The most blocks, transactions or history lines one call returns. */
const MAX_PAGE = 500

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const READ_METHODS = [
  'getStatus',
  'listBlocks',
  'getChainView',
  'getBlock',
  'getBlockTransactions',
  'getTransaction',
  'getAddress',
  'search'
] as const satisfies readonly ApiMethod[]

export type ReadHandlers = Pick<NodeApiHandlers, (typeof READ_METHODS)[number]>

export function readHandlers(deps: Pick<UiApiDeps, 'service'>, view: StatusView): ReadHandlers {
  const { service } = deps

  return {
    async getStatus() {
      return view.status()
    },

    async listBlocks(fromIndex, limit) {
      const from = int(fromIndex, 'fromIndex')
      const n = int(limit, 'limit', 1, MAX_PAGE)
      return service
        .blockListings('main-desc', from === 0 ? service.tip().index : from, n)
        .map(summaryFromListing)
    },

    async getChainView(fromIndex, toIndex) {
      const from = int(fromIndex, 'fromIndex')
      const to = int(toIndex, 'toIndex')
      if (to < from || to - from > 2000)
        throw new BadArgument('toIndex must be within 2000 of fromIndex')
      return service.blockListings('range', from, to).map(chainNodeFromListing)
    },

    getBlock: guarded(async (hash) => {
      const h = service.header(str(hash, 'hash', HASH))
      if (!h) return errResult<BlockDetail>('not_found', 'no block with this hash is known')
      const b = service.block(h.hash)!
      const onMain = service.isOnMain(h)
      const next = service.mainHash(h.index + 1)
      const children = service
        .childrenOf(h.hash)
        .map((c) => ({ hash: c, onMain: next === c }))
        .sort((a, b) => Number(b.onMain) - Number(a.onMain))
      return okResult<BlockDetail>({
        ...blockSummary(b, h, onMain),
        version: b.version,
        proof: b.proof,
        merkleRoot: b.merkleRoot,
        confirmations: onMain ? service.tip().index - b.index + 1 : 0,
        children
      })
    }),

    getBlockTransactions: guarded(async (hash, offset, limit) => {
      const b = service.block(str(hash, 'hash', HASH))
      const o = int(offset, 'offset')
      const n = int(limit, 'limit', 1, MAX_PAGE)
      if (!b) return errResult('not_found', 'no block with this hash is known')
      return okResult({
        transactions: b.transactions.slice(o, o + n).map(txView),
        total: b.transactions.length
      })
    }),

    getTransaction: guarded(async (id) => {
      const f = service.findTransaction(str(id, 'id', HASH))
      if (!f)
        return errResult('not_found', 'no transaction with this id is in the main chain or pending')
      return okResult({
        transaction: txView(f.tx),
        status: f.blockHash === null ? ('pending' as const) : ('confirmed' as const),
        blockHash: f.blockHash,
        blockIndex: f.blockIndex,
        position: f.position,
        confirmations: f.confirmations,
        timestamp: f.timestamp
      })
    }),

    getAddress: guarded(async (address, offset, limit) => {
      const a = str(address, 'address', ADDRESS)
      const from = int(offset, 'offset')
      const h = historyOf(service, a, from, int(limit, 'limit', 1, MAX_PAGE))
      const acc = service.account(a)
      return okResult({
        address: a,
        balance: acc.balance,
        nonce: acc.nonce,
        history: from === 0 ? [...h.pending, ...h.history] : h.history,
        historyTotal: h.total + h.pending.length
      })
    }),

    search: guarded(async (query) => {
      const q = str(query, 'query', undefined, 200).trim().toLowerCase()
      if (/^\d+$/.test(q)) {
        const hash = service.mainHash(Number(q))
        return hash
          ? okResult({ kind: 'block' as const, hash })
          : errResult('not_found', `no block at index ${q}`)
      }
      if (isHash(q)) {
        if (service.hasBlock(q)) return okResult({ kind: 'block' as const, hash: q })
        if (service.findTransaction(q)) return okResult({ kind: 'transaction' as const, id: q })
        return errResult('not_found', 'no block or transaction with this hash is known')
      }
      if (isAddress(q)) return okResult({ kind: 'address' as const, address: q })
      return errResult(
        'invalid_field',
        'search for a block index, a block hash, a transaction id or an address'
      )
    })
  }
}
