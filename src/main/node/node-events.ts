/**
 * What a node does, written to its log from the events its parts already emit: blocks connected
 * (and by whom: mined here, caught up from a peer, posted over HTTP), blocks mined with the hash
 * rate, reorganisations, data refused with the protocol's rule code, storage state changes and
 * the miner starting and stopping. Peers log their own changes (peer-manager.ts), where the
 * reasons are known.
 *
 * How much at info: one line per block while blocks come one at a time (a block every few
 * seconds on main, every block a person would want to see), and one summary line per
 * SUMMARY_MS while they come faster (regtest `--mine` connects ~1,000 blocks a second; catching
 * up connects thousands), naming the range, the tip and how many came from where. Bitcoin Core
 * writes an UpdateTip line per block even during its initial download, which buries everything
 * else and, in a rotated log file, pushes out the lines that explain a problem; the summary keeps
 * the log readable at any speed and bounded (about one line a second) while every block is still
 * there at debug level. Reorganisations are never folded into a summary. Refused data is limited
 * to REFUSALS_PER_WINDOW lines a minute per kind: anyone can post junk, and it must not be able
 * to fill a disk through the log.
 */
import type { AcceptedBlock } from '../chain/chain'
import type { Block } from '../core'
import type { StorageHealth } from '../../shared/api'
import type { MiningController, MiningState } from './mining'
import type { BlockVia, NodeFacade, Refusal } from './facade'
import { shortHash, type Logger } from '../log'

/** At most one info line about connected blocks per this long while blocks come faster. */
export const SUMMARY_MS = 1_000
export const REFUSALS_PER_WINDOW = 20
export const REFUSAL_WINDOW_MS = 60_000

export interface LoggedNode {
  service: Pick<NodeFacade, 'on' | 'off'>
  mining: MiningController
}

interface Pending {
  count: number
  first: number
  last: Block
  txs: number
  from: Partial<Record<BlockVia | 'local', number>>
}

/** "1.23MH/s" (no space: one token in a key=value line): hash rates span kH/s (one thread, regtest) to GH/s. */
export function formatHashRate(h: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s']
  let i = 0
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000
    i++
  }
  return `${h.toFixed(i === 0 ? 0 : 2)}${units[i]}`
}

/** Start logging `node`'s events on `logger` (children per module); returns the stop function. */
const SOURCE_WORDS: Record<string, string> = {
  mined: 'mined here',
  peer: 'from peers',
  http: 'posted over HTTP',
  local: 'added here'
}

