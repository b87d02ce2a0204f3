/**
 * "Start another local node" over the node's HTTP UI API uses the starter the node was given:
 * inside Electron that is the app's in-process one (a node with a window), since spawning
 * process.execPath there would start Electron, not Node. Real nodes over real HTTP: node A is
 * given a starter that opens node B in this process; the UI call returns B, now A's peer, and no
 * child process is started.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as childProcess from 'node:child_process'
import { closeAll, http, startTestNode, waitFor, type TestNode } from '../helpers/node-harness'

vi.mock('node:child_process', async (orig) => {
  const real = await orig<typeof import('node:child_process')>()
  return { ...real, spawn: vi.fn(real.spawn) }
})

afterEach(closeAll)

describe('startLocalNode over HTTP with an in-process starter', () => {
  it('starts the node in this process, returns it connected, and spawns nothing', async () => {
    let b: TestNode | undefined
    const starter = vi.fn(async () => {
      b = await startTestNode({ peers: [a.url] })
      return b.url
    })
    const a: TestNode = await startTestNode({ startLocalNode: starter })
    const r = await http(a.url, '/api/ui/startLocalNode', { body: { args: [] } })
    expect(r.status).toBe(200)
    expect(starter).toHaveBeenCalledOnce()
    expect(r.body).toMatchObject({ ok: true, value: { url: b!.url, connected: true, self: false } })
    expect(vi.mocked(childProcess.spawn)).not.toHaveBeenCalled()
    await waitFor(() => a.node.peers.urls().includes(b!.url), 'A lists B as a peer')
  })
})
