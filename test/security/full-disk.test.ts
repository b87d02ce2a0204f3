/**
 * Issue #8, "Faults": a full disk never takes the node down.
 *
 * Real nodes (startNode, as the app and the headless entry run them) on real SQLite files; the
 * disk is made full without root by SQLite's `PRAGMA max_page_count` on the node's own handle,
 * set to the database's current size, and raised again to give the space back. For each writer
 * (continuous mining, GET /mine, catching up from a peer with a longer chain): the write rolls
 * back with nothing half-stored and nothing of it left in memory; the node keeps answering
 * /status (which says why) and /chain; mining and syncing pause; both resume by themselves once
 * there is space; and no unhandledRejection or uncaughtException happens in the process.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunningNode } from '../../src/main/app/run'
import { http, startTestNode, tipIndex, waitFor, type TestNode } from '../helpers/node-harness'
import { failOnProcessCrashes } from '../helpers/crashes'
import { tempDir } from '../helpers/temp'

const RECIPIENT = '0000000000000000000000000000000000000001'

failOnProcessCrashes()

/**
 * No room for one more page: a write that grows the file fails with SQLITE_FULL. (Writes that
 * fit in pages the file already has still succeed, as on a real disk, so the first few may pass.)
 */
function fillDisk(node: RunningNode): void {
  const db = node.service.store.db
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
}

function freeDisk(node: RunningNode): void {
  node.service.store.db.pragma('max_page_count = 1073741823')
}

/** What is committed, read straight from the file's tables (not through any cache). */
function stored(node: RunningNode): { tipHash: string; tipIndex: number; pending: string[] } {
  const db = node.service.store.db
  const tip = db
    .prepare('SELECT height, hash FROM main_chain ORDER BY height DESC LIMIT 1')
    .get() as { height: number; hash: string }
  const pending = db.prepare('SELECT id FROM pending ORDER BY seq').pluck().all() as string[]
  return { tipHash: tip.hash, tipIndex: tip.height, pending }
}

/** The node's memory (tip cache, header cache, pool) agrees with what is stored. */
function expectInStep(t: TestNode): void {
  const s = stored(t.node)
  const svc = t.node.service
  expect(svc.chain.tip().hash).toBe(s.tipHash)
  expect(svc.chain.tip().index).toBe(s.tipIndex)
  expect(svc.pool.all().map((x) => x.id)).toEqual(s.pending)
  expect(svc.chain.header(s.tipHash)?.index).toBe(s.tipIndex)
}

async function expectStillServing(t: TestNode, state: 'full' | 'ok'): Promise<void> {
  const started = Date.now()
  const st = await http(t.url, '/status', { timeoutMs: 2000 })
  expect(Date.now() - started).toBeLessThan(1000)
  expect(st.status).toBe(200)
  // Every field PROTOCOL §7 lists is still there.
  for (const k of [
    'network',
    'genesis_hash',
    'index',
    'tip_hash',
    'total_work',
    'difficulty',
    'pending',
    'peers',
    'version'
  ]) {
    expect(st.body).toHaveProperty(k)
  }
  // A healthy node answers §7's fields only; the storage state is added while it is not ok.
  if (state === 'ok') expect(st.body).not.toHaveProperty('storage')
  else expect(st.body.storage.state).toBe(state)
  if (state === 'full') {
    expect(st.body.storage.message).toMatch(/full/)
    expect(st.body.storage.since).toBeTypeOf('number')
  }
  const chain = await http(t.url, '/chain?from=1&limit=500', { timeoutMs: 2000 })
  expect(chain.status).toBe(200)
  expect(chain.body.length).toBe(st.body.index)
  const ui = await t.node.api.getStatus()
  expect(ui.storage.state).toBe(state)
}

