/**
 * Hostile peers for functional tests: plain node:http servers that claim our network and more
 * work than anyone, then misbehave on the requests that follow: invalid blocks, another genesis,
 * answers far over any size limit, or answers that trickle in forever.
 */
import { createServer, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { NETWORKS } from '../../src/main/core'

export type Hostility = 'invalid-blocks' | 'wrong-genesis' | 'huge' | 'slow' | 'garbage'

export interface HostilePeer {
  url: string
  /** Requests received, by path. */
  requests: string[]
  close(): Promise<void>
}

const genesis = NETWORKS.regtest.genesisHash
const rnd = (): string => randomBytes(32).toString('hex')

function status(mode: Hostility): object {
  return {
    network: 'regtest',
    genesis_hash: mode === 'wrong-genesis' ? NETWORKS.main.genesisHash : genesis,
    index: 1_000_000,
    tip_hash: rnd(),
    total_work: (10n ** 30n).toString(),
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

export async function startHostilePeer(mode: Hostility): Promise<HostilePeer> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    req.resume()
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(status(mode)))
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
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
