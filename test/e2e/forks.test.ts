/**
 * The fork tree and the fork history end to end, in Chromium against two real headless regtest
 * nodes. A mines two blocks (one with a transfer) while B, not its peer yet, mines four; A then
 * adds B and reorganises onto B's heavier branch. A's Forks screen draws its old blocks as a side
 * branch beside the main chain, says in a sentence what the reorganisation did and why, marks its
 * blocks in the tree, draws B's tree beside its own, and zooms; the same in Chinese. Takes
 * docs/screenshots/forks.png and forks-beside-peer.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  callValue,
  capture,
  launchChromium,
  openUi,
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

beforeAll(async () => {
  pair = await startNodePair('forks')
  ;({ a, b } = pair)
  await callValue(a, 'mineOnce')
  await callValue(a, 'sendTransaction', { recipient: 'ab'.repeat(20), amount: 7, fee: 1 })
  await callValue(a, 'mineOnce')
  for (let i = 0; i < 4; i++) await callValue(b, 'mineOnce')
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

const nodes = (status: string) =>
  page.locator(`[data-testid="fork-tree"] [data-status="${status}"]`)

describe('forks', () => {
  it('has no history before a reorganisation, and draws the main chain alone', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Forks' }).click()
    await page.getByRole('heading', { name: 'Forks', level: 1 }).waitFor({ timeout: TIMEOUT })
    await page.getByTestId('reorgs-empty').waitFor({ timeout: TIMEOUT })
    await expect.poll(() => nodes('main').count(), { timeout: TIMEOUT }).toBe(3)
    expect(await nodes('side').count()).toBe(0)
  })

  it('shows the branch a reorganisation left and says what it did and why', async () => {
    const bTip = (await callValue<TipStatus>(b, 'getStatus')).tipHash
    await callValue(a, 'addPeer', b.url)
    for (let i = 0; (await callValue<TipStatus>(a, 'getStatus')).tipHash !== bTip; i++) {
      if (i > 200) throw new Error('A did not take B’s chain')
      await new Promise((r) => setTimeout(r, 100))
    }
    // The screen follows the node: the tree and the history reload by themselves.
    await expect.poll(() => nodes('side').count(), { timeout: TIMEOUT }).toBe(2)
    const entry = page.getByTestId('reorgs').locator('li').first()
    await expect
      .poll(() => entry.innerText(), { timeout: TIMEOUT })
      .toMatch(
        new RegExp(
          `Block 4, from ${b.url.replace(/[.]/g, '\\.')}, made its branch the main chain: since block 1, where the branches meet, it had more work \\([\\d,]+ against [\\d,]+\\)\\. 2 blocks with 1 transfer left the main chain, 3 blocks with 0 transfers joined, and the pending pool was offered 1 transfer back`
        )
      )
    expect(await page.getByTestId('fork-summary').innerText()).toMatch(
      /^Main chain to block 5; 2 side blocks; 0 orphans\./
    )

    // Marking it draws its blocks (the two that left, the three that joined) heavier.
    await entry.getByRole('button', { name: 'Mark in the tree' }).click()
    await expect.poll(() => page.locator('[data-testid="fork-tree"] .marked').count()).toBe(5)
    await entry.getByText('Blocks and transfers').click()
    await entry.getByText('Left the main chain (2)').waitFor()

    // A side block is a link to its page, which says it is on a side branch.
    const side = nodes('side').first()
    const name = await side.getAttribute('aria-label')
    expect(name).toMatch(
      /^#\d+ [0-9a-f]{6}…[0-9a-f]{4}: block \d+, side branch, \d+ transactions?$/
    )
    await capture(page, 'forks', { fullPage: true })
    await side.click()
    await page.getByRole('heading', { level: 1, name: /^Block \d+$/ }).waitFor({ timeout: TIMEOUT })
    await page.goBack()
    await page.getByRole('heading', { name: 'Forks', level: 1 }).waitFor({ timeout: TIMEOUT })
  })

  it("draws a peer's tree beside its own", async () => {
    await page.getByTestId('fork-peer').selectOption(b.url)
    const peerTree = page.locator('[data-testid="peer-fork-tree"]')
    await peerTree.waitFor({ timeout: TIMEOUT })
    // B never left its chain: its tree is the main chain alone, ending where A's does.
    expect(await page.getByTestId('peer-fork-summary').innerText()).toBe(
      'Main chain to block 5; 0 side blocks; 0 orphans. Its tip is this node’s.'
    )
    expect(await peerTree.locator('[data-status="side"]').count()).toBe(0)
    expect(await peerTree.locator('[data-status="main"]').count()).toBeGreaterThan(0)
    await capture(page, 'forks-beside-peer', { fullPage: true })
    await page.getByTestId('fork-peer').selectOption('')
    await peerTree.waitFor({ state: 'detached', timeout: TIMEOUT })
  })

  it('zooms with its buttons', async () => {
    const svg = page.locator('[data-testid="fork-tree"] svg')
    const before = Number(await svg.getAttribute('width'))
    await page.getByRole('button', { name: 'Zoom in' }).click()
    await expect.poll(async () => Number(await svg.getAttribute('width'))).toBeGreaterThan(before)
    await page.getByRole('button', { name: 'Reset zoom to 100%' }).click()
    await expect.poll(async () => Number(await svg.getAttribute('width'))).toBe(before)
  })

  it('says the same in Chinese', async () => {
    await callValue(a, 'updateSettings', { language: 'zh-CN' })
    await page.getByRole('heading', { name: '分叉', level: 1 }).waitFor({ timeout: TIMEOUT })
    const entry = page.getByTestId('reorgs').locator('li').first()
    await expect
      .poll(() => entry.innerText(), { timeout: TIMEOUT })
      .toMatch(
        /来自 http:\/\/127\.0\.0\.1:\d+ 的区块 4 使它的分支成为主链：自两条分支的交汇点区块 1 起/
      )
    await callValue(a, 'updateSettings', { language: 'en' })
    await page.getByRole('heading', { name: 'Forks', level: 1 }).waitFor({ timeout: TIMEOUT })
    expect(errors).toEqual([])
  })
})
