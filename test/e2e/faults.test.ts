/**
 * The lab's link faults end to end, in Chromium against two real headless regtest nodes, B a
 * peer of A: on A's Peers screen, "Cut this node off" in the Link faults panel; both nodes mine
 * (B more blocks than A) and neither gets the other's; "Heal all links" and A, on the lighter
 * branch, reorganises onto B's: the peer table shows B in sync, nobody scored down, and the
 * timeline tells the cut, the healing and the reorganisation. Then one link paused and resumed
 * from its row, in Chinese. Takes docs/screenshots/faults.png when screenshots are taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { FaultsView, PeerInfo } from '../../src/shared/api'
import {
  callValue,
  capture,
  launchChromium,
  openUi,
  visit,
  startNodePair,
  type NodePair,
  type TestNode,
  type TipStatus
} from './harness'

const TIMEOUT = 20_000
let pair: NodePair
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []

const status = (n: TestNode) => callValue<TipStatus>(n, 'getStatus')

/** Polls `cond` every 100 ms until it holds, or fails naming `what` after `ms`. */
async function until(cond: () => Promise<boolean>, what: string, ms = TIMEOUT): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

beforeAll(async () => {
  pair = await startNodePair('faults')
  ;({ a, b } = pair)
  await callValue(a, 'addPeer', b.url)
  await callValue(a, 'mineOnce')
  await until(async () => (await status(b)).tipHash === (await status(a)).tipHash, 'B to follow A')
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

const panel = () => page.getByTestId('link-faults')
const peerOf = async (n: TestNode, url: string) =>
  (await callValue<PeerInfo[]>(n, 'listPeers')).find((p) => p.url === url)

describe('link faults', () => {
  it('cuts A off from the UI: both mine their own branch, and neither gets the other’s', async () => {
    await visit(page, '/peers')
    await panel()
      .getByRole('row', { name: new RegExp(b.url) })
      .waitFor({ timeout: TIMEOUT })
    await panel().getByRole('button', { name: 'Cut this node off' }).click()
    await panel()
      .getByText('This node is cut off from every node on this machine')
      .waitFor({ timeout: TIMEOUT })
    await panel().getByRole('button', { name: 'Reconnect' }).waitFor({ timeout: TIMEOUT })
    expect((await callValue<FaultsView>(a, 'getFaults')).isolated).toBe(true)
    // The peer table marks the link too.
    await page
      .getByRole('row', { name: new RegExp(b.url) })
      .getByText('link paused (fault)')
      .first()
      .waitFor({ timeout: TIMEOUT })
    // Both sides find the other unreachable: A's requests never leave it, B's get no answer.
    await until(
      async () =>
        (await peerOf(a, b.url))?.state === 'unreachable' &&
        (await peerOf(b, a.url))?.state === 'unreachable',
      'each to find the other unreachable'
    )
    await panel().scrollIntoViewIfNeeded()
    await capture(page, 'faults')

    const fork = (await status(a)).index
    await callValue(a, 'mineOnce')
    for (let i = 0; i < 3; i++) await callValue(b, 'mineOnce')
    // Each asks every peer it talks to for its chain: nothing comes across the cut.
    await Promise.all([callValue(a, 'resolve'), callValue(b, 'resolve')])
    expect((await status(a)).index).toBe(fork + 1)
    expect((await status(b)).index).toBe(fork + 3)
  })

  it('heals from the UI: A reorganises onto B’s heavier branch, nobody scored down', async () => {
    const bTip = (await status(b)).tipHash
    await panel().getByRole('button', { name: 'Heal all links' }).click()
    await panel().getByRole('button', { name: 'Cut this node off' }).waitFor({ timeout: TIMEOUT })
    await until(async () => (await status(a)).tipHash === bTip, 'A to reorganise onto B’s branch')
    expect((await status(b)).tipHash).toBe(bTip)
    // The peer table (read again as the screen is opened) shows B in sync and connected.
    await visit(page, '/')
    await visit(page, '/peers')
    const row = page.locator('.n-data-table-tr', { hasText: b.url })
    await row.getByText('in sync').waitFor({ timeout: TIMEOUT })
    await row.getByText('connected').waitFor({ timeout: TIMEOUT })
    expect((await peerOf(a, b.url))?.score).toBe(0)
    expect((await peerOf(b, a.url))?.score).toBe(0)
    expect(await row.getByText('link paused (fault)').count()).toBe(0)

    await visit(page, '/timeline')
    const timeline = page.getByTestId('timeline')
    await timeline
      .getByText('This node was cut off from the nodes on this machine')
      .waitFor({ timeout: TIMEOUT })
    await timeline.getByText('Every link healed').waitFor({ timeout: TIMEOUT })
    await timeline.locator('li[data-kind="reorg"]').first().waitFor({ timeout: TIMEOUT })
  })

  it('pauses and resumes one link from its row, in Chinese', async () => {
    await callValue(a, 'updateSettings', { language: 'zh-CN' })
    await visit(page, '/peers')
    const row = panel().getByRole('row', { name: new RegExp(b.url) })
    await row.getByRole('button', { name: `暂停与 ${b.url} 的连接` }).click()
    await row.getByText('已暂停').waitFor({ timeout: TIMEOUT })
    expect((await callValue<FaultsView>(a, 'getFaults')).links).toMatchObject([
      { peer: b.url, paused: true, latencyMs: 0, lossPercent: 0 }
    ])
    await row.getByRole('button', { name: `恢复与 ${b.url} 的连接` }).click()
    await row.getByText('正常').waitFor({ timeout: TIMEOUT })
    expect((await callValue<FaultsView>(a, 'getFaults')).links).toEqual([])
    await callValue(a, 'updateSettings', { language: 'en' })
    expect(errors).toEqual([])
  })
})
