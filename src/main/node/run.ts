/**
 * A running node, as the headless entry and the desktop app start it (PROTOCOL §8): the store and
 * NodeService, the signature-check pool, the miner, the peer network and the HTTP endpoint, wired
 * together; `close()` takes them down in the reverse order so the store closes last, after every
 * writer has stopped.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NETWORKS } from '../core'
import { createUiApi } from '../api/handlers'
import { LocalRegistry } from '../api/local-nodes'
import { createHttpServer } from '../http/server'
import { LISTEN_BACKLOG } from '../http/connections'
import type { HttpLimits } from '../http/routes'
import { registerUiRoutes } from '../http/ui-routes'
import { MinerEngine } from '../miner/engine'
import { PeerManager, type PeerLimits } from '../p2p/peer-manager'
import { VerifyPool } from '../p2p/verify-pool'
import type { NodeApiHandlers, NodeEvent } from '../../shared/api'
import { UsageError } from './config'
import { configRoot, saveLaunchSettings, spawnLocalNode } from './launch'
import { MiningController } from './mining'
import { NodeService } from './service'
import { checkThreads, checkToken, NodeSettings } from './settings'

export interface NodeConfig {
  port: number
  host: string
  dataDir: string
  network: 'main' | 'regtest'
  peers: string[]
  mine: boolean
  /** Given explicitly (flag or environment): wins over Settings for this run (settings.ts). */
  apiToken?: string
  apiTokenFrom?: 'command-line' | 'environment'
  /** Given explicitly: wins over Settings for this run; else Settings' value, else one per core. */
  threads?: number
  minerWorkerPath?: string
  /** Built verify-pool worker (Electron); default verify-worker.ts under tsx. */
  verifyWorkerPath?: string
  /** Directory of the built renderer (out/renderer) to serve at / over HTTP. */
  serveUi?: string
  /** Peer network limits (tests make polling faster). */
  peerLimits?: Partial<PeerLimits>
  /** HTTP resource limits: connections, whole-chain reads (defaults from the file limit). */
  httpLimits?: HttpLimits
  /** Register in the per-user list of local nodes (default true). */
  announce?: boolean
  /** Lines for a person (peer changes, bans); default: nothing. */
  log?: (line: string) => void
}

export interface RunningNode {
  url: string
  service: NodeService
  peers: PeerManager
  mining: MiningController
  api: NodeApiHandlers
  subscribe(cb: (e: NodeEvent) => void): () => void
  /** Whether an API token is in force now (given at start or set in Settings); never the token. */
  hasApiToken(): boolean
  close(): Promise<void>
}

/** The URL peers reach a node at: a wildcard address is reached over loopback. */
export function publicUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

/**
 * Open the data dir and start every part of a node. Throws what the store throws
 * (StoreLockedError, NetworkMismatchError, EACCES) and EADDRINUSE from listening, after closing
 * whatever it had opened, so a caller can retry with another data dir or port.
 */
export async function startNode(cfg: NodeConfig): Promise<RunningNode> {
  // The same rules as the command line, checked before anything is opened: a bad value must not
  // leave the data dir created or locked (the desktop app and tests call this directly).
  for (const c of [
    cfg.threads === undefined ? undefined : checkThreads(cfg.threads, '--threads'),
    cfg.apiToken === undefined ? undefined : checkToken(cfg.apiToken, '--api-token')
  ]) {
    if (c !== undefined && !c.ok) throw new UsageError(c.message)
  }
  const network = NETWORKS[cfg.network]
  const log = cfg.log ?? (() => undefined)
  const verifyPool = new VerifyPool({ genesisHash: network.genesisHash, workerPath: cfg.verifyWorkerPath })
  let service: NodeService
  let settings: NodeSettings
  let engine: MinerEngine
  try {
    service = NodeService.open({ dataDir: cfg.dataDir, network, verifier: verifyPool.verifier })
  } catch (e) {
    await verifyPool.close()
    throw e
  }
  try {
    // The one owner of the token and the thread count: flags for this run, else what Settings saved.
    settings = new NodeSettings(service.store, { apiToken: cfg.apiToken, apiTokenFrom: cfg.apiTokenFrom, threads: cfg.threads }, log)
    engine = new MinerEngine({ threads: settings.threads, workerPath: cfg.minerWorkerPath })
  } catch (e) {
    await verifyPool.close()
    service.close()
    throw e
  }
  const apiToken = (): string | undefined => settings.apiToken()
  const mining = new MiningController(service, engine)
  // A full disk or a damaged store is said once when it starts and once when it ends (issue #8).
  service.on('storage', (h) => log(h.state === 'ok' ? 'storage: writable again; mining and catching up resume' : `storage ${h.state}: ${h.message}`))
  const peers = new PeerManager({ service, selfUrl: publicUrl(cfg.host, cfg.port), verifyPool, limits: cfg.peerLimits, log })
  const app = createHttpServer({ service, peers, mining, apiToken, log, limits: cfg.httpLimits }, { listenHost: cfg.host })
  const shutdown = async (): Promise<void> => {
    await app.close().catch(() => undefined)
    await peers.close()
    await mining.close()
    await verifyPool.close()
    service.close()
  }

  let url: string
  let ui: ReturnType<typeof createUiApi>
  let unregister = (): void => undefined
  try {
    // The UI routes go in before listening; their handlers need the URL, known after it.
    const deps = {
      service,
      mining,
      peers,
      url: '',
      launch: { port: cfg.port, host: cfg.host },
      settings,
      registry: new LocalRegistry(join(configRoot(), 'nodes')),
      spawnLocalNode: async (): Promise<string> => {
        const spawned = await spawnLocalNode({
          entry: fileURLToPath(new URL('../headless.ts', import.meta.url)),
          execArgv: ['--import', 'tsx'],
          network: cfg.network,
          host: cfg.host,
          dataDirBase: cfg.dataDir,
          peers: [url],
          apiToken: settings.apiToken()
        })
        spawned.child.unref()
        return spawned.url
      },
      saveLaunchSettings: (s: Parameters<typeof saveLaunchSettings>[0]) => saveLaunchSettings(s)
    }
    ui = createUiApi(deps)
    registerUiRoutes(app, ui, { apiToken, serveUi: cfg.serveUi })
    await app.listen({ port: cfg.port, host: cfg.host, backlog: LISTEN_BACKLOG })
    const addr = app.server.address()
    const port = typeof addr === 'object' && addr !== null ? addr.port : cfg.port
    url = publicUrl(cfg.host, port)
    deps.url = url
    deps.launch.port = port
    peers.selfUrl = url
    if (cfg.announce !== false) {
      unregister = deps.registry.register({ url, network: cfg.network, dataDir: cfg.dataDir })
    }
  } catch (e) {
    await shutdown()
    throw e
  }

  peers.start(cfg.peers)
  if (cfg.mine) mining.start()
  let closing: Promise<void> | undefined
  return {
    url,
    service,
    peers,
    mining,
    api: ui.api,
    subscribe: ui.subscribe,
    hasApiToken: () => apiToken() !== undefined,
    close: () => {
      closing ??= (async () => {
        unregister()
        await shutdown()
      })()
      return closing
    }
  }
}
