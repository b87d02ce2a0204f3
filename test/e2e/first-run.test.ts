/**
 * Issue #10's first run, About and desktop notifications, in Chromium against real headless
 * regtest nodes: a fresh data dir shows the first-run screen with the wallet's address and key
 * file; closing it is kept by the node, so a reload does not show it again; About opens from the
 * navigation with the version; a block this node mines and coins another node sends reach the
 * page as Notifications (observed by wrapping window.Notification, with the permission granted).
 * `npm run screenshots` also saves the first-run screen and About, in English and Chinese.
 * Accessibility (axe, both languages and themes) of both dialogs is in accessibility.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  CAPTURE,
  capture,
  cleanUpHarness,
  launchChromium,
  openUi,
  ROOT,
  startHeadlessNode,
  tempUser,
  type TestNode,
  type TestUser
} from './harness'

const TIMEOUT = 20_000
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version

/** Records every Notification the page creates, before the UI's own scripts run. */
const OBSERVE_NOTIFICATIONS = `(() => {
  const Real = window.Notification
  window.__notices = []
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options)
      window.__notices.push({ title, lang: options && options.lang })
    }
  }
})()`

let user: TestUser
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []

beforeAll(async () => {
  const ui = buildRenderer()
  // A user's home, so folders read as ~/… as on a user's machine (and in the screenshots).
  user = tempUser()
  ;[a, b] = await Promise.all([
    startHeadlessNode('first', user.configRoot, ui, { user, profile: 'regtest', firstRun: true }),
    startHeadlessNode('other', user.configRoot, ui, { user, profile: 'regtest-2' })
  ])
  browser = await launchChromium()
  page = await openUi(browser, a, errors, {
    permissions: ['notifications'],
    initScript: OBSERVE_NOTIFICATIONS
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([a?.stop(), b?.stop()])
  user?.remove()
  cleanUpHarness()
})

const welcome = () => page.getByRole('dialog', { name: 'Welcome to Blockforge' })

/** docs/screenshots/<name>.png, in `npm run screenshots` only (harness.ts: CAPTURE). */
async function screenshot(name: string): Promise<void> {
  if (!CAPTURE) return
  await page.mouse.move(0, 0)
  await page.evaluate('document.activeElement?.blur()')
  // The dialog's fade-in, and no toast left over.
  await page.waitForTimeout(400)
  await expect.poll(() => page.locator('.n-message').count(), { timeout: TIMEOUT }).toBe(0)
  await capture(page, name)
}

describe('the first run', () => {
  it('shows the first-run screen on a fresh data dir, with the wallet just created and its key file', async () => {
    await welcome().waitFor({ timeout: TIMEOUT })
    const address = ((await callNode(a, 'getWallet')) as { address: string }).address
    expect((await page.getByTestId('welcome-address').innerText()).trim()).toBe(address)
    expect((await page.getByTestId('welcome-wallet-file').innerText()).trim()).toBe(
      '~/.config/Blockforge/regtest/wallet.json'
    )
    const text = await welcome().innerText()
    expect(text).toContain('Your wallet was created')
    expect(text).toContain('the only copy')
    expect(text).toContain('Start another local node')
    await welcome().getByRole('button', { name: 'Copy wallet address' }).waitFor()
    // Focus is inside the dialog (naive-ui's focus trap), so a keyboard user starts there.
    expect(
      await page.evaluate<boolean>(`!!document.activeElement?.closest('[role="dialog"]')`)
    ).toBe(true)
    await screenshot('first-run')
  })

  it('is in Chinese in the Chinese UI', async () => {
    await callNode(a, 'updateSettings', { language: 'zh-CN' })
    const zh = page.getByRole('dialog', { name: '欢迎使用 Blockforge' })
    await zh.waitFor({ timeout: TIMEOUT })
    expect(await zh.innerText()).toContain('已为你创建钱包')
    await screenshot('first-run-zh-CN')
    await callNode(a, 'updateSettings', { language: 'en' })
    await welcome().waitFor({ timeout: TIMEOUT })
  })

  it('closes with its button, the node keeps that, and a reload does not show it again', async () => {
    await welcome().getByRole('button', { name: 'Get started' }).click()
    await welcome().waitFor({ state: 'detached', timeout: TIMEOUT })
    expect(await callNode(a, 'getSettings')).toMatchObject({ welcomeSeen: true })
    await page.reload()
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ timeout: TIMEOUT })
    // The settings have arrived (the node's address is in the header) and still no first-run screen.
    await page.getByText(a.url, { exact: true }).waitFor({ timeout: TIMEOUT })
    expect(await page.getByRole('dialog').count()).toBe(0)
  })

  it('opens again from "Getting started" and closes with Escape', async () => {
    await page.getByRole('button', { name: 'Getting started' }).click()
    await welcome().waitFor({ timeout: TIMEOUT })
    await page.keyboard.press('Escape')
    await welcome().waitFor({ state: 'detached', timeout: TIMEOUT })
  })
})

