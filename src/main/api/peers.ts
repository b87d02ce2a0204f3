/** Peers from the UI: the list, add, remove, ban, resolve, and other nodes on this machine. */
import type { ApiMethod, LocalNode, NodeApiHandlers } from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { errResult, httpUrl, int, okResult } from './guards'

/** The API methods this area answers (handlers.ts: each method is answered by one area). */
export const PEER_METHODS = [
  'listPeers',
  'addPeer',
  'removePeer',
  'banPeer',
  'unbanPeer',
  'resolve',
  'discoverLocalNodes',
  'startLocalNode'
] as const satisfies readonly ApiMethod[]

export type PeerHandlers = Pick<NodeApiHandlers, (typeof PEER_METHODS)[number]>

export function peerHandlers(
  deps: Pick<UiApiDeps, 'service' | 'peers' | 'url' | 'registry' | 'spawnLocalNode'>
): PeerHandlers {
  const { service, peers } = deps

  return {
    async listPeers() {
      return peers.list()
    },

    addPeer: guarded(async (url) => peers.add(httpUrl(url))),
    removePeer: guarded(async (url) => peers.remove(httpUrl(url))),
    banPeer: guarded(async (url, minutes) =>
      peers.ban(httpUrl(url), int(minutes, 'minutes', 1, 525600))
    ),
    unbanPeer: guarded(async (url) => peers.unban(httpUrl(url))),

    resolve: guarded(async () => okResult(await peers.resolve())),

    async discoverLocalNodes() {
      const entries = deps.registry?.list() ?? []
      const mine = new Set(peers.list().map((p) => p.url))
      const found: LocalNode[] = []
      await Promise.all(
        entries.map(async (e) => {
          const self = e.url === deps.url
          const s = self ? undefined : await peers.probe(e.url)
          if (!self && s === undefined) return
          found.push({
            url: e.url,
            network: (s?.network ?? service.network.name) as LocalNode['network'],
            genesisHash: s?.genesisHash ?? service.network.genesisHash,
            index: s?.index ?? service.tip().index,
            connected: mine.has(e.url),
            self
          })
        })
      )
      return found.sort((a, b) => a.url.localeCompare(b.url))
    },

    startLocalNode: guarded(async () => {
      if (!deps.spawnLocalNode)
        return errResult<LocalNode>('unavailable', 'this node cannot start other nodes')
      const url = await deps.spawnLocalNode()
      const added = await peers.add(url)
      if (!added.ok) return errResult<LocalNode>(added.error, added.message)
      return okResult<LocalNode>({
        url,
        network: service.network.name,
        genesisHash: service.network.genesisHash,
        index: added.value.tipIndex ?? 1,
        connected: true,
        self: false
      })
    })
  }
}
