/**
 * The UI API (src/shared/api.ts) implemented over a running node. Both transports call exactly
 * these handlers: Electron IPC from the renderer and HTTP (+ server-sent events) from a browser.
 * Every argument is checked here; failures come back as ApiResult values, never as throws the
 * renderer would see as opaque errors.
 */
import { EventEmitter } from 'node:events'
import { availableParallelism, homedir } from 'node:os'
import { join, sep } from 'node:path'
import pkg from '../../../package.json'
import { COINBASE_SENDER, isAddress, isHash, txToWire, type Block, type Transaction } from '../core'
import type { AcceptedBlock } from '../chain/chain'
import { PROTOCOL_VERSION } from '../http/routes'
import type { HeaderEntry } from '../chain/store'
import type { MiningController } from '../node/mining'
import type { NodeService } from '../node/service'
import { checkThreads, checkToken, type NodeSettings } from '../node/settings'
import { StorageUnavailableError, storageFaultOf } from '../store/faults'
import type { BlockSummaryRow } from '../store/sqlite-store'
import { WALLET_FILE } from '../wallet/wallet'
import type {
  ApiResult,
  AppInfo,
  BlockDetail,
  BlockSummary,
  HistoryEntry,
  Language,
  LocalNode,
  MiningStatus,
  NodeApiHandlers,
  NodeEvent,
  NodeStatus,
  Notice,
  PeerInfo,
  ResolveOutcome,
  Settings,
  Theme
} from '../../shared/api'
import { ADDRESS, BadArgument, errResult, HASH, httpUrl, int, okResult, str } from './guards'
import type { LocalRegistry } from './local-nodes'

/**
 * A folder under the user's home as Settings shows it, ~/…: how users know their own folders,
 * and what they may show others (a screenshot) without their account name. fullPath reads a
 * ~/… typed or sent back in Settings as the folder it names.
 */
export function shownPath(p: string, home = homedir()): string {
  if (!home || home === sep) return p
  if (p === home) return '~'
  return p.startsWith(home + sep) ? `~${sep}${p.slice(home.length + sep.length)}` : p
}

export function fullPath(p: string, home = homedir()): string {
  if (p === '~') return home
  return p.startsWith('~/') || p.startsWith(`~${sep}`) ? join(home, p.slice(2)) : p
}

/** What the UI needs of the peer manager (src/main/p2p). */
export interface PeerControl extends Pick<EventEmitter, 'on' | 'off'> {
  list(): PeerInfo[]
  add(url: string): Promise<ApiResult<PeerInfo>>
  remove(url: string): ApiResult<null>
  ban(url: string, minutes: number): ApiResult<null>
  unban(url: string): ApiResult<null>
  resolve(): Promise<ResolveOutcome>
  /** Fetch a peer's /status (for local discovery); undefined when unreachable. */
  probe(url: string): Promise<{ genesis_hash: string; index: number; network: string } | undefined>
}

export interface UiApiDeps {
  service: NodeService
  mining: MiningController
  peers: PeerControl
  /** This node's base URL. */
  url: string
  launch: { port: number; host: string }
  /** The one owner of the API token and the mining-thread count (node/settings.ts). */
  settings: Pick<NodeSettings, 'apiToken' | 'apiTokenFrom' | 'threads' | 'threadsFrom' | 'setApiToken' | 'setThreads'>
  registry?: LocalRegistry
  /** Start another node on this machine (its own data dir, a free port); returns its URL. */
  spawnLocalNode?: () => Promise<string>
  /** Persist launch settings (port, host, network, data dir) for the next start. */
  saveLaunchSettings?: (s: Pick<Settings, 'port' | 'host' | 'network' | 'dataDir'>) => void
}

export interface UiApi {
  api: NodeApiHandlers
  subscribe(cb: (e: NodeEvent) => void): () => void
}

const MAX_PAGE = 500