describe('About', () => {
  it('opens from the navigation with the version, the protocol, the runtime and the licence', async () => {
    await page.getByRole('button', { name: 'About Blockforge' }).click()
    const about = page.getByRole('dialog', { name: 'About Blockforge' })
    await about.waitFor({ timeout: TIMEOUT })
    expect((await page.getByTestId('about-version').innerText()).trim()).toBe(
      `Blockforge ${VERSION}`
    )
    const text = await about.innerText()
    expect(text).toContain('Node.js')
    expect(text).not.toContain('Electron')
    expect(text).toContain('MIT')
    expect(text).toContain('~/.config/Blockforge/regtest/wallet.json')
    await screenshot('about')
    await callNode(a, 'updateSettings', { language: 'zh-CN' })
    await page.getByRole('dialog', { name: '关于 Blockforge' }).waitFor({ timeout: TIMEOUT })
    await screenshot('about-zh-CN')
    await callNode(a, 'updateSettings', { language: 'en' })
    await about.waitFor({ timeout: TIMEOUT })
    await about.getByRole('button', { name: 'Close', exact: true }).click()
    await about.waitFor({ state: 'detached', timeout: TIMEOUT })
  })
})

describe('desktop notifications', () => {
  const notices = () => page.evaluate<{ title: string; lang: string }[]>('window.__notices')

  it('shows a Notification when this node mines a block', async () => {
    const mined = (await callNode(a, 'mineOnce')) as { ok: true; value: { index: number } }
    await expect
      .poll(notices, { timeout: TIMEOUT })
      .toContainEqual({ title: `Block #${mined.value.index} found: +50 coins`, lang: 'en' })
  })

  it("shows one when another node pays this wallet, and none for the other node's blocks", async () => {
    const me = ((await callNode(a, 'getWallet')) as { address: string }).address
    const before = (await notices()).length
    await callNode(b, 'addPeer', a.url)
    await callNode(b, 'mineOnce')
    await callNode(b, 'mineOnce')
    const sent = (await callNode(b, 'sendTransaction', { recipient: me, amount: 5, fee: 1 })) as {
      ok: boolean
    }
    expect(sent.ok).toBe(true)
    await callNode(b, 'mineOnce')
    const sender = ((await callNode(b, 'getWallet')) as { address: string }).address
    await expect
      .poll(async () => (await notices()).slice(before).map((n) => n.title), { timeout: TIMEOUT })
      .toEqual([`Received 5 coins from ${sender.slice(0, 8)}…`])
  })

  it('shows none with the Settings switch off', async () => {
    await callNode(a, 'updateSettings', { notifications: false })
    const before = (await notices()).length
    const off = (await callNode(a, 'mineOnce')) as { value: { index: number } }
    await callNode(a, 'updateSettings', { notifications: true })
    // Events reach the page in order: once the next block's notice is there, the one mined with
    // the switch off has been handled, and made none.
    const on = (await callNode(a, 'mineOnce')) as { value: { index: number } }
    await expect
      .poll(async () => (await notices()).slice(before).map((n) => n.title), { timeout: TIMEOUT })
      .toEqual([`Block #${on.value.index} found: +50 coins`])
    expect(off.value.index).toBe(on.value.index - 1)
  })

  it('are switched off and on in Settings, and the node keeps the choice', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click()
    const sw = page.getByRole('switch', { name: 'Notifications' })
    await sw.waitFor({ timeout: TIMEOUT })
    expect(await sw.getAttribute('aria-checked')).toBe('true')
    await sw.click()
    await expect
      .poll(
        async () =>
          ((await callNode(a, 'getSettings')) as { notifications: boolean }).notifications,
        { timeout: TIMEOUT }
      )
      .toBe(false)
    await sw.press('Space')
    await expect
      .poll(
        async () =>
          ((await callNode(a, 'getSettings')) as { notifications: boolean }).notifications,
        { timeout: TIMEOUT }
      )
      .toBe(true)
  })

  it('left the page without errors', () => {
    expect(errors).toEqual([])
  })
})
