/**
 * The UI end to end, in Chromium, against two real headless regtest nodes serving the built
 * renderer over HTTP (the second transport of the NodeApi contract). A user connects the nodes
 * from the Peers screen, mines on one and sees the block arrive on the other without reloading,
 * sends coins and watches them go from pending to confirmed, opens the block and the transaction,
 * and switches language and theme. One test visits every screen; `npm run screenshots` runs this
 * file to save them, and the fork, into docs/screenshots/, so the screenshots in the docs are of
 * this build (harness.ts: CAPTURE).
 */
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
  startHeadlessNode,
  tempUser,
  visit,
  type TestNode,
  type TestUser
} from './harness'

const TIMEOUT = 20_000

/** The nodes run as a user with a home folder, their data dirs where the app keeps them. */
let user: TestUser
let a: TestNode
let b: TestNode
let browser: Browser
let pageA: Page
let pageB: Page
const errors: string[] = []
/** Filled in as the story goes on. */
const seen = { addressB: '', txId: '', blockHash: '' }

beforeAll(async () => {
  const ui = buildRenderer()
  user = tempUser()
  ;[a, b] = await Promise.all([
    startHeadlessNode('a', user.configRoot, ui, { user, profile: 'regtest' }),
    startHeadlessNode('b', user.configRoot, ui, { user, profile: 'regtest-2' })
  ])
  browser = await launchChromium()
  pageA = await openUi(browser, a, errors)
  pageB = await openUi(browser, b, errors)
}, 120_000)

afterAll(async () => {
  await Promise.all([a, b].map((n) => n && callNode(n, 'stopMining').catch(() => undefined)))
  await browser?.close()
  await Promise.all([a?.stop(), b?.stop()])
  user?.remove()
  cleanUpHarness()
})

/** The page background, which naive-ui's global style sets from the theme. */
const bodyBackground = (page: Page) =>
  page.evaluate<string>('getComputedStyle(document.body).backgroundColor')

/** Before a screenshot: no hover, no focus ring, no toast left over from the last action. */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, 0)
  await page.evaluate('document.activeElement?.blur()')
  await expect.poll(() => page.locator('.n-message').count(), { timeout: TIMEOUT }).toBe(0)
}

/**
 * Makes the window tall enough for the whole screen: the app scrolls inside its content area,
 * which a full-page screenshot does not reach (Settings' Save button was cut off).
 */
async function fitContent(page: Page): Promise<void> {
  const extra = await page.evaluate<number>(`(() => {
    for (let e = document.getElementById('main'); e; e = e.parentElement) {
      const y = getComputedStyle(e).overflowY
      if ((y === 'auto' || y === 'scroll') && e.scrollHeight > e.clientHeight) return e.scrollHeight - e.clientHeight
    }
    return 0
  })()`)
  await page.setViewportSize({ width: 1366, height: Math.min(2400, 900 + extra) })
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true }).click()

