/**
 * The lab (issue: see why the chain is what it is): the block inspector, the refusal report
 * and the event timeline.
 * Reads only. What the inspector shows is computed by the core (core/inspect.ts, merkle.ts)
 * from the stored block, and its rule report runs the same rule tables the node accepts and
 * refuses blocks with; the refusal report is node/refusals.ts's.
 */
import {
  hashBits,
  headerFields,
  leadingZeroBits,
  merkleLeaf,
  merkleProof,
  merkleTree,
  proofHashes
} from '../core'
import type { Block, MerkleNode, MerkleStep } from '../core'
import {
  INSPECT_TREE_LEAVES,
  MAX_TIMELINE,
  RULE_REFUSALS,
  TIMELINE_KINDS,
  type ApiMethod,
  type BlockInspection,
  type MerkleStepView,
  type NodeApiHandlers,
  type RefusalFilter,
  type RefusalPage,
  type RuleFindingView
} from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { BadArgument, errResult, HASH, int, okResult, oneOf, str } from './guards'

export const LAB_METHODS = [
  'inspectBlock',
  'listRefusals',
  'getTimeline'
] as const satisfies readonly ApiMethod[]

export type LabHandlers = Pick<NodeApiHandlers, (typeof LAB_METHODS)[number]>

/** The most refusals one call returns. */
const MAX_PAGE = 500

/** The report's filter, each part checked: a kind, a rule code's form, a source. */
function refusalFilter(v: unknown): RefusalFilter {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new BadArgument('filter must be an object')
  const { what, code, source, ...rest } = v as Record<string, unknown>
  if (Object.keys(rest).length > 0)
    throw new BadArgument(`filter has unknown fields: ${Object.keys(rest).join(', ')}`)
  return {
    what: what === undefined ? undefined : oneOf(what, ['block', 'transaction'], 'filter.what'),
    code: code === undefined ? undefined : oneOf(code, RULE_REFUSALS, 'filter.code'),
    source: source === undefined ? undefined : str(source, 'filter.source')
  }
}

/** The audit path with the hash each step makes, so the UI can show the climb to the root. */
function climb(txId: string, steps: readonly MerkleStep[]): MerkleStepView[] {
  const made = proofHashes(txId, steps)
  return steps.map((s, k) => ({ sibling: s.hash, side: s.side, result: made[k] }))
}

/** How many blocks' rule reports are kept, and for how long (their clock-bound facts age). */
const REPORT_CACHE = 16
const REPORT_TTL_MS = 30_000

/**
 * The rule reports of the blocks last inspected. A report of a block of 1,000 transfers verifies
 * 999 signatures (a third of a second of the node's thread); the inspector asks again for every
 * transaction chosen and every new block while it is open. A stored block's report does not
 * change: what it holds is fixed by its hash and its ancestors.
 */
function reportCache(service: UiApiDeps['service'], now: () => number = Date.now) {
  const cache = new Map<string, { at: number; rules: RuleFindingView[] }>()
  return {
    get(b: Block): RuleFindingView[] {
      const hit = cache.get(b.hash)
      if (hit !== undefined && now() - hit.at < REPORT_TTL_MS) {
        cache.delete(b.hash) // to the newest end: the map's order is the eviction order
        cache.set(b.hash, hit)
        return hit.rules
      }
      const rules = service.ruleReport(b)
      cache.delete(b.hash)
      cache.set(b.hash, { at: now(), rules })
      for (const old of cache.keys()) {
        if (cache.size <= REPORT_CACHE) break
        cache.delete(old)
      }
      return rules
    }
  }
}

export function labHandlers(
  deps: Pick<UiApiDeps, 'service' | 'refusals' | 'timeline'>
): LabHandlers {
  const { service, refusals, timeline } = deps
  const reports = reportCache(service)
  return {
    inspectBlock: guarded(async (hash, txIndex) => {
      const b = service.block(str(hash, 'hash', HASH))
      const i = int(txIndex, 'txIndex')
      if (!b) return errResult<BlockInspection>('not_found', 'no block with this hash is known')
      const ids = b.transactions.map((t) => t.id)
      if (i > 0 && i >= ids.length) {
        throw new BadArgument(
          `txIndex ${i} is past the block's last transaction (it has ${ids.length})`
        )
      }
      const tree: MerkleNode = merkleTree(ids)
      const txId = ids[i] ?? ''
      const leaf = txId === '' ? tree.hash : merkleLeaf(txId)
      const genesis = b.index === 1 && b.hash === service.network.genesisHash
      return okResult<BlockInspection>({
        hash: b.hash,
        index: b.index,
        onMain: service.mainHash(b.index) === b.hash,
        header: headerFields(b),
        hashBits: hashBits(b.hash),
        zeros: leadingZeroBits(b.hash),
        difficulty: b.difficulty,
        rules: genesis ? null : reports.get(b),
        merkle: {
          root: b.merkleRoot,
          txCount: ids.length,
          tree: ids.length <= INSPECT_TREE_LEAVES ? tree : null,
          txIndex: i,
          txId,
          leaf,
          path: txId === '' ? [] : climb(txId, merkleProof(tree, i))
        }
      })
    }),

    listRefusals: guarded(async (filter, offset, limit) => {
      const f = refusalFilter(filter)
      const page = refusals.page(f, int(offset, 'offset'), int(limit, 'limit', 1, MAX_PAGE))
      return okResult<RefusalPage>({
        entries: page.rows.map(({ itemId, height, ...r }) => ({ ...r, id: itemId, index: height })),
        total: page.total,
        sources: page.sources,
        dropped: refusals.dropped
      })
    }),

    getTimeline: guarded(async (kinds, limit) => {
      const n = int(limit, 'limit', 1, MAX_TIMELINE)
      if (kinds === null) return okResult(timeline.list(undefined, n))
      if (!Array.isArray(kinds) || kinds.length > TIMELINE_KINDS.length)
        throw new BadArgument('kinds must be null or a list of timeline kinds')
      return okResult(
        timeline.list(
          kinds.map((k) => oneOf(k, TIMELINE_KINDS, 'kinds[]')),
          n
        )
      )
    })
  }
}
