/**
 * Test doubles for the renderer: a NodeApi whose every method is a vi.fn with a plausible default
 * answer, an event emitter standing in for the node's pushes, and sample data.
 */
import { vi, type Mock } from 'vitest'
import type {
  AppInfo,
  BlockDetail,
  BlockSummary,
  FaultsView,
  LinkFault,
  MiningStatus,
  NodeApi,
  NodeEvent,
  NodeStatus,
  PeerInfo,
  Settings,
  WalletInfo
} from '@shared/api'

export const ADDR_A = 'a'.repeat(40)
export const ADDR_B = 'b'.repeat(40)
export const hash = (n: number, c = '0'): string => n.toString(16).padStart(64, c)

export function block(index: number, extra: Partial<BlockSummary> = {}): BlockSummary {
  return {
    hash: hash(index),
    index,
    timestamp: 1_700_000_000_000 + index * 10_000,
    previousHash: hash(index - 1),
    difficulty: 8,
    txCount: 1,
    miner: ADDR_A,
    reward: 50,
    onMain: true,
    totalWork: String(256 * index),
    ...extra
  }
}

export function blockDetail(index: number, extra: Partial<BlockDetail> = {}): BlockDetail {
  return {
    ...block(index),
    version: 1,
    proof: 12345,
    merkleRoot: 'e'.repeat(64),
    confirmations: 3,
    children: [],
    ...extra
  }
}

export const status = (extra: Partial<NodeStatus> = {}): NodeStatus => ({
  network: 'regtest',
  genesisHash: hash(1),
  index: 5,
  tipHash: hash(5),
  totalWork: '1280',
  difficulty: 8,
  pending: 0,
  peers: 1,
  version: 1,
  url: 'http://127.0.0.1:5000',
  dataDir: '/tmp/bf',
  walletAddress: ADDR_A,
  walletBalance: 200,
  mining: false,
  hashRate: 0,
  storage: { state: 'ok', message: null, since: null },
  ...extra
})

export const wallet = (extra: Partial<WalletInfo> = {}): WalletInfo => ({
  address: ADDR_A,
  publicKey: 'c'.repeat(64),
  balance: 200,
  nonce: 0,
  pendingNonce: 0,
  pending: [],
  history: [],
  ...extra
})

export const mining = (extra: Partial<MiningStatus> = {}): MiningStatus => ({
  active: false,
  threads: 1,
  maxThreads: 4,
  hashRate: 0,
  hashes: 0,
  difficulty: 8,
  expectedMs: 1000,
  blocksFound: 0,
  ...extra
})

export const peer = (url: string, extra: Partial<PeerInfo> = {}): PeerInfo => ({
  url,
  state: 'connected',
  tipIndex: 5,
  tipHash: hash(5),
  lag: 0,
  lastContact: Date.now(),
  score: 0,
  bytesIn: 1024,
  bytesOut: 2048,
  bannedUntil: null,
  ...extra
})

export const settings = (extra: Partial<Settings> = {}): Settings => ({
  port: 5000,
  host: '127.0.0.1',
  network: 'regtest',
  dataDir: '/tmp/bf',
  apiToken: '',
  miningThreads: 1,
  theme: 'light',
  language: 'en',
  notifications: true,
  // Seen: screens mount without the first-run screen over them (tests of it set false).
  welcomeSeen: true,
  ...extra
})

export const appInfo = (extra: Partial<AppInfo> = {}): AppInfo => ({
  name: 'Blockforge',
  version: '0.1.0',
  protocolVersion: 1,
  electron: null,
  chrome: null,
  node: '22.23.3',
  platform: 'linux x64',
  dataDir: '/tmp/bf',
  walletFile: '/tmp/bf/wallet.json',
  logDir: null,
  walletCreated: true,
  ...extra
})

type Fake<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? Mock<(...a: A) => R> : T[K]
}

export interface FakeApi extends Fake<NodeApi> {
  /** Pushes an event to every subscriber, as the node would. */
  emit(e: NodeEvent): void
  listenerCount(): number
}

