/**
 * The routes of PROTOCOL §7 as one table: method, path, schemas, documented answers and handler.
 * The server registers them from this table and the OpenAPI document is generated from it.
 *
 * Decisions where §7 is silent:
 * - GET /blocks/<hash>, /transactions/<id>, /addresses/<address> with a malformed hash or address
 *   answer 400 invalid_field; a well-formed unknown one 404 (addresses: 200 with balance 0).
 * - `from` and `limit` must be whole numbers >= 1 (else 400 invalid_field); `limit` above 500 is
 *   capped at 500. GET /chain without either gives the whole chain, as in the walkthrough:
 *   streamed (chunked, chain-stream.ts), at most 4 such reads at once and 32 waiting, at most 2
 *   of them (running or waiting) per remote address, beyond that 503 unavailable with
 *   Retry-After. GET /nodes/resolve, which also returns the whole chain, has its own slots
 *   (control clients never wait behind public readers), taken before any resolve work is done.
 *   Once a stream has read the chain for the current tip, its bytes are kept (up to 8 MiB,
 *   chain-cache.ts) and both routes answer from them, without a slot, until the main chain
 *   changes: the limits are on reading the store, and a cached answer reads nothing.
 * - Paged reads (?from=&limit=, GET /blocks) are written from the stored JSON; those of more
 *   than LIGHT_PAGE blocks, and every page of a whole-chain stream, take turns in one fair
 *   scheduler (heavy-reads.ts); over its queues, 503 unavailable with Retry-After.
 * - POST /blocks and POST /transactions answer 200 `{"message", "hash"|"id"}` for something known,
 *   but only if it is that block or transaction: a tampered copy under a known hash or id gets
 *   400 with the rule it breaks.
 * - POST /nodes/register: every URL must be http(s) (else 400 naming it). Each is checked by
 *   its /status: one on another network, this node itself (by URL or by the X-Node-Id of its
 *   answer) or a peer already known under another name (same X-Node-Id) is refused and listed in
 *   `rejected` with why (error: wrong_genesis, this_node, same_node, banned, peer_limit); one that
 *   does not answer yet is kept as an unreachable peer, listed in `pending` (error unreachable)
 *   and checked again on every poll (dropped if it turns out to be on another network). 201 when at least
 *   one is (or already was) a peer, `total_nodes` being all our peers (as GET /nodes); 400
 *   invalid_field when every URL was refused.
 * - Data pushed to us is refused with its code but does not count against the peer named by
 *   X-Node-Url (anyone can send that header); only what we fetch from a peer scores it down.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from '../log'
import {
  blockHash,
  blockToWire,
  checkTransactionForm,
  merkleRoot,
  parseBlock,
  parseTransaction,
  PROTOCOL_VERSION,
  txToWire,
  type Block
} from '../core'
import type { MiningController } from '../node/mining'
import type { NodeFacade } from '../node/facade'
import type { PeerManager } from '../p2p/peer-manager'
import { forkTreeToWire, normalizeUrl } from '../p2p/wire'
import { forkTree } from '../node/fork-tree'
import { ChainAnswerCache, DEFAULT_CACHE_BYTES } from './chain-cache'
import { chainJsonStream, DEFAULT_GATE, Gate, type GateLimits } from './chain-stream'
import { hostOf, type ConnectionLimits } from './connections'
import { DEFAULT_HEAVY, HeavyReads, type HeavyLimits } from './heavy-reads'
import type { TokenSource } from './auth'
import { sendError } from './errors'
import * as S from './schemas'
import { guardStorage, statusWithStorage } from './storage-guard'
import { trustedSender } from './sender'

/** GET /chain and GET /blocks: default and cap of `limit` (PROTOCOL §7). */
export const PAGE = 500

export interface RouteContext {
  service: NodeFacade
  peers: PeerManager
  mining: MiningController
  /** The API token in force, read on every control request (auth.ts TokenSource). */
  apiToken?: TokenSource
  /** The node's log (module http): internal errors, with the URL's query left out. */
  log: Logger
  /** Resource limits (tests lower them); defaults in connections.ts and chain-stream.ts. */
  limits?: HttpLimits
}

