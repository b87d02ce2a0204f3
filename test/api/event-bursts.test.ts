/**
 * The UI at scale (issue #12): a node that connects blocks by the thousand (catching up, regtest
 * mining) tells the UI in a few summaries, not one event per block, while a block that comes
 * alone is still pushed at once. On a real regtest node (startNode, real SQLite in a temp dir),
 * through the same subscription both transports use.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunningNode } from '../../src/main/app/run'
import { BURST_MS } from '../../src/main/api/events'
import type { NodeEvent } from '../../src/shared/api'
import { buildChain } from '../helpers/chain-builder'
import { closeAll, startTestNode, waitFor } from '../helpers/node-harness'

let node: RunningNode

beforeEach(async () => {
  node = (await startTestNode()).node
})

afterEach(closeAll)

/** Every event pushed from now on, with when it came. */
function record(): { at: number; e: NodeEvent }[] {
  const seen: { at: number; e: NodeEvent }[] = []
  node.subscribe((e) => seen.push({ at: Date.now(), e }))
  return seen
}

/** How many blocks the recorded events tell of: one per block event, `count` per summary. */
const blocksTold = (seen: { e: NodeEvent }[]): number =>
  seen.reduce((n, { e }) => n + (e.type === 'block' ? 1 : e.type === 'blocks' ? e.count : 0), 0)

describe('block events in bursts', () => {
  it('tells of 300 blocks connected at once in a few events that add up to all of them', async () => {
    const blocks = buildChain(300) // after genesis, which the node has
    const seen = record()
    for (let i = 0; i < blocks.length; i += 100) {
      const outcomes = node.service.submitBlocks(blocks.slice(i, i + 100), undefined, 'peer')
      expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true)
    }
    await waitFor(() => blocksTold(seen) === blocks.length, 'every block told of')
    const blockEvents = seen.filter(({ e }) => e.type === 'block' || e.type === 'blocks')
    // The first is pushed as itself, at once; the rest in one summary per window.
    expect(seen.find(({ e }) => e.type === 'block' || e.type === 'blocks')?.e).toMatchObject({
      type: 'block',
      block: { index: blocks[0].index, hash: blocks[0].hash, onMain: true }
    })
    expect(blockEvents.length).toBeLessThanOrEqual(5)
    expect(blockEvents.some(({ e }) => e.type === 'blocks')).toBe(true)
    // The status that follows has the new tip, so the UI needs nothing else to show it.
    await waitFor(
      () =>
        seen.some(
          ({ e }) => e.type === 'status' && e.status.tipHash === blocks[blocks.length - 1].hash
        ),
      'a status with the new tip'
    )
  })

  it('pushes a block that comes alone at once, and one after a quiet window as itself too', async () => {
    const [b2, b3] = buildChain(2)
    const seen = record()
    const t0 = Date.now()
    expect(node.service.submitBlock(b2).kind).toBe('accepted')
    // Pushed synchronously with the block's acceptance, not at the end of a window.
    expect(seen.filter(({ e }) => e.type === 'block')).toHaveLength(1)
    expect(seen[0].at - t0).toBeLessThan(BURST_MS)
    // After the window has passed with nothing in it, the next block is again pushed as itself.
    await new Promise((r) => setTimeout(r, 2 * BURST_MS + 50))
    expect(node.service.submitBlock(b3).kind).toBe('accepted')
    const told = seen.filter(({ e }) => e.type === 'block' || e.type === 'blocks')
    expect(told.map(({ e }) => e.type)).toEqual(['block', 'block'])
    expect(told[1].e).toMatchObject({ block: { hash: b3.hash } })
  })
})