function summary(r: BlockSummaryRow): BlockSummary {
  return {
    hash: r.hash,
    index: r.height,
    timestamp: r.timestamp,
    previousHash: r.parent,
    difficulty: r.difficulty,
    txCount: r.tx_count,
    miner: r.miner ?? '',
    reward: r.reward ?? 0,
    onMain: r.on_main === 1,
    totalWork: r.total_work
  }
}

function blockSummary(b: Block, h: HeaderEntry, onMain: boolean): BlockSummary {
  const cb = b.transactions[0]
  return {
    hash: b.hash,
    index: b.index,
    timestamp: b.timestamp,
    previousHash: b.previousHash,
    difficulty: b.difficulty,
    txCount: b.transactions.length,
    miner: cb?.recipient ?? '',
    reward: cb?.amount ?? 0,
    onMain,
    totalWork: h.totalWork.toString()
  }
}

/** A true or false from an untrusted caller (a switch in Settings); nothing else is read as one. */
function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new BadArgument(`${name} must be true or false`)
  return v
}

/** Wrap a handler so a BadArgument becomes an ApiResult error (or a throw for plain returns). */
function guarded<A extends unknown[], T>(
  fn: (...args: A) => Promise<ApiResult<T>> | ApiResult<T>
): (...args: A) => Promise<ApiResult<T>> {
  return async (...args: A) => {
    try {
      return await fn(...args)
    } catch (e) {
      if (e instanceof BadArgument) return errResult('invalid_field', e.message)
      // A full or damaged store: the call fails with the reason (the status banner says it too).
      if (e instanceof StorageUnavailableError) return errResult('unavailable', e.message)
      const f = storageFaultOf(e)
      if (f !== undefined) return errResult('unavailable', `the data dir could not be written or read (${f.code})`)
      throw e
    }
  }
}

