/**
 * A window whose renderer went away is reloaded, not left blank, unless it keeps crashing (then a
 * static error page) or a renderer cannot start at all; quitting waits for the nodes to close but
 * not forever.
 */
import { describe, expect, it } from 'vitest'
import { CrashPolicy, errorPageUrl, withTimeLimit } from '../../src/main/shell/lifecycle'

describe('CrashPolicy', () => {
  it('reloads after a crash, a kill or running out of memory', () => {
    for (const reason of ['crashed', 'killed', 'oom', 'abnormal-exit', 'memory-eviction']) {
      expect(new CrashPolicy().decide(reason, 0)).toBe('reload')
    }
  })

  it('ignores a clean exit (the window closing) and shows the error page when no renderer can start', () => {
    const p = new CrashPolicy()
    expect(p.decide('clean-exit', 0)).toBe('ignore')
    expect(p.decide('launch-failed', 0)).toBe('error-page')
    expect(p.decide('integrity-failure', 0)).toBe('error-page')
  })

  it('stops reloading a page that crashes again and again, and forgives old crashes', () => {
    const p = new CrashPolicy(3, 60_000)
    expect([0, 1000, 2000].map((t) => p.decide('crashed', t))).toEqual([
      'reload',
      'reload',
      'reload'
    ])
    expect(p.decide('crashed', 3000)).toBe('error-page')
    const q = new CrashPolicy(3, 60_000)
    for (const t of [0, 100_000, 200_000, 300_000, 400_000])
      expect(q.decide('crashed', t)).toBe('reload')
  })
})

describe('errorPageUrl', () => {
  it('is a static page with no script that says how to get the window back', () => {
    const html = decodeURIComponent(errorPageUrl('crashed<script>', 139).split(',')[1])
    expect(html).toContain('View → Reload Window')
    expect(html).not.toContain('<script')
    expect(html).toContain("default-src 'none'")
    expect(html).toContain('crashed&#60;script&#62;')
  })
})

describe('withTimeLimit', () => {
  it('returns once the work is done, failed or not', async () => {
    await expect(withTimeLimit(Promise.resolve(), 10_000)).resolves.toBe('done')
    await expect(withTimeLimit(Promise.reject(new Error('x')), 10_000)).resolves.toBe('done')
  })

  it('gives up on work that never ends', async () => {
    await expect(withTimeLimit(new Promise(() => undefined), 20)).resolves.toBe('timed-out')
  })
})
