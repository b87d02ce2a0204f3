/**
 * The one rule for a peer's URL, wherever one comes in: POST /nodes/register and X-Node-Url
 * (PROTOCOL §7: "http(s) URLs"), --peer (§8), the UI API's peer calls and the Peers screen's form.
 *
 * A peer URL is an http: or https: URL of at most 2048 characters, without a user name or
 * password; the node keeps only its origin (`http://host:port`: scheme and host lowercased,
 * default port and any path dropped), so one node is one peer whatever path or case it was given.
 * Credentials are refused, not dropped: peers talk without them, and keeping the rest would make a
 * URL the user typed mean something else than it says.
 *
 * Plain code over the WHATWG URL parser, which Node and the browser share: the renderer checks a
 * typed URL with the very function the node applies.
 */

/** The longest URL accepted, as a bound on untrusted input (peers' headers, API arguments). */
export const MAX_PEER_URL_LENGTH = 2048

/** The origin of a peer URL by the rule above, or undefined when `s` is not one. */
export function normalizeUrl(s: unknown): string | undefined {
  if (typeof s !== 'string' || s.length > MAX_PEER_URL_LENGTH) return undefined
  let u: URL
  try {
    u = new URL(s)
  } catch {
    return undefined
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined
  if (u.username || u.password) return undefined
  return u.origin
}

/**
 * Whether a peer URL (as normalizeUrl gives it) names a node on this machine: a host in
 * 127.0.0.0/8, `localhost` or `[::1]`. The lab's link faults apply to such peers only.
 */
export function isLoopbackPeerUrl(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}