export interface HttpLimits {
  connections?: Partial<ConnectionLimits>
  /** Whole-chain streams at once and waiting. */
  wholeChainReads?: Partial<GateLimits>
  /** The heavy-read scheduler's queues (heavy-reads.ts). */
  heavyReads?: Partial<HeavyLimits>
  /** The most bytes of whole-chain answer kept for the tip (chain-cache.ts; 0: none). */
  chainCacheBytes?: number
}

export interface Answer {
  description: string
  schema?: object
}

export interface RouteDef {
  method: 'GET' | 'POST'
  url: string
  summary: string
  /** Control routes: loopback clients or the API token (PROTOCOL §7). */
  control?: boolean
  schema?: { body?: object; querystring?: object; params?: object }
  responses: Record<number, Answer>
  handler: (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply) => unknown
}

const bad = (description: string): Answer => ({ description, schema: S.error })
const ok = (description: string, schema?: object): Answer => ({ description, schema })

/** The sender's base URL, when the request names one the node may contact (sender.ts). */
function sourceOf(req: FastifyRequest): string | undefined {
  return trustedSender(req)
}

type Slice = { from: number; limit: number; whole: boolean } | { error: string }

function slice(q: { from?: string; limit?: string }): Slice {
  const from = q.from === undefined ? 1 : Number(q.from)
  const limit = q.limit === undefined ? PAGE : Number(q.limit)
  if (!Number.isSafeInteger(from) || from < 1)
    return { error: 'query parameter from must be a whole number of at least 1' }
  if (!Number.isSafeInteger(limit) || limit < 1)
    return { error: 'query parameter limit must be a whole number of at least 1' }
  return {
    from,
    limit: Math.min(limit, PAGE),
    whole: q.from === undefined && q.limit === undefined
  }
}

/**
 * A block whose hash we know is "known" (200) only if it is that block: a copy whose header does
 * not hash to its hash field, or whose transactions are not the ones its Merkle root names, is
 * refused with the rule it breaks (PROTOCOL §4 rules 1 and 6) instead.
 */
function tamperedCopy(
  service: NodeFacade,
  b: Block
): { code: 'bad_hash' | 'bad_merkle_root'; message: string } | undefined {
  if (!service.hasBlock(b.hash)) return undefined
  if (blockHash(b) !== b.hash)
    return {
      code: 'bad_hash',
      message: `hash ${b.hash.slice(0, 12)}… is not SHA-256 of the header`
    }
  if (merkleRoot(b.transactions.map((t) => t.id)) !== b.merkleRoot) {
    return { code: 'bad_merkle_root', message: 'merkle_root does not match the transaction ids' }
  }
  return undefined
}

/** Paged reads of more blocks than this are heavy: they take their turn in the scheduler. */
export const LIGHT_PAGE = 20

/**
 * A node's read limits, made on first use: the public whole-chain gate, the control routes' own
 * (GET /nodes/resolve: loopback or token clients never wait behind public readers), and the
 * heavy-read scheduler.
 */
interface ReadLimits {
  publicChain: Gate
  controlChain: Gate
  heavy: HeavyReads
  chainCache: ChainAnswerCache
  /** GET /forks's answer, kept while no block arrived and for at most FORK_TREE_FRESH_MS. */
  forkTree: { rev: number; builtAt: number; builtRev: number; body?: string }
}

/** How long GET /forks's answer is kept (orphans come and go without a block accepted). */
const FORK_TREE_FRESH_MS = 1_000
const readLimits = new WeakMap<RouteContext, ReadLimits>()

function limitsOf(ctx: RouteContext): ReadLimits {
  let l = readLimits.get(ctx)
  if (l === undefined) {
    l = {
      publicChain: new Gate({ ...DEFAULT_GATE, ...ctx.limits?.wholeChainReads }),
      // A few resolves at once, from whichever control client: their streams cost constant memory.
      controlChain: new Gate({ active: 4, queued: 4, waitMs: 10_000, perAddress: 8 }),
      heavy: new HeavyReads({ ...DEFAULT_HEAVY, ...ctx.limits?.heavyReads }),
      chainCache: new ChainAnswerCache(
        () => ctx.service.tip().hash,
        ctx.limits?.chainCacheBytes ?? DEFAULT_CACHE_BYTES
      ),
      forkTree: { rev: 0, builtAt: 0, builtRev: -1 }
    }
    const forks = l.forkTree
    // A block on top of the cached chain is appended to its answer; any other change of the main
    // chain gives the stale answer's memory back at once, not at the next read.
    const cache = l.chainCache
    const { genesis } = ctx.service.network
    const start = { hash: genesis.hash, json: JSON.stringify(blockToWire(genesis)) }
    ctx.service.on('block', (a) => {
      forks.rev++
      if (a.status === 'main' && a.reorg === undefined)
        cache.extend(a.block.previousHash, a.block, JSON.stringify(blockToWire(a.block)), start)
      else cache.refresh()
    })
    readLimits.set(ctx, l)
  }
  return l
}