describe('a full disk', () => {
  it('pauses continuous mining without losing anything, keeps serving reads, and resumes when space returns', async () => {
    const t = await startTestNode()
    for (let i = 0; i < 3; i++) await t.node.mining.mineOnce()
    // A pending transfer that the next block would carry: it must stay pending when that block rolls back.
    const sent = await http(t.url, '/transactions/new', {
      body: { recipient: RECIPIENT, amount: 5, fee: 1 }
    })
    expect(sent.status).toBe(201)
    const events: string[] = []
    t.node.service.on('storage', (h) => events.push(h.state))

    fillDisk(t.node)
    t.node.mining.start()
    await waitFor(
      () => t.node.service.storageHealth().state === 'full',
      'the node to notice the full disk'
    )
    const before = tipIndex(t)
    expect(t.node.mining.active).toBe(true)
    expectInStep(t)
    await expectStillServing(t, 'full')
    // Paused, not spinning: a few seconds later nothing was stored and the node answers at once.
    await new Promise((r) => setTimeout(r, 2500))
    expect(tipIndex(t)).toBe(before)
    await expectStillServing(t, 'full')

    freeDisk(t.node)
    await waitFor(() => tipIndex(t) >= before + 3, 'mining to resume once space is back', 15_000)
    t.node.mining.stop()
    await expectStillServing(t, 'ok')
    expect(events[0]).toBe('full')
    expect(events).toContain('ok')
    // The transfer went into a block after all.
    const tx = await http(t.url, `/transactions/${sent.body.id}`)
    expect(tx.body.block_index).toBeGreaterThan(1)
    expect(t.node.service.pool.size).toBe(0)
    expectInStep(t)
  })

  it('answers GET /mine promptly with 503 unavailable and the reason, and mines again once space returns', async () => {
    const t = await startTestNode()
    await t.node.mining.mineOnce()
    // What the UI hears (IPC, or server-sent events in a browser): status pushes with the storage state.
    const pushed: string[] = []
    const unsubscribe = t.node.subscribe((e) => {
      if (e.type === 'status') pushed.push(e.status.storage.state)
    })
    fillDisk(t.node)
    // Blocks are mined until one cannot be stored: that one is rolled back and answered with why.
    let first = await http(t.url, '/mine', { timeoutMs: 10_000 })
    for (let i = 0; i < 100 && first.status === 200; i++)
      first = await http(t.url, '/mine', { timeoutMs: 10_000 })
    expect(first.status).toBe(503)
    expect(first.body).toEqual({ error: 'unavailable', message: expect.stringMatching(/full/) })
    const before = tipIndex(t)
    // While full, at once, without mining anything.
    const started = Date.now()
    const again = await http(t.url, '/mine', { timeoutMs: 10_000 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(again.status).toBe(503)
    expect(again.body.error).toBe('unavailable')
    const ui = await t.node.api.mineOnce()
    expect(ui).toMatchObject({ ok: false, error: 'unavailable' })
    expect(tipIndex(t)).toBe(before)
    expectInStep(t)
    await expectStillServing(t, 'full')

    freeDisk(t.node)
    await waitFor(() => t.node.service.storageOk(), 'the node to see space again', 10_000)
    const mined = await http(t.url, '/mine', { timeoutMs: 10_000 })
    expect(mined.status).toBe(200)
    expect(mined.body.index).toBe(before + 1)
    await expectStillServing(t, 'ok')
    await waitFor(
      () => pushed.includes('full') && pushed.at(-1) === 'ok',
      'the UI to be told of the full disk and of its end'
    )
    unsubscribe()
  })

  it('pauses catching up from a peer with a longer chain, and catches up once space returns', async () => {
    const behind = await startTestNode()
    const ahead = await startTestNode()
    for (let i = 0; i < 40; i++) await ahead.node.mining.mineOnce()
    fillDisk(behind.node)
    // Which writer met the full disk first: it must be the catch-up's batch (submitBlocks).
    let firstFault = ''
    behind.node.service.once('storage', () => {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 100
      firstFault = new Error().stack ?? ''
      Error.stackTraceLimit = limit
    })

    const reg = await http(behind.url, '/nodes/register', { body: { nodes: [ahead.url] } })
    expect(reg.status).toBe(201)
    await waitFor(
      () => behind.node.service.storageHealth().state === 'full',
      'the catch-up to hit the full disk'
    )
    expect(firstFault).toContain('Syncer.submitBatch')
    // Several polls later: still up, nothing half-connected, the peer not blamed.
    await new Promise((r) => setTimeout(r, 1500))
    expect(tipIndex(behind)).toBeLessThan(tipIndex(ahead))
    expectInStep(behind)
    await expectStillServing(behind, 'full')
    expect(behind.node.peers.list().find((p) => p.url === ahead.url)?.state).not.toBe('banned')

    freeDisk(behind.node)
    await waitFor(
      () => tipIndex(behind) === tipIndex(ahead),
      'the catch-up to resume once space is back',
      20_000
    )
    expect(behind.node.service.chain.tip().hash).toBe(ahead.node.service.chain.tip().hash)
    expectInStep(behind)
    await expectStillServing(behind, 'ok')
  })

  // The same on a real file system running out of space (ENOSPC, which SQLite reports as
  // SQLITE_FULL): a small tmpfs, filled by another file and freed again. Mounting needs root.
  it.skipIf(process.getuid?.() !== 0)(
    'on a real file system that runs out of space (tmpfs): pauses and resumes',
    async () => {
      const mnt = tempDir('bf-tmpfs-')
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt.path])
      try {
        const t = await startTestNode({ dataDir: join(mnt.path, 'node') })
        for (let i = 0; i < 3; i++) await t.node.mining.mineOnce()
        const fill = (size: number): void => {
          try {
            for (let i = 0; ; i++)
              writeFileSync(join(mnt.path, `fill-${size}-${i}`), Buffer.alloc(size))
          } catch (e) {
            expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC')
          }
        }
        fill(256 * 1024)
        fill(4096)
        t.node.mining.start()
        await waitFor(
          () => t.node.service.storageHealth().state === 'full',
          'the node to notice the full disk'
        )
        const before = tipIndex(t)
        expectInStep(t)
        await expectStillServing(t, 'full')
        await new Promise((r) => setTimeout(r, 1000))
        expect(tipIndex(t)).toBe(before)
        for (const f of readdirSync(mnt.path)) if (f.startsWith('fill-')) rmSync(join(mnt.path, f))
        await waitFor(
          () => tipIndex(t) >= before + 3,
          'mining to resume once space is back',
          15_000
        )
        t.node.mining.stop()
        expectInStep(t)
        await expectStillServing(t, 'ok')
        await t.stop()
      } finally {
        execFileSync('umount', ['-l', mnt.path])
        mnt.remove()
      }
    }
  )

  it('refuses a transfer it cannot store (503, not in the pool) and keeps the pool as stored', async () => {
    const t = await startTestNode()
    for (let i = 0; i < 3; i++) await t.node.mining.mineOnce()
    fillDisk(t.node)
    // Transfers are taken while they fit; the first that does not is refused, not half-kept.
    let accepted = 0
    let sent = await http(t.url, '/transactions/new', {
      body: { recipient: RECIPIENT, amount: 1, fee: 0 }
    })
    while (sent.status === 201 && accepted < 140) {
      accepted++
      sent = await http(t.url, '/transactions/new', {
        body: { recipient: RECIPIENT, amount: 1, fee: 0 }
      })
    }
    expect(sent.status).toBe(503)
    expect(sent.body).toEqual({ error: 'unavailable', message: expect.stringMatching(/full/) })
    expect(t.node.service.pool.size).toBe(accepted)
    expectInStep(t)
    await expectStillServing(t, 'full')
    // Once there is space, the same transfer goes in.
    freeDisk(t.node)
    await waitFor(() => t.node.service.storageOk(), 'the node to see space again', 10_000)
    const retry = await http(t.url, '/transactions/new', {
      body: { recipient: RECIPIENT, amount: 1, fee: 0 }
    })
    expect(retry.status).toBe(201)
    expectInStep(t)
  })
})
