/**
 * Export and import of a chain as a portable file (issue 13). The file is GET /chain's answer,
 * `{"chain": [blocks], "length": n}`, the walkthrough's own format: the UI writes it from pages
 * of the main chain, and reads one back a page at a time. An imported block is checked exactly
 * as a block from a peer is (NodeFacade.submitBlocks, each page one SQLite transaction): a
 * tampered file is refused at its first broken block with the rule's code, and recorded in the
 * refusal report; the blocks before it are kept, as a catch-up keeps a peer's.
 */
import { parseBlock, type Block } from '../core'
import {
  CHAIN_FILE_BYTES,
  CHAIN_FILE_PAGE,
  type ApiMethod,
  type ImportOutcome,
  type NodeApiHandlers
} from '../../shared/api'
import type { UiApiDeps } from './deps'
import { guarded } from './guarded'
import { BadArgument, int, okResult } from './guards'

export const CHAIN_FILE_METHODS = [
  'exportChain',
  'importBlocks'
] as const satisfies readonly ApiMethod[]

export type ChainFileHandlers = Pick<NodeApiHandlers, (typeof CHAIN_FILE_METHODS)[number]>

/** A field of what may be a block, for saying which one was refused. */
function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined
}

export function chainFileHandlers(deps: Pick<UiApiDeps, 'service'>): ChainFileHandlers {
  const { service } = deps
  const genesisHash = service.network.genesisHash
  return {
    exportChain: guarded(async (from, limit) => {
      const f = int(from, 'from', 1)
      const n = int(limit, 'limit', 1, CHAIN_FILE_PAGE)
      const blocks = service.mainBlockJson(f - 1, CHAIN_FILE_BYTES).slice(0, n)
      return okResult({
        json: blocks.map((b) => b.json).join(','),
        count: blocks.length,
        length: service.tip().index
      })
    }),

    importBlocks: guarded(async (blocks) => {
      if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > CHAIN_FILE_PAGE)
        throw new BadArgument(`blocks must be a list of 1 to ${CHAIN_FILE_PAGE} blocks`)
      const out: ImportOutcome = { accepted: 0, known: 0, stopped: null }
      // The blocks up to the first that is not one (its fields), or another network's genesis.
      const parsed: Block[] = []
      for (let at = 0; at < blocks.length && out.stopped === null; at++) {
        const v = blocks[at]
        const r = parseBlock(v)
        const index = field(v, 'index')
        const hash = field(v, 'hash')
        const named = {
          at,
          index: typeof index === 'number' ? index : null,
          hash: typeof hash === 'string' ? hash.slice(0, 64) : null
        }
        if (!r.ok)
          out.stopped = { kind: 'refused', ...named, code: 'invalid_field', message: r.message }
        else if (r.value.index === 1 && r.value.hash !== genesisHash)
          out.stopped = {
            kind: 'refused',
            ...named,
            code: 'invalid_field',
            message: `block 1 is not this network's genesis block (${service.network.name}): the file is of another network`
          }
        else parsed.push(r.value)
      }
      const outcomes = parsed.length === 0 ? [] : service.submitBlocks(parsed, undefined, 'import')
      for (let at = 0; at < outcomes.length; at++) {
        const o = outcomes[at]
        const b = parsed[at]
        if (o.kind === 'accepted') out.accepted++
        else if (o.kind === 'known') out.known++
        else if (o.kind === 'orphan') {
          out.stopped = { kind: 'orphan', at, index: b.index, hash: b.hash }
          break
        } else {
          out.stopped = {
            kind: 'refused',
            at,
            index: b.index,
            hash: b.hash,
            code: o.code,
            message: o.message
          }
          break
        }
      }
      return okResult(out)
    })
  }
}