/**
 * Sets up a node's read limits and answer cache when its server is made, not at the first read:
 * the cache follows the chain from the start (a node catching up answers its first resolve from
 * it).
 */
export function prepareReads(ctx: RouteContext): void {
  limitsOf(ctx)
}

function busy(reply: FastifyReply, message: string): FastifyReply {
  reply.header('retry-after', '2')
  return sendError(reply, 503, 'unavailable', message)
}

const TOO_MANY_WHOLE = `too many whole-chain reads at once: retry shortly, or read it in pages with ?from=1&limit=${PAGE}`

/**
 * The whole main chain between `head` and `tail`, streamed from the store (chain-stream.ts):
 * constant memory per request, each page a unit of the heavy-read scheduler, and at most a few
 * at once (`release`: the slot taken with Gate.enter, given back when the stream closes). The
 * pages fill the answer cache (chain-cache.ts) when no other stream is filling it.
 */
function wholeChain(
  ctx: RouteContext,
  req: FastifyRequest,
  reply: FastifyReply,
  release: () => void,
  head: string,
  tail: (lastIndex: number) => string
): FastifyReply {
  const address = hostOf(req.socket)
  const { heavy, chainCache } = limitsOf(ctx)
  const stream = chainJsonStream(ctx.service, {
    head,
    tail,
    schedule: (unit) => heavy.always(address, unit),
    fill: chainCache.filler()
  })
  stream.once('close', release)
  return reply.type('application/json; charset=utf-8').send(stream)
}

/**
 * The whole main chain from the answer cache, when it holds the tip's: slices of one shared
 * Buffer, so neither the whole-chain gate nor the scheduler is asked (they bound the work and
 * memory of reading the store, and this reads nothing). The same stream class sends it, so a
 * reader that stops reading is cut after STALL_MS as before, and the bytes are the same.
 */
function cachedChain(
  ctx: RouteContext,
  reply: FastifyReply,
  head: string,
  tail: (lastIndex: number) => string
): FastifyReply | undefined {
  const cached = limitsOf(ctx).chainCache.current()
  if (cached === undefined) return undefined
  const stream = chainJsonStream(ctx.service, { head, tail, cached })
  return reply.type('application/json; charset=utf-8').send(stream)
}

/**
 * A page of main-chain blocks as JSON text, from the stored JSON (no block objects), `wrap`
 * putting the blocks' array text into the answer. More than LIGHT_PAGE blocks wait their turn
 * in the heavy-read scheduler (503 when its queues are full); a client gone meanwhile costs
 * nothing more.
 */
async function pagedRead(
  ctx: RouteContext,
  req: FastifyRequest,
  reply: FastifyReply,
  s: { from: number; limit: number },
  wrap: (blocks: string) => string
): Promise<FastifyReply> {
  const build = (): string | undefined =>
    req.socket.destroyed
      ? undefined
      : wrap(ctx.service.mainBlockJsonSlice(s.from, s.limit).join(','))
  let body: string | undefined
  if (s.limit <= LIGHT_PAGE) body = build()
  else {
    const turn = limitsOf(ctx).heavy.run(hostOf(req.socket), build)
    if (turn === undefined) return busy(reply, `too many block reads waiting: retry shortly`)
    body = await turn
  }
  if (body === undefined) return reply // the client went away before its turn
  return reply.type('application/json; charset=utf-8').send(body)
}

