/**
 * Accessibility end to end (WCAG 2.1 AA), in Chromium against two real headless regtest nodes,
 * in English and in Simplified Chinese, each in the light and the dark theme: axe-core with zero
 * critical or serious findings on every screen, "page not found", the Ban dialog, the Peers
 * screen with link faults in force (a link paused, the node cut off), the first-run
 * screen, the About dialog and the page a
 * token-protected node shows a browser without its token; `<html lang>` and a document title
 * naming the screen in the UI's language; a visible focus ring on every tab stop; and toasts
 * announced through a live region that is in the page before the toast is. The nodes hold
 * blocks, a confirmed and a pending transfer and a peer, so every screen shows real content
 * rather than its empty state. docs/accessibility.md lists what each test covers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { testTmp } from '../helpers/temp'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  callValue,
  cleanUpHarness,
  launchChromium,
  openUi,
  startHeadlessNode,
  visit,
  type TestNode
} from './harness'

const TIMEOUT = 20_000
// Injected with page.evaluate (DevTools' Runtime.evaluate), which the page's CSP
// (`script-src 'self'`) does not govern, unlike an inline <script> tag.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8'
)

let home: string
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []
const seen = { blockHash: '', blockIndex: 0, txId: '', addressB: '' }

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(testTmp(), 'bf-e2e-a11y-home-'))
  ;[a, b] = await Promise.all([
    startHeadlessNode('a11y-a', home, ui),
    startHeadlessNode('a11y-b', home, ui)
  ])
  await callValue(a, 'addPeer', b.url)
  await callValue(a, 'mineOnce')
  await callValue(a, 'mineOnce')
  seen.addressB = (await callValue<{ address: string }>(b, 'getWallet')).address
  seen.txId = (
    await callValue<{ id: string }>(a, 'sendTransaction', {
      recipient: seen.addressB,
      amount: 10,
      fee: 1
    })
  ).id
  const block = await callValue<{ hash: string; index: number }>(a, 'mineOnce')
  seen.blockHash = block.hash
  seen.blockIndex = block.index
  // One transfer the wallet cannot pay, so the Refusals screen has a row to show.
  const refused = (await callNode(a, 'sendTransaction', {
    recipient: seen.addressB,
    amount: 1_000_000,
    fee: 0
  })) as { ok: boolean }
  expect(refused.ok).toBe(false)
  // One transfer left pending, so the pool and the wallet's pending list are not empty.
  await callValue(a, 'sendTransaction', { recipient: seen.addressB, amount: 2, fee: 1 })
  browser = await launchChromium()
  page = await openUi(browser, a, errors)
}, 120_000)

afterAll(async () => {
  await Promise.all([a, b].map((n) => n && callNode(n, 'stopMining').catch(() => undefined)))
  await browser?.close()
  await Promise.all([a?.stop(), b?.stop()])
  if (home) rmSync(home, { recursive: true, force: true })
  cleanUpHarness()
})

interface AxeNode {
  target: string[]
  html: string
  failureSummary?: string
}
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: AxeNode[]
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules plus best practices) on the whole page. */
async function axe(p: Page): Promise<AxeViolation[]> {
  if (!(await p.evaluate<boolean>('typeof window.axe === "object"'))) await p.evaluate(AXE_SOURCE)
  return p.evaluate<AxeViolation[]>(`
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations']
    }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), failureSummary: n.failureSummary }))
    })))
  `)
}

/** One line per rule and up to three offending elements each, so a failure says what to fix. */
function describeViolations(screen: string, vs: AxeViolation[]): string {
  return vs
    .map(
      (v) =>
        `${screen}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s))\n` +
        v.nodes
          .slice(0, 3)
          .map(
            (n) =>
              `    ${n.target.join(' ')}  ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`
          )
          .join('\n')
    )
    .join('\n')
}

type Lang = 'en' | 'zh-CN'
const LANGS: Lang[] = ['en', 'zh-CN']
const LANG_NAME: Record<Lang, string> = { en: 'English', 'zh-CN': 'Simplified Chinese' }

