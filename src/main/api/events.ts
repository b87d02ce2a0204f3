/**
 * The events pushed to the UI (NodeEvent): blocks, reorganisations, pending count, peers,
 * mining state, status, settings and desktop notices. Listeners on the node are wired with the
 * first subscriber and removed with the last, so a node nobody watches does no work for the UI.
 */
import { EventEmitter } from 'node:events'
import { COINBASE_SENDER, type Block } from '../core'
import type { AcceptedBlock } from '../node/facade'
import type { NodeEvent, Notice } from '../../shared/api'
import type { UiApiDeps } from './deps'
import type { StatusView } from './status'
import { blockSummary } from './views'

/** How long a burst window lasts: blocks within it after the first are pushed as one summary. */
export const BURST_MS = 200

export interface UiEvents {
  /** Send an event to every subscriber now. */
  push(e: NodeEvent): void
  /** Subscribe to pushed events; returns the unsubscribe function. */
  subscribe(cb: (e: NodeEvent) => void): () => void
}

export function createEvents(
  deps: Pick<UiApiDeps, 'service' | 'mining' | 'peers'>,
  view: StatusView
): UiEvents {
  const { service, mining, peers } = deps
  const { status, miningStatus } = view

  const events = new EventEmitter()
  events.setMaxListeners(0)
  const push = (e: NodeEvent) => events.emit('event', e)
  let statusTimer: NodeJS.Timeout | undefined
  let miningTimer: NodeJS.Timeout | undefined
  let burstTimer: NodeJS.Timeout | undefined
  /** Blocks accepted since the burst window opened, not pushed one by one (see onBlock). */
  let burst: { count: number; last: NodeEvent | undefined } = { count: 0, last: undefined }
  // Status is derived from many sources; coalesce bursts (a sync of 500 blocks) into one push.
  const pushStatus = () => {
    statusTimer ??= setTimeout(() => {
      statusTimer = undefined
      if (service.isOpen()) push({ type: 'status', status: status() })
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
    // Blocks come one at a time (mined, gossiped) or in thousands (a catch-up, regtest mining).
    // The first block of a burst is pushed at once; those that follow within BURST_MS are
    // counted and pushed at the window's end as one 'blocks' summary (or as themselves when
    // there was one), and the window stays open while blocks keep coming. A catch-up of 5,000
    // blocks is a few dozen events the UI handles, not 5,000 (issue #12, "the UI at scale").
    const flushBurst = () => {
      burstTimer = undefined
      const { count, last } = burst
      burst = { count: 0, last: undefined }
      if (count === 0 || !service.isOpen()) return
      if (count === 1 && last !== undefined) push(last)
      else push({ type: 'blocks', count })
      burstTimer = setTimeout(flushBurst, BURST_MS)
    }
    const onBlock = (acc: AcceptedBlock) => {
      if (!service.isOpen()) return
      const h = service.header(acc.block.hash)
      const e: NodeEvent | undefined = h
        ? { type: 'block', block: blockSummary(acc.block, h, acc.status === 'main') }
        : undefined
      if (burstTimer === undefined) {
        if (e) push(e)
        burstTimer = setTimeout(flushBurst, BURST_MS)
      } else {
        burst = { count: burst.count + 1, last: e }
      }
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
        if (service.isOpen()) push({ type: 'status', status: status() })
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
      if (service.isOpen()) push({ type: 'mining', mining: miningStatus() })
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
      const h = service.header(b.hash)
      if (!h || !service.isOnMain(h) || !notified(b.hash)) return
      notice({
        kind: 'mined',
        index: b.index,
        hash: b.hash,
        reward: b.transactions[0]?.amount ?? 0
      })
    }
    const onReceived = (acc: AcceptedBlock) => {
      if (acc.status !== 'main') return
      const me = service.walletAddress
      for (const b of acc.reorg?.connected ?? [acc.block]) {
        for (const t of b.transactions) {
          if (
            t.recipient !== me ||
            t.sender === me ||
            t.sender === COINBASE_SENDER ||
            !notified(t.id)
          )
            continue
          notice({
            kind: 'received',
            txId: t.id,
            amount: t.amount,
            sender: t.sender,
            blockIndex: b.index
          })
        }
      }
    }
    service.on('block', onReceived)
    mining.on('found', onFound)
    unwire.push(
      () => service.off('block', onReceived),
      () => mining.off('found', onFound)
    )
    // Re-mining a copy (the tamper lab): the engine reports every half second, no burst to fold.
    const onCopy = (p: { hashes: number; hashRate: number; expectedMs: number }) =>
      push({ type: 'copyMining', hashes: p.hashes, hashRate: p.hashRate, expectedMs: p.expectedMs })
    service.on('block', onBlock)
    service.on('pending', onPending)
    service.on('storage', onStorage)
    mining.on('state', onMining)
    mining.on('copy-progress', onCopy)
    peers.on('change', onPeers)
    const onFault = () => push({ type: 'faults', faults: peers.faults.view() })
    peers.on('fault', onFault)
    unwire.push(
      () => peers.off('fault', onFault),
      () => service.off('block', onBlock),
      () => service.off('pending', onPending),
      () => service.off('storage', onStorage),
      () => mining.off('state', onMining),
      () => mining.off('copy-progress', onCopy),
      () => peers.off('change', onPeers)
    )
  }

  return {
    push,
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
          if (burstTimer) clearTimeout(burstTimer)
          statusTimer = undefined
          miningTimer = undefined
          burstTimer = undefined
          burst = { count: 0, last: undefined }
        }
      }
    }
  }
}