describe('two nodes driven from the UI', () => {
  it('keeps the API token out of the address bar', async () => {
    expect(new URL(pageA.url()).searchParams.get('token')).toBeNull()
    await expect.poll(() => pageA.evaluate<number>('sessionStorage.length')).toBeGreaterThan(0)
  })

  it('connects B to A from the nodes on this machine, and A to B by URL', async () => {
    await nav(pageB, 'Peers')
    const local = pageB.getByTestId('local-nodes')
    await local.getByRole('button', { name: `Connect ${a.url}` }).click({ timeout: TIMEOUT })
    await pageB.getByRole('cell', { name: a.url, exact: true }).waitFor({ timeout: TIMEOUT })
    await local.getByText('connected', { exact: true }).waitFor({ timeout: TIMEOUT })

    await nav(pageA, 'Peers')
    await pageA.getByLabel('Peer URL').fill(b.url)
    await pageA.getByLabel('Peer URL').press('Enter')
    await pageA.getByRole('cell', { name: b.url, exact: true }).waitFor({ timeout: TIMEOUT })
  })

  it('mines a block on A and shows it arriving on B, pushed', async () => {
    await nav(pageB, 'Dashboard')
    await pageB.getByTestId('stats').getByText('#1', { exact: true }).waitFor()

    await nav(pageA, 'Mining')
    await pageA.getByRole('button', { name: 'Mine one block' }).click()
    await pageA.getByText('Mined block 2').waitFor({ timeout: TIMEOUT })

    // B's page is not reloaded: the block comes in over the event stream.
    await pageB.getByTestId('stats').getByText('#2', { exact: true }).waitFor({ timeout: TIMEOUT })
    await expect.poll(() => pageB.getByTestId('recent-blocks').locator('tbody tr').count()).toBe(2)
  })

  it('sends coins from A to B: pending, then confirmed by the next block', async () => {
    await nav(pageB, 'Wallet')
    seen.addressB = (await pageB.getByTestId('wallet-address').innerText()).trim()
    expect(seen.addressB).toMatch(/^[0-9a-f]{40}$/)

    await nav(pageA, 'Wallet')
    await pageA.getByTestId('wallet-balance').getByText('50 coins').waitFor({ timeout: TIMEOUT })
    await pageA.getByLabel('Recipient address').fill(seen.addressB)
    await pageA.getByLabel('Amount').fill('10')
    await pageA.getByLabel('Fee').fill('1')
    await pageA.getByRole('button', { name: 'Send', exact: true }).click()
    const pending = pageA.getByTestId('wallet-pending')
    await pending.getByText('pending', { exact: true }).waitFor({ timeout: TIMEOUT })
    await pending.getByText('-11').waitFor()

    await nav(pageA, 'Mining')
    await pageA.getByRole('button', { name: 'Mine one block' }).click()
    await pageA.getByText('Mined block 3').waitFor({ timeout: TIMEOUT })

    await nav(pageA, 'Wallet')
    await pageA
      .getByTestId('wallet-pending')
      .getByText('Nothing pending')
      .waitFor({ timeout: TIMEOUT })
    await pageA.getByTestId('wallet-history').getByText('-11').waitFor()
    await pageB.getByTestId('wallet-balance').getByText('10 coins').waitFor({ timeout: TIMEOUT })
  })

  it('opens the block and the transaction in it', async () => {
    await nav(pageA, 'Dashboard')
    await pageA
      .getByTestId('recent-blocks')
      .locator('tbody tr')
      .first()
      .getByRole('link')
      .first()
      .click()
    await pageA
      .getByRole('heading', { name: 'Block 3', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await expect
      .poll(() => pageA.getByTestId('block-status').innerText())
      .toContain('1 confirmation')
    for (const field of ['Previous hash', 'Merkle root', 'Proof (nonce)', 'Total work']) {
      await pageA.getByText(field, { exact: true }).waitFor()
    }
    seen.blockHash = decodeURIComponent(new URL(pageA.url()).hash.split('/').pop()!)

    // The transfer is the second transaction, after the coinbase.
    const rows = pageA.locator('.n-data-table-tbody tr')
    await expect.poll(() => rows.count()).toBe(2)
    await rows.nth(1).getByRole('link').first().click()
    await pageA
      .getByRole('heading', { name: 'Transaction', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await expect.poll(() => pageA.getByTestId('tx-status').innerText()).toBe('confirmed')
    await pageA.getByText('10 coins').waitFor()
    await pageA.getByText(seen.addressB).waitFor()
    seen.txId = decodeURIComponent(new URL(pageA.url()).hash.split('/').pop()!)
  })

  it('finds a block by index, a transaction by id and an address from the search box', async () => {
    const search = async (q: string) => {
      await pageA.getByLabel('Search the chain').fill(q)
      await pageA.getByLabel('Search the chain').press('Enter')
    }
    await search('2')
    await pageA
      .getByRole('heading', { name: 'Block 2', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await search(seen.txId)
    await pageA
      .getByRole('heading', { name: 'Transaction', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await search(seen.addressB)
    await pageA
      .getByRole('heading', { name: 'Address', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await pageA.getByText('10 coins').waitFor()
    await search('999')
    await pageA.getByText('Nothing matches “999”').waitFor({ timeout: TIMEOUT })
  })

  it('switches language and theme at run time and keeps them', async () => {
    await nav(pageA, 'Settings')
    await pageA.getByText('简体中文').click()
    await pageA.getByRole('navigation').getByText('概览').waitFor({ timeout: TIMEOUT })
    await pageA.getByText('深色').click()
    await expect.poll(() => bodyBackground(pageA)).not.toBe('rgb(255, 255, 255)')

    // Persisted by the node: a fresh load comes back in Chinese and dark.
    await pageA.reload()
    await pageA.getByRole('navigation').getByText('概览').waitFor({ timeout: TIMEOUT })
    await pageA.getByText('浅色').click()
    await pageA.getByText('English').click()
    await pageA.getByRole('navigation').getByText('Dashboard').waitFor({ timeout: TIMEOUT })
    await expect.poll(() => bodyBackground(pageA)).toBe('rgb(255, 255, 255)')
  })

  it('shows every screen, which npm run screenshots saves for the docs', async () => {
    const shot = async (name: string, route: string, ready: string) => {
      await visit(pageA, route)
      await pageA
        .getByRole('heading', { name: ready, exact: true, level: 1 })
        .waitFor({ timeout: TIMEOUT })
      if (!CAPTURE) return
      await pageA.waitForLoadState('networkidle')
      await settle(pageA)
      await fitContent(pageA)
      await pageA.waitForTimeout(400)
      await capture(pageA, name, { fullPage: true })
      await pageA.setViewportSize({ width: 1366, height: 900 })
    }
    await shot('dashboard', '/', 'Dashboard')
    await shot('chain', '/chain', 'Chain')
    // A block's hash in the list is a plain link (hrefTo) to its page, which the router follows.
    await pageA.locator('.block-list a[href^="#/block/"]').first().click()
    await pageA
      .getByRole('heading', { name: /^Block \d+$/, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await shot('block', `/block/${seen.blockHash}`, 'Block 3')
    await shot('transaction', `/tx/${seen.txId}`, 'Transaction')
    await shot('address', `/address/${seen.addressB}`, 'Address')
    await shot('wallet', '/wallet', 'Wallet')
    await shot('peers', '/peers', 'Peers')
    // Settings as on a user's machine: the data dir under the home folder, shown as ~/…, and
    // where the token in force comes from.
    await visit(pageA, '/settings')
    await pageA
      .getByRole('heading', { name: 'Settings', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    expect(await pageA.getByLabel('Data directory').inputValue()).toBe(
      '~/.config/Blockforge/regtest'
    )
    await pageA
      .getByTestId('api-token-source')
      .getByText(/^Set by --api-token for this run; /)
      .waitFor()
    await shot('settings', '/settings', 'Settings')

    // Mining as a user sees it while it runs: a live hash rate and a chart of several samples.
    await visit(pageA, '/mining')
    await pageA
      .getByRole('heading', { name: 'Mining', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    await pageA.getByRole('button', { name: 'Start mining' }).click()
    await pageA
      .getByTestId('mining-state')
      .getByText('Mining', { exact: true })
      .waitFor({ timeout: TIMEOUT })
    const hashRateTile = pageA.locator('.grid-stats > *').first()
    await expect
      .poll(() => hashRateTile.innerText(), { timeout: TIMEOUT })
      .not.toMatch(/(^|\s)0 H\/s/)
    await pageA.locator('canvas').first().waitFor({ timeout: TIMEOUT })
    if (CAPTURE) {
      // A chart of several samples, as a user sees it after a few seconds.
      await pageA.waitForTimeout(4000)
      await settle(pageA)
      await capture(pageA, 'mining', { fullPage: true })
    }
    await callNode(a, 'stopMining')

    // The dark theme and the Chinese UI, on the node B window.
    await nav(pageB, 'Settings')
    await pageB.getByText('Dark', { exact: true }).click()
    await pageB.getByText('简体中文').click()
    await pageB.getByRole('navigation').getByText('概览').waitFor({ timeout: TIMEOUT })
    await visit(pageB, '/')
    await pageB
      .getByRole('heading', { name: '概览', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    if (CAPTURE) {
      await settle(pageB)
      await pageB.waitForTimeout(400)
      await capture(pageB, 'dashboard-dark-zh-CN', { fullPage: true })
    }
    await visit(pageB, '/chain')
    await pageB
      .getByRole('heading', { name: '区块链', exact: true, level: 1 })
      .waitFor({ timeout: TIMEOUT })
    if (CAPTURE) {
      await settle(pageB)
      await pageB.waitForTimeout(600)
      await capture(pageB, 'chain-dark-zh-CN', { fullPage: true })
    }
  })

  it('resolves conflicts, bans a peer for a while and unbans it', async () => {
    await nav(pageA, 'Peers')
    await pageA.getByRole('button', { name: 'Resolve conflicts' }).click()
    await pageA
      .getByTestId('resolve-outcome')
      .getByText(/Our chain (is authoritative|was replaced)/)
      .waitFor({ timeout: TIMEOUT })

    const row = pageA.getByRole('row').filter({ hasText: b.url })
    await row.getByRole('button', { name: 'Ban' }).click()
    const dialog = pageA.getByRole('dialog')
    await dialog.getByLabel('minutes').fill('5')
    await dialog.getByRole('button', { name: 'Ban' }).click()
    await row.getByText(/banned until/).waitFor({ timeout: TIMEOUT })
    await row.getByRole('button', { name: 'Unban' }).click()
    await row.getByRole('button', { name: 'Ban' }).waitFor({ timeout: TIMEOUT })
  })

  it('shows continuous mining as running until it is stopped', async () => {
    await nav(pageA, 'Mining')
    await pageA.getByRole('button', { name: 'Start mining' }).click()
    await pageA
      .getByTestId('mining-state')
      .getByText('Mining', { exact: true })
      .waitFor({ timeout: TIMEOUT })
    await pageA.waitForTimeout(1500)
    expect(await pageA.getByTestId('mining-state').innerText()).toBe('Mining')
    await pageA.getByRole('button', { name: 'Stop mining' }).click()
    await pageA
      .getByTestId('mining-state')
      .getByText('Stopped', { exact: true })
      .waitFor({ timeout: TIMEOUT })
  })

  it('shows a fork and the reorganisation onto the heavier branch', async () => {
    const banFromUi = async (page: Page, url: string) => {
      await nav(page, 'Peers')
      const row = page.getByRole('row').filter({ hasText: url })
      await row.getByRole('button', { name: 'Ban' }).click({ timeout: TIMEOUT })
      await page.getByRole('dialog').getByRole('button', { name: 'Ban' }).click()
      await row.getByText(/banned until/).waitFor({ timeout: TIMEOUT })
    }
    const mineOnce = async (page: Page) => {
      await nav(page, 'Mining')
      await page.getByRole('button', { name: 'Mine one block' }).click()
      await page
        .getByText(/^Mined block \d+$/)
        .last()
        .waitFor({ timeout: TIMEOUT })
    }
    // B was left dark and in Chinese by the screens' test; the node pushes the change to its page.
    await callNode(b, 'updateSettings', { language: 'en', theme: 'light' })
    await pageB.getByRole('navigation').getByText('Dashboard').waitFor({ timeout: TIMEOUT })

    // Split the network, then let the two halves mine: one block on A, two on B.
    await banFromUi(pageA, b.url)
    await banFromUi(pageB, a.url)
    await mineOnce(pageA)
    await mineOnce(pageB)
    await mineOnce(pageB)

    // Heal it: A hears of B's heavier branch and moves onto it.
    await nav(pageB, 'Peers')
    await pageB
      .getByRole('row')
      .filter({ hasText: a.url })
      .getByRole('button', { name: 'Unban' })
      .click()
    await nav(pageA, 'Peers')
    await pageA
      .getByRole('row')
      .filter({ hasText: b.url })
      .getByRole('button', { name: 'Unban' })
      .click()
    await pageA
      .getByRole('row')
      .filter({ hasText: b.url })
      .getByRole('button', { name: 'Ban' })
      .waitFor({ timeout: TIMEOUT })
    await pageA.getByRole('button', { name: 'Resolve conflicts' }).click()
    await pageA.getByTestId('resolve-outcome').waitFor({ timeout: TIMEOUT })

    await nav(pageA, 'Chain')
    await pageA
      .getByTestId('reorg')
      .getByText(/Reorganisation at block \d+: 1 block left the main chain, 2 joined it\./)
      .waitFor({ timeout: TIMEOUT })
    // A's own block is still drawn, now on a side branch.
    await pageA.locator('svg a[aria-label*="side branch"]').first().waitFor({ timeout: TIMEOUT })
    if (CAPTURE) {
      await settle(pageA)
      await capture(pageA, 'chain-reorg', { fullPage: true })
    }
  })

  it('raised no page or console errors on either node', () => {
    expect(errors).toEqual([])
  })
})