/** What the UI says, per language, that the checks look for (src/renderer/src/i18n/). */
const TEXT = {
  en: {
    Dashboard: 'Dashboard',
    Chain: 'Chain',
    Block: (n: number) => `Block ${n}`,
    Inspect: (n: number) => `Inspect block ${n}`,
    Tamper: (n: number) => `Tamper with a copy of block ${n}`,
    Transaction: 'Transaction',
    Address: 'Address',
    Wallet: 'Wallet',
    Mining: 'Mining',
    Peers: 'Peers',
    Settings: 'Settings',
    Refusals: 'Refusals',
    Timeline: 'Timeline',
    Forks: 'Forks',
    Tour: 'Guided tour',
    NotFound: 'Page not found',
    navSettings: 'Settings',
    ban: 'Ban',
    chart: /^Line chart of the hash rate over the last \d+ samples: now .*H\/s, highest .*H\/s$/,
    mineOnce: 'Mine one block',
    mined: (n: number) => `Mined block ${n}`,
    tokenTitle: 'Blockforge: API token needed',
    tokenLabel: 'API token',
    welcome: 'Getting started',
    welcomeTitle: 'Welcome to Blockforge',
    about: 'About Blockforge'
  },
  'zh-CN': {
    Dashboard: '概览',
    Chain: '区块链',
    Block: (n: number) => `区块 ${n}`,
    Inspect: (n: number) => `检视区块 ${n}`,
    Tamper: (n: number) => `篡改区块 ${n} 的副本`,
    Transaction: '交易',
    Address: '地址',
    Wallet: '钱包',
    Mining: '挖矿',
    Peers: '对等节点',
    Settings: '设置',
    Refusals: '拒绝记录',
    Timeline: '时间线',
    Forks: '分叉',
    Tour: '导览',
    NotFound: '页面不存在',
    navSettings: '设置',
    ban: '封禁',
    chart: /^最近 \d+ 个采样点的算力折线图：当前 .*H\/s，最高 .*H\/s$/,
    mineOnce: '挖一个区块',
    mined: (n: number) => `已挖出区块 ${n}`,
    tokenTitle: 'Blockforge：需要 API 令牌',
    tokenLabel: 'API 令牌',
    welcome: '入门',
    welcomeTitle: '欢迎使用 Blockforge',
    about: '关于 Blockforge'
  }
} as const

/** The document title of a screen whose <h1> is `heading` (WCAG 2.4.2: it says which screen). */
const pageTitle = (heading: string) => `${heading} · Blockforge`

/** The screens, the level-1 heading each shows once it has loaded, in the UI's language. */
const screens = (lang: Lang) => {
  const w = TEXT[lang]
  return [
    { name: 'Dashboard', route: '/', heading: w.Dashboard },
    { name: 'Chain', route: '/chain', heading: w.Chain },
    { name: 'Block', route: `/block/${seen.blockHash}`, heading: w.Block(seen.blockIndex) },
    {
      name: 'Block inspector',
      route: `/block/${seen.blockHash}/inspect?tx=1`,
      heading: w.Inspect(seen.blockIndex)
    },
    {
      name: 'Tamper lab',
      route: `/block/${seen.blockHash}/tamper`,
      heading: w.Tamper(seen.blockIndex)
    },
    { name: 'Transaction', route: `/tx/${seen.txId}`, heading: w.Transaction },
    { name: 'Address', route: `/address/${seen.addressB}`, heading: w.Address },
    { name: 'Wallet', route: '/wallet', heading: w.Wallet },
    { name: 'Mining', route: '/mining', heading: w.Mining },
    { name: 'Peers', route: '/peers', heading: w.Peers },
    { name: 'Settings', route: '/settings', heading: w.Settings },
    { name: 'Refusals', route: '/refusals', heading: w.Refusals },
    { name: 'Timeline', route: '/timeline', heading: w.Timeline },
    { name: 'Forks', route: '/forks', heading: w.Forks },
    { name: 'Tour', route: '/tour', heading: w.Tour },
    { name: 'Not found', route: '/no-such-page', heading: w.NotFound }
  ]
}

/** Switches the UI's language as Settings does, and waits for the navigation to follow. */
async function setLanguage(lang: Lang): Promise<void> {
  await callValue(a, 'updateSettings', { language: lang })
  await page
    .getByRole('navigation')
    .getByRole('link', { name: TEXT[lang].navSettings, exact: true })
    .waitFor({ timeout: TIMEOUT })
}

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await callValue(a, 'updateSettings', { theme })
  const want = theme === 'light' ? 'rgb(255, 255, 255)' : undefined
  await expect
    .poll(() => page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), {
      timeout: TIMEOUT
    })
    .toSatisfy((bg: string) => (want ? bg === want : bg !== 'rgb(255, 255, 255)'))
}

