/**
 * Money and state in the wallet, end to end (issue #9), in Chromium against a real headless
 * regtest node serving the built renderer:
 *
 * - bad values typed into the real send form send nothing (the node's pool stays empty, checked
 *   over HTTP, and no send request leaves the page), with the message by the wrong field;
 * - a valid send goes out with exactly the typed values;
 * - a double click against a node 300 ms away (a delaying HTTP proxy in front of it, as a
 *   reverse proxy on a slow link would be) sends one transaction;
 * - the wallet's history of an address with more than 50 entries pages to the oldest one;
 * - the node's UI API itself refuses fractions, negatives, strings and a missing fee.
 */
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { testTmp } from '../helpers/temp'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  cleanUpHarness,
  launchChromium,
  openUi,
  startHeadlessNode,
  visit,
  type TestNode
} from './harness'

const TIMEOUT = 20_000
const RECIPIENT = '11'.repeat(20)
/** Blocks mined before the tests: more history entries than the 50 the wallet info carries. */
const BLOCKS = 60
const SLOW_MS = 300

let home: string
let node: TestNode
let slow: { url: string; server: Server }
let browser: Browser
let page: Page
let slowPage: Page
const errors: string[] = []
/** Send requests that left each page for the node. */
const sends = new Map<Page, number>()

/**
 * A reverse proxy that answers like the node, SLOW_MS later: each request waits before it is
 * forwarded. Like any reverse proxy configured for the node it names the node (Host, Origin) on
 * the way in, so the node's own origin checks (issue #8) apply unchanged.
 */
async function delayingProxy(
  target: string,
  delayMs: number
): Promise<{ url: string; server: Server }> {
  const t = new URL(target)
  const server = createServer((req, res) => {
    setTimeout(() => {
      const headers = { ...req.headers, host: t.host }
      if (headers.origin) headers.origin = t.origin
      const up = request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers)
          r.pipe(res)
        }
      )
      up.on('error', () => res.destroy())
      res.on('close', () => up.destroy())
      req.pipe(up)
    }, delayMs)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${node.url}${path}`)
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`)
  return (await res.json()) as T
}

interface WireTx {
  id: string
  recipient: string
  amount: number
  fee: number
  nonce: number
}
const pool = async () =>
  (await getJson<{ transactions: WireTx[] }>('/transactions/pending')).transactions

/** Mines the pool into a block, so the next test starts with it empty. */
const mine = () => getJson<{ index: number }>('/mine')

function countSends(p: Page): void {
  sends.set(p, 0)
  p.on('request', (r) => {
    if (r.url().endsWith('/api/ui/sendTransaction')) sends.set(p, (sends.get(p) ?? 0) + 1)
  })
}

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(testTmp(), 'bf-e2e-home-'))
  node = await startHeadlessNode('wallet', home, ui)
  for (let i = 0; i < BLOCKS; i++) await mine()
  slow = await delayingProxy(node.url, SLOW_MS)
  browser = await launchChromium()
  page = await openUi(browser, node, errors)
  slowPage = await openUi(
    browser,
    { ...node, url: slow.url, uiUrl: `${slow.url}/?token=${encodeURIComponent(node.token)}` },
    errors
  )
  countSends(page)
  countSends(slowPage)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => (slow ? slow.server.close(r) : r(undefined)))
  slow?.server.closeAllConnections()
  await node?.stop()
  if (home) rmSync(home, { recursive: true, force: true })
  cleanUpHarness()
})

// Each test starts from an empty pool, so what it finds there is what it sent.
beforeEach(async () => {
  if ((await pool()).length > 0) await mine()
  expect(await pool()).toEqual([])
  for (const p of sends.keys()) sends.set(p, 0)
})

/** The form item (label, input, message) around a field. */
const item = (p: Page, label: string): Locator =>
  p.locator('.n-form-item', { has: p.getByLabel(label, { exact: true }) })
const sendButton = (p: Page): Locator => p.getByRole('button', { name: 'Send', exact: true })
const sentToast = (p: Page): Locator => p.getByText(/^Transaction [0-9a-f]{12} sent/)

async function openWallet(p: Page): Promise<void> {
  await visit(p, '/wallet')
  await p.getByTestId('wallet-balance').getByText(/coins/).waitFor({ timeout: TIMEOUT })
}

async function fill(p: Page, amount: string, fee: string): Promise<void> {
  await p.getByLabel('Recipient address', { exact: true }).fill(RECIPIENT)
  await p.getByLabel('Amount', { exact: true }).fill(amount)
  await p.getByLabel('Fee', { exact: true }).fill(fee)
}

