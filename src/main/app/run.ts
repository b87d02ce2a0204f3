/**
 * A running node, as the headless entry and the desktop app start it (PROTOCOL §8): the store and
 * NodeService, the signature-check pool, the miner, the peer network and the HTTP endpoint, wired
 * together; `close()` takes them down in the reverse order so the store closes last, after every
 * writer has stopped.
 */
import { join } from 'node:path'
import { NETWORKS, type NetworkName } from '../core'
import { createUiApi } from '../api/handlers'
import { LocalRegistry } from './local-nodes'
import { createHttpServer, type PrecompiledValidators } from '../http/server'
import { LISTEN_BACKLOG } from '../http/connections'
import { nullLogger, shortHash, type Logger, type LogFormat, type LogLevel } from '../log'
import { logNodeEvents } from '../node/node-events'
import { RefusalLog } from '../node/refusals'
import { Timeline } from '../node/timeline'
import type { HttpLimits } from '../http/routes'
import { registerUiRoutes } from '../http/ui-routes'
import { MinerEngine } from '../miner/engine'
import { PeerManager } from '../p2p/peer-manager'
import type { PeerLimits } from '../p2p/types'
import { VerifyPool } from '../p2p/verify-pool'
import type { NodeApiHandlers, NodeEvent } from '../../shared/api'
import { UsageError } from './explain'
import {
  configRoot,
  reachableHost,
  saveLaunchSettings,
  spawnLocalNode,
  undoNewFolder
} from './launch'
import { MiningController } from '../node/mining'
import { NodeService } from '../node/service'
import { checkThreads, checkToken, NodeSettings } from '../node/settings'

export interface NodeConfig {
  port: number
  host: string
  dataDir: string
  network: NetworkName
  peers: string[]
  mine: boolean
  /** Given explicitly (flag or environment): wins over Settings for this run (settings.ts). */
  apiToken?: string
  apiTokenFrom?: 'command-line' | 'environment'
  /** Given explicitly: wins over Settings for this run; else Settings' value, else one per core. */
  threads?: number
  minerWorkerPath?: string
  /** The built node's precompiled request validators (out/node/validators.cjs; http/server.ts). */
  httpValidators?: PrecompiledValidators
  /** Built verify-pool worker (Electron); default verify-worker.ts under tsx. */
  verifyWorkerPath?: string
  /** Directory of the built renderer (out/renderer) to serve at / over HTTP. */
  serveUi?: string
  /** Peer network limits (tests make polling faster). */
  peerLimits?: Partial<PeerLimits>
  /** HTTP resource limits: connections, whole-chain reads (defaults from the file limit). */
  httpLimits?: HttpLimits
  /** --demo: dataDir is the demo folder, and the entry starts two nodes in it (app/demo.ts). */
  demo?: boolean
  /** Register in the per-user list of local nodes (default true). */
  announce?: boolean
  /**
   * How "Start another local node" starts one, returning its URL: the desktop app starts it in
   * its own process with a window (spawning process.execPath there would start Electron, not
   * Node). Default: a child process running the headless node.
   */
  startLocalNode?: () => Promise<string>
  /**
   * The node's log (src/main/log): each part logs on a child ({ module: 'p2p' }, 'chain',
   * 'miner', 'http', 'settings', 'storage', 'node'); default: nothing is logged.
   */
  logger?: Logger
  /** For the entry that creates the logger (--log-level, $BLOCKFORGE_LOG_LEVEL); startNode reads `logger`. */
  logLevel?: LogLevel
  /** For the entry that creates the logger (--log-format, $BLOCKFORGE_LOG_FORMAT). */
  logFormat?: LogFormat
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

/** The URL peers reach a node at: for a wildcard address, one of this machine's (reachableHost). */
export function publicUrl(host: string, port: number): string {
  const h = reachableHost(host)
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
  const logger = cfg.logger ?? nullLogger()
  const log = logger.child({ module: 'node' })
  const verifyPool = new VerifyPool({
    genesisHash: network.genesisHash,
    workerPath: cfg.verifyWorkerPath
  })
  let service: NodeService
  let settings: NodeSettings
  let engine: MinerEngine
  // A start that fails leaves no data dir or wallet it created (an existing one is never touched).
  const undoNewDir = undoNewFolder(cfg.dataDir)
  try {
    service = NodeService.open({ dataDir: cfg.dataDir, network, verifier: verifyPool.verifier })
  } catch (e) {
    await verifyPool.close()
    // Locked: another process made the folder meanwhile and holds it; it is that one's.
    if ((e as Error)?.name !== 'StoreLockedError') undoNewDir()
    throw e
  }
  try {
    // The one owner of the token and the thread count: flags for this run, else what Settings saved.
    settings = new NodeSettings(
      service.store,
      { apiToken: cfg.apiToken, apiTokenFrom: cfg.apiTokenFrom, threads: cfg.threads },
      logger.child({ module: 'settings' })
    )
    engine = new MinerEngine({ threads: settings.threads, workerPath: cfg.minerWorkerPath })
  } catch (e) {
    await verifyPool.close()
    service.close()
    undoNewDir()
    throw e
  }
  const apiToken = (): string | undefined => settings.apiToken()
  const mining = new MiningController(service, engine)
  // Blocks, reorganisations, refusals, storage state (said once when it starts and once when it
  // ends, issue #8) and the miner: node-events.ts.
  const unlog = logNodeEvents(logger, { service, mining })
  const peers = new PeerManager({
    service,
    store: service.store,
    selfUrl: publicUrl(cfg.host, cfg.port),
    verifyPool,
    limits: cfg.peerLimits,
    logger: logger.child({ module: 'p2p' })
  })
  // The refusal report (node/refusals.ts): what the node refused, and what it cost the sender.
  const refusals = new RefusalLog({ service, peers, repo: service.store.refusals })
  // The event timeline (node/timeline.ts): what the node did, in memory.
  const timeline = new Timeline({ service, peers })
  const app = createHttpServer(
    {
      service,
      peers,
      mining,
      apiToken,
      log: logger.child({ module: 'http' }),
      limits: cfg.httpLimits
    },
    { listenHost: cfg.host, validators: cfg.httpValidators }
  )
  const shutdown = async (): Promise<void> => {
    await app.close().catch(() => undefined)
    await peers.close()
    await mining.close()
    await verifyPool.close()
    refusals.close()
    timeline.close()
    unlog()
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
      refusals,
      timeline,
      url: '',
      launch: { port: cfg.port, host: cfg.host },
      settings,
      registry: new LocalRegistry(join(configRoot(), 'nodes')),
      spawnLocalNode:
        cfg.startLocalNode ??
        (async (): Promise<string> => {
          // The built headless node, with plain node (launch.ts finds and, from source, builds it).
          const spawned = await spawnLocalNode({
            network: cfg.network,
            host: cfg.host,
            dataDirBase: cfg.dataDir,
            peers: [url],
            apiToken: settings.apiToken()
          })
          spawned.child.unref()
          return spawned.url
        }),
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
    undoNewDir()
    throw e
  }

  const tip = service.tip()
  log.info(
    {
      url,
      network: cfg.network,
      dataDir: cfg.dataDir,
      height: tip.index,
      tip: shortHash(tip.hash),
      peers: peers.urls().length,
      apiTokenSet: apiToken() !== undefined
    },
    'node started'
  )
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
        log.info('node stopped')
      })()
      return closing
    }
  }
}
