/**
 * Accessibility end to end (WCAG 2.1 AA), in Chromium against two real headless regtest nodes:
 * axe-core on every screen in the light and the dark theme with zero critical or serious
 * findings, a visible focus ring on the navigation, and toasts announced through a live region
 * that is in the page before the toast is. The nodes hold blocks, a confirmed and a pending
 * transfer and a peer, so every screen shows real content rather than its empty state.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
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
// Injected with page.evaluate (DevTools' Runtime.evaluate), which the page's CSP
// (`script-src 'self'`) does not govern, unlike an inline <script> tag.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let home: string
let a: TestNode
let b: TestNode
let browser: Browser
let page: Page
const errors: string[] = []
const seen = { blockHash: '', blockIndex: 0, txId: '', addressB: '' }

/** The UI API answers ApiResult values for actions and bare values for reads. */
async function call<T>(node: TestNode, method: string, ...args: unknown[]): Promise<T> {
  const r = (await callNode(node, method, ...args)) as { ok?: boolean; value?: T; message?: string }
  if (r && typeof r === 'object' && 'ok' in r) {
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r)}`)
    return r.value as T
  }
  return r as T
}

beforeAll(async () => {
  const ui = buildRenderer()
  home = mkdtempSync(join(tmpdir(), 'bf-e2e-a11y-home-'))
  ;[a, b] = await Promise.all([startHeadlessNode('a11y-a', home, ui), startHeadlessNode('a11y-b', home, ui)])
  await call(a, 'addPeer', b.url)
  await call(a, 'mineOnce')
  await call(a, 'mineOnce')
  seen.addressB = (await call<{ address: string }>(b, 'getWallet')).address
  seen.txId = (await call<{ id: string }>(a, 'sendTransaction', { recipient: seen.addressB, amount: 10, fee: 1 })).id
  const block = await call<{ hash: string; index: number }>(a, 'mineOnce')
  seen.blockHash = block.hash
  seen.blockIndex = block.index
  // One transfer left pending, so the pool and the wallet's pending list are not empty.
  await call(a, 'sendTransaction', { recipient: seen.addressB, amount: 2, fee: 1 })
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
          .map((n) => `    ${n.target.join(' ')}  ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
          .join('\n')
    )
    .join('\n')
}

/** The screens and the level-1 heading each shows once it has loaded. */
const screens = () => [
  { name: 'Dashboard', route: '/', heading: 'Dashboard' },
  { name: 'Chain', route: '/chain', heading: 'Chain' },
  { name: 'Block', route: `/block/${seen.blockHash}`, heading: `Block ${seen.blockIndex}` },
  { name: 'Transaction', route: `/tx/${seen.txId}`, heading: 'Transaction' },
  { name: 'Address', route: `/address/${seen.addressB}`, heading: 'Address' },
  { name: 'Wallet', route: '/wallet', heading: 'Wallet' },
  { name: 'Mining', route: '/mining', heading: 'Mining' },
  { name: 'Peers', route: '/peers', heading: 'Peers' },
  { name: 'Settings', route: '/settings', heading: 'Settings' }
]

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await call(a, 'updateSettings', { theme })
  const want = theme === 'light' ? 'rgb(255, 255, 255)' : undefined
  await expect
    .poll(() => page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), { timeout: TIMEOUT })
    .toSatisfy((bg: string) => (want ? bg === want : bg !== 'rgb(255, 255, 255)'))
}

async function openScreen(route: string, heading: string): Promise<void> {
  await visit(page, route)
  await page.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor({ timeout: TIMEOUT })
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
  const [r, g, b, al] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number)
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

