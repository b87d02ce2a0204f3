/**
 * Issue #9's last pieces in Chromium against a real headless regtest node run as a user with a
 * home folder: Settings shows the data dir as ~/…, says where the token and the worker count
 * come from, and saves exactly the worker count typed or nothing; a peer the node does not add
 * is said, with the reason, in English and Chinese; a refused lookup on the Transaction and
 * Address screens is worded from its code.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { findFreePort } from '../../src/main/app/config'
import type { Settings } from '../../src/shared/api'
import {
  buildRenderer,
  callNode,
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

let user: TestUser
let node: TestNode
let browser: Browser
let page: Page
const errors: string[] = []

beforeAll(async () => {
  const ui = buildRenderer()
  user = tempUser()
  node = await startHeadlessNode('sp', user.configRoot, ui, { user, profile: 'regtest' })
  browser = await launchChromium()
  page = await openUi(browser, node, errors)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await node?.stop()
  user?.remove()
  cleanUpHarness()
})

const nav = (name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true }).click()
const lastToast = () => page.locator('.n-message').last().innerText()
const nodeSettings = async () => (await callNode(node, 'getSettings')) as Settings

describe('Settings as a user meets it', () => {
  it('shows the data dir under the home folder as ~/… and where the token comes from', async () => {
    await nav('Settings')
    expect(await page.getByLabel('Data directory').inputValue()).toBe(
      '~/.config/Blockforge/regtest'
    )
    expect(await page.getByTestId('api-token-source').innerText()).toMatch(
      /^Set by --api-token for this run; /
    )
    expect(await page.getByTestId('workers-source').innerText()).toMatch(
      /^Default: one worker per processor core; /
    )
    // A ~/… typed in Settings is kept for the next start as the folder it names.
    expect(await callNode(node, 'updateSettings', { dataDir: '~/elsewhere' })).toMatchObject({
      ok: true
    })
    const launch = JSON.parse(readFileSync(join(user.configRoot, 'launch.json'), 'utf8')) as {
      dataDir: string
    }
    expect(launch.dataDir).toBe(join(user.home, 'elsewhere'))
  })

  it('refuses a worker count out of range with a message by the field, and saves nothing', async () => {
    const before = (await nodeSettings()).miningThreads
    const field = page.getByLabel('Mining workers')
    await field.fill('300')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page
      .getByTestId('settings-workers')
      .getByText('Mining workers is a whole number from 1 to 256')
      .waitFor({ timeout: TIMEOUT })
    expect(await field.inputValue()).toBe('300')
    expect((await nodeSettings()).miningThreads).toBe(before)
  })

  it('saves exactly the count typed; Settings then says it was saved there', async () => {
    await page.getByLabel('Mining workers').fill('3')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Settings saved').waitFor({ timeout: TIMEOUT })
    expect(await nodeSettings()).toMatchObject({ miningThreads: 3, miningThreadsFrom: 'settings' })
    await page
      .getByTestId('workers-source')
      .getByText(/^Saved in Settings; /)
      .waitFor({ timeout: TIMEOUT })
  })
})

describe('a peer the node does not add is said, with the reason', () => {
  const add = async (url: string, label = 'Peer URL') => {
    await page.getByLabel(label).fill(url)
    await page.getByLabel(label).press('Enter')
  }

  it('this node itself, and a URL nobody answers at', async () => {
    await nav('Peers')
    await add(node.url)
    await expect
      .poll(lastToast, { timeout: TIMEOUT })
      .toMatch(
        new RegExp(`^The node refused to add ${node.url}: that address leads to this node itself`)
      )
    const nobody = `http://127.0.0.1:${await findFreePort('127.0.0.1')}`
    await add(nobody)
    await expect
      .poll(lastToast, { timeout: TIMEOUT })
      .toMatch(new RegExp(`^The node refused to add ${nobody}: the peer cannot be reached`))
    expect(await page.getByRole('cell', { name: nobody }).count()).toBe(0)
  })

  it('in Chinese too', async () => {
    await callNode(node, 'updateSettings', { language: 'zh-CN' })
    await page.getByRole('navigation').getByText('设置').waitFor({ timeout: TIMEOUT })
    await add(node.url, '节点 URL')
    await expect
      .poll(lastToast, { timeout: TIMEOUT })
      .toMatch(new RegExp(`^节点拒绝添加 ${node.url}：这个地址指向本节点自己`))
  })
})

describe('a refused lookup, worded from its code', () => {
  it('Transaction and Address screens in Chinese, the node text only as detail', async () => {
    await visit(page, '/tx/not-an-id')
    await page
      .locator('.state-error')
      .getByText(/^节点拒绝：/)
      .waitFor({ timeout: TIMEOUT })
    await visit(page, '/address/not-an-address')
    await page
      .locator('.state-error')
      .getByText(/^节点拒绝：/)
      .waitFor({ timeout: TIMEOUT })
    await callNode(node, 'updateSettings', { language: 'en' })
  })

  it('raised no page or console errors', () => {
    expect(errors).toEqual([])
  })
})
