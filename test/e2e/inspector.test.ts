/**
 * The block inspector end to end, in Chromium against a real headless regtest node: reached from
 * a block's page, it lays out the 96 header bytes (pointing at a field marks its bytes), counts
 * the hash's leading zero bits against the difficulty, draws the Merkle tree and climbs the
 * chosen transaction's audit path to the root (chosen by a click on its leaf or by the picker,
 * kept in the URL), and lists every rule of PROTOCOL §4 as held. The genesis block says it is
 * fixed. In Chinese too. Takes docs/screenshots/inspector*.png when screenshots are taken.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { testTmp } from '../helpers/temp'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  buildRenderer,
  callValue,
  capture,
  cleanUpHarness,
  launchChromium,
  openUi,
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
let block = { hash: '', index: 0 }
let genesisHash = ''

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(testTmp(), 'bf-e2e-inspect-home-'))
  node = await startHeadlessNode('inspect', home, ui)
  await callValue(node, 'mineOnce')
  for (let i = 0; i < 4; i++)
    await callValue(node, 'sendTransaction', { recipient: 'ab'.repeat(20), amount: 1 + i, fee: 1 })
  block = await callValue<{ hash: string; index: number }>(node, 'mineOnce')
  genesisHash = (await callValue<{ genesisHash: string }>(node, 'getStatus')).genesisHash
  browser = await launchChromium()
  page = await openUi(browser, node, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await node?.stop()
  if (home) rmSync(home, { recursive: true, force: true })
  cleanUpHarness()
})

describe('block inspector', () => {
  it('is reached from the block page and lays out the header bytes, the hash bits and every rule', async () => {
    await visit(page, `/block/${block.hash}`)
    await page.getByRole('link', { name: 'Inspect this block' }).click()
    await page
      .getByRole('heading', { name: `Inspect block ${block.index}`, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    expect(page.url()).toContain(`#/block/${block.hash}/inspect`)

    // The seven fields' bytes, 96 in all, are what SHA-256 hashes into the block's hash.
    const bytes = page.getByTestId('header-bytes')
    const hex = (await bytes.innerText()).replace(/\s+/g, '')
    expect(hex).toMatch(/^[0-9a-f]{192}$/)
    const { createHash } = await import('node:crypto')
    expect(createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')).toBe(block.hash)

    // Pointing at the proof's row marks the proof's 8 bytes, and only them.
    await page.locator('[data-row="proof"]').hover()
    await expect.poll(() => page.locator('.field.active').getAttribute('data-field')).toBe('proof')
    expect(await page.locator('.field.active .byte').count()).toBe(8)
    await capture(page, 'inspector')
    // Focusing a field's name does the same from the keyboard.
    await page.getByRole('button', { name: 'Merkle root' }).focus()
    await expect
      .poll(() => page.locator('.field.active').getAttribute('data-field'))
      .toBe('merkle_root')

    await expect
      .poll(() => page.getByTestId('pow-verdict').innerText())
      .toMatch(/^\d+ leading zero bits, \d+ required: the proof of work holds\.$/)

    const rules = page.getByTestId('rule-report').locator('tbody tr')
    expect(await rules.count()).toBe(13)
    expect(await page.locator('[data-status="pass"]').count()).toBe(13)
    await expect
      .poll(() => page.locator('[data-rule="transactions"]').innerText())
      .toContain('transfers checked: 4')
    await page.getByTestId('rule-report').scrollIntoViewIfNeeded()
    await capture(page, 'inspector-rules')
  })

  it("climbs a chosen transaction's audit path to the Merkle root, by its leaf or the picker", async () => {
    await page.locator('[data-leaf="3"]').click()
    await expect.poll(() => page.url()).toContain('?tx=3')
    await page
      .getByRole('heading', { name: 'Audit path of transaction 3' })
      .waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('path-verdict').innerText()).toBe(
      "The last hash is the header's Merkle root: transaction 3 is in this block."
    )
    expect(await page.locator('[data-leaf="3"]').getAttribute('aria-current')).toBe('true')
    // 5 leaves (RFC 6962: 4 + 1): transaction 3's path is three siblings long.
    expect(await page.getByTestId('audit-path').locator('li').count()).toBe(4)

    const picker = page.getByLabel('Transaction', { exact: true })
    await picker.fill('4')
    await picker.press('Enter')
    await expect.poll(() => page.url()).toContain('?tx=4')
    await page.getByRole('heading', { name: 'Audit path of transaction 4' }).waitFor()
    expect(await page.getByTestId('audit-path').locator('li').count()).toBe(2)
    await page.getByTestId('merkle-tree').scrollIntoViewIfNeeded()
    await page.mouse.move(0, 0)
    await capture(page, 'inspector-merkle')
  })

  it("is reached from a transaction's page, at that transaction's audit path", async () => {
    const page2 = await callValue<{ transactions: { id: string }[] }>(
      node,
      'getBlockTransactions',
      block.hash,
      0,
      10
    )
    await visit(page, `/tx/${page2.transactions[2].id}`)
    await page.getByRole('link', { name: 'its Merkle proof (transaction 2 of the block)' }).click()
    await page
      .getByRole('heading', { name: 'Audit path of transaction 2' })
      .waitFor({ timeout: TIMEOUT })
    expect(page.url()).toContain(`#/block/${block.hash}/inspect?tx=2`)
    await page.getByTestId('path-verdict').waitFor()
  })

  it('says the genesis block is fixed, not checked', async () => {
    await visit(page, `/block/${genesisHash}/inspect`)
    await page.getByTestId('genesis-fixed').waitFor({ timeout: TIMEOUT })
    expect(await page.getByTestId('rule-report').count()).toBe(0)
    expect(await page.getByTestId('pow-verdict').innerText()).toMatch(
      /^\d+ leading zero bits: the genesis block is fixed by the network, not checked for work\.$/
    )
  })

  it('speaks Chinese', async () => {
    await callValue(node, 'updateSettings', { language: 'zh-CN' })
    await visit(page, `/block/${block.hash}/inspect`)
    await page
      .getByRole('heading', { name: `检视区块 ${block.index}`, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await expect
      .poll(() => page.getByTestId('pow-verdict').innerText())
      .toMatch(/^开头有 \d+ 个零位，要求 \d+ 个：工作量证明成立。$/)
    expect(await page.locator('[data-status="pass"]').first().innerText()).toContain('成立')
    await callValue(node, 'updateSettings', { language: 'en' })
    expect(errors).toEqual([])
  })
})
