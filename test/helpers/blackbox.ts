/**
 * Black-box helpers: written from docs/PROTOCOL.md and test/vectors only, without
 * importing anything from src/. Nodes are child processes of `npm run node` (exactly as an
 * outside test suite starts them), spoken to over HTTP on 127.0.0.1. The protocol's byte layouts
 * (header, signing bytes, Merkle tree) are recomputed here with node:crypto so that answers can be
 * checked independently of the implementation.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as edSign,
  verify as edVerify
} from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'
import { tempDir as tempFolder } from './temp'
import { VECTORS_DIR } from './vectors'

/** The project's checkout, wherever it is cloned. */
export const MAIN_DIR = resolve(__dirname, '../..')
/** test/vectors, or $BLOCKFORGE_VECTORS: one rule for both helpers (./vectors). */
export { VECTORS_DIR }

// ---------------------------------------------------------------- vectors

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export function vector(name: string): Json {
  return JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8'))
}

export const networks = vector('networks.json')
export const keys: Record<string, { seed: string; public_key: string; address: string }> =
  Object.fromEntries(vector('keys.json').keys.map((k: Json) => [k.name, k]))
export const chainRegtest = vector('chain-regtest.json')

/** Every code PROTOCOL §3, §4 and §7 name. */
export const KNOWN_CODES = new Set([
  'bad_version',
  'bad_index',
  'bad_previous_hash',
  'bad_hash',
  'bad_difficulty',
  'bad_pow',
  'time_too_old',
  'time_too_new',
  'too_many_txs',
  'bad_coinbase',
  'duplicate_tx',
  'bad_merkle_root',
  'bad_transaction',
  'bad_signature',
  'bad_sender',
  'bad_nonce',
  'insufficient_funds',
  'invalid_json',
  'invalid_field',
  'payload_too_large',
  'not_found',
  'forbidden',
  'unknown_parent'
])

// ---------------------------------------------------------------- protocol bytes (PROTOCOL §1, §3, §4)

export const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest()

function u64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return b
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

export function headerBytes(b: Json): Buffer {
  return Buffer.concat([
    u32(b.version),
    u64(b.index),
    u64(b.timestamp),
    Buffer.from(b.previous_hash, 'hex'),
    Buffer.from(b.merkle_root, 'hex'),
    u32(b.difficulty),
    u64(b.proof)
  ])
}

export const blockHash = (b: Json): string => sha256(headerBytes(b)).toString('hex')

export function leadingZeroBits(hex: string): number {
  let n = 0
  for (const c of hex) {
    const v = parseInt(c, 16)
    if (v === 0) {
      n += 4
      continue
    }
    return n + Math.clz32(v) - 28
  }
  return n
}

export function merkleRoot(idsHex: string[]): string {
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha256(Buffer.alloc(0))
    if (d.length === 1) return sha256(Buffer.concat([Buffer.from([0]), d[0]]))
    let k = 1
    while (k * 2 < d.length) k *= 2
    return sha256(Buffer.concat([Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k))]))
  }
  return mth(idsHex.map((h) => Buffer.from(h, 'hex'))).toString('hex')
}

export function signingBytes(tx: Json, genesisHash: string): Buffer {
  const sender = tx.sender === '0' ? Buffer.alloc(20) : Buffer.from(tx.sender, 'hex')
  const recipient = tx.recipient === '0' ? Buffer.alloc(20) : Buffer.from(tx.recipient, 'hex')
  return Buffer.concat([
    Buffer.from('BFTX', 'ascii'),
    Buffer.from(genesisHash, 'hex'),
    sender,
    recipient,
    u64(tx.amount),
    u64(tx.fee),
    u64(tx.nonce)
  ])
}

export const txId = (tx: Json, genesisHash: string): string =>
  sha256(signingBytes(tx, genesisHash)).toString('hex')

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

export function addressOf(publicKeyHex: string): string {
  return sha256(Buffer.from(publicKeyHex, 'hex')).subarray(0, 20).toString('hex')
}

export function verifyTxSignature(tx: Json, genesisHash: string): boolean {
  const pub = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, Buffer.from(tx.public_key, 'hex')]),
    format: 'der',
    type: 'spki'
  })
  return edVerify(null, signingBytes(tx, genesisHash), pub, Buffer.from(tx.signature, 'hex'))
}

/** A signed transfer by one of the vector keys. */
export function signedTx(
  from: string,
  to: string,
  amount: number,
  fee: number,
  nonce: number,
  genesisHash: string
): Json {
  const k = keys[from]
  const tx: Json = { sender: k.address, recipient: to, amount, fee, nonce }
  const bytes = signingBytes(tx, genesisHash)
  const priv = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, Buffer.from(k.seed, 'hex')]),
    format: 'der',
    type: 'pkcs8'
  })
  return {
    id: sha256(bytes).toString('hex'),
    ...tx,
    public_key: k.public_key,
    signature: edSign(null, bytes, priv).toString('hex')
  }
}

export function coinbase(
  recipient: string,
  amount: number,
  index: number,
  genesisHash: string
): Json {
  const tx: Json = { sender: '0', recipient, amount, fee: 0, nonce: index }
  return { id: txId(tx, genesisHash), ...tx, public_key: null, signature: null }
}

