/**
 * The guided tour end to end, in Chromium against two real headless regtest nodes on this machine
 * (as `npm run demo` starts them, not yet peers): from A's Tour screen, mine, send, mine the
 * transfer into a block, register B (found on this machine) and watch it catch up, resolve, cut
 * A off and mine on both sides, heal, and see A reorganise onto B's heavier branch, each step
 * saying what happened in A's own figures; the block A mined while cut off is then a side branch
 * in its fork tree; and the whole tour is reworded in Chinese. Takes
 * docs/screenshots/tour.png.
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

const TIMEOUT = 30_000
let pair: NodePair
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []

beforeAll(async () => {
  pair = await startNodePair('tour')
  ;({ a, b } = pair)
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

/** Does step `s` and returns what the tour says it did. */
async function step(s: string): Promise<string> {
  await page.getByTestId(`tour-do-${s}`).click()
  const done = page.getByTestId(`tour-done-${s}`)
  await done.waitFor({ timeout: TIMEOUT })
  return done.innerText()
}

describe('guided tour', () => {
  it('walks the Flask walkthrough on this node, each step saying what happened', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Guided tour' }).click()
    await page.getByRole('heading', { name: 'Guided tour', level: 1 }).waitFor({ timeout: TIMEOUT })
    // Only the first step can be done.
    expect(await page.getByTestId('tour-do-send').isDisabled()).toBe(true)

    expect(await step('mine')).toMatch(
      /^Block 2 was found: its hash [0-9a-f]{8}…[0-9a-f]{6} starts with at least 8 zero bits, as the network’s difficulty asks\. Its first transaction \(the coinbase\) pays this wallet 50; the balance is now 50\./
    )
    expect(await step('send')).toMatch(/^A transfer of 10 \(fee 1\) to 8fd3e95f…14096f was signed/)
    expect(await step('confirm')).toMatch(
      /^Block 3 holds the transfer: it has 1 confirmation\. The balance is now 90:/
    )
    expect(await step('peer')).toMatch(
      new RegExp(`^${b.url.replace(/[.]/g, '\\.')} is a peer: .* it is at block 3 too\\.`)
    )
    expect(await step('resolve')).toMatch(
      /^“Our chain is authoritative”: no peer has a chain with more work than this node’s 3 blocks\./
    )
    expect(await step('fork')).toMatch(
      /^Two branches now share block 3: this node mined 1 block on it, http:\/\/127\.0\.0\.1:\d+ mined 2\./
    )
    // While cut off, neither has the other's blocks.
    const [sa, sb] = await Promise.all([
      callValue<TipStatus>(a, 'getStatus'),
      callValue<TipStatus>(b, 'getStatus')
    ])
    expect([sa.index, sb.index]).toEqual([4, 5])

    const healed = await step('heal')
    expect(healed).toMatch(
      new RegExp(
        `^This node switched to the branch from ${b.url.replace(/[.]/g, '\\.')}: since block 3 it has more work \\(512 against 256\\)\\. 1 block left the main chain and 2 joined; the pool was offered 0 transfers back\\.`
      )
    )
    expect(healed).toContain('Work, not length')
    await page.getByTestId('tour-end').waitFor()
    expect((await callValue<TipStatus>(a, 'getStatus')).tipHash).toBe(
      (await callValue<TipStatus>(b, 'getStatus')).tipHash
    )
    await page.getByTestId('tour-end').scrollIntoViewIfNeeded()
    await capture(page, 'tour')
  })

  it('shows the partition in the fork tree: the block A mined while cut off, on a side branch', async () => {
    await page
      .getByTestId('tour-done-heal')
      .getByRole('link', { name: 'See it in the fork tree' })
      .click()
    await page.getByRole('heading', { name: 'Forks', level: 1 }).waitFor({ timeout: TIMEOUT })
    const side = page.locator('[data-testid="fork-tree"] [data-status="side"]')
    await expect.poll(() => side.count(), { timeout: TIMEOUT }).toBe(1)
    expect(await side.getAttribute('aria-label')).toMatch(/: block 4, side branch, 1 transaction$/)
    await page.getByTestId('reorgs').locator('li').first().waitFor()
    await page.goBack()
    await page.getByRole('heading', { name: 'Guided tour', level: 1 }).waitFor({ timeout: TIMEOUT })
  })

  it('rewords the whole tour in Chinese', async () => {
    await callValue(a, 'updateSettings', { language: 'zh-CN' })
    await page.getByRole('heading', { name: '导览', level: 1 }).waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('tour-done-mine').innerText()).toMatch(/^找到了区块 2：/)
    expect(await page.getByTestId('tour-reorg').innerText()).toMatch(
      /^本节点切换到了来自 http:\/\/127\.0\.0\.1:\d+ 的分支：自区块 3 起，它的工作量更多（512 对 256）。/
    )
    await callValue(a, 'updateSettings', { language: 'en' })
    await page.getByRole('heading', { name: 'Guided tour', level: 1 }).waitFor({ timeout: TIMEOUT })
    expect(errors).toEqual([])
  })
})