async function openScreen(route: string, heading: string): Promise<void> {
  await visit(page, route)
  await page
    .getByRole('heading', { name: heading, exact: true, level: 1 })
    .waitFor({ timeout: TIMEOUT })
  await page.waitForLoadState('networkidle')
  await page.mouse.move(0, 0)
  await page.evaluate('document.activeElement?.blur()')
  // Let transitions (theme colours, fades) finish so contrast is measured on final colours.
  await page.waitForTimeout(400)
}

/** sRGB relative luminance and contrast ratio, as WCAG 2.1 defines them. */
function parseRgb(css: string): [number, number, number, number] {
  const m = /rgba?\(([^)]+)\)/.exec(css)
  if (!m) throw new Error(`not an rgb colour: ${css}`)
  const [r, g, b, al] = m[1]
    .split(/[ ,/]+/)
    .filter(Boolean)
    .map(Number)
  return [r, g, b, al ?? 1]
}
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}
function contrast(fg: string, bg: string): number {
  const f = parseRgb(fg)
  const k = parseRgb(bg)
  // A translucent colour is seen blended over the background.
  const blended = [0, 1, 2].map((i) => f[i] * f[3] + k[i] * (1 - f[3]))
  const [l1, l2] = [luminance(blended), luminance(k)].sort((x, y) => y - x)
  return (l1 + 0.05) / (l2 + 0.05)
}

interface Ring {
  path: string
  width: number
  color: string | null
  background: string
}
/**
 * The focused element's ring and what it is seen against. An outline sits outside its element,
 * so the background is the one behind the element. naive-ui's text fields and selects draw
 * their focus on a state-border element (border plus box-shadow ring), and its radio buttons
 * hide the real <input>: for those the ring is looked for on the box the user sees.
 * Null when focus has left the page.
 */
const focusRing = (p: Page) =>
  p.evaluate<Ring | null>(`(() => {
    const el = document.activeElement
    if (!el || el === document.body) return null
    const path = [el.tagName.toLowerCase(), el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40),
      el.closest('[data-testid]')?.getAttribute('data-testid') || ''].join('|')
    const behind = (start) => {
      for (let n = start; n; n = n.parentElement) {
        const c = getComputedStyle(n).backgroundColor
        if (c && c !== 'transparent' && !/^rgba\\(.*, 0\\)$/.test(c)) return c
      }
      return getComputedStyle(document.body).backgroundColor
    }
    const field = el.closest('.n-input, .n-base-selection')
    if (field) {
      const s = getComputedStyle(field.querySelector(':scope > .n-input__state-border, :scope > .n-base-selection__state-border'))
      const glow = /(rgba?\\([^)]+\\)) 0px 0px 0px (\\d+)px/.exec(s.boxShadow)
      const border = s.borderTopStyle === 'none' ? 0 : parseFloat(s.borderTopWidth)
      return { path, width: border + (glow ? Number(glow[2]) : 0), color: glow ? glow[1] : s.borderTopColor,
        background: behind(field.parentElement) }
    }
    // naive-ui's radio buttons hide the real <input>; a navigation link is ringed as its item.
    const owner = el.closest('.n-radio-button, .n-radio, .n-menu-item-content') || el
    // naive-ui paints a menu item's box as its ::before: the ring is drawn there.
    const s = getComputedStyle(owner, owner.matches('.n-menu-item-content') ? '::before' : null)
    // A ring drawn inside the box's edges (negative offset) is seen against the box's own
    // background, if it has one.
    const under = behind(owner.parentElement)
    const own = [s.backgroundColor].find((c) => c && c !== 'transparent' && !/^rgba\\(.*, 0\\)$/.test(c))
    // A translucent tint is seen blended over what is behind it.
    const blend = (top, bottom) => {
      const [t, b] = [top, bottom].map((c) => c.match(/[\\d.]+/g).map(Number))
      const al = t[3] ?? 1
      return 'rgb(' + [0, 1, 2].map((i) => Math.round(t[i] * al + b[i] * (1 - al))).join(', ') + ')'
    }
    const inset = parseFloat(s.outlineOffset) < 0
    return { path, width: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth), color: s.outlineColor,
      background: inset && own ? blend(own, under) : under }
  })()`)