export function createFakeApi(): FakeApi {
  const listeners = new Set<(e: NodeEvent) => void>()
  const ok = <T>(value: T) => ({ ok: true as const, value })
  let faults: FaultsView = { isolated: false, isolatedSince: null, links: [] }
  const api = {
    getStatus: vi.fn(async () => status()),
    listBlocks: vi.fn(async (from: number, limit: number) => {
      const top = from === 0 ? 5 : from
      return Array.from({ length: Math.max(0, Math.min(limit, top)) }, (_, i) => block(top - i))
    }),
    getChainView: vi.fn(async () => []),
    getBlock: vi.fn(async (h: string) => ok(blockDetail(5, { hash: h }))),
    getBlockTransactions: vi.fn(async () => ok({ transactions: [], total: 0 })),
    getTransaction: vi.fn(async () => ({
      ok: false as const,
      error: 'not_found',
      message: 'unknown'
    })),
    getAddress: vi.fn(async (address: string) =>
      ok({ address, balance: 0, nonce: 0, history: [], historyTotal: 0 })
    ),
    search: vi.fn(async () => ({ ok: false as const, error: 'not_found', message: 'nothing' })),
    getWallet: vi.fn(async () => wallet()),
    sendTransaction: vi.fn(async () => ok({ id: 'f'.repeat(64) })),
    mineOnce: vi.fn(async () => ok(block(6))),
    startMining: vi.fn(async (threads?: number) =>
      ok(mining({ active: true, threads: threads ?? 1 }))
    ),
    stopMining: vi.fn(async () => mining()),
    getMining: vi.fn(async () => mining()),
    listPeers: vi.fn(async () => [] as PeerInfo[]),
    addPeer: vi.fn(async (url: string) => ok(peer(url))),
    removePeer: vi.fn(async () => ok(null)),
    banPeer: vi.fn(async () => ok(null)),
    unbanPeer: vi.fn(async () => ok(null)),
    resolve: vi.fn(async () =>
      ok({ replaced: false, message: 'Our chain is authoritative', length: 5 })
    ),
    // The lab's link faults, kept as a node would (without its rules: tests of the panel).
    getFaults: vi.fn(async () => faults),
    setLinkFault: vi.fn(async (peerUrl: string, f: LinkFault) => {
      const links = faults.links.filter((l) => l.peer !== peerUrl)
      const clear = !f.paused && f.latencyMs === 0 && f.lossPercent === 0
      faults = {
        ...faults,
        links: clear ? links : [...links, { peer: peerUrl, ...f, since: Date.now() }]
      }
      return ok(faults)
    }),
    setIsolated: vi.fn(async (on: boolean) => {
      faults = { ...faults, isolated: on, isolatedSince: on ? Date.now() : null }
      return ok(faults)
    }),
    healAll: vi.fn(async () => ok((faults = { isolated: false, isolatedSince: null, links: [] }))),
    discoverLocalNodes: vi.fn(async () => []),
    startLocalNode: vi.fn(async () =>
      ok({
        url: 'http://127.0.0.1:5001',
        network: 'regtest' as const,
        genesisHash: hash(1),
        index: 1,
        connected: true,
        self: false
      })
    ),
    inspectBlock: vi.fn(async () => ({
      ok: false as const,
      error: 'not_found',
      message: 'unknown'
    })),
    listRefusals: vi.fn(async () => ok({ entries: [], total: 0, sources: [], dropped: 0 })),
    getForkTree: vi.fn(async () =>
      ok({ tipIndex: 5, tipHash: hash(5), totalWork: '1280', blocks: [], sideOmitted: 0 })
    ),
    getPeerForkTree: vi.fn(async () => ok(null)),
    listReorgs: vi.fn(async () => ok({ records: [], total: 0 })),
    mineOnPeer: vi.fn(async () => ok({ index: 6, hash: hash(66) })),
    getTimeline: vi.fn(async () => ok([])),
    getAppInfo: vi.fn(async () => appInfo()),
    getSettings: vi.fn(async () => settings()),
    updateSettings: vi.fn(async (patch: Partial<Settings>) => ok(settings(patch))),
    onEvent: vi.fn((cb: (e: NodeEvent) => void) => {
      listeners.add(cb)
      return () => listeners.delete(cb)
    }),
    emit: (e: NodeEvent) => listeners.forEach((cb) => cb(e)),
    listenerCount: () => listeners.size
  }
  return api as unknown as FakeApi
}
