/**
 * The node's status and mining state as the UI shows them: read by getStatus and getMining and
 * pushed by the events (events.ts), one instance shared by both so they tell the same.
 */
import { availableParallelism } from 'node:os'
import { PROTOCOL_VERSION } from '../core'
import type { MiningStatus, NodeStatus } from '../../shared/api'
import type { UiApiDeps } from './deps'

export interface StatusView {
  status(): NodeStatus
  miningStatus(): MiningStatus
}

export function createStatusView(
  deps: Pick<UiApiDeps, 'service' | 'mining' | 'peers' | 'url'>
): StatusView {
  const { service, mining, peers } = deps

  function miningStatus(): MiningStatus {
    const s = mining.state()
    return { ...s, maxThreads: availableParallelism() }
  }

  // The last balance read: what a status says while the store cannot be read.
  let lastBalance = 0
  function status(): NodeStatus {
    // The node's own status keeps answering on a damaged store (last tip read, storage state).
    const s = service.status()
    const m = mining.state()
    try {
      lastBalance = service.account(service.walletAddress).balance
    } catch (e) {
      if (!service.reportStorageError(e)) throw e
    }
    return {
      network: s.network,
      genesisHash: s.genesisHash,
      index: s.index,
      tipHash: s.tipHash,
      totalWork: s.totalWork.toString(),
      difficulty: s.difficulty,
      pending: s.pending,
      peers: peers.list().filter((p) => p.state !== 'banned').length,
      version: PROTOCOL_VERSION,
      url: deps.url,
      dataDir: service.dataDir,
      walletAddress: service.walletAddress,
      walletBalance: lastBalance,
      mining: m.active,
      hashRate: m.hashRate,
      storage: s.storage
    }
  }

  return { status, miningStatus }
}
