/**
 * The event timeline (the lab): what the node did, newest last, in memory: blocks connected
 * (a catch-up's run of blocks from one sender as one entry), mined, stored on a side branch,
 * reorganisations, transactions accepted into the pool, blocks and transactions refused, peers
 * added, dropped, scored down and banned, and faults injected on links (the lab). Each entry names its block, transaction or peer, which
 * the UI links to. The newest MAX_TIMELINE are kept; the timeline starts empty with the process
 * (the refusal report, node/refusals.ts, is what is kept across restarts).
 */
import type { EventEmitter } from 'node:events'
import type { AcceptedBlock, NodeServiceEvents, Refusal } from './facade'
import type { Transaction } from '../core'
import { reorgRecord } from '../chain/reorg-record'
import type { ScoredOffence } from './refusals'
import {
  MAX_TIMELINE,
  type FaultChange,
  type TimelineEntry,
  type TimelineKind
} from '../../shared/api'

export { MAX_TIMELINE } from '../../shared/api'
/**
 * Blocks from one sender, each the next, within this long of the last are one entry (a run);
 * so are refusals within this long of the last.
 */
export const RUN_GAP_MS = 2_000

export type { TimelineEntry, TimelineKind } from '../../shared/api'

export interface TimelineOptions {
  service: Pick<EventEmitter<NodeServiceEvents>, 'on' | 'off'>
  peers?: {
    on(event: 'offence', cb: (x: ScoredOffence) => void): unknown
    off(event: 'offence', cb: (x: ScoredOffence) => void): unknown
    on(event: 'added' | 'dropped', cb: (url: string) => void): unknown
    off(event: 'added' | 'dropped', cb: (url: string) => void): unknown
    on(event: 'fault', cb: (c: FaultChange) => void): unknown
    off(event: 'fault', cb: (c: FaultChange) => void): unknown
  }
  now?: () => number
  max?: number
}

export class Timeline {
  private readonly entries: TimelineEntry[] = []
  private seq = 0
  private readonly now: () => number
  private readonly max: number
  private readonly off: () => void

  constructor(o: TimelineOptions) {
    this.now = o.now ?? Date.now
    this.max = o.max ?? MAX_TIMELINE
    const onBlock = (a: AcceptedBlock): void => this.block(a)
    const onTx = (tx: Transaction, m: { source?: string; via?: string }): void =>
      this.push({
        kind: 'transaction',
        txId: tx.id,
        amount: tx.amount,
        source: m.source ?? m.via ?? 'local'
      })
    const onRefused = (r: Refusal): void => this.refused(r)
    const onOffence = (x: ScoredOffence): void =>
      this.push({
        kind: x.banned ? 'peer-banned' : 'peer-scored',
        peer: x.url,
        cost: x.cost,
        score: x.score
      })
    const onAdded = (url: string): void => this.push({ kind: 'peer-added', peer: url })
    const onDropped = (url: string): void => this.push({ kind: 'peer-dropped', peer: url })
    // A link's fault names its peer (and the fault set; all clear: healed); the others are the
    // node's own: cut off, reconnected, every link healed.
    const onFault = (c: FaultChange): void =>
      this.push(
        c.what === 'link'
          ? { kind: 'fault', fault: 'link', peer: c.peer, ...c.fault }
          : { kind: 'fault', fault: c.what }
      )
    o.service.on('block', onBlock)
    o.service.on('transaction', onTx)
    o.service.on('refused', onRefused)
    o.peers?.on('offence', onOffence)
    o.peers?.on('added', onAdded)
    o.peers?.on('dropped', onDropped)
    o.peers?.on('fault', onFault)
    this.off = () => {
      o.service.off('block', onBlock)
      o.service.off('transaction', onTx)
      o.service.off('refused', onRefused)
      o.peers?.off('offence', onOffence)
      o.peers?.off('added', onAdded)
      o.peers?.off('dropped', onDropped)
      o.peers?.off('fault', onFault)
    }
  }

  private block(a: AcceptedBlock): void {
    const b = a.block
    const source = a.origin.source ?? a.origin.via ?? 'local'
    if (a.reorg) {
      // The fork history's record (chain/reorg-record.ts), so both say the same.
      const r = reorgRecord(a.reorg, this.now(), a.origin)
      this.push({
        kind: 'reorg',
        forkIndex: r.forkIndex,
        disconnected: r.disconnectedCount,
        connected: r.connectedCount,
        oldTip: r.oldTip.hash,
        oldWork: r.oldWork,
        newWork: r.newWork,
        txsBack: r.txsBackCount,
        hash: b.hash,
        index: b.index,
        source
      })
      return
    }
    if (a.origin.via === 'mined') {
      this.push({ kind: 'mined', hash: b.hash, index: b.index, source })
      return
    }
    // A catch-up connects thousands of blocks (or stores them on a side branch, until the branch
    // has the most work): the run from one sender is one entry.
    const kind = a.status === 'side' ? 'side' : 'block'
    const last = this.recent()
    if (
      last?.kind === kind &&
      last.source === source &&
      (last.lastIndex ?? last.index) === b.index - 1
    ) {
      last.lastIndex = b.index
      last.count = (last.count ?? 1) + 1
      last.hash = b.hash
      last.at = this.now()
      return
    }
    this.push({ kind, hash: b.hash, index: b.index, source })
  }

  /**
   * Refusals come in floods (anyone can post junk): a burst of them is one entry, counted, with
   * the last one's code and sender, so that a flood cannot push out what else the node did.
   */
  private refused(r: Refusal): void {
    const what = {
      what: r.what,
      code: r.code,
      source: r.from,
      ...(r.what === 'block'
        ? { hash: r.id, index: r.index, txId: undefined }
        : { txId: r.id, hash: undefined, index: undefined })
    }
    const last = this.recent()
    if (last?.kind === 'refused') {
      Object.assign(last, what, { count: (last.count ?? 1) + 1, at: this.now() })
      return
    }
    this.push({ kind: 'refused', ...what })
  }

  /** The newest entry, when it is recent enough for a run to go on in it. */
  private recent(): TimelineEntry | undefined {
    const last = this.entries[this.entries.length - 1]
    return last !== undefined && this.now() - last.at <= RUN_GAP_MS ? last : undefined
  }

  private push(e: Omit<TimelineEntry, 'seq' | 'at'>): void {
    this.entries.push({ seq: ++this.seq, at: this.now(), ...e })
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max)
  }

  /** The newest `limit` entries of the given kinds (all when none are given), newest first. */
  list(kinds: readonly TimelineKind[] | undefined, limit: number): TimelineEntry[] {
    const want = kinds === undefined ? undefined : new Set(kinds)
    const out: TimelineEntry[] = []
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]
      if (want === undefined || want.has(e.kind)) out.push({ ...e })
    }
    return out
  }

  close(): void {
    this.off()
  }
}
