/**
 * The event timeline end to end, in Chromium against two real headless regtest nodes: node A
 * adds B (a catch-up of B's blocks), mines, sends a transfer and refuses a forged block, and the
 * Timeline screen (in the navigation) tells each, newest first, linked to its block,
 * transaction or the refusals; the groups filter it; Export saves the entries shown as JSON.
 * In Chinese too. Takes docs/screenshots/timeline.png when screenshots are taken.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TimelineEntry } from '../../src/shared/api'
import {
  callNode,
  callValue,
  capture,
  launchChromium,
  openUi,
  postForgedTip,
  visit,
  startNodePair,
  type NodePair,
  type TestNode
} from './harness'

const TIMEOUT = 20_000
let pair: NodePair
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []
let txId = ''

beforeAll(async () => {
  pair = await startNodePair('tl')
  ;({ a, b } = pair)
  for (let i = 0; i < 5; i++) await callValue(b, 'mineOnce')
  await callValue(a, 'addPeer', b.url)
  for (let i = 0; i < 100; i++) {
    const s = (await callNode(a, 'getStatus')) as { index: number }
    if (s.index === 6) break
    await new Promise((r) => setTimeout(r, 100))
  }
  await callValue(a, 'mineOnce')
  txId = (
    await callValue<{ id: string }>(a, 'sendTransaction', {
      recipient: 'ab'.repeat(20),
      amount: 7,
      fee: 1
    })
  ).id
  expect(await postForgedTip(a, 'cd'.repeat(32))).toBe(400)
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await pair?.stop()
})

const entries = () => page.getByTestId('timeline').locator('li')
const kinds = async (): Promise<string[]> =>
  entries().evaluateAll((els) => els.map((e) => e.getAttribute('data-kind') ?? ''))

describe('event timeline', () => {
  it('tells what the node did, newest first, each linked to what it was about', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Timeline' }).click()
    await page.getByRole('heading', { name: 'Timeline', level: 1 }).waitFor({ timeout: TIMEOUT })
    await expect
      .poll(kinds, { timeout: TIMEOUT })
      .toEqual(['refused', 'transaction', 'mined', 'block', 'peer-added'])
    const text = await page.getByTestId('timeline').innerText()
    expect(text).toContain(`Blocks 2 to 6 (5) connected, from ${b.url}`)
    expect(text).toContain('Mined block 7')
    expect(text).toContain('A transfer of 7 entered the pool, from this wallet')
    expect(text).toContain('Refused block 7 (bad_hash), from an HTTP client')
    expect(text).toContain(`Peer ${b.url} added`)
    await capture(page, 'timeline')
    // The transfer's entry links to the transaction's page.
    await entries().nth(1).getByRole('link').first().click()
    await page.getByRole('heading', { name: 'Transaction', level: 1 }).waitFor({ timeout: TIMEOUT })
    expect(page.url()).toContain(`#/tx/${txId}`)
  })

  it('filters by group and exports what it shows as JSON', async () => {
    await visit(page, '/timeline')
    await expect.poll(kinds, { timeout: TIMEOUT }).toHaveLength(5)
    await page.getByTestId('show-blocks').click()
    await page.getByTestId('show-peers').click()
    await expect.poll(kinds).toEqual(['refused', 'transaction'])
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export (JSON)' }).click()
    ])
    expect(download.suggestedFilename()).toMatch(/^blockforge-timeline-.*\.json$/)
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      entries: TimelineEntry[]
    }
    expect(saved.entries.map((e) => e.kind)).toEqual(['refused', 'transaction'])
    expect(saved.entries[1].txId).toBe(txId)
  })

  it('speaks Chinese', async () => {
    await page.getByTestId('show-blocks').click() // shown again, as the last test left it off
    await page.getByTestId('show-peers').click()
    await callNode(a, 'updateSettings', { language: 'zh-CN' })
    await visit(page, '/timeline')
    await page.getByRole('heading', { name: '时间线', level: 1 }).waitFor({ timeout: TIMEOUT })
    await expect
      .poll(() => page.getByTestId('timeline').innerText(), { timeout: TIMEOUT })
      .toContain('挖出区块 7')
    await callNode(a, 'updateSettings', { language: 'en' })
    expect(errors).toEqual([])
  })
})