/** Mines a block (by brute force over the proof) on top of parent. */
export function mineBlock(
  parent: Json,
  transactions: Json[],
  opts: { timestamp?: number; difficulty?: number; version?: number } = {}
): Json {
  const b: Json = {
    index: parent.index + 1,
    timestamp: opts.timestamp ?? parent.timestamp + 10_000,
    transactions,
    proof: 0,
    previous_hash: parent.hash,
    merkle_root: merkleRoot(transactions.map((t: Json) => t.id)),
    difficulty: opts.difficulty ?? parent.difficulty,
    version: opts.version ?? 1
  }
  for (;;) {
    const h = blockHash(b)
    if (leadingZeroBits(h) >= b.difficulty) {
      b.hash = h
      return b
    }
    b.proof++
  }
}

/** Checks a wire block against PROTOCOL §4 as far as it can be checked alone. */
export function expectWellFormedBlock(b: Json, genesisHash: string, reward = 50): void {
  expect(b.version).toBe(1)
  expect(blockHash(b)).toBe(b.hash)
  expect(leadingZeroBits(b.hash)).toBeGreaterThanOrEqual(b.difficulty)
  expect(b.merkle_root).toBe(merkleRoot(b.transactions.map((t: Json) => t.id)))
  const [cb, ...rest] = b.transactions
  expect(cb.sender).toBe('0')
  expect(cb.public_key).toBeNull()
  expect(cb.signature).toBeNull()
  expect(cb.fee).toBe(0)
  expect(cb.nonce).toBe(b.index)
  expect(cb.id).toBe(txId(cb, genesisHash))
  const fees = rest.reduce((s: number, t: Json) => s + t.fee, 0)
  expect(cb.amount).toBe(reward + fees)
  for (const t of rest) {
    expect(t.sender).not.toBe('0')
    expect(t.id).toBe(txId(t, genesisHash))
    expect(addressOf(t.public_key)).toBe(t.sender)
    expect(verifyTxSignature(t, genesisHash)).toBe(true)
  }
}

// ---------------------------------------------------------------- HTTP

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  body: Json
}

/**
 * One raw HTTP request (node:http, so that headers and body go out exactly as given: no implicit
 * content-type). `body` as a string or Buffer is sent as is; anything else is JSON-encoded with
 * content-type application/json unless headers say otherwise.
 */
export function req(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let payload: Buffer | undefined
    const h: Record<string, string> = { ...headers }
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) payload = Buffer.from(body as string)
      else {
        payload = Buffer.from(JSON.stringify(body))
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
          h['content-type'] = 'application/json'
      }
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'transfer-encoding'))
        h['content-length'] = String(payload.length)
    }
    const r = httpRequest(url, { method, headers: h, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: Json
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed })
      })
      res.on('error', reject)
    })
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`timeout ${method} ${url}`)))
    r.on('error', reject)
    if (payload) {
      if (h['transfer-encoding'] === 'chunked') {
        // send in pieces so the server cannot know the size up front
        const step = 64 * 1024
        for (let i = 0; i < payload.length; i += step) r.write(payload.subarray(i, i + step))
        r.end()
      } else r.end(payload)
    } else r.end()
  })
}

/** The same through fetch (undici), as a script would send it. */
export async function fetchReq(
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {}
): Promise<Answer> {
  const r = await fetch(url, { method, body, headers })
  const text = await r.text()
  let parsed: Json
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: r.status, headers: Object.fromEntries(r.headers.entries()), text, body: parsed }
}

export const get = (url: string, headers: Record<string, string> = {}): Promise<Answer> =>
  req('GET', url, undefined, headers)
export const post = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<Answer> => req('POST', url, body, headers)

/** The error shape of PROTOCOL §7. */
export function expectError(a: Answer, status: number | number[], codes?: string | string[]): void {
  const statuses = Array.isArray(status) ? status : [status]
  const ctx = `HTTP ${a.status} ${a.text.slice(0, 300)}`
  expect(statuses, ctx).toContain(a.status)
  expect(a.body, ctx).toBeTypeOf('object')
  expect(a.body, ctx).not.toBeNull()
  expect(typeof a.body.error, ctx).toBe('string')
  expect(typeof a.body.message, ctx).toBe('string')
  expect(a.body.message.length, ctx).toBeGreaterThan(0)
  expect(KNOWN_CODES.has(a.body.error), `unknown error code: ${ctx}`).toBe(true)
  if (codes !== undefined)
    expect(Array.isArray(codes) ? codes : [codes], ctx).toContain(a.body.error)
}

/** Any 4xx in the §7 shape (never a 5xx). */
export function expect4xxError(a: Answer, codes?: string | string[]): void {
  const ctx = `HTTP ${a.status} ${a.text.slice(0, 300)}`
  expect(a.status, ctx).toBeGreaterThanOrEqual(400)
  expect(a.status, ctx).toBeLessThan(500)
  expectError(a, a.status, codes)
}