/** Axe's critical and serious findings on the page as it is now, described; '' when none. */
async function axeFindings(p: Page, label: string): Promise<string> {
  const bad = (await axe(p)).filter((v) => v.impact === 'critical' || v.impact === 'serious')
  return bad.length ? describeViolations(label, bad) : ''
}

/** Opens Peers' Ban dialog on the first peer's row and waits for it to have faded in. */
async function openBanDialog(lang: Lang): Promise<void> {
  await openScreen('/peers', TEXT[lang].Peers)
  await page
    .getByRole('row')
    .getByRole('button', { name: TEXT[lang].ban, exact: true })
    .first()
    .click()
  await page.getByRole('dialog').waitFor({ timeout: TIMEOUT })
  await page.waitForTimeout(400)
}

async function closeBanDialog(): Promise<void> {
  await page.keyboard.press('Escape')
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: TIMEOUT })
}

/**
 * Opens the first-run screen or About from the navigation's buttons, as a user reopens them,
 * and waits for it to have faded in. (A fresh data dir opens the first-run screen by itself:
 * first-run.test.ts.) Escape closes it, as closeBanDialog does.
 */
async function openAppDialog(lang: Lang, which: 'welcome' | 'about'): Promise<void> {
  await openScreen('/', TEXT[lang].Dashboard)
  await page.getByRole('button', { name: TEXT[lang][which], exact: true }).click()
  const title = which === 'welcome' ? TEXT[lang].welcomeTitle : TEXT[lang].about
  await page.getByRole('dialog', { name: title }).waitFor({ timeout: TIMEOUT })
  await page.waitForTimeout(400)
}

/**
 * Tabs from `start` (focused first) through the page until focus comes back to a stop already
 * seen or leaves the page, and returns how many stops it saw and each whose ring is under 2 px or
 * 3:1 against what is behind it.
 */
async function ringlessStops(
  p: Page,
  label: string,
  start: () => Promise<void>
): Promise<{ visited: number; missing: string[] }> {
  await start()
  const visited = new Set<string>()
  const missing: string[] = []
  // The stop focused first is measured too (the skip link; the token page's field, which it
  // focuses on load), then each one Tab reaches.
  for (let i = 0; i < 60; i++) {
    if (i > 0) await p.keyboard.press('Tab')
    const f = await focusRing(p)
    if (!f || visited.has(f.path)) break
    visited.add(f.path)
    const ok = f.width >= 2 && f.color !== null && contrast(f.color, f.background) >= 3
    if (!ok) missing.push(`${label}: ${f.path} ${JSON.stringify(f)}`)
  }
  return { visited: visited.size, missing }
}

/**
 * The page a token-protected node serves a browser that did not bring the token
 * (src/main/http/token-page.ts), opened as a browser in `lang` with the system in `theme`:
 * that page follows Accept-Language and prefers-color-scheme, not the app's settings.
 */
async function withTokenPage<T>(
  lang: Lang,
  theme: 'light' | 'dark',
  query: string,
  use: (p: Page) => Promise<T>
): Promise<T> {
  const context = await browser.newContext({
    locale: lang,
    colorScheme: theme,
    viewport: { width: 1024, height: 768 }
  })
  try {
    const p = await context.newPage()
    await p.goto(`${a.url}/${query}`)
    await p.getByLabel(TEXT[lang].tokenLabel).waitFor({ timeout: TIMEOUT })
    return await use(p)
  } finally {
    await context.close()
  }
}

