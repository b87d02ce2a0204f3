/**
 * What a user meets adding and removing peers (issue #9): a peer the user removed stays removed
 * (its own announcements do not bring it back, nor does a restart) until the user adds it again;
 * a URL that is down, of another network, this node itself or a peer already known under another
 * name is not listed as "added" without a word: the register answer, the log and the UI API
 * say what happened to each. Real in-process regtest nodes over HTTP on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  closeAll,
  http,
  mine,
  startTestNode,
  startTestNodes,
  waitFor
} from '../helpers/node-harness'
import { freePort } from '../helpers/blackbox'
import { captureLog } from '../helpers/log-capture'

afterEach(closeAll)

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A node whose log lines are kept. */
async function loggedNode(cfg: Parameters<typeof startTestNode>[0] = {}) {
  const { logger, lines } = captureLog()
  const t = await startTestNode({ ...cfg, logger })
  return { ...t, lines }
}

describe('disconnect sticks', () => {
  it('a peer the user removed is not brought back by its own announcements, nor by a restart, until added again', async () => {
    const [a, b] = await startTestNodes(2)
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    // b learns a from a's X-Node-Url and polls it (every 250 ms here), announcing itself each time.
    await waitFor(() => b.node.peers.urls().includes(a.url), 'b to learn a')
    expect((await a.node.api.removePeer(b.url)).ok).toBe(true)
    await mine(b) // b pushes its block to a, naming itself
    await sleep(1500) // six of b's polls
    expect(a.node.peers.urls()).toEqual([])
    expect((await http(a.url, '/nodes')).body.nodes).toEqual([])

    await a.stop()
    const again = await startTestNode({ dataDir: a.dataDir })
    await waitFor(() => b.node.peers.list().some((p) => p.url === a.url), 'b still to know a')
    await mine(b)
    await sleep(1500)
    expect(again.node.peers.urls()).toEqual([])

    // The user adding it again (UI add, or POST /nodes/register) is what brings it back.
    expect((await again.node.api.addPeer(b.url)).ok).toBe(true)
    expect(again.node.peers.urls()).toEqual([b.url])
    expect((await again.node.api.removePeer(b.url)).ok).toBe(true)
    await sleep(600)
    expect(again.node.peers.urls()).toEqual([])
    const r = await http(again.url, '/nodes/register', { body: { nodes: [b.url] } })
    expect(r.status).toBe(201)
    expect(r.body.total_nodes).toEqual([b.url])
  })
})

describe("the UI API's resolve", () => {
  it("says replaced (a boolean) when catching up moved the tip onto a peer's blocks before resolve was asked", async () => {
    const [a, b] = await startTestNodes(2)
    await mine(b, 2)
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    await waitFor(
      () => a.node.service.chain.tip().hash === b.node.service.chain.tip().hash,
      'a to catch up by itself'
    )
    expect(await a.node.api.resolve()).toEqual({
      ok: true,
      value: { replaced: true, message: 'Our chain was replaced', length: 3 }
    })
    expect(await a.node.api.resolve()).toEqual({
      ok: true,
      value: { replaced: false, message: 'Our chain is authoritative', length: 3 }
    })
  })
})

describe('peer problems are said', () => {
  it('POST /nodes/register: each URL down, of another network, this node or a known peer under another name is reported', async () => {
    const a = await loggedNode()
    const b = await startTestNode()
    const other = await startTestNode({ network: 'main' })
    const down = `http://127.0.0.1:${await freePort()}`
    const bByName = b.url.replace('127.0.0.1', 'localhost')
    const selfByName = a.url.replace('127.0.0.1', 'localhost')

    const r = await http(a.url, '/nodes/register', {
      body: { nodes: [b.url, down, other.url, a.url, selfByName] }
    })
    expect(r.status).toBe(201)
    expect(r.body.message).toBe('New nodes have been added')
    expect(r.body.total_nodes.sort()).toEqual([b.url, down].sort())
    const rejected = Object.fromEntries(
      r.body.rejected.map((x: { url: string; error: string }) => [x.url, x.error])
    )
    expect(rejected).toEqual({
      [other.url]: 'wrong_genesis',
      [a.url]: 'this_node',
      [selfByName]: 'this_node'
    })
    expect(r.body.pending).toEqual([
      {
        url: down,
        error: 'unreachable',
        message: expect.stringMatching(/not answer|refused|ECONNREFUSED/i)
      }
    ])

    // The same node under another name (localhost for 127.0.0.1): told apart by its node id.
    const dup = await http(a.url, '/nodes/register', { body: { nodes: [bByName] } })
    expect(dup.status).toBe(201)
    expect(dup.body.rejected).toEqual([
      { url: bByName, error: 'same_node', message: expect.stringContaining(b.url) }
    ])
    expect(a.node.peers.urls().sort()).toEqual([b.url, down].sort())

    const log = a.lines.join('\n')
    for (const u of [other.url, a.url, selfByName, bByName, down])
      expect(log, `log names ${u}`).toContain(u)
    expect(log).toMatch(/another network/)
    expect(log).toMatch(/not reachable/)
  })

  it('the UI API says why a peer was not added', async () => {
    const a = await loggedNode()
    const b = await startTestNode()
    expect((await a.node.api.addPeer(b.url)).ok).toBe(true)
    const dup = await a.node.api.addPeer(b.url.replace('127.0.0.1', 'localhost'))
    expect(dup).toMatchObject({ ok: false, error: 'same_node' })
    const self = await a.node.api.addPeer(a.url)
    expect(self).toMatchObject({ ok: false, error: 'this_node' })
    const downUrl = `http://127.0.0.1:${await freePort()}`
    const down = await a.node.api.addPeer(downUrl)
    expect(down).toMatchObject({ ok: false, error: 'unreachable' })
    expect(a.node.peers.urls()).toEqual([b.url])
    // and the log says the same
    expect(a.lines.filter((l) => /^peer refused/.test(l))).toEqual([
      expect.stringContaining('is the same node as'),
      expect.stringContaining('is this node'),
      expect.stringContaining(downUrl)
    ])
  })

  it('--peer URLs that are down or of another network are said in the log', async () => {
    const other = await startTestNode({ network: 'main' })
    const down = `http://127.0.0.1:${await freePort()}`
    const a = await loggedNode({ peers: [down, other.url] })
    await waitFor(
      () => a.lines.some((l) => l.includes(other.url)) && a.lines.some((l) => l.includes(down)),
      'both in the log',
      5000
    )
    expect(a.lines.find((l) => l.includes(other.url))).toMatch(/another network/)
    expect(a.lines.find((l) => l.includes(down))).toMatch(/not reachable/)
    // Said once, not on every poll.
    await sleep(1000)
    expect(a.lines.filter((l) => l.includes(down))).toHaveLength(1)
  })
})
