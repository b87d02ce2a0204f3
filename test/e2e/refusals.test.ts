/**
 * The refusal report end to end, in Chromium against a real headless regtest node: a block
 * posted with a hash that is not its header's and a transfer the wallet cannot pay are refused,
 * and the Refusals screen (in the navigation) lists both, newest first, each with its code, the
 * words for it, what the rule compared, where it came from and that no peer was scored for it;
 * the kind filter narrows the list and is kept in the URL. In Chinese too. Takes
 * docs/screenshots/refusals.png when screenshots are taken.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { testTmp } from '../helpers/temp'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  capture,
  cleanUpHarness,
  launchChromium,
  openUi,
  postForgedTip,
  startHeadlessNode,
  visit,
  type TestNode
} from './harness'

const TIMEOUT = 20_000
let home: string
let node: TestNode
let browser: Browser
let page: Page
const errors: string[] = []
/** The hash the forged block claims: not its header's. */
const forged = createHash('sha256').update('not this header').digest('hex')

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(testTmp(), 'bf-e2e-refusals-home-'))
  node = await startHeadlessNode('refusals', home, ui)
  await callNode(node, 'mineOnce')
  await callNode(node, 'mineOnce')
  // The tip block again, its proof changed and its hash made up: bad_hash, by HTTP.
  expect(await postForgedTip(node, forged)).toBe(400)
  const sent = (await callNode(node, 'sendTransaction', {
    recipient: 'ab'.repeat(20),
    amount: 1_000_000,
    fee: 1
  })) as { ok: boolean; error?: string }
  expect(sent.error).toBe('insufficient_funds')
  browser = await launchChromium()
  page = await openUi(browser, node, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await node?.stop()
  if (home) rmSync(home, { recursive: true, force: true })
  cleanUpHarness()
})

const rows = () => page.getByTestId('refusals-table').locator('tbody tr')

describe('refusal report', () => {
  it('lists what the node refused with the rule, what it compared, where it came from and the score', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Refusals' }).click()
    await page.getByRole('heading', { name: 'Refusals', level: 1 }).waitFor({ timeout: TIMEOUT })
    await expect.poll(() => rows().count(), { timeout: TIMEOUT }).toBe(2)
    const tx = rows().nth(0)
    expect(await tx.getAttribute('data-code')).toBe('insufficient_funds')
    const txText = await tx.innerText()
    expect(txText).toContain('amount 1000000 + fee 1, balance 100')
    expect(txText).toContain('this wallet')
    const block = rows().nth(1)
    expect(await block.getAttribute('data-code')).toBe('bad_hash')
    const blockText = await block.innerText()
    expect(blockText).toContain('Block 3')
    expect(blockText).toContain(forged.slice(0, 10))
    expect(blockText).toMatch(/computed [0-9a-f]{10}…[0-9a-f]{6}/)
    expect(blockText).toContain('posted to this node')
    expect(blockText).toContain('not scored')
    await capture(page, 'refusals')
  })

  it('filters by kind, keeping the filter in the URL', async () => {
    await page.getByLabel('Kind').selectOption({ label: 'Blocks' })
    await expect.poll(() => page.url()).toContain('what=block')
    await expect.poll(() => rows().count()).toBe(1)
    expect(await rows().nth(0).getAttribute('data-code')).toBe('bad_hash')
    await visit(page, '/refusals?what=transaction&code=bad_pow')
    await page.getByTestId('refusals-empty').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('refusals-empty').innerText()).toBe(
      'No refusal matches these filters.'
    )
  })

  it('speaks Chinese', async () => {
    await callNode(node, 'updateSettings', { language: 'zh-CN' })
    await visit(page, '/refusals')
    await page.getByRole('heading', { name: '拒绝记录', level: 1 }).waitFor({ timeout: TIMEOUT })
    await expect.poll(() => rows().count(), { timeout: TIMEOUT }).toBe(2)
    expect(await rows().nth(0).innerText()).toContain('金额 1000000 + 手续费 1，余额 100')
    expect(await rows().nth(1).innerText()).toContain('未扣分')
    await callNode(node, 'updateSettings', { language: 'en' })
    expect(errors).toEqual([])
  })
})
