/**
 * Issue #8, "Faults": a store that turns out damaged while the node runs never wedges it.
 *
 * A real node (startNode) whose database file is damaged under it, the way a failing disk does:
 * garbage is written over the pages of the blocks table in the file itself, after a checkpoint,
 * and SQLite's page cache is released, so the next read of a block meets SQLITE_CORRUPT. The
 * continuous miner's next template then throws; it must report it (the node's storage state
 * becomes `damaged`) and back off instead of re-arming itself in a tight loop, and requests must
 * get answers in the protocol's shape (503 `unavailable`), /status promptly, with no unhandled
 * rejection or exception in the process.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DB_FILE } from '../../src/main/store/sqlite-store'
import { http, startTestNode, waitFor } from '../helpers/node-harness'
import { failOnProcessCrashes } from '../helpers/crashes'

failOnProcessCrashes()

describe('a store damaged while the node runs', () => {
  it('stops the miner with the reason instead of spinning, and keeps answering', async () => {
    const t = await startTestNode()
    for (let i = 0; i < 30; i++) await t.node.mining.mineOnce()
    const svc = t.node.service
    const db = svc.store.db
    const tipBefore = svc.chain.tip().index
    const errors: string[] = []
    t.node.mining.on('error', (e) => errors.push(e.message))

    // Everything into the main file, then garbage over every page of the blocks table there.
    db.pragma('wal_checkpoint(TRUNCATE)')
    const pages = db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'blocks' AND pagetype = 'leaf'")
      .pluck()
      .all() as number[]
    const fd = openSync(join(t.dataDir, DB_FILE), 'r+')
    for (const p of pages) writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (p - 1) * 4096)
    closeSync(fd)
    db.pragma('shrink_memory')
    svc.chain.forgetCaches()

    const cpu0 = process.cpuUsage()
    const wall0 = Date.now()
    t.node.mining.start()
    await waitFor(
      () => svc.storageHealth().state === 'damaged',
      'the miner to meet the damage',
      10_000
    )
    expect(svc.storageHealth().message).toContain(join(t.dataDir, DB_FILE))

    // Two seconds later: the loop is paused, not re-arming itself (the old loop took a whole core).
    await new Promise((r) => setTimeout(r, 2000))
    const cpu = process.cpuUsage(cpu0)
    const cpuMs = (cpu.user + cpu.system) / 1000
    expect(cpuMs).toBeLessThan((Date.now() - wall0) * 0.5)

    const started = Date.now()
    const st = await http(t.url, '/status', { timeoutMs: 2000 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(st.status).toBe(200)
    expect(st.body.storage.state).toBe('damaged')
    expect(st.body.index).toBe(tipBefore)

    const mine = await http(t.url, '/mine', { timeoutMs: 2000 })
    expect(mine.status).toBe(503)
    expect(mine.body).toEqual({ error: 'unavailable', message: expect.stringMatching(/damaged/) })
    const block = await http(t.url, `/blocks/${svc.chain.tip().hash}`, { timeoutMs: 2000 })
    expect(block.status).toBe(503)
    expect(block.body.error).toBe('unavailable')
    // The UI API says it too, and the miner stays paused (no block was stored).
    expect((await t.node.api.getStatus()).storage.state).toBe('damaged')
    expect(svc.chain.tip().index).toBe(tipBefore)
    // The miner said once why it paused; it did not log on every spin.
    expect(errors.length).toBeLessThan(3)
    t.node.mining.stop()
  })
})
