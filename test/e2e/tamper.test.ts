/**
 * The tamper lab end to end, in Chromium against two real headless regtest nodes, B a peer of A
 * with A's chain. From a block's page: edit a transfer's amount in a copy and see the signature
 * and the Merkle root break, restate the root and see the hash and the next block's link break,
 * re-mine the copy on A's workers and see only the signature left, offer it to B and see B's
 * refusal with its code. A's chain is the same afterwards. In Chinese too. Takes
 * docs/screenshots/tamper*.png when screenshots are taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
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
/** Block 3 of A's chain: a transfer in it, block 4 after it. */
let block = { hash: '', index: 0 }
let tipBefore = ''

beforeAll(async () => {
  pair = await startNodePair('tamper')
  ;({ a, b } = pair)
  await callValue(a, 'mineOnce')
  await callValue(a, 'sendTransaction', { recipient: 'ab'.repeat(20), amount: 7, fee: 1 })
  block = await callValue<{ hash: string; index: number }>(a, 'mineOnce')
  await callValue(a, 'mineOnce')
  await callValue(a, 'addPeer', b.url)
  for (let i = 0; (await callValue<TipStatus>(b, 'getStatus')).index < 4; i++) {
    if (i > 200) throw new Error('B did not catch up with A')
    await new Promise((r) => setTimeout(r, 100))
  }
  tipBefore = (await callValue<TipStatus>(a, 'getStatus')).tipHash
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

const verdict = () => page.getByTestId('tamper-verdict').innerText()
const holds = (key: string) =>
  page.locator(`[data-break="${key}"]`).getAttribute('data-holds', { timeout: TIMEOUT })

describe('tamper lab', () => {
  it("is reached from a block's page and starts as the block itself: every rule holds", async () => {
    await visit(page, `/block/${block.hash}`)
    await page.getByRole('link', { name: 'Tamper with a copy' }).click()
    await page
      .getByRole('heading', { name: `Tamper with a copy of block ${block.index}`, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    expect(page.url()).toContain(`#/block/${block.hash}/tamper`)
    await expect
      .poll(verdict, { timeout: TIMEOUT })
      .toBe('Every rule holds: a node would accept this copy.')
    for (const key of ['hash', 'pow', 'merkle', 'link']) expect(await holds(key)).toBe('true')
  })

  it("breaks the signature and the Merkle root with one amount, then the hash and the next block's link", async () => {
    const picker = page.getByLabel('Transaction', { exact: true })
    await picker.fill('1')
    await picker.press('Enter')
    await page.getByText('A transfer signed by').waitFor({ timeout: TIMEOUT })
    const amount = page.getByLabel('Amount', { exact: true })
    await amount.fill('700')
    await amount.press('Tab')
    await expect.poll(() => holds('signature'), { timeout: TIMEOUT }).toBe('false')
    expect(await holds('merkle')).toBe('false')
    await expect.poll(verdict).toMatch(/^A node would refuse this copy with bad_merkle_root: /)
    expect(await page.locator('[data-rule="merkle_root"]').getAttribute('data-status')).toBe('fail')
    await capture(page, 'tamper')

    await page.getByRole('button', { name: 'Restate the Merkle root from the ids' }).click()
    await expect.poll(() => holds('merkle'), { timeout: TIMEOUT }).toBe('true')
    expect(await holds('hash')).toBe('false')
    expect(await holds('link')).toBe('false')
    await expect.poll(verdict).toMatch(/^A node would refuse this copy with bad_hash: /)
  })

  it("re-mines the copy on the node's workers: only the signature is left broken", async () => {
    await page.getByRole('button', { name: 'Re-mine this copy' }).click()
    await expect
      .poll(() => page.getByTestId('remine-note').innerText(), { timeout: TIMEOUT })
      .toMatch(/^Found proof [\d,]+: the copy now states its new hash\.$/)
    await expect.poll(() => holds('hash'), { timeout: TIMEOUT }).toBe('true')
    expect(await holds('pow')).toBe('true')
    expect(await holds('signature')).toBe('false')
    expect(await holds('link')).toBe('false')
    await expect.poll(verdict).toMatch(/^A node would refuse this copy with bad_signature: /)
  })

  it("is offered to the peer, which refuses it with the rule's code; this node's chain is as it was", async () => {
    expect(await page.getByTestId('offer-peer').inputValue()).toBe(b.url)
    await page.getByRole('button', { name: 'Offer', exact: true }).click()
    const outcome = page.getByTestId('offer-outcome')
    await outcome.waitFor({ timeout: TIMEOUT })
    expect(await outcome.getAttribute('data-kind')).toBe('refused')
    expect(await outcome.innerText()).toMatch(
      new RegExp(`^${b.url.replace(/[.]/g, '\\.')} refused the copy with bad_signature: `)
    )
    await page.getByTestId('offer-outcome').scrollIntoViewIfNeeded()
    await capture(page, 'tamper-offered')
    // Nothing was stored on either node: A's chain is as it was, B's has no new block.
    expect((await callValue<TipStatus>(a, 'getStatus')).tipHash).toBe(tipBefore)
    expect((await callValue<TipStatus>(b, 'getStatus')).tipHash).toBe(tipBefore)

    await page.getByRole('button', { name: 'Undo every edit' }).click()
    await expect.poll(verdict).toBe('Every rule holds: a node would accept this copy.')
  })

  it('speaks Chinese', async () => {
    await callValue(a, 'updateSettings', { language: 'zh-CN' })
    await visit(page, `/block/${block.hash}/tamper`)
    await page
      .getByRole('heading', { name: `篡改区块 ${block.index} 的副本`, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await expect.poll(verdict, { timeout: TIMEOUT }).toBe('所有规则都成立：节点会接受这个副本。')
    await callValue(a, 'updateSettings', { language: 'en' })
    expect(errors).toEqual([])
  })
})
