/** The node's own wallet: its balance and history, and sending from it. */
import type { ApiMethod, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { ADDRESS, BadArgument, errResult, int, okResult, str } from './guards'
import { historyOf } from './history'
import { isObject } from '../core'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const WALLET_METHODS = [
  'getWallet',
  'sendTransaction'
] as const satisfies readonly ApiMethod[]

export type WalletHandlers = Pick<NodeApiHandlers, (typeof WALLET_METHODS)[number]>

export function walletHandlers(deps: Pick<UiApiDeps, 'service'>): WalletHandlers {
  const { service } = deps

  return {
    async getWallet() {
      const address = service.walletAddress
      const acc = service.account(address)
      const h = historyOf(service, address, 0, 50)
      return {
        address,
        publicKey: service.walletPublicKey,
        balance: acc.balance,
        nonce: acc.nonce,
        pendingNonce: service.nextNonce(address),
        pending: h.pending,
        history: h.history
      }
    },

    sendTransaction: guarded(async (req) => {
      if (!isObject(req)) throw new BadArgument('a send request is an object')
      const r = req as unknown as Record<string, unknown>
      const recipient = str(r.recipient, 'recipient', ADDRESS)
      // Exactly what the user typed or nothing: a fraction, negative, string or missing value is
      // refused (invalid_field), never rounded, clamped or defaulted into a transfer.
      const amount = int(r.amount, 'amount', 1)
      const fee = int(r.fee, 'fee')
      const o = service.sendFromWallet({ recipient, amount, fee })
      if (o.kind === 'invalid') return errResult(o.code, o.message)
      return okResult({ id: o.kind === 'accepted' ? o.tx.id : o.id })
    })
  }
}