// ---------------------------------------------------------------- nodes as child processes

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

export function tempDir(prefix = 'bf-bb-'): string {
  return tempFolder(prefix).path
}

export interface NodeProc {
  url: string
  port: number
  dataDir: string
  network: string
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  /** SIGTERM to the whole group, wait for exit. */
  stop: () => Promise<void>
  /** SIGKILL to the whole group, wait for exit. */
  kill9: () => Promise<void>
  exited: Promise<number | null>
}

const live = new Set<NodeProc>()

export interface StartOpts {
  network?: 'main' | 'regtest'
  dataDir?: string
  port?: number
  extra?: string[]
  timeoutMs?: number
}

export function spawnNode(flags: string[]): {
  proc: ChildProcess
  out: { stdout: string; stderr: string }
  exited: Promise<number | null>
} {
  const proc = spawn('npm', ['run', '--silent', 'node', '--', ...flags], {
    cwd: MAIN_DIR,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const out = { stdout: '', stderr: '' }
  proc.stdout!.on('data', (c: Buffer) => (out.stdout += c.toString()))
  proc.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString()))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return { proc, out, exited }
}

function killGroup(proc: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid!, sig)
  } catch {
    /* already gone */
  }
}

export async function startNode(opts: StartOpts = {}): Promise<NodeProc> {
  const network = opts.network ?? 'regtest'
  const dataDir = opts.dataDir ?? tempDir()
  const port = opts.port ?? (await freePort())
  const { proc, out, exited } = spawnNode([
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--network',
    network,
    ...(opts.extra ?? [])
  ])
  let exitedAlready = false
  void exited.then(() => (exitedAlready = true))
  const deadline = Date.now() + (opts.timeoutMs ?? 40_000)
  const re = /listening on (http:\/\/[^\s]+)/
  while (!re.test(out.stdout)) {
    if (exitedAlready)
      throw new Error(`node exited before listening:\n${out.stdout}\n${out.stderr}`)
    if (Date.now() > deadline) {
      killGroup(proc, 'SIGKILL')
      throw new Error(`node did not print "listening on" in time:\n${out.stdout}\n${out.stderr}`)
    }
    await sleep(50)
  }
  const url = out.stdout.match(re)![1].replace(/\/$/, '')
  const n: NodeProc = {
    url,
    port,
    dataDir,
    network,
    proc,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    stop: async () => {
      live.delete(n)
      if (!exitedAlready) {
        killGroup(proc, 'SIGTERM')
        const t = setTimeout(() => killGroup(proc, 'SIGKILL'), 10_000)
        await exited
        clearTimeout(t)
      }
    },
    kill9: async () => {
      live.delete(n)
      killGroup(proc, 'SIGKILL')
      await exited
    }
  }
  live.add(n)
  return n
}

/** Stops every node still running (afterAll). Data dirs made by tempDir are removed. */
export async function stopAll(): Promise<void> {
  const nodes = [...live]
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) {
    if (n.dataDir.startsWith(tmpdir())) rmSync(n.dataDir, { recursive: true, force: true })
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  stepMs = 100
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v as T
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await sleep(stepMs)
  }
}

/** POSTs blocks 2..9 of chain-regtest.json (every one must get 201 main). */
export async function loadRegtestChain(url: string): Promise<void> {
  for (const b of chainRegtest.blocks.slice(1)) {
    const a = await post(`${url}/blocks`, b)
    expect(a.status, `block ${b.index}: ${a.text}`).toBe(201)
    expect(a.body.status).toBe('main')
  }
}

export async function status(url: string): Promise<Json> {
  const a = await get(`${url}/status`)
  expect(a.status).toBe(200)
  return a.body
}

// ---------------------------------------------------------------- a scriptable fake peer

export interface FakePeer {
  url: string
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[]
  close: () => Promise<void>
}

/**
 * A minimal HTTP peer on 127.0.0.1: answers with `handler` (return undefined for the default
 * 404), and records every request.
 */
export async function fakePeer(
  handler: (
    method: string,
    path: string,
    body: string
  ) => { status: number; body: unknown } | undefined
): Promise<FakePeer> {
  const requests: FakePeer['requests'] = []
  const server = createServer((rq: IncomingMessage, rs: ServerResponse) => {
    const chunks: Buffer[] = []
    rq.on('data', (c: Buffer) => chunks.push(c))
    rq.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: rq.method ?? '', path: rq.url ?? '', headers: rq.headers, body })
      const r = handler(rq.method ?? '', rq.url ?? '', body) ?? {
        status: 404,
        body: { error: 'not_found', message: 'nothing here' }
      }
      rs.writeHead(r.status, { 'content-type': 'application/json' })
      rs.end(JSON.stringify(r.body))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
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

/** A status answer as a regtest peer at the given tip would give it. */
export function fakeStatus(tip: Json, totalWork: string, network = 'regtest'): Json {
  return {
    network,
    genesis_hash: networks[network].genesis_hash,
    index: tip.index,
    tip_hash: tip.hash,
    total_work: totalWork,
    difficulty: tip.difficulty,
    pending: 0,
    peers: 0,
    version: 1
  }
}
