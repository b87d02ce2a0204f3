/**
 * Export and import of a chain file end to end, in Chromium against real headless regtest
 * nodes: the Chain screen's "Export chain" saves GET /chain's answer as a file; "Import chain…"
 * with that file on an empty node gives it the same tip, and with a tampered copy stops at the
 * broken block with the rule's code and keeps the blocks before it. Takes
 * docs/screenshots/chain-file.png when screenshots are taken.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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
let home: string
let a: TestNode
let b: TestNode
let browser: Browser
let pageA: Page
let pageB: Page
const errors: string[] = []
let saved = ''

beforeAll(async () => {
  pair = await startNodePair('chainfile')
  ;({ home, a, b } = pair)
  await callValue(a, 'mineOnce')
  await callValue(a, 'sendTransaction', { recipient: 'ab'.repeat(20), amount: 5, fee: 1 })
  for (let i = 0; i < 4; i++) await callValue(a, 'mineOnce')
  browser = await launchChromium()
  pageA = await openUi(browser, a, errors)
  pageB = await openUi(browser, b, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

const result = (page: Page) => page.getByTestId('chain-file-result')

describe('chain file', () => {
  it("exports the chain from the Chain screen as GET /chain's answer", async () => {
    await visit(pageA, '/chain')
    await pageA.getByRole('heading', { name: 'Chain', level: 1 }).waitFor({ timeout: TIMEOUT })
    const download = pageA.waitForEvent('download')
    await pageA.getByRole('button', { name: 'Export chain' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('blockforge-regtest-6.json')
    saved = join(home, 'chain.json')
    await file.saveAs(saved)
    const res = await fetch(`${a.url}/chain`)
    expect(readFileSync(saved, 'utf8')).toBe(await res.text())
    await expect
      .poll(() => result(pageA).innerText(), { timeout: TIMEOUT })
      .toBe('Saved the chain of 6 blocks as a file, in the format of GET /chain.')
  })

  it("refuses a tampered copy at the broken block with the rule's code, keeping the blocks before it", async () => {
    const file = JSON.parse(readFileSync(saved, 'utf8'))
    const at = file.chain.findIndex((x: { transactions: unknown[] }) => x.transactions.length > 1)
    file.chain[at].timestamp += 1
    const tampered = join(home, 'tampered.json')
    writeFileSync(tampered, JSON.stringify(file))
    await visit(pageB, '/chain')
    await pageB.getByRole('heading', { name: 'Chain', level: 1 }).waitFor({ timeout: TIMEOUT })
    await pageB.getByTestId('import-file').setInputFiles(tampered)
    await expect
      .poll(() => result(pageB).innerText(), { timeout: TIMEOUT })
      .toMatch(
        new RegExp(
          `^Stopped at block ${at + 1}: refused with bad_hash, .+\\. ${at === 2 ? 'The new block before it was imported' : `The ${at - 1} new blocks before it were imported`}\\.$`
        )
      )
    expect(await result(pageB).getAttribute('data-type')).toBe('warning')
    expect((await callValue<TipStatus>(b, 'getStatus')).index).toBe(at)
    // The screen shows the blocks imported before the broken one.
    await pageB.getByText(`#${at}`, { exact: true }).waitFor({ timeout: TIMEOUT })
    await capture(pageB, 'chain-file')
  })

  it('says where a tampered file stops in Chinese too', async () => {
    const file = JSON.parse(readFileSync(saved, 'utf8'))
    file.chain[3].proof += 1
    const tampered = join(home, 'tampered-zh.json')
    writeFileSync(tampered, JSON.stringify(file))
    await callValue(b, 'updateSettings', { language: 'zh-CN' })
    await pageB.getByRole('heading', { name: '链', level: 1 }).waitFor({ timeout: TIMEOUT })
    await pageB.getByTestId('import-file').setInputFiles(tampered)
    await expect
      .poll(() => result(pageB).innerText(), { timeout: TIMEOUT })
      .toMatch(/^停在区块 4：以 bad_hash 被拒绝，/)
    await callValue(b, 'updateSettings', { language: 'en' })
    await pageB.getByRole('heading', { name: 'Chain', level: 1 }).waitFor({ timeout: TIMEOUT })
  })

  it('imports the file itself, and the empty node has the same tip', async () => {
    await pageB.getByTestId('import-file').setInputFiles(saved)
    await expect
      .poll(() => result(pageB).innerText(), { timeout: TIMEOUT })
      .toMatch(/^Imported \d+ new blocks?; \d+ already here\.$/)
    expect((await callValue<TipStatus>(b, 'getStatus')).tipHash).toBe(
      (await callValue<TipStatus>(a, 'getStatus')).tipHash
    )
    // The timeline says where those blocks came from.
    await visit(pageB, '/timeline')
    await pageB
      .getByText(/connected, from a chain file$/)
      .first()
      .waitFor({ timeout: TIMEOUT })
    expect(errors).toEqual([])
  })
})