describe('the send form in Chromium: the values typed, or nothing', () => {
  it.each([
    ['-5', '1', 'Amount', 'The amount is a whole number of at least 1'],
    ['0', '1', 'Amount', 'The amount is a whole number of at least 1'],
    ['2.5', '1', 'Amount', 'The amount is a whole number of at least 1'],
    ['1e3', '1', 'Amount', 'The amount is a whole number of at least 1'],
    ['abc', '1', 'Amount', 'The amount is a whole number of at least 1'],
    ['', '1', 'Amount', 'Enter an amount'],
    ['5', '-1', 'Fee', 'The fee is a whole number of at least 0'],
    ['5', '1.5', 'Fee', 'The fee is a whole number of at least 0']
  ])(
    'amount %j, fee %j: nothing sent, the %s field says why',
    async (amount, fee, field, message) => {
      await openWallet(page)
      await fill(page, amount, fee)
      await sendButton(page).click()
      // Either outcome ends the wait, so a send that went out fails below at once.
      const refused = item(page, field).getByText(message, { exact: true })
      await refused.or(sentToast(page)).first().waitFor({ timeout: TIMEOUT })
      expect(await pool()).toEqual([])
      expect(sends.get(page)).toBe(0)
      expect(await refused.isVisible()).toBe(true)
      // What was typed is still there, unchanged by leaving the field.
      expect(await page.getByLabel('Amount', { exact: true }).inputValue()).toBe(amount)
      expect(await page.getByLabel('Fee', { exact: true }).inputValue()).toBe(fee)
    }
  )

  it('sends a valid transfer with exactly the typed values', async () => {
    await openWallet(page)
    await fill(page, '7', '2')
    await sendButton(page).click()
    await sentToast(page).first().waitFor({ timeout: TIMEOUT })
    const txs = await pool()
    expect(txs.map(({ recipient, amount, fee }) => ({ recipient, amount, fee }))).toEqual([
      { recipient: RECIPIENT, amount: 7, fee: 2 }
    ])
    expect(sends.get(page)).toBe(1)
  })

  it(`sends one transaction for two clicks 120 ms apart on a node ${SLOW_MS} ms away`, async () => {
    await openWallet(slowPage)
    await fill(slowPage, '3', '1')
    const box = (await sendButton(slowPage).boundingBox())!
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
    await slowPage.mouse.click(x, y)
    await new Promise((r) => setTimeout(r, 120))
    await slowPage.mouse.click(x, y)
    await sentToast(slowPage).first().waitFor({ timeout: TIMEOUT })
    // Long enough for a second send to have reached the node through the proxy, had one left.
    await new Promise((r) => setTimeout(r, 3 * SLOW_MS))
    const txs = await pool()
    expect(txs.map(({ amount, fee }) => ({ amount, fee }))).toEqual([{ amount: 3, fee: 1 }])
    expect(sends.get(slowPage)).toBe(1)
  })
})

describe('the wallet history in Chromium', () => {
  it(`pages through all ${BLOCKS}+ entries to the oldest, as the Address screen does`, async () => {
    // Genesis is block 1 (as in the walkthrough): the wallet's oldest entry is block 2's reward.
    const first = (await getJson<{ blocks: { hash: string }[] }>('/blocks?from=2&limit=1'))
      .blocks[0].hash
    await openWallet(page)
    const history = page.getByTestId('wallet-history')
    await history.locator('tbody tr').first().waitFor({ timeout: TIMEOUT })
    const pages = history.locator('.n-pagination-item:not(.n-pagination-item--button)')
    await pages.last().click()
    await history.locator(`a[title="${first}"]`).waitFor({ timeout: TIMEOUT })
  })
})

describe('the node refuses what is not exactly a transfer', () => {
  it.each([
    [{ amount: 2.5, fee: 1 }],
    [{ amount: -5, fee: 1 }],
    [{ amount: 0, fee: 1 }],
    [{ amount: '5', fee: 1 }],
    [{ amount: 5, fee: -1 }],
    [{ amount: 5, fee: 1.5 }],
    [{ amount: 5, fee: null }],
    [{ amount: 5 }],
    [{ amount: 2 ** 53, fee: 0 }]
  ])('UI API sendTransaction %j: invalid_field, nothing pooled', async (req) => {
    const r = await callNode(node, 'sendTransaction', { recipient: RECIPIENT, ...req })
    expect(r).toMatchObject({ ok: false, error: 'invalid_field' })
    expect(await pool()).toEqual([])
  })

  it('and the page met no error on the way', () => {
    expect(errors).toEqual([])
  })
})