describe('accessibility (WCAG 2.1 AA)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no critical or serious axe finding on any screen in the ${theme} theme`, async () => {
      await setTheme(theme)
      const found: string[] = []
      for (const s of screens()) {
        // The Mining screen as a user watches it: mining, with the hash-rate chart drawn.
        if (s.name === 'Mining') await call(a, 'startMining', 1)
        try {
          await openScreen(s.route, s.heading)
          if (s.name === 'Mining') {
            // The chart's text alternative gives the figures a sighted user reads off it.
            const chart = page.getByRole('img', { name: /^Line chart of the hash rate over the last \d+ samples: now .*H\/s, highest .*H\/s$/ })
            await chart.waitFor({ timeout: TIMEOUT })
          }
          const bad = (await axe(page)).filter((v) => v.impact === 'critical' || v.impact === 'serious')
          if (bad.length) found.push(describeViolations(`${s.name} (${theme})`, bad))
        } finally {
          if (s.name === 'Mining') await call(a, 'stopMining')
        }
      }
      expect(found.join('\n'), 'axe-core findings').toBe('')
    }, 120_000)

    it(`shows a focus ring of at least 3:1 on the focused navigation item in the ${theme} theme`, async () => {
      await setTheme(theme)
      await openScreen('/', 'Dashboard')
      // Keyboard focus, as a user tabbing in gets it: the skip link first, then the navigation,
      // whose first item is the current page's (drawn on a tinted background) and second is not.
      await page.locator('.skip-link').focus()
      for (const item of ['Dashboard', 'Chain']) {
        await page.keyboard.press('Tab')
        const ring = await focusRing(page)
        expect(ring?.path, 'Tab reaches the navigation').toBe(`a|${item}|`)
        expect(ring!.width, `a ring on ${JSON.stringify(ring)}`).toBeGreaterThanOrEqual(2)
        expect(contrast(ring!.color!, ring!.background), JSON.stringify(ring)).toBeGreaterThanOrEqual(3)
      }
      // The ring is the focus's own: with focus gone, the item has none.
      await page.evaluate('document.activeElement.blur()')
      const idle = await page.evaluate<string>(
        `getComputedStyle(document.querySelectorAll('nav .n-menu-item-content')[1], '::before').outlineStyle`
      )
      expect(idle).toBe('none')
    }, 60_000)
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`shows a focus ring of at least 3:1 on every tab stop of every screen in the ${theme} theme`, async () => {
      await setTheme(theme)
      // Rings are measured as they end up, not halfway through naive-ui's 0.3 s fade-in.
      await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; }' })
      const missing: string[] = []
      for (const s of screens()) {
        await openScreen(s.route, s.heading)
        await page.locator('.skip-link').focus()
        const visited = new Set<string>()
        for (let i = 0; i < 60; i++) {
          await page.keyboard.press('Tab')
          const f = await focusRing(page)
          if (!f || visited.has(f.path)) break
          visited.add(f.path)
          const ok = f.width >= 2 && f.color !== null && contrast(f.color, f.background) >= 3
          if (!ok) missing.push(`${s.name} (${theme}): ${f.path} ${JSON.stringify(f)}`)
        }
        expect(visited.size, `${s.name}: Tab reaches the screen's controls`).toBeGreaterThan(3)
      }
      expect(missing.join('\n'), 'tab stops without a visible focus ring').toBe('')
    }, 120_000)
  }

  it('announces "Mined block N" through a live region that was there before the toast', async () => {
    await setTheme('light')
    await openScreen('/mining', 'Mining')
    // Mark the live regions present now; a region created together with its message is not announced.
    const before = await page.evaluate<number>(`(() => {
      const rs = document.querySelectorAll('[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"]')
      rs.forEach((r) => r.setAttribute('data-a11y-before', ''))
      return rs.length
    })()`)
    expect(before).toBeGreaterThan(0)
    const next = (await call<{ index: number }>(a, 'getStatus')).index + 1
    await page.getByRole('button', { name: 'Mine one block' }).click()
    const toast = page.getByText(`Mined block ${next}`, { exact: true })
    await toast.waitFor({ timeout: TIMEOUT })
    const region = await toast.evaluate((el) => {
      const r = el.closest('[aria-live], [role="status"], [role="alert"]')
      return r && { before: r.hasAttribute('data-a11y-before'), live: r.getAttribute('aria-live') ?? r.getAttribute('role') }
    })
    expect(region, 'the toast is inside a live region').not.toBeNull()
    expect(region!.before, 'the live region existed before the toast').toBe(true)
    expect(['polite', 'assertive', 'status', 'alert']).toContain(region!.live)
  }, 60_000)

  it('raised no page or console errors', () => {
    expect(errors).toEqual([])
  })
})
