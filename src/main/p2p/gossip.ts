/**
 * Pushing what the node accepts to its peers (PROTOCOL §6): each new block (`POST /blocks`) and
 * each transaction newly in the pool (`POST /transactions`) goes to every peer but the one it
 * came from. A peer that already has it answers 200 and, having accepted nothing, relays nothing:
 * no loops. Each peer has one request in flight and a bounded queue (oldest dropped), so a slow
 * peer cannot make us pile up work; a dropped block is fetched later as an orphan's ancestor.
 *
 * A block crosses each link once, not once each way: flooding alone sends a block to every peer
 * but its sender, so two peers that both have it from elsewhere push it to each other (bench/
 * network.ts measured 40-63 % of links carrying each block twice, and a peer known by another
 * URL than it announces got its own blocks back). So each peer has a bounded memory of the blocks
 * it is known to have (it sent them to us, took our push, or said it has them), and before a
 * block is pushed the peer is asked `HEAD /blocks/<hash>` (a status line instead of the block):
 * 200 means it has the block and nothing is sent. A peer that does not answer HEAD (405, or
 * nothing) is pushed the block as before. Transactions are small enough to push as they are.
 */
import { blockToWire, txToWire, type Block, type Transaction } from '../core'
import type { AcceptedBlock } from '../node/facade'
import { noAnswer } from './http-client'
import { OFFENCE, SMALL_ANSWER_MAX_BYTES, type GossipNode, type PeerNet } from './types'

const QUEUE_MAX = 256
/** Block hashes remembered per peer as known to it: more than any burst of blocks in flight. */
const KNOWN_MAX = 1024

interface Item {
  path: '/blocks' | '/transactions'
  body: unknown
  what: string
  /** A block's hash: asked about first, and remembered once the peer has it. */
  hash?: string
}

export class Gossip {
  private readonly queues = new Map<string, Item[]>()
  private readonly busy = new Set<string>()
  /** Per peer URL: blocks it is known to have, oldest first (a Set keeps insertion order). */
  private readonly known = new Map<string, Set<string>>()
  private unwire: (() => void) | undefined

  /**
   * `quiet(source)`: blocks from that peer are being caught up (Syncer.isQuiet), and only each
   * batch's last block is relayed, by the Syncer.
   */
  constructor(
    private readonly net: PeerNet,
    private readonly service: GossipNode,
    private readonly quiet: (source: string | undefined) => boolean
  ) {}

  start(): void {
    const service = this.service
    const onBlock = (a: AcceptedBlock): void => {
      // Its sender has it, whether or not it is relayed now.
      if (a.origin.source !== undefined) this.markKnown(a.origin.source, a.block.hash)
      if (this.quiet(a.origin.source)) return
      this.relayBlock(a.block, a.origin.source)
    }
    const onTx = (tx: Transaction, m: { source?: string }): void =>
      this.relayTransaction(tx, m.source)
    service.on('block', onBlock)
    service.on('transaction', onTx)
    this.unwire = () => {
      service.off('block', onBlock)
      service.off('transaction', onTx)
    }
  }

  stop(): void {
    this.unwire?.()
    this.queues.clear()
    this.known.clear()
  }

  relayBlock(b: Block, except?: string): void {
    this.broadcast(
      { path: '/blocks', body: blockToWire(b), what: `block ${b.index}`, hash: b.hash },
      except
    )
  }

  /** Whether `url` is known to have block `hash`. */
  knows(url: string, hash: string): boolean {
    return this.known.get(url)?.has(hash) ?? false
  }

  private markKnown(url: string, hash: string): void {
    let s = this.known.get(url)
    if (s === undefined) this.known.set(url, (s = new Set()))
    s.delete(hash)
    s.add(hash)
    if (s.size > KNOWN_MAX) s.delete(s.values().next().value!)
  }

  relayTransaction(tx: Transaction, except?: string): void {
    this.broadcast(
      { path: '/transactions', body: txToWire(tx), what: `transaction ${tx.id.slice(0, 12)}` },
      except
    )
  }

  private broadcast(item: Item, except?: string): void {
    for (const p of this.net.active()) {
      if (p.url === except || p.reachable === false) continue
      if (
        item.hash !== undefined &&
        (this.knows(p.url, item.hash) || p.status?.tipHash === item.hash)
      )
        continue
      let q = this.queues.get(p.url)
      if (q === undefined) this.queues.set(p.url, (q = []))
      q.push(item)
      if (q.length > QUEUE_MAX) q.shift()
      void this.pump(p.url)
    }
  }

  private async pump(url: string): Promise<void> {
    if (this.busy.has(url)) return
    this.busy.add(url)
    try {
      for (;;) {
        const item = this.queues.get(url)?.shift()
        if (item === undefined || this.net.closed) break
        const p = this.net.get(url)
        if (p === undefined || this.net.isBanned(p)) break
        if (item.hash !== undefined && (await this.peerHas(url, item.hash))) continue
        const res = await this.net.request(url, item.path, {
          method: 'POST',
          body: item.body,
          // The answer is a one-line message: anything bigger, or dripping past the deadline,
          // is an offence (transportOffence), like on any other fetch.
          timeoutMs: this.net.limits.pushTimeoutMs,
          maxBytes: SMALL_ANSWER_MAX_BYTES
        })
        if (!res.ok) {
          this.net.transportOffence(p, res)
          if (noAnswer(res.reason)) this.queues.delete(url)
          continue
        }
        // 503 `unavailable` is a peer saying its disk is full or its store damaged (or it is busy):
        // not junk from it, and no reason to ban an honest node that will be back.
        if (res.status >= 500 && res.status !== 503)
          this.net.offence(p, OFFENCE.garbage, `${item.what}: answered ${res.status}`)
        // 200 known, 201 taken, 202 taken as an orphan: it has the block now.
        else if (item.hash !== undefined && res.status >= 200 && res.status <= 202)
          this.markKnown(url, item.hash)
      }
    } finally {
      this.busy.delete(url)
      if ((this.queues.get(url)?.length ?? 0) === 0) this.queues.delete(url)
    }
  }

  /**
   * Whether the peer has the block: remembered, or it says so to `HEAD /blocks/<hash>` (it may
   * have had it from another peer since it was queued). Anything but a 200 (404, a peer without
   * HEAD, no answer) means push it; a failed HEAD is not an offence (the push that follows is
   * judged as ever).
   */
  private async peerHas(url: string, hash: string): Promise<boolean> {
    if (this.knows(url, hash)) return true
    const res = await this.net.request(url, `/blocks/${hash}`, {
      method: 'HEAD',
      timeoutMs: this.net.limits.pushTimeoutMs,
      maxBytes: SMALL_ANSWER_MAX_BYTES
    })
    if (!res.ok || res.status !== 200) return false
    this.markKnown(url, hash)
    return true
  }
}
