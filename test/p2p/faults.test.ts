/**
 * The lab's link faults (src/main/p2p/faults.ts) on their own, without a network: which faults
 * are refused and why, the loopback-only rule, isolation covering peers added later, the change
 * events the timeline records, and loss decided by the random source given to it (a fixed
 * sequence here, so which request is lost is known). Faults on real nodes over HTTP are in
 * test/functional/p2p-faults.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { checkLinkFault, LinkFaults, MAX_FAULTED_LINKS } from '../../src/main/p2p/faults'
import type { FaultChange } from '../../src/shared/api'

const A = 'http://127.0.0.1:7001'
const B = 'http://localhost:7002'
const PAUSED = { paused: true, latencyMs: 0, lossPercent: 0 }
const CLEAR = { paused: false, latencyMs: 0, lossPercent: 0 }

/** Faults whose random source returns `values` in turn, and the changes they emit. */
function faults(values: number[] = []): { f: LinkFaults; changes: FaultChange[] } {
  let i = 0
  const f = new LinkFaults({ random: () => values[i++ % values.length], now: () => 1_000 })
  const changes: FaultChange[] = []
  f.on('change', (c) => changes.push(c))
  return { f, changes }
}

describe('link faults', () => {
  it('refuses a fault out of its ranges or of the wrong shape, with invalid_field', () => {
    for (const bad of [
      null,
      [],
      'paused',
      { paused: 'yes', latencyMs: 0, lossPercent: 0 },
      { paused: false, latencyMs: -1, lossPercent: 0 },
      { paused: false, latencyMs: 10_001, lossPercent: 0 },
      { paused: false, latencyMs: 1.5, lossPercent: 0 },
      { paused: false, latencyMs: 0, lossPercent: 101 },
      { paused: false, latencyMs: 0, lossPercent: 12.5 },
      { paused: false, latencyMs: '5', lossPercent: 0 },
      { paused: false }
    ]) {
      const r = checkLinkFault(bad)
      expect(r.ok, JSON.stringify(bad)).toBe(false)
      if (!r.ok) expect(r.error).toBe('invalid_field')
    }
    expect(checkLinkFault({ paused: false, latencyMs: 10_000, lossPercent: 100 })).toEqual({
      ok: true,
      value: { paused: false, latencyMs: 10_000, lossPercent: 100 }
    })
  })

  it('gives faults to links with nodes on this machine only', () => {
    const { f, changes } = faults()
    for (const url of [
      'http://127.0.0.1:5000',
      'http://127.8.9.10:5000',
      'http://localhost:5000',
      'http://[::1]:5000'
    ])
      expect(f.set(url, PAUSED).ok, url).toBe(true)
    for (const url of [
      'http://192.168.1.20:5000',
      'http://10.0.0.1:5000',
      'http://example.com:5000',
      'http://[::2]:5000',
      'http://127.0.0.1.example.com:5000',
      'not a url',
      42
    ]) {
      const r = f.set(url, PAUSED)
      expect(r.ok, String(url)).toBe(false)
      if (!r.ok) expect(r.error).toBe('invalid_field')
    }
    expect(changes).toHaveLength(4)
    // Nothing a remote peer sends is ever touched, even while the node is cut off.
    f.setIsolated(true)
    expect(f.decide('http://192.168.1.20:5000')).toEqual({ drop: false, delayMs: 0 })
    expect(f.of('http://192.168.1.20:5000')).toBeUndefined()
  })

  it('keeps a link by the peer table’s URL, and heals it when the fault is all clear', () => {
    const { f, changes } = faults()
    const r = f.set('HTTP://127.0.0.1:7001/some/path', {
      paused: false,
      latencyMs: 250,
      lossPercent: 0
    })
    expect(r.ok && r.value.links).toEqual([
      { peer: A, paused: false, latencyMs: 250, lossPercent: 0, since: 1_000 }
    ])
    expect(f.decide(A)).toEqual({ drop: false, delayMs: 250 })
    // The same fault again is no change: no event, the same `since`.
    expect(f.set(A, { paused: false, latencyMs: 250, lossPercent: 0 }).ok).toBe(true)
    expect(f.view().links[0].since).toBe(1_000)
    expect(f.set(A, CLEAR).ok).toBe(true)
    expect(f.view()).toEqual({ isolated: false, isolatedSince: null, links: [] })
    expect(f.any).toBe(false)
    // Healing a link that has no fault is no change either.
    expect(f.set(A, CLEAR).ok).toBe(true)
    expect(changes).toEqual([
      { what: 'link', peer: A, fault: { paused: false, latencyMs: 250, lossPercent: 0 } },
      { what: 'link', peer: A, fault: CLEAR }
    ])
  })

  it('drops every request on a paused link, and none on another', () => {
    const { f } = faults()
    f.set(A, PAUSED)
    expect(f.decide(A)).toEqual({ drop: true, why: 'link paused by fault injection' })
    expect(f.decide(B)).toEqual({ drop: false, delayMs: 0 })
    expect(f.decide(undefined)).toEqual({ drop: false, delayMs: 0 })
  })

  it('cuts the node off from every peer on this machine, those it has not met yet included', () => {
    const { f, changes } = faults()
    f.set(A, { paused: false, latencyMs: 100, lossPercent: 0 })
    expect(f.setIsolated(true).isolated).toBe(true)
    // A peer never faulted, and one that did not exist when the node was cut off.
    for (const url of [A, B, 'http://127.0.0.1:9999'])
      expect(f.decide(url)).toEqual({ drop: true, why: 'this node is cut off by fault injection' })
    expect(f.of('http://127.0.0.1:9999')).toEqual(PAUSED)
    expect(f.of(A)).toEqual({ paused: true, latencyMs: 100, lossPercent: 0 })
    // Twice is once.
    f.setIsolated(true)
    expect(f.setIsolated(false)).toMatchObject({ isolated: false, isolatedSince: null })
    // Reconnected, the link's own fault is still there.
    expect(f.decide(A)).toEqual({ drop: false, delayMs: 100 })
    expect(f.decide(B)).toEqual({ drop: false, delayMs: 0 })
    expect(changes.map((c) => c.what)).toEqual(['link', 'cut-off', 'reconnected'])
  })

  it('loses the requests the random source picks, in the share asked for', () => {
    // 30% loss: a draw under 0.3 loses its request.
    const { f } = faults([0.1, 0.5, 0.29, 0.3, 0.99])
    f.set(A, { paused: false, latencyMs: 40, lossPercent: 30 })
    const lost = [1, 2, 3, 4, 5].map(() => f.decide(A).drop)
    expect(lost).toEqual([true, false, true, false, false])
    expect(f.decide(A)).toEqual({ drop: true, why: 'request lost by fault injection' })
    expect(f.decide(A)).toEqual({ drop: false, delayMs: 40 })
  })

  it('draws nothing from the random source on a link without loss', () => {
    let draws = 0
    const f = new LinkFaults({ random: () => (draws++, 0) })
    f.set(A, { paused: false, latencyMs: 5, lossPercent: 0 })
    f.decide(A)
    f.decide(B)
    expect(draws).toBe(0)
    f.set(A, { paused: false, latencyMs: 0, lossPercent: 100 })
    expect(f.decide(A).drop).toBe(true)
    expect(draws).toBe(1)
  })

  it('heals every link and reconnects the node at once, said once', () => {
    const { f, changes } = faults()
    f.set(A, PAUSED)
    f.set(B, { paused: false, latencyMs: 0, lossPercent: 50 })
    f.setIsolated(true)
    expect(f.healAll()).toEqual({ isolated: false, isolatedSince: null, links: [] })
    expect(f.decide(A)).toEqual({ drop: false, delayMs: 0 })
    // Nothing left to heal: no change to record.
    f.healAll()
    expect(changes.map((c) => c.what)).toEqual(['link', 'link', 'cut-off', 'healed'])
  })

  it('keeps at most MAX_FAULTED_LINKS links with a fault', () => {
    const { f } = faults()
    for (let i = 0; i < MAX_FAULTED_LINKS; i++)
      expect(f.set(`http://127.0.0.1:${10_000 + i}`, PAUSED).ok).toBe(true)
    const r = f.set('http://127.0.0.1:9000', PAUSED)
    expect(r.ok).toBe(false)
    // Changing or healing one already kept is still allowed.
    expect(f.set('http://127.0.0.1:10000', CLEAR).ok).toBe(true)
    expect(f.set('http://127.0.0.1:9000', PAUSED).ok).toBe(true)
  })
})
