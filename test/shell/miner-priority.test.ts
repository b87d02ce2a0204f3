/**
 * Mining threads lower their own priority only where that leaves the rest of the process alone:
 * Linux, where a nice value is per thread. On Windows and macOS the same call would lower the
 * whole process (window, IPC, HTTP, sync), so there they leave it. The decision is tested per
 * platform; on Linux the real engine is started and the nice value of every thread is read from
 * /proc: the workers at 19, the main thread as it was.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { getPriority } from 'node:os'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MinerEngine, type MiningWork } from '../../src/main/miner'
import { lowerThreadPriority, minerPriorityPlan } from '../../src/main/miner/priority'

describe('minerPriorityPlan', () => {
  it('lowers the thread on Linux only', () => {
    expect(minerPriorityPlan('linux')).toEqual({ kind: 'thread', nice: 19 })
    for (const p of ['win32', 'darwin', 'freebsd', 'openbsd'] as const) {
      expect(minerPriorityPlan(p).kind).toBe('none')
    }
  })

  it('never calls setPriority where it would lower the whole process', () => {
    const set = vi.fn()
    expect(lowerThreadPriority('win32', set)).toBe(false)
    expect(lowerThreadPriority('darwin', set)).toBe(false)
    expect(set).not.toHaveBeenCalled()
    expect(lowerThreadPriority('linux', set)).toBe(true)
    expect(set).toHaveBeenCalledWith(0, 19)
  })

  it('mines on at normal priority when the OS refuses', () => {
    const refuse = (): void => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' })
    }
    expect(lowerThreadPriority('linux', refuse)).toBe(false)
  })
})

/** Nice value of each thread of this process, by thread id (Linux /proc). */
function threadNice(): Map<number, number> {
  const out = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces: nice is field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    out.set(Number(tid), Number(fields[16]))
  }
  return out
}

describe.runIf(process.platform === 'linux')('on Linux, the real miner', () => {
  let engine: MinerEngine | undefined
  afterEach(async () => {
    await engine?.close()
  })

  const endless: MiningWork = {
    header: {
      version: 1,
      index: 2,
      timestamp: 1_700_000_000_000,
      previousHash: '00'.repeat(32),
      merkleRoot: '11'.repeat(32),
      difficulty: 255
    }
  }

  /** Start two workers hashing; the nice value of every thread of the process while they do. */
  async function niceWhileHashing(e: MinerEngine): Promise<Map<number, number>> {
    const done = e.solve(endless).catch(() => undefined)
    const t0 = Date.now()
    while (
      !e.workerStates().workers.every((w) => w.hashing > 0) ||
      e.workerStates().workers.length < 2
    ) {
      if (Date.now() - t0 > 20_000) throw new Error('workers did not start')
      await new Promise((r) => setTimeout(r, 10))
    }
    const nice = threadNice()
    e.stop()
    await done
    return nice
  }

  it('lowers its worker threads and leaves the main thread as it was', async () => {
    const before = getPriority(0)
    expect(threadNice().get(process.pid)).toBe(before)
    engine = new MinerEngine({ threads: 2 })
    const nice = await niceWhileHashing(engine)
    expect(nice.get(process.pid)).toBe(before)
    expect(getPriority(process.pid)).toBe(before)
    expect([...nice.values()].filter((n) => n === 19).length).toBeGreaterThanOrEqual(2)
  })

  it("leaves every thread at the process's priority when asked for 'normal'", async () => {
    const before = getPriority(0)
    engine = new MinerEngine({ threads: 2, priority: 'normal' })
    const nice = await niceWhileHashing(engine)
    expect(nice.size).toBeGreaterThanOrEqual(3)
    expect([...nice.values()].filter((n) => n !== before)).toEqual([])
  })
})