export function createUiApi(deps: UiApiDeps): UiApi {
  const { service, mining, peers } = deps
  const store = service.store
  const chain = service.chain

  const setting = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = store.getSetting(key)
    return (allowed as readonly string[]).includes(v ?? '') ? (v as T) : fallback
  }

  function settings(): Settings {
    return {
      port: deps.launch.port,
      host: deps.launch.host,
      network: service.network.name,
      dataDir: shownPath(service.dataDir),
      apiToken: deps.settings.apiToken() ?? '',
      miningThreads: deps.settings.threads,
      apiTokenFrom: deps.settings.apiTokenFrom,
      miningThreadsFrom: deps.settings.threadsFrom,
      theme: setting<Theme>('theme', ['light', 'dark'], 'light'),
      language: setting<Language>('language', ['en', 'zh-CN'], 'en'),
      // Stored as text like the others; anything but the two words reads as the default.
      notifications: setting('notifications', ['on', 'off'], 'on') === 'on',
      welcomeSeen: setting('welcomeSeen', ['yes', 'no'], 'no') === 'yes'
    }
  }

  /**
   * About's facts as the node knows them. Electron's and Chrome's versions come from
   * process.versions, so they are there exactly when the node runs inside Electron.
   */
  function appInfo(): AppInfo {
    return {
      name: 'Blockforge',
      version: pkg.version,
      protocolVersion: PROTOCOL_VERSION,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      node: process.versions.node,
      platform: `${process.platform} ${process.arch}`,
      // As Settings shows folders (~/… under the home folder): what a user reads as their own
      // and may show in a screenshot without their account name.
      dataDir: shownPath(service.dataDir),
      walletFile: shownPath(join(service.dataDir, WALLET_FILE)),
      // The node logs to its terminal; the Electron shell adds its log folder (shell/app-info.ts).
      logDir: null,
      walletCreated: service.wallet.created
    }
  }

  function miningStatus(): MiningStatus {
    const s = mining.state()
    return { ...s, maxThreads: availableParallelism() }
  }

  let lastBalance = 0
  function status(): NodeStatus {
    // The node's own status keeps answering on a damaged store (last tip read, storage state).
    const s = service.status()
    const m = mining.state()
    try {
      lastBalance = store.account(service.wallet.address).balance
    } catch (e) {
      if (!service.reportStorageError(e)) throw e
    }
    return {
      network: service.network.name,
      genesisHash: service.network.genesisHash,
      index: s.index,
      tipHash: s.tip_hash,
      totalWork: s.total_work,
      difficulty: s.difficulty,
      pending: service.pool.size,
      peers: peers.list().filter((p) => p.state !== 'banned').length,
      version: PROTOCOL_VERSION,
      url: deps.url,
      dataDir: service.dataDir,
      walletAddress: service.wallet.address,
      walletBalance: lastBalance,
      mining: m.active,
      hashRate: m.hashRate,
      storage: service.storageHealth()
    }
  }

  function historyOf(address: string, offset: number, limit: number) {
    const pending: HistoryEntry[] = service.pool
      .all()
      .filter((t) => t.sender === address || t.recipient === address)
      .reverse()
      .map((t) => entry(t, address, null, null, null))
    const confirmed = store.addressHistory(address, offset, limit)
    const blocks = new Map<string, Block>()
    const history = confirmed.ids.map((loc) => {
      let b = blocks.get(loc.blockHash)
      if (!b) {
        b = store.getBlock(loc.blockHash)!
        blocks.set(b.hash, b)
      }
      return entry(b.transactions[loc.position], address, b.hash, b.index, b.timestamp)
    })
    return { pending, history, total: confirmed.total }
  }

  function entry(
    t: Transaction,
    address: string,
    blockHash: string | null,
    blockIndex: number | null,
    timestamp: number | null
  ): HistoryEntry {
    let delta = 0
    if (t.recipient === address) delta += t.amount
    if (t.sender === address) delta -= t.amount + t.fee
    return {
      transaction: txToWire(t),
      blockHash,
      blockIndex,
      timestamp,
      status: blockHash === null ? 'pending' : 'confirmed',
      delta
    }
  }

  const api: NodeApiHandlers = {
    async getStatus() {
      return status()
    },

    async listBlocks(fromIndex, limit) {
      const from = int(fromIndex, 'fromIndex')
      const n = int(limit, 'limit', 1, MAX_PAGE)
      return store.summaries('main-desc', from === 0 ? chain.tip().index : from, n).map(summary)
    },

    async getChainView(fromIndex, toIndex) {
      const from = int(fromIndex, 'fromIndex')
      const to = int(toIndex, 'toIndex')
      if (to < from || to - from > 2000) throw new BadArgument('toIndex must be within 2000 of fromIndex')
      return store.summaries('range', from, to).map((r) => ({
        hash: r.hash,
        index: r.height,
        previousHash: r.parent,
        onMain: r.on_main === 1,
        txCount: r.tx_count,
        timestamp: r.timestamp
      }))
    },

    getBlock: guarded(async (hash) => {
      const h = chain.header(str(hash, 'hash', HASH))
      if (!h) return errResult<BlockDetail>('not_found', 'no block with this hash is known')
      const b = store.getBlock(h.hash)!
      const onMain = chain.isOnMain(h)
      const children = store
        .childrenOf(h.hash)
        .map((c) => ({ hash: c, onMain: store.getMainHash(h.index + 1) === c }))
        .sort((a, b) => Number(b.onMain) - Number(a.onMain))
      return okResult<BlockDetail>({
        ...blockSummary(b, h, onMain),
        version: b.version,
        proof: b.proof,
        merkleRoot: b.merkleRoot,
        confirmations: onMain ? chain.tip().index - b.index + 1 : 0,
        children
      })
    }),

    getBlockTransactions: guarded(async (hash, offset, limit) => {
      const b = store.getBlock(str(hash, 'hash', HASH))
      const o = int(offset, 'offset')
      const n = int(limit, 'limit', 1, MAX_PAGE)
      if (!b) return errResult('not_found', 'no block with this hash is known')
      return okResult({ transactions: b.transactions.slice(o, o + n).map(txToWire), total: b.transactions.length })
    }),

    getTransaction: guarded(async (id) => {
      const f = service.findTransaction(str(id, 'id', HASH))
      if (!f) return errResult('not_found', 'no transaction with this id is in the main chain or pending')
      return okResult({
        transaction: txToWire(f.tx),
        status: f.blockHash === null ? ('pending' as const) : ('confirmed' as const),
        blockHash: f.blockHash,
        blockIndex: f.blockIndex,
        confirmations: f.confirmations,
        timestamp: f.timestamp
      })
    }),

    getAddress: guarded(async (address, offset, limit) => {
      const a = str(address, 'address', ADDRESS)
      const from = int(offset, 'offset')
      const h = historyOf(a, from, int(limit, 'limit', 1, MAX_PAGE))
      const acc = store.account(a)
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
        const hash = store.getMainHash(Number(q))
        return hash ? okResult({ kind: 'block' as const, hash }) : errResult('not_found', `no block at index ${q}`)
      }
      if (isHash(q)) {
        if (store.hasBlock(q)) return okResult({ kind: 'block' as const, hash: q })
        if (service.findTransaction(q)) return okResult({ kind: 'transaction' as const, id: q })
        return errResult('not_found', 'no block or transaction with this hash is known')
      }
      if (isAddress(q)) return okResult({ kind: 'address' as const, address: q })
      return errResult('invalid_field', 'search for a block index, a block hash, a transaction id or an address')
    }),

    async getWallet() {
      const w = service.wallet
      const acc = store.account(w.address)
      const h = historyOf(w.address, 0, 50)
      return {
        address: w.address,
        publicKey: w.publicKey,
        balance: acc.balance,
        nonce: acc.nonce,
        pendingNonce: service.pool.nextNonce(w.address, store),
        pending: h.pending,
        history: h.history
      }
    },

    sendTransaction: guarded(async (req) => {
      if (typeof req !== 'object' || req === null) throw new BadArgument('a send request is an object')
      const r = req as unknown as Record<string, unknown>
      const recipient = str(r.recipient, 'recipient', ADDRESS)
      // Exactly what the user typed or nothing: a fraction, negative, string or missing value is
      // refused (invalid_field), never rounded, clamped or defaulted into a transfer.
      const amount = int(r.amount, 'amount', 1)
      const fee = int(r.fee, 'fee')
      const o = service.sendFromWallet({ recipient, amount, fee })
      if (o.kind === 'invalid') return errResult(o.code, o.message)
      return okResult({ id: o.kind === 'accepted' ? o.tx.id : o.id })
    }),

    mineOnce: guarded(async () => {
      const b = await mining.mineOnce()
      const h = chain.header(b.hash)!
      return okResult(blockSummary(b, h, chain.isOnMain(h)))
    }),

    startMining: guarded(async (threads) => {
      if (threads !== undefined) {
        const set = await deps.settings.setThreads(threads, (n) => mining.setThreads(n))
        if (!set.ok) return errResult<MiningStatus>('invalid_field', set.message)
      }
      mining.start()
      return okResult(miningStatus())
    }),

    async stopMining() {
      mining.stop()
      return miningStatus()
    },

    async getMining() {
      return miningStatus()
    },

    async listPeers() {
      return peers.list()
    },

    addPeer: guarded(async (url) => peers.add(httpUrl(url))),
    removePeer: guarded(async (url) => peers.remove(httpUrl(url))),
    banPeer: guarded(async (url, minutes) => peers.ban(httpUrl(url), int(minutes, 'minutes', 1, 525600))),
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
            genesisHash: s?.genesis_hash ?? service.network.genesisHash,
            index: s?.index ?? chain.tip().index,
            connected: mine.has(e.url),
            self
          })
        })
      )
      return found.sort((a, b) => a.url.localeCompare(b.url))
    },

    startLocalNode: guarded(async () => {
      if (!deps.spawnLocalNode) return errResult<LocalNode>('unavailable', 'this node cannot start other nodes')
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
    }),

    async getAppInfo() {
      return appInfo()
    },

    async getSettings() {
      return settings()
    },

    updateSettings: guarded(async (patch) => {
      if (typeof patch !== 'object' || patch === null) throw new BadArgument('settings must be an object')
      const p = patch as Record<string, unknown>
      // Checked before anything is saved: a bad switch value must not leave the theme half-applied.
      const notifications = p.notifications === undefined ? undefined : bool(p.notifications, 'notifications')
      const welcomeSeen = p.welcomeSeen === undefined ? undefined : bool(p.welcomeSeen, 'welcomeSeen')
      if (p.theme !== undefined) store.putSetting('theme', str(p.theme, 'theme', /^(light|dark)$/))
      if (p.language !== undefined) store.putSetting('language', str(p.language, 'language', /^(en|zh-CN)$/))
      if (notifications !== undefined) store.putSetting('notifications', notifications ? 'on' : 'off')
      if (welcomeSeen !== undefined) store.putSetting('welcomeSeen', welcomeSeen ? 'yes' : 'no')
      // The node's own rules (node/settings.ts), both checked before either is applied.
      const threads = p.miningThreads === undefined ? undefined : checkThreads(p.miningThreads, 'miningThreads')
      const token = p.apiToken === undefined || p.apiToken === '' ? undefined : checkToken(p.apiToken, 'apiToken')
      for (const c of [threads, token]) if (c !== undefined && !c.ok) return errResult<Settings>('invalid_field', c.message)
      if (p.miningThreads !== undefined) await deps.settings.setThreads(p.miningThreads, (n) => mining.setThreads(n))
      // In force for the next request: the control and UI routes read the token through its owner.
      if (p.apiToken !== undefined) deps.settings.setApiToken(p.apiToken)
      const launch = {
        port: p.port === undefined ? deps.launch.port : int(p.port, 'port', 0, 65535),
        host: p.host === undefined ? deps.launch.host : str(p.host, 'host', /^[0-9A-Za-z.:[\]-]{1,255}$/),
        network: p.network === undefined ? service.network.name : (str(p.network, 'network', /^(main|regtest)$/) as Settings['network']),
        dataDir: p.dataDir === undefined ? service.dataDir : fullPath(str(p.dataDir, 'dataDir', /^[^\0]{1,1024}$/))
      }
      const changedLaunch =
        launch.port !== deps.launch.port || launch.host !== deps.launch.host ||
        launch.network !== service.network.name || launch.dataDir !== service.dataDir
      if (changedLaunch) {
        if (!deps.saveLaunchSettings) return errResult<Settings>('unavailable', 'port, host, network and data dir are set by command-line flags on this node')
        deps.saveLaunchSettings(launch)
      }
      const s = settings()
      events.emit('event', { type: 'settings', settings: s })
      return okResult(s)
    })
  }

  // ---- pushed events -----------------------------------------------------------------------
  const events = new EventEmitter()
  events.setMaxListeners(0)
  const push = (e: NodeEvent) => events.emit('event', e)
  let statusTimer: NodeJS.Timeout | undefined
  let miningTimer: NodeJS.Timeout | undefined
  // Status is derived from many sources; coalesce bursts (a sync of 500 blocks) into one push.
  const pushStatus = () => {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined
      if (service.store.db.open) push({ type: 'status', status: status() })
    }, 100)
  }

  /**
   * Blocks and transfers already told of, so a reorganisation that disconnects a block and
   * connects it again (or the same transfer in another block) does not notify twice. Bounded:
   * the oldest are forgotten first, long after any reorganisation could bring them back.
   */
  const told = new Set<string>()
  const notified = (key: string): boolean => {
    if (told.has(key)) return false
    told.add(key)
    if (told.size > 10_000) told.delete(told.values().next().value!)
    return true
  }
  const notice = (n: Notice) => push({ type: 'notice', notice: n })

  let wired = false
  const unwire: (() => void)[] = []
  function wire(): void {
    if (wired) return
    wired = true
    const onBlock = (acc: AcceptedBlock) => {
      if (!service.store.db.open) return
      const h = chain.header(acc.block.hash)
      if (h) push({ type: 'block', block: blockSummary(acc.block, h, acc.status === 'main') })
      if (acc.reorg) {
        push({
          type: 'reorg',
          forkIndex: acc.reorg.forkIndex,
          disconnected: acc.reorg.disconnected.map((b) => b.hash),
          connected: acc.reorg.connected.map((b) => b.hash)
        })
      }
      pushStatus()
    }
    // The storage banner: pushed at once, not coalesced, so a full disk shows without delay.
    const onStorage = () => {
      try {
        if (service.store.db.open) push({ type: 'status', status: status() })
      } catch {
        // Reading the status hit the damage itself: the next status poll tells.
      }
    }
    const onPending = (count: number) => {
      push({ type: 'pending', count })
      pushStatus()
    }
    // Progress arrives every few hundred ms; the UI needs at most a few a second. The last state
    // of a burst is always pushed (a trailing push), so a start or stop is never lost.
    let lastMining = 0
    const pushMining = () => {
      miningTimer = undefined
      lastMining = Date.now()
      if (service.store.db.open) push({ type: 'mining', mining: miningStatus() })
    }
    const onMining = () => {
      if (miningTimer) return
      const wait = 250 - (Date.now() - lastMining)
      if (wait <= 0) pushMining()
      else miningTimer = setTimeout(pushMining, wait)
    }
    const onPeers = () => {
      push({ type: 'peers', peers: peers.list() })
      pushStatus()
    }
    // Desktop notifications (the renderer decides whether to show them, by Settings).
    const onFound = (b: Block) => {
      const h = chain.header(b.hash)
      if (!h || !chain.isOnMain(h) || !notified(b.hash)) return
      notice({ kind: 'mined', index: b.index, hash: b.hash, reward: b.transactions[0]?.amount ?? 0 })
    }
    const onReceived = (acc: AcceptedBlock) => {
      if (acc.status !== 'main') return
      const me = service.wallet.address
      for (const b of acc.reorg?.connected ?? [acc.block]) {
        for (const t of b.transactions) {
          if (t.recipient !== me || t.sender === me || t.sender === COINBASE_SENDER || !notified(t.id)) continue
          notice({ kind: 'received', txId: t.id, amount: t.amount, sender: t.sender, blockIndex: b.index })
        }
      }
    }
    service.on('block', onReceived)
    mining.on('found', onFound)
    unwire.push(
      () => service.off('block', onReceived),
      () => mining.off('found', onFound)
    )
    service.on('block', onBlock)
    service.on('pending', onPending)
    service.on('storage', onStorage)
    mining.on('state', onMining)
    peers.on('change', onPeers)
    unwire.push(
      () => service.off('block', onBlock),
      () => service.off('pending', onPending),
      () => service.off('storage', onStorage),
      () => mining.off('state', onMining),
      () => peers.off('change', onPeers)
    )
  }

  return {
    api,
    subscribe(cb) {
      wire()
      events.on('event', cb)
      return () => {
        events.off('event', cb)
        if (events.listenerCount('event') === 0) {
          for (const u of unwire.splice(0)) u()
          wired = false
          if (statusTimer) clearTimeout(statusTimer)
          if (miningTimer) clearTimeout(miningTimer)
          statusTimer = undefined
          miningTimer = undefined
        }
      }
    }
  }
}