export const ROUTES: RouteDef[] = guardStorage([
  {
    method: 'GET',
    url: '/status',
    summary: "The node's network, tip, total work, next difficulty, pool size and peer count",
    responses: { 200: ok('status', statusWithStorage) },
    handler: ({ service, peers }) => {
      // A healthy node answers exactly the fields §7 lists (other implementations may compare
      // them as a whole); `storage` is added only while the disk is full or the store damaged.
      const s = service.status()
      return {
        network: s.network,
        genesis_hash: s.genesisHash,
        index: s.index,
        tip_hash: s.tipHash,
        total_work: s.totalWork.toString(),
        difficulty: s.difficulty,
        pending: s.pending,
        peers: peers.urls().length,
        version: PROTOCOL_VERSION,
        ...(s.storage.state === 'ok' ? {} : { storage: s.storage })
      }
    }
  },
  {
    method: 'GET',
    url: '/chain',
    summary: 'The main chain, whole or a slice (the walkthrough\'s {"chain", "length"})',
    schema: { querystring: S.sliceQuery },
    responses: {
      200: ok("main-chain blocks; length is the whole chain's", S.chainAnswer),
      400: bad('invalid_field'),
      503: bad('unavailable: too many whole-chain or block reads at once (Retry-After)')
    },
    handler: async (ctx, req, reply) => {
      const s = slice(req.query as { from?: string; limit?: string })
      if ('error' in s) return sendError(reply, 400, 'invalid_field', s.error)
      if (s.whole) {
        const head = '{"chain":['
        const tail = (last: number): string => `],"length":${last}}`
        const fromCache = cachedChain(ctx, reply, head, tail)
        if (fromCache !== undefined) return fromCache
        const release = await limitsOf(ctx).publicChain.enter(hostOf(req.socket))
        if (release === undefined) return busy(reply, TOO_MANY_WHOLE)
        return wholeChain(ctx, req, reply, release, head, tail)
      }
      // `length` read in the same turn as the blocks: the page and the length agree.
      return pagedRead(
        ctx,
        req,
        reply,
        s,
        (blocks) => `{"chain":[${blocks}],"length":${ctx.service.tip().index}}`
      )
    }
  },
  {
    method: 'GET',
    url: '/blocks',
    summary: 'Main-chain blocks from index `from`, at most `limit` (default and cap 500)',
    schema: { querystring: S.sliceQuery },
    responses: {
      200: ok('blocks', S.blocksAnswer),
      400: bad('invalid_field'),
      503: bad('unavailable: too many block reads waiting (Retry-After)')
    },
    handler: (ctx, req, reply) => {
      const s = slice(req.query as { from?: string; limit?: string })
      if ('error' in s) return sendError(reply, 400, 'invalid_field', s.error)
      return pagedRead(ctx, req, reply, s, (blocks) => `{"blocks":[${blocks}]}`)
    }
  },
  {
    method: 'GET',
    url: '/blocks/:hash',
    summary: 'Any known block, main chain or side branch',
    schema: { params: S.hashParams },
    responses: {
      200: ok('the block', S.block),
      400: bad('invalid_field: not a hash'),
      404: bad('not_found')
    },
    handler: ({ service }, req, reply) => {
      const { hash } = req.params as { hash: string }
      const b = service.block(hash)
      if (b === undefined) return sendError(reply, 404, 'not_found', `no block ${hash}`)
      return blockToWire(b)
    }
  },
  {
    method: 'POST',
    url: '/blocks',
    summary: 'Offer a block (PROTOCOL §4, §6)',
    schema: { body: S.block },
    responses: {
      201: ok('new and valid: on the main chain or a side branch', S.blockAccepted),
      200: ok('already known', S.message),
      202: ok('unknown_parent: the node fetches its ancestors', S.error),
      400: bad('the first rule broken, or invalid_field / invalid_json'),
      413: bad('payload_too_large')
    },
    handler: ({ service, peers }, req, reply) => {
      const parsed = parseBlock(req.body)
      if (!parsed.ok) return sendError(reply, 400, parsed.code, parsed.message)
      const copy = tamperedCopy(service, parsed.value)
      if (copy !== undefined) return sendError(reply, 400, copy.code, copy.message)
      const source = sourceOf(req)
      const o = service.submitBlock(parsed.value, source, 'http')
      switch (o.kind) {
        case 'accepted':
          return reply.code(201).send({
            message: `Block ${o.block.index} accepted (${o.status} chain)`,
            status: o.status
          })
        case 'known':
          return reply.code(200).send({ message: 'Block already known', hash: o.hash })
        case 'orphan':
          peers.onOrphan(o.hash, source)
          return sendError(
            reply,
            202,
            'unknown_parent',
            `parent ${o.missing} is not known yet; the node is fetching it`
          )
        case 'invalid':
          return sendError(reply, 400, o.code, o.message)
      }
    }
  },
  {
    method: 'POST',
    url: '/transactions',
    summary: 'Offer a signed transaction to the pending pool (PROTOCOL §3)',
    schema: { body: S.transaction },
    responses: {
      202: ok('new and accepted into the pool', S.txAccepted),
      200: ok('already known (pending or in the main chain)', S.txAccepted),
      400: bad('its code'),
      413: bad('payload_too_large')
    },
    handler: ({ service }, req, reply) => {
      const parsed = parseTransaction(req.body)
      if (!parsed.ok) return sendError(reply, 400, parsed.code, parsed.message)
      // A known id is only "known" if the rest of the transaction is the one that id names.
      if (service.knowsTransaction(parsed.value.id)) {
        const form = checkTransactionForm(parsed.value, service.network.genesisHash)
        if (!form.ok) return sendError(reply, 400, form.code, form.message)
      }
      const o = service.submitTransaction(parsed.value, sourceOf(req))
      switch (o.kind) {
        case 'accepted':
          return reply
            .code(202)
            .send({ message: 'Transaction added to the pending pool', id: o.tx.id })
        case 'known':
          return reply.code(200).send({ message: 'Transaction already known', id: o.id })
        case 'invalid':
          return sendError(reply, 400, o.code, o.message)
      }
    }
  },
  {
    method: 'GET',
    url: '/transactions/pending',
    summary: 'The pending pool, in arrival order',
    responses: {
      200: ok('pending transactions', {
        type: 'object',
        properties: { transactions: { type: 'array', items: S.transaction } }
      })
    },
    handler: ({ service }) => ({ transactions: service.pendingTransactions().map(txToWire) })
  },
  {
    method: 'GET',
    url: '/transactions/:id',
    summary: 'A transaction in the main chain or pending',
    schema: { params: S.idParams },
    responses: {
      200: ok('where it is', S.txLookup),
      400: bad('invalid_field: not an id'),
      404: bad('not_found')
    },
    handler: ({ service }, req, reply) => {
      const { id } = req.params as { id: string }
      const f = service.findTransaction(id)
      if (f === undefined)
        return sendError(
          reply,
          404,
          'not_found',
          `no transaction ${id} in the main chain or the pool`
        )
      return {
        transaction: txToWire(f.tx),
        block_hash: f.blockHash,
        block_index: f.blockIndex,
        confirmations: f.confirmations
      }
    }
  },
  {
    method: 'GET',
    url: '/addresses/:address',
    summary: "An address's balance and nonce on the main chain's tip",
    schema: { params: S.addressParams },
    responses: { 200: ok('the account', S.account), 400: bad('invalid_field: not an address') },
    handler: ({ service }, req) => {
      const { address } = req.params as { address: string }
      const a = service.account(address)
      return { address, balance: a.balance, nonce: a.nonce }
    }
  },
  {
    method: 'GET',
    url: '/forks',
    summary:
      "Blockforge's, not the protocol's: this node's fork tree (side branches, orphans and the main-chain blocks beside them), for a peer's Forks screen",
    responses: { 200: ok('the fork tree', S.forkTree) },
    handler: (ctx, _req, reply) => {
      // Finding the side blocks scans an index (node/fork-tree.ts): one answer serves every
      // reader until a block arrives or a second has passed.
      const c = limitsOf(ctx).forkTree
      const now = Date.now()
      if (c.body === undefined || c.builtRev !== c.rev || now - c.builtAt > FORK_TREE_FRESH_MS) {
        c.body = JSON.stringify(forkTreeToWire(forkTree(ctx.service)))
        c.builtAt = now
        c.builtRev = c.rev
      }
      return reply.type('application/json; charset=utf-8').send(c.body)
    }
  },
  {
    method: 'GET',
    url: '/nodes',
    summary: "This node's peers",
    responses: { 200: ok('base URLs', S.nodesAnswer) },
    handler: ({ peers }) => ({ nodes: peers.urls() })
  },
  {
    method: 'GET',
    url: '/mine',
    summary: "Mine one block paying the node's wallet, with pending transactions in it",
    control: true,
    responses: { 200: ok('the new block', S.mined), 403: bad('forbidden') },
    handler: async ({ mining }, _req, reply) => {
      let b: Block
      try {
        b = await mining.mineOnce()
      } catch (e) {
        return sendError(reply, 503, 'unavailable', e instanceof Error ? e.message : String(e))
      }
      return {
        message: 'New Block Forged',
        index: b.index,
        transactions: b.transactions.map(txToWire),
        proof: b.proof,
        previous_hash: b.previousHash,
        hash: b.hash
      }
    }
  },
  {
    method: 'POST',
    url: '/transactions/new',
    summary: "A transfer signed by the node's wallet",
    control: true,
    schema: { body: S.newTransaction },
    responses: {
      201: ok('"Transaction will be added to Block <n>"', S.txAccepted),
      400: bad('bad_sender, insufficient_funds, invalid_field ...'),
      403: bad('forbidden')
    },
    handler: ({ service }, req, reply) => {
      const body = req.body as { recipient: string; amount: number; fee?: number; sender?: string }
      if (body.sender !== undefined && body.sender !== service.walletAddress) {
        return sendError(
          reply,
          400,
          'bad_sender',
          `this node signs only for its wallet ${service.walletAddress}`
        )
      }
      const next = service.tip().index + 1
      const o = service.sendFromWallet({
        recipient: body.recipient,
        amount: body.amount,
        fee: body.fee ?? 0
      })
      if (o.kind === 'invalid') return sendError(reply, 400, o.code, o.message)
      const id = o.kind === 'accepted' ? o.tx.id : o.id
      return reply.code(201).send({ message: `Transaction will be added to Block ${next}`, id })
    }
  },
  {
    method: 'POST',
    url: '/nodes/register',
    summary: 'Add peers (each must answer /status with our genesis hash)',
    control: true,
    schema: { body: S.register },
    responses: {
      201: ok(
        '"New nodes have been added"; total_nodes: all peers; rejected: with why',
        S.registered
      ),
      400: bad('invalid_field: nodes missing or not a list of http(s) URLs'),
      403: bad('forbidden')
    },
    handler: async ({ peers }, req, reply) => {
      const { nodes } = req.body as { nodes: string[] }
      const urls: string[] = []
      for (let i = 0; i < nodes.length; i++) {
        const u = normalizeUrl(nodes[i])
        if (u === undefined)
          return sendError(
            reply,
            400,
            'invalid_field',
            `nodes[${i}] must be an http(s) URL such as http://127.0.0.1:5001`
          )
        if (!urls.includes(u)) urls.push(u)
      }
      const results = await Promise.all(
        urls.map(async (url) => ({ url, r: await peers.register(url) }))
      )
      const rejected = results.flatMap(({ url, r }) =>
        r.ok ? [] : [{ url, error: r.error, message: r.message }]
      )
      // Kept, but not answering yet: said, so a typo in a port is not mistaken for a peer.
      const pending = results.flatMap(({ url, r }) =>
        r.ok && r.unreachable !== undefined
          ? [{ url, error: 'unreachable', message: r.unreachable }]
          : []
      )
      // §7 keeps 400 for a body that is not a list of URLs; a URL refused on its merits (another
      // network, this node itself, the same node as a peer under another name, banned) is
      // reported in `rejected`, as the walkthrough answers 201.
      return reply.code(201).send({
        message: 'New nodes have been added',
        total_nodes: peers.urls(),
        rejected,
        pending
      })
    }
  },
  {
    method: 'GET',
    url: '/nodes/resolve',
    summary: "Take every peer's chain; end on the valid chain with the most work",
    control: true,
    responses: {
      200: ok('replaced (new_chain) or authoritative (chain)', S.resolved),
      403: bad('forbidden'),
      503: bad('unavailable: too many whole-chain reads at once (Retry-After)')
    },
    handler: async (ctx, req, reply) => {
      // Whether it can be answered is decided first: no resolve work for an answer of 503.
      const release = await limitsOf(ctx).controlChain.enter(hostOf(req.socket))
      if (release === undefined) return busy(reply, 'too many resolves at once: retry shortly')
      let r: Awaited<ReturnType<PeerManager['resolve']>>
      try {
        r = await ctx.peers.resolve()
      } catch (e) {
        release()
        throw e
      }
      const key = r.replaced ? 'new_chain' : 'chain'
      const head = `{"message":${JSON.stringify(r.message)},"${key}":[`
      const fromCache = cachedChain(ctx, reply, head, () => ']}')
      if (fromCache !== undefined) {
        release()
        return fromCache
      }
      return wholeChain(ctx, req, reply, release, head, () => ']}')
    }
  }
])
