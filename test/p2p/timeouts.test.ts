/**
 * A request to a peer that says nothing before its deadline fails with the reason `timeout`, set
 * where the deadline cuts it (src/main/p2p/http-client.ts), and the peer manager scores it from
 * that reason, never from the wording of the message. Real HTTP servers on 127.0.0.1 and real
 * in-process regtest nodes.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { NETWORKS } from '../../src/main/core'
import { peerRequest, type PeerResponse } from '../../src/main/p2p/http-client'
import { OFFENCE } from '../../src/main/p2p/types'
import { freePort } from '../helpers/blackbox'
import { closeAll, startTestNode } from '../helpers/node-harness'

const servers: Server[] = []
afterEach(async () => {
  await closeAll()
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections() // the silent ones hold their requests open
      return new Promise<void>((r) => s.close(() => r()))
    })
  )
})

/** No polling of its own: each poll in these tests is the test's, so each score change is one it made. */
const QUIET = { peerLimits: { pollMs: 3_600_000 } }
/**
 * QUIET, with a /status deadline of 400 ms (1.5 s in the harness): the peer below answers at once
 * or never, and a poll of the silent peer waits for the whole deadline.
 */
const QUIET_SHORT = { peerLimits: { ...QUIET.peerLimits, statusTimeoutMs: 400 } }

/**
 * A peer that answers GET /status as a regtest node with less work than anyone, until `silent`:
 * from then on it takes every request and never answers.
 */
async function peer(): Promise<{ url: string; silence(): void }> {
  let silent = false
  const server = createServer((req, res) => {
    if (silent) return // holds the request open: no status line, no byte
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({
        network: 'regtest',
        genesis_hash: NETWORKS.regtest.genesisHash,
        index: 1,
        tip_hash: NETWORKS.regtest.genesisHash,
        total_work: '1',
        difficulty: 8,
        pending: 0,
        peers: 0,
        version: 1
      })
    )
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, silence: () => (silent = true) }
}

describe('a request with no answer by its deadline', () => {
  it('fails with the reason timeout', async () => {
    const p = await peer()
    p.silence()
    const res = await peerRequest(p.url + '/status', { timeoutMs: 300, maxBytes: 1024 })
    expect(res.ok).toBe(false)
    expect(!res.ok && res.reason).toBe('timeout')
  })

  it('is told apart from a peer that cannot be reached at all (unreachable)', async () => {
    const port = await freePort()
    const res = await peerRequest(`http://127.0.0.1:${port}/status`, {
      timeoutMs: 2000,
      maxBytes: 1024
    })
    expect(!res.ok && res.reason).toBe('unreachable')
  })
})

describe('the peer manager scores a timeout from its reason', () => {
  it('costs OFFENCE.timeout for reason timeout whatever the message says, and nothing for a message that only reads like one', async () => {
    const a = await startTestNode(QUIET)
    const b = await startTestNode()
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    const entry = a.node.peers.get(b.url)!
    const failed = (reason: 'timeout' | 'unreachable', message: string): PeerResponse => ({
      ok: false,
      reason,
      message,
      bytesIn: 0,
      bytesOut: 0
    })

    const before = entry.score
    a.node.peers.transportOffence(entry, failed('timeout', 'the peer kept quiet'))
    expect(entry.score).toBe(before - OFFENCE.timeout)
    expect(entry.reachable).toBe(false)

    // A refused connection whose text happens to say "no answer within" is not a timeout.
    a.node.peers.transportOffence(entry, failed('unreachable', 'no answer within 5 ms'))
    expect(entry.score).toBe(before - OFFENCE.timeout)
  })

  it('scores a peer whose /status goes silent once, as a timeout, when it polls it', async () => {
    const a = await startTestNode(QUIET_SHORT)
    const p = await peer()
    expect((await a.node.api.addPeer(p.url)).ok).toBe(true)
    const entry = a.node.peers.get(p.url)!
    const before = entry.score
    p.silence()
    // QUIET_SHORT's statusTimeoutMs is the deadline of this poll.
    expect(await a.node.peers.pollOne(entry, false)).toBeUndefined()
    expect(entry.score).toBe(before - OFFENCE.timeout)
    expect(entry.reachable).toBe(false)
  })
})
