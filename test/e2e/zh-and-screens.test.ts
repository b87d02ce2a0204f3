/**
 * Issue #9 in Chromium against two real headless regtest nodes: the UI switched to Simplified
 * Chinese shows the node's outcomes (resolve, a refused peer action, a failed search) and the
 * network names translated; a failed search's error leaves the header when the user navigates;
 * the chain graph's leftmost box is whole; the API-token hint and the workers row do not overlap;
 * idle mining shows no "0 ms"; and a node opened without its token asks for it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { testTmp } from '../helpers/temp'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  cleanUpHarness,
  launchChromium,
  openUi,
  startHeadlessNode,
  type TestNode
} from './harness'

const TIMEOUT = 20_000

let home: string
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(testTmp(), 'bf-e2e-zh-home-'))
  ;[a, b] = await Promise.all([
    startHeadlessNode('zh-a', home, ui),
    startHeadlessNode('zh-b', home, ui)
  ])
  // B has a longer chain (a full window of the chain graph) that A takes from it.
  for (let i = 0; i < 11; i++) await callNode(b, 'mineOnce')
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([a?.stop(), b?.stop()])
  if (home) rmSync(home, { recursive: true, force: true })
  cleanUpHarness()
})

const nav = (name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true }).click()
/** The newest toast's text. */
const lastToast = (p: Page) => p.locator('.n-message').last().innerText()
const text = async (l: Locator) => (await l.innerText()).trim()

describe('the UI in Simplified Chinese', () => {
  it('switches to Chinese from Settings', async () => {
    await nav('Settings')
    await page.getByTestId('lang-zh-CN').click()
    await page
      .getByRole('navigation')
      .getByRole('link', { name: '设置', exact: true })
      .waitFor({ timeout: TIMEOUT })
  })

  it('shows the resolve outcome and a refused peer action by their codes, in Chinese', async () => {
    await nav('节点')
    // Another network's name would be a refusal too; the node itself is the one we can always make.
    await page.getByLabel('节点 URL').fill(a.url)
    await page.getByLabel('节点 URL').press('Enter')
    await expect.poll(() => lastToast(page), { timeout: TIMEOUT }).toMatch(/^节点拒绝/)
    await page.locator('.n-message').first().waitFor({ state: 'detached', timeout: TIMEOUT })

    await page.getByLabel('节点 URL').fill(b.url)
    await page.getByLabel('节点 URL').press('Enter')
    await page.getByRole('cell', { name: b.url, exact: true }).waitFor({ timeout: TIMEOUT })
    await page.getByRole('button', { name: '解决冲突' }).click()
    const outcome = page.getByTestId('resolve-outcome')
    await outcome.waitFor({ timeout: TIMEOUT })
    const title = await text(outcome.locator('.n-alert-body__title'))
    expect(title).toMatch(/^我们的链(已被替换|是权威链)$/)
    expect(await outcome.innerText()).not.toContain('Our chain')
    await expect.poll(() => lastToast(page), { timeout: TIMEOUT }).toMatch(/^我们的链/)
  })

  it('names the network in Chinese in Peers (nodes on this machine) and Settings', async () => {
    const local = page.getByTestId('local-nodes')
    await local.getByText(b.url).waitFor({ timeout: TIMEOUT })
    const tags = await local.locator('.n-tag').allInnerTexts()
    expect(tags).toContain('回归测试网 (regtest)')
    expect(tags).not.toContain('regtest')

    await nav('设置')
    const network = page
      .getByTestId('settings-network')
      .locator('.n-base-selection-input, .n-base-selection-label')
      .first()
    expect(await text(network)).toBe('回归测试网 (regtest)')
  })

  it('clears a failed search and its query when the user goes to another screen', async () => {
    const box = page.getByRole('search').getByRole('textbox')
    const problem = page.locator('#search-problem')
    await box.fill('hello')
    await box.press('Enter')
    await expect
      .poll(() => text(problem), { timeout: TIMEOUT })
      .toBe('请输入区块高度、区块哈希、交易 ID 或地址')

    await box.fill('999999')
    await box.press('Enter')
    await expect.poll(() => text(problem), { timeout: TIMEOUT }).toBe('没有与“999999”匹配的结果')

    await nav('挖矿')
    await expect.poll(() => text(problem)).toBe('')
    expect(await box.inputValue()).toBe('')
  })

  it('shows no expected time per block while not mining', async () => {
    const tile = page.locator('.stat-tile', { hasText: '预计出块时间' })
    await tile.waitFor({ timeout: TIMEOUT })
    expect(await tile.innerText()).toContain('—')
    expect(await tile.innerText()).not.toMatch(/0\s*(ms|毫秒)/)
  })
})

