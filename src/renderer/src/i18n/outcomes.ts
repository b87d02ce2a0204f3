import { useI18n } from 'vue-i18n'
import type { ApiErrorCode, NetworkName, ResolveOutcome } from '@shared/api'

/**
 * The renderer's own refusal, never the node's: the wallet store's answer to a second send while
 * one is on its way (stores/wallet.ts). It has no words of its own (the send form does not send
 * while `sending`), so it is shown, if ever, as an unknown code.
 */
export interface Busy {
  ok: false
  error: 'busy'
  message: string
}

/** A refusal as the node sends it (or Busy): a code to act on and a message in the node's own words. */
export interface Refusal {
  error: ApiErrorCode | Busy['error']
  message: string
}

/**
 * The node's outcomes in the user's language. The node speaks English and says what happened in
 * its codes (ApiResult.error, ResolveOutcome.replaced): the UI words the code in the current
 * language and keeps the node's own text only as detail, which carries the specifics (which URL,
 * which balance) no table of codes can.
 */
export function useOutcomes() {
  const { t, te } = useI18n()

  /**
   * A code's words. Every ApiErrorCode has words (en.ts's `codes` is a record over them); null
   * stays for a value from outside the type, since codes arrive as JSON (over IPC or HTTP).
   */
  function reason(code: Refusal['error']): string | null {
    const key = `outcomes.codes.${code}`
    return te(key) ? t(key) : null
  }

  /** A refusal's headline from its code; a code this UI has no words for is named as it is. */
  function refusalTitle(r: Refusal): string {
    const why = reason(r.error)
    return why !== null
      ? t('outcomes.refused', { reason: why })
      : t('outcomes.unknown', { code: r.error })
  }

  /** A headline, then the node's own text as detail (left out when it says nothing more). */
  function withDetail(title: string, r: Refusal): string {
    const detail = r.message?.trim()
    return detail && detail !== r.error ? t('outcomes.withDetail', { title, detail }) : title
  }

  function refusal(r: Refusal): string {
    return withDetail(refusalTitle(r), r)
  }

  /**
   * Why `url` did not become a peer (PeerRefusal: unreachable, wrong_genesis, this_node, ...),
   * naming the URL the user typed or clicked: the node's detail may name another (same_node).
   * A code this UI has no words for is named as it is, as for any refusal.
   */
  function peerNotAdded(url: string, r: Refusal): string {
    const why = reason(r.error)
    return why === null
      ? refusal(r)
      : withDetail(t('outcomes.peerNotAdded', { url, reason: why }), r)
  }

  /** Resolve's outcome from its value, never from the node's English message. */
  const resolved = (o: Pick<ResolveOutcome, 'replaced'>): string =>
    t(o.replaced ? 'peers.replaced' : 'peers.authoritative')

  /** A network's name in the user's language, with its technical name when they differ. */
  function network(id: NetworkName | string): string {
    const key = `app.network.${id}`
    const name = te(key) ? t(key) : id
    return name === id ? id : t('outcomes.networkLabel', { name, id })
  }

  return { reason, refusal, refusalTitle, peerNotAdded, resolved, network }
}
