/**
 * Hostile peers for functional tests: plain node:http servers that claim our network and more
 * work than anyone, then misbehave on the requests that follow: invalid blocks, another genesis,
 * answers far over any size limit, or answers that trickle in forever.
 *
 * The resource modes count what they really send: 'drip' answers every block request with one
 * byte every 100 ms, forever; 'fat-block' answers with a 5 MB block and 'stream' with a block that
 * goes on for 100 MB, both paced (64 KiB a millisecond or so, never ahead of what the socket
 * takes), so the bytes written before the node closed the connection are close to what it read.
 * Each answer is recorded with its bytes and how long the connection was held.
 */
import { createServer, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { NETWORKS } from '../../src/main/core'

export type Hostility =
  | 'invalid-blocks'
  | 'wrong-genesis'
  | 'huge'
  | 'slow'
  | 'garbage'
  | 'drip'
  | 'fat-block'
  | 'stream'
  | 'busy'

export interface HostileOptions {
  /** What its /status claims: far more work than anyone (default), or less than any real chain. */
  work?: 'most' | 'least'
  /** 'drip' mode: also drip the answers to GET /status and to pushes (POST /blocks, /transactions). */
  dripAlso?: ('status' | 'push')[]
}

/** One answer to a block request, recorded when its connection closed. */
export interface AnswerRecord {
  path: string
  /** Body bytes written before the connection closed. */
  sent: number
  /** How long the answer was held open, in ms. */
  ms: number
  /** Whether the whole answer was sent (false: the node cut it). */
  complete: boolean
}

export interface HostilePeer {
  url: string
  /** Requests received, by path. */
  requests: string[]
  /** Block requests answered by the resource modes. */
  answers: AnswerRecord[]
  close(): Promise<void>
}

const genesis = NETWORKS.regtest.genesisHash
const rnd = (): string => randomBytes(32).toString('hex')

function status(mode: Hostility, work: 'most' | 'least'): object {
  return {
    network: 'regtest',
    genesis_hash: mode === 'wrong-genesis' ? NETWORKS.main.genesisHash : genesis,
    index: work === 'most' ? 1_000_000 : 1,
    tip_hash: rnd(),
    total_work: work === 'most' ? (10n ** 30n).toString() : '1',
    difficulty: 8,
    pending: 0,
    peers: 0,
    version: 1
  }
}

/** Blocks of the right shape whose hashes are made up (bad_hash / bad_pow on any node). */
function fakeBlocks(from: number, limit: number): object[] {
  const out: object[] = []
  let prev = from === 2 ? genesis : rnd()
  for (let i = 0; i < Math.min(limit, 50); i++) {
    const hash = rnd()
    out.push({
      index: from + i,
      timestamp: 1506057125900 + (from + i) * 10_000,
      transactions: [],
      proof: 1,
      previous_hash: prev,
      merkle_root: rnd(),
      difficulty: 8,
      version: 1,
      hash
    })
    prev = hash
  }
  return out
}

function trickle(res: ServerResponse, chunk: string, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"blocks":[')
  const t = setInterval(() => res.write(chunk), everyMs)
  res.on('close', () => clearInterval(t))
}

function flood(res: ServerResponse, totalBytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  let sent = 0
  const pump = (): void => {
    while (sent < totalBytes) {
      sent += chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    res.end()
  }
  res.on('close', () => (sent = totalBytes))
  pump()
}

/** A transfer-shaped JSON transaction (about 330 bytes): the unit fat blocks are made of. */
const FAKE_TX = JSON.stringify({
  id: rnd(),
  sender: rnd().slice(0, 40),
  recipient: rnd().slice(0, 40),
  amount: 5,
  fee: 1,
  nonce: 0,
  public_key: rnd(),
  signature: rnd() + rnd()
})

/**
 * A block answer of about `total` bytes (`list`: inside `{"blocks":[...]}`), made of transactions
 * and written paced, never ahead of the socket; `rec` ends up with what was written.
 */
function pacedBlock(res: ServerResponse, total: number, list: boolean, rec: AnswerRecord): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  const head = `${list ? '{"blocks":[' : ''}{"index":2,"timestamp":1506057135900,"proof":1,"previous_hash":"${genesis}","merkle_root":"${rnd()}","difficulty":8,"version":1,"hash":"${rnd()}","transactions":[`
  const tail = `]}${list ? ']}' : ''}`
  const unit = FAKE_TX + ','
  const chunk = Buffer.from(unit.repeat(Math.floor((64 * 1024) / unit.length)))
  let closed = false
  res.on('close', () => (closed = true))
  const write = (b: Buffer | string): void => {
    rec.sent += Buffer.byteLength(b)
    res.write(b)
  }
  write(head)
  const tick = (): void => {
    if (closed) return
    if (res.writableNeedDrain) return void res.once('drain', () => setTimeout(tick, 1))
    if (rec.sent + chunk.length >= total) {
      write(FAKE_TX + tail)
      rec.complete = true
      return void res.end()
    }
    write(chunk)
    setTimeout(tick, 1)
  }
  tick()
}

/** One byte every 100 ms, forever (until the node hangs up). */
function drip(res: ServerResponse, rec: AnswerRecord): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  const t = setInterval(() => {
    rec.sent++
    res.write(' ')
  }, 100)
  res.on('close', () => clearInterval(t))
}

export async function startHostilePeer(
  mode: Hostility,
  opts: HostileOptions = {}
): Promise<HostilePeer> {
  const requests: string[] = []
  const answers: AnswerRecord[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    req.resume()
    const url = new URL(req.url ?? '/', 'http://x')
    const also = opts.dripAlso ?? []
    // Gossip asks HEAD /blocks/<hash> before it pushes: these peers want every push (to drip on
    // it, or just to take it), so they never claim to have a block already.
    if (req.method === 'HEAD' && url.pathname.startsWith('/blocks/')) {
      res.writeHead(404)
      return res.end()
    }
    if (
      mode === 'drip' &&
      ((url.pathname === '/status' && also.includes('status')) ||
        (req.method === 'POST' && also.includes('push')))
    ) {
      const rec: AnswerRecord = {
        path: `${req.method} ${url.pathname}`,
        sent: 0,
        ms: 0,
        complete: false
      }
      const t0 = Date.now()
      res.on('close', () => {
        rec.ms = Date.now() - t0
        answers.push(rec)
      })
      return drip(res, rec)
    }
    if (url.pathname === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(status(mode, opts.work ?? 'most')))
    }
    if (
      (mode === 'drip' || mode === 'fat-block' || mode === 'stream') &&
      req.method === 'GET' &&
      url.pathname.startsWith('/blocks')
    ) {
      const rec: AnswerRecord = { path: req.url ?? '', sent: 0, ms: 0, complete: false }
      const t0 = Date.now()
      res.on('close', () => {
        rec.ms = Date.now() - t0
        answers.push(rec)
      })
      const list = url.pathname === '/blocks'
      if (mode === 'drip') return drip(res, rec)
      return pacedBlock(res, mode === 'fat-block' ? 5_000_000 : 100_000_000, list, rec)
    }
    if (mode === 'busy' && req.method === 'GET' && url.pathname.startsWith('/blocks')) {
      // Not hostile at all: an honest node too busy to answer (or whose disk is full) says so.
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' })
      return res.end(
        '{"error":"unavailable","message":"too many heavy reads at once; try again shortly"}'
      )
    }
    if (url.pathname === '/blocks' && req.method === 'GET') {
      if (mode === 'huge') return flood(res, 64 * 1024 * 1024)
      if (mode === 'slow') return trickle(res, ' ', 200)
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('{"blocks": [{"index": "two"}]')
      }
      const from = Number(url.searchParams.get('from') ?? 1)
      const limit = Number(url.searchParams.get('limit') ?? 500)
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ blocks: fakeBlocks(from, limit) }))
    }
    if (url.pathname.startsWith('/blocks/') && mode === 'slow') return trickle(res, ' ', 200)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"message":"ok"}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