describe('the screens', () => {
  it('draws the leftmost box of the chain graph whole, inside its card', async () => {
    // A full window of ten blocks, whatever the peers did.
    for (let i = 0; i < 11; i++) await callNode(a, 'mineOnce')
    await nav('区块链')
    const graph = page.locator('.chain-graph')
    await expect.poll(() => graph.locator('a').count(), { timeout: TIMEOUT }).toBe(10)
    const box = (await graph.boundingBox())!
    const rects = graph.locator('a rect')
    const first = (await rects.first().boundingBox())!
    const last = (await rects.last().boundingBox())!
    expect(first.x).toBeGreaterThanOrEqual(box.x)
    expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width + 0.5)
    // Nothing scrolled out of view either.
    expect(await graph.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true)
  })

  it('keeps the API-token hint clear of the mining-workers row in Settings', async () => {
    await nav('设置')
    /** The hint's text and the whole form row of the workers field (label and input). */
    const boxes = async (hintText: string, workersLabel: string) => {
      const hint = (await page.getByText(hintText, { exact: true }).boundingBox())!
      const row = page.locator('.n-form-item', {
        has: page.getByLabel(workersLabel, { exact: true })
      })
      return { hint, workers: (await row.boundingBox())! }
    }
    // Not only no overlap: the hint used to sit flush on the workers' input, reading as one row.
    // A clear gap, as between the other rows (24 px there).
    const GAP = 12
    const zh = await boxes('允许其他机器使用控制接口，请妥善保管。', '挖矿线程')
    expect(zh.hint.height).toBeGreaterThan(0)
    expect(zh.workers.y - (zh.hint.y + zh.hint.height)).toBeGreaterThanOrEqual(GAP)
    // And in English, whose hint is longer.
    await page.getByTestId('lang-en').click()
    await page
      .getByRole('navigation')
      .getByRole('link', { name: 'Settings', exact: true })
      .waitFor({ timeout: TIMEOUT })
    const en = await boxes(
      'Lets other machines use the control routes; keep it secret.',
      'Mining workers'
    )
    expect(en.workers.y - (en.hint.y + en.hint.height)).toBeGreaterThanOrEqual(GAP)
  })

  it('has shown no error in the browser', () => {
    expect(errors).toEqual([])
  })
})

describe('a token-protected node opened without its token', () => {
  it('asks for the token in the browser language, then opens the UI with it', async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1024, height: 768 }
    })
    try {
      const p = await context.newPage()
      const res = (await p.goto(`${a.url}/`))!
      expect(res.status()).toBe(403)
      const h = res.headers()
      expect(h['content-type']).toContain('text/html')
      expect(h['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(h['x-frame-options']).toBe('DENY')
      expect(h['x-content-type-options']).toBe('nosniff')
      expect(await p.getByRole('heading').innerText()).toBe('这个节点需要 API 令牌')
      // Nothing about the node: not its address, network, data dir or wallet.
      const html = await p.content()
      for (const secret of [a.token, a.dataDir, 'regtest', new URL(a.url).host])
        expect(html).not.toContain(secret)

      await p.getByLabel('API 令牌').fill('not-the-token')
      await p.getByRole('button', { name: '打开' }).click()
      await p
        .getByRole('alert')
        .getByText('这不是这个节点的 API 令牌。')
        .waitFor({ timeout: TIMEOUT })

      await p.getByLabel('API 令牌').fill(a.token)
      await p.getByRole('button', { name: '打开' }).click()
      await p.getByRole('navigation').waitFor({ timeout: TIMEOUT })
      expect(new URL(p.url()).searchParams.get('token')).toBeNull()
    } finally {
      await context.close()
    }
  })

  it('asks in English for an English browser, and keeps 403 JSON for the API', async () => {
    const page = await fetch(`${a.url}/`, {
      headers: { 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' }
    })
    expect(page.status).toBe(403)
    expect(await page.text()).toContain('This node needs its API token')
    const api = await fetch(`${a.url}/api/ui/getStatus`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"args":[]}'
    })
    expect(api.status).toBe(403)
    expect(await api.json()).toMatchObject({ error: 'forbidden' })
  })
})