describe('accessibility (WCAG 2.1 AA)', () => {
  for (const lang of LANGS) {
    describe(`in ${LANG_NAME[lang]}`, () => {
      for (const theme of ['light', 'dark'] as const) {
        it(`has no critical or serious axe finding on any screen, the Ban dialog, the first-run screen, About or "page not found" in the ${theme} theme`, async () => {
          await setLanguage(lang)
          await setTheme(theme)
          const found: string[] = []
          for (const s of screens(lang)) {
            // The Mining screen as a user watches it: mining, with the hash-rate chart drawn.
            if (s.name === 'Mining') await callValue(a, 'startMining', 1)
            try {
              await openScreen(s.route, s.heading)
              if (s.name === 'Mining') {
                // The chart's text alternative gives the figures a sighted user reads off it.
                await page
                  .getByRole('img', { name: TEXT[lang].chart })
                  .waitFor({ timeout: TIMEOUT })
              }
              found.push(await axeFindings(page, `${s.name} (${lang}, ${theme})`))
            } finally {
              if (s.name === 'Mining') await callValue(a, 'stopMining')
            }
          }
          await openBanDialog(lang)
          found.push(await axeFindings(page, `Ban dialog (${lang}, ${theme})`))
          await closeBanDialog()
          // Peers with the lab's link faults in force: a link paused and slowed (its tags in the
          // peer table and the Link faults panel) and the node cut off (the panel's alert).
          await callValue(a, 'setLinkFault', b.url, {
            paused: true,
            latencyMs: 250,
            lossPercent: 10
          })
          await callValue(a, 'setIsolated', true)
          try {
            await openScreen('/peers', TEXT[lang].Peers)
            await page.getByTestId('fault-cut-off').waitFor({ timeout: TIMEOUT })
            found.push(await axeFindings(page, `Peers with link faults (${lang}, ${theme})`))
          } finally {
            await callValue(a, 'healAll')
          }
          for (const which of ['welcome', 'about'] as const) {
            await openAppDialog(lang, which)
            found.push(
              await axeFindings(
                page,
                `${which === 'welcome' ? 'First-run screen' : 'About'} (${lang}, ${theme})`
              )
            )
            await closeBanDialog()
          }
          expect(found.filter(Boolean).join('\n'), 'axe-core findings').toBe('')
        }, 120_000)

        it(`has no critical or serious axe finding on the token page a node without its token shows, in the ${theme} theme`, async () => {
          const found: string[] = []
          // As first opened, and after a wrong token (with its alert).
          for (const query of ['', '?token=not-the-token']) {
            found.push(
              await withTokenPage(lang, theme, query, (p) =>
                axeFindings(p, `token page ${query} (${lang}, ${theme})`)
              )
            )
          }
          expect(found.filter(Boolean).join('\n'), 'axe-core findings').toBe('')
        }, 60_000)

        it(`shows a focus ring of at least 3:1 on the focused navigation item in the ${theme} theme`, async () => {
          await setLanguage(lang)
          await setTheme(theme)
          await openScreen('/', TEXT[lang].Dashboard)
          // Keyboard focus, as a user tabbing in gets it: the skip link first, then the navigation,
          // whose first item is the current page's (drawn on a tinted background) and second is not.
          await page.locator('.skip-link').focus()
          for (const item of [TEXT[lang].Dashboard, TEXT[lang].Chain]) {
            await page.keyboard.press('Tab')
            const ring = await focusRing(page)
            expect(ring?.path, 'Tab reaches the navigation').toBe(`a|${item}|`)
            expect(ring!.width, `a ring on ${JSON.stringify(ring)}`).toBeGreaterThanOrEqual(2)
            expect(
              contrast(ring!.color!, ring!.background),
              JSON.stringify(ring)
            ).toBeGreaterThanOrEqual(3)
          }
          // The ring is the focus's own: with focus gone, the item has none.
          await page.evaluate('document.activeElement.blur()')
          const idle = await page.evaluate<string>(
            `getComputedStyle(document.querySelectorAll('nav .n-menu-item-content')[1], '::before').outlineStyle`
          )
          expect(idle).toBe('none')
        }, 60_000)

        it(`shows a focus ring of at least 3:1 on every tab stop of every screen, the Ban, first-run and About dialogs and the token page in the ${theme} theme`, async () => {
          await setLanguage(lang)
          await setTheme(theme)
          // Rings are measured as they end up, not halfway through naive-ui's 0.3 s fade-in.
          await page.addStyleTag({
            content: '*, *::before, *::after { transition: none !important; }'
          })
          const missing: string[] = []
          for (const s of screens(lang)) {
            await openScreen(s.route, s.heading)
            const r = await ringlessStops(page, `${s.name} (${lang}, ${theme})`, () =>
              page.locator('.skip-link').focus()
            )
            missing.push(...r.missing)
            expect(r.visited, `${s.name}: Tab reaches the screen's controls`).toBeGreaterThan(4)
          }
          // The dialog keeps focus inside it: Tab goes round its own controls.
          await openBanDialog(lang)
          const dialog = await ringlessStops(page, `Ban dialog (${lang}, ${theme})`, () =>
            page.getByRole('dialog').locator('input').first().focus()
          )
          missing.push(...dialog.missing)
          expect(dialog.visited, "Tab reaches the dialog's controls").toBeGreaterThanOrEqual(3)
          await closeBanDialog()
          for (const which of ['welcome', 'about'] as const) {
            await openAppDialog(lang, which)
            // Focus moved by the keyboard (a button focused by script after a click is not
            // :focus-visible): round the dialog's focus trap back to its first button.
            const d = await ringlessStops(page, `${which} dialog (${lang}, ${theme})`, async () => {
              await page.getByRole('dialog').getByRole('button').first().focus()
              await page.keyboard.press('Shift+Tab')
              await page.keyboard.press('Tab')
            })
            missing.push(...d.missing)
            // First run: two copy buttons and "Get started"; About: its Close button (naive-ui
            // keeps the card's × out of the tab order; Escape closes both).
            expect(d.visited, `Tab reaches the ${which} dialog's controls`).toBeGreaterThanOrEqual(
              which === 'welcome' ? 3 : 1
            )
            await closeBanDialog()
          }
          const token = await withTokenPage(lang, theme, '', (p) =>
            ringlessStops(p, `token page (${lang}, ${theme})`, () =>
              p.getByLabel(TEXT[lang].tokenLabel).focus()
            )
          )
          missing.push(...token.missing)
          expect(missing.join('\n'), 'tab stops without a visible focus ring').toBe('')
        }, 120_000)
      }

      it(`sets <html lang> to ${lang} and gives every page a title naming its screen, in ${LANG_NAME[lang]}`, async () => {
        await setLanguage(lang)
        const wrong: string[] = []
        for (const s of screens(lang)) {
          // The title is set as the screen mounts, before its heading is drawn.
          await visit(page, s.route)
          await page
            .getByRole('heading', { name: s.heading, exact: true, level: 1 })
            .waitFor({ timeout: TIMEOUT })
          const [htmlLang, title] = await page.evaluate<[string, string]>(
            '[document.documentElement.lang, document.title]'
          )
          if (htmlLang !== lang) wrong.push(`${s.name}: <html lang="${htmlLang}">`)
          const want = pageTitle(s.heading)
          if (title !== want)
            wrong.push(`${s.name}: title ${JSON.stringify(title)}, not ${JSON.stringify(want)}`)
        }
        await withTokenPage(lang, 'light', '', async (p) => {
          const [htmlLang, title] = await p.evaluate<[string, string]>(
            '[document.documentElement.lang, document.title]'
          )
          if (htmlLang !== lang) wrong.push(`token page: <html lang="${htmlLang}">`)
          if (title !== TEXT[lang].tokenTitle)
            wrong.push(`token page: title ${JSON.stringify(title)}`)
        })
        expect(wrong.join('\n')).toBe('')
      }, 60_000)

      it(`announces "${TEXT[lang].mined(0).replace(/0$/, 'N')}" through a live region that was there before the toast`, async () => {
        await setLanguage(lang)
        await setTheme('light')
        await openScreen('/mining', TEXT[lang].Mining)
        // Mark the live regions present now; a region created together with its message is not announced.
        const before = await page.evaluate<number>(`(() => {
          const rs = document.querySelectorAll('[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"]')
          rs.forEach((r) => r.setAttribute('data-a11y-before', ''))
          return rs.length
        })()`)
        expect(before).toBeGreaterThan(0)
        const next = (await callValue<{ index: number }>(a, 'getStatus')).index + 1
        await page.getByRole('button', { name: TEXT[lang].mineOnce }).click()
        const toast = page.getByText(TEXT[lang].mined(next), { exact: true })
        await toast.waitFor({ timeout: TIMEOUT })
        const region = await toast.evaluate((el) => {
          const r = el.closest('[aria-live], [role="status"], [role="alert"]')
          return (
            r && {
              before: r.hasAttribute('data-a11y-before'),
              live: r.getAttribute('aria-live') ?? r.getAttribute('role')
            }
          )
        })
        expect(region, 'the toast is inside a live region').not.toBeNull()
        expect(region!.before, 'the live region existed before the toast').toBe(true)
        expect(['polite', 'assertive', 'status', 'alert']).toContain(region!.live)
      }, 60_000)
    })
  }

  it('raised no page or console errors', () => {
    expect(errors).toEqual([])
  })
})
