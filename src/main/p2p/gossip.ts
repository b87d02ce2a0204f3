/**
 * Pushing what the node accepts to its peers (PROTOCOL §6): each new block (`POST /blocks`) and
 * each transaction newly in the pool (`POST /transactions`) goes to every peer but the one it
 * came from. A peer that already has it answers 200 and, having accepted nothing, relays nothing:
 * no loops. Each peer has one request in flight and a bounded queue (oldest dropped), so a slow
 * peer cannot make us pile up work; a dropped block is fetched later as an orphan's ancestor.
 */
import { blockToWire, txToWire, type Block, type Transaction } from '../core'
import type { AcceptedBlock } from '../node/facade'
import { noAnswer } from './http-client'
import { OFFENCE, SMALL_ANSWER_MAX_BYTES, type GossipNode, type PeerNet } from './types'

const QUEUE_MAX = 256

interface Item {
  path: '/blocks' | '/transactions'
  body: unknown
  what: string
}

export class Gossip {
  private readonly queues = new Map<string, Item[]>()
  private readonly busy = new Set<string>()
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
  }

  relayBlock(b: Block, except?: string): void {
    this.broadcast({ path: '/blocks', body: blockToWire(b), what: `block ${b.index}` }, except)
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
      }
    } finally {
      this.busy.delete(url)
      if ((this.queues.get(url)?.length ?? 0) === 0) this.queues.delete(url)
    }
  }
}