export function logNodeEvents(
  logger: Logger,
  node: LoggedNode,
  opts: { now?: () => number; summaryMs?: number } = {}
): () => void {
  const now = opts.now ?? Date.now
  const summaryMs = opts.summaryMs ?? SUMMARY_MS
  const chainLog = logger.child({ module: 'chain' })
  const minerLog = logger.child({ module: 'miner' })
  const storageLog = logger.child({ module: 'storage' })
  const { service, mining } = node

  // ---- blocks: one line each while slow, a summary a second while fast -----------------------
  let lastInfoAt = -Infinity
  let pending: Pending | undefined
  let timer: NodeJS.Timeout | undefined

  // The last rate the miner measured: its state says 0 once it stops, and nothing before its first
  // progress report, while the blocks being summarised were mined at this rate.
  let lastHashRate = 0
  const hashRate = (): Record<string, string> =>
    lastHashRate > 0 ? { hashRate: formatHashRate(lastHashRate) } : {}

  const flush = (): void => {
    clearTimeout(timer)
    timer = undefined
    const p = pending
    pending = undefined
    if (p === undefined) return
    lastInfoAt = now()
    if (p.count === 1 && p.from.mined === 1) {
      minerLog.info(
        { index: p.last.index, hash: shortHash(p.last.hash), txs: p.txs, ...hashRate() },
        'mined a block'
      )
      return
    }
    const mined = p.from.mined ?? 0
    chainLog.info(
      {
        blocks: p.count,
        from: p.first,
        to: p.last.index,
        tip: shortHash(p.last.hash),
        txs: p.txs,
        ...p.from,
        ...(mined > 0 ? hashRate() : {})
      },
      `connected ${p.count} blocks (${sources(p.from)})`
    )
  }

  /** Where a summary's blocks came from, in words: the fields alone (http=47 peer=124) say too little. */
  const sources = (from: Partial<Record<string, number>>): string =>
    Object.entries(from)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([via, n]) => `${n} ${SOURCE_WORDS[via] ?? `from ${via}`}`)
      .join(', ')

  const connected = (b: Block, via: BlockVia | 'local', peer: string | undefined): void => {
    const fields = {
      index: b.index,
      hash: shortHash(b.hash),
      txs: b.transactions.length,
      source: via,
      ...(peer ? { peer } : {})
    }
    chainLog.debug(fields, 'block connected')
    if (pending === undefined && now() - lastInfoAt >= summaryMs) {
      lastInfoAt = now()
      if (via === 'mined')
        minerLog.info(
          { index: b.index, hash: fields.hash, txs: fields.txs, ...hashRate() },
          'mined a block'
        )
      else chainLog.info(fields, 'block connected')
      return
    }
    pending ??= { count: 0, first: b.index, last: b, txs: 0, from: {} }
    pending.count++
    pending.last = b
    pending.txs += b.transactions.length
    pending.from[via] = (pending.from[via] ?? 0) + 1
    if (timer === undefined) {
      timer = setTimeout(flush, Math.max(0, lastInfoAt + summaryMs - now()))
      timer.unref()
    }
  }

  const onBlock = (a: AcceptedBlock): void => {
    const m = a.origin
    const via = m.via ?? 'local'
    if (a.status === 'side') {
      chainLog.debug(
        {
          index: a.block.index,
          hash: shortHash(a.block.hash),
          source: via,
          ...(m.source ? { peer: m.source } : {})
        },
        'block on a side branch'
      )
      return
    }
    if (a.reorg !== undefined) {
      // Said at once and on its own line: a summary must not hide that blocks left the chain.
      flush()
      chainLog.info(
        {
          forkIndex: a.reorg.forkIndex,
          disconnected: a.reorg.disconnected.length,
          connected: a.reorg.connected.length,
          oldTip: shortHash(a.reorg.disconnected[0]?.hash ?? ''),
          tip: shortHash(a.block.hash),
          source: via,
          ...(m.source ? { peer: m.source } : {})
        },
        'reorganisation'
      )
      for (const b of a.reorg.connected) connected(b, via, m.source)
      return
    }
    connected(a.block, via, m.source)
  }

  // ---- refused data: the rule's code and who sent it, a bounded number of lines ---------------
  const windows = new Map<Refusal['what'], { start: number; lines: number; dropped: number }>()
  const onRefused = (r: Refusal): void => {
    if (r.via === 'mined') return // the miner reports its own (an 'error' below)
    const t = now()
    let w = windows.get(r.what)
    if (w === undefined || t - w.start >= REFUSAL_WINDOW_MS) {
      const dropped = w?.dropped ?? 0
      w = { start: t, lines: 0, dropped: 0 }
      windows.set(r.what, w)
      if (dropped > 0)
        chainLog.warn(
          { what: r.what, count: dropped },
          `${dropped} more ${r.what}s were refused in the last minute (not logged one by one)`
        )
    }
    if (w.lines >= REFUSALS_PER_WINDOW) {
      w.dropped++
      return
    }
    w.lines++
    const fields = {
      code: r.code,
      [r.what === 'block' ? 'hash' : 'id']: shortHash(r.id),
      ...(r.index !== undefined ? { index: r.index } : {}),
      from: r.from,
      reason: r.message
    }
    // A refused block costs its sender work and says someone is on another chain or hostile;
    // a refused transaction is routine (a spent balance, a nonce raced by another send).
    if (r.what === 'block') chainLog.warn(fields, `refused a block: ${r.code}`)
    else chainLog.info(fields, `refused a transaction: ${r.code}`)
  }

  // ---- storage and miner state -----------------------------------------------------------------
  const onStorage = (h: StorageHealth): void => {
    if (h.state === 'ok') storageLog.info('storage writable again; mining and catching up resume')
    else if (h.state === 'full') storageLog.warn({ state: h.state }, h.message ?? 'storage full')
    else storageLog.error({ state: h.state }, h.message ?? 'storage damaged')
  }
  let active = mining.active
  const onMiningState = (s: MiningState): void => {
    if (s.hashRate > 0) lastHashRate = s.hashRate
    if (s.active === active) return
    active = s.active
    if (s.active) minerLog.info({ threads: s.threads }, 'mining started')
    else {
      flush() // the blocks mined up to here come before the line that says it stopped
      minerLog.info({ blocksFound: s.blocksFound }, 'mining stopped')
    }
  }
  const onMiningError = (e: Error): void => minerLog.error({ err: e }, e.message)

  service.on('block', onBlock)
  service.on('refused', onRefused)
  service.on('storage', onStorage)
  mining.on('state', onMiningState)
  mining.on('error', onMiningError)
  return () => {
    flush()
    service.off('block', onBlock)
    service.off('refused', onRefused)
    service.off('storage', onStorage)
    mining.off('state', onMiningState)
    mining.off('error', onMiningError)
  }
}
