/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The UI at scale (issue #12), measured in Chromium on the browser transport (the built renderer
 * served by a headless node, as `npm run node` serves it), with the page's own clock and its
 * performance timeline (long tasks: main-thread tasks of 50 ms or more):
 *
 * - **Chain screen, 100,000 blocks.** From a click on "Chain" in the navigation (the Dashboard
 *   shown) to the first row of the block list drawn with a block in it, ROUNDS times, median
 *   and worst. Target: within 300 ms.
 * - **Scrolling it end to end.** The list's scroller moved from the tip to genesis in steps of
 *   one screen per animation frame, then back to the top; then every row in view waited for.
 *   Long tasks during it: count and the longest. Target: none over 50 ms.
 * - **The Dashboard while catching up.** A fresh node shown on the Dashboard adds a peer holding
 *   a 10,000-block chain and catches up. Measured in the page: events received (the node sends a
 *   summary per burst window, not one event per block), how often the height shown changed, the
 *   longest gap between two changes, and long tasks. The reference in the same run: the number of
 *   blocks, i.e. what one event per block would have been.
 *
 * The chains are the store bench's cached ones (bench/store.ts, built once into the temp folder).
 * `npx tsx bench/ui.ts` (or `npm run bench -- ui`) prints a table and one JSON line.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import {
  buildRenderer,
  callNode,
  cleanUpHarness,
  launchChromium,
  startHeadlessNode,
  tempUser,
  type TestNode
} from '../test/e2e/harness'
import { cachedChains } from './store'
import { median } from './stats'

const ROOT = resolve(import.meta.dirname, '..')
const ROUNDS = 7

/** Installed before the UI's own scripts: long tasks and the events the page receives. */
const PROBE = `
  // tsx (esbuild keepNames) wraps the functions this script hands to page.evaluate in __name().
  window.__name = (f) => f;
  window.__bf = { longtasks: [], events: 0 };
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__bf.longtasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const ES = window.EventSource;
  window.EventSource = class extends ES {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', () => { window.__bf.events++ });
    }
  };
`

interface LongTasks {
  count: number
  maxMs: number
}

async function longTasksSince(page: Page, since: number): Promise<LongTasks> {
  return page.evaluate((t) => {
    const all = (
      window as unknown as { __bf: { longtasks: { start: number; ms: number }[] } }
    ).__bf.longtasks.filter((e) => e.start >= t)
    return { count: all.length, maxMs: Math.max(0, ...all.map((e) => e.ms)) }
  }, since)
}

/** Milliseconds from a click on the nav link to `selector` being in the page (polled per frame). */
async function clickUntil(page: Page, linkHref: string, selector: string): Promise<number> {
  return page.evaluate(
    async ({ href, sel }) => {
      const link = [...document.querySelectorAll('a')].find((a) => a.getAttribute('href') === href)
      if (!link) throw new Error(`no link to ${href}`)
      const t0 = performance.now()
      link.click()
      await new Promise<void>((res, rej) => {
        const give = setTimeout(() => rej(new Error(`${sel} not shown in 30 s`)), 30_000)
        const check = (): void => {
          if (document.querySelector(sel)) {
            clearTimeout(give)
            res()
          } else requestAnimationFrame(check)
        }
        check()
      })
      return performance.now() - t0
    },
    { href: linkHref, sel: selector }
  )
}

/** Rows of the block list drawn with a block in them (not the loading skeleton). */
const FILLED_ROW = '.scroller [role="row"] [role="cell"].num'

async function chainScreen(page: Page): Promise<Record<string, number>> {
  const firstRows: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    await clickUntil(page, '#/', '[data-testid="stats"]')
    firstRows.push(await clickUntil(page, '#/chain', FILLED_ROW))
  }
  // Scroll from the tip to genesis a screen per frame, and back up, then wait for filled rows.
  // BF_UI_PROFILE=<file.cpuprofile>: Chromium's CPU profile of the scroll (open it in DevTools).
  const cdp = process.env.BF_UI_PROFILE ? await page.context().newCDPSession(page) : undefined
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const t0 = await page.evaluate(() => performance.now())
  const scroll = await page.evaluate(async (filled) => {
    const s = document.querySelector<HTMLElement>('.scroller')
    if (!s) throw new Error('no scroller')
    const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()))
    const start = performance.now()
    let frames = 0
    for (let y = 0; y < s.scrollHeight; y += s.clientHeight) {
      s.scrollTop = y
      frames++
      await frame()
    }
    s.scrollTop = s.scrollHeight
    await frame()
    const bottomAt = performance.now()
    // At genesis: wait for its rows to be drawn with blocks.
    while (!s.querySelector(filled) || s.querySelector('.skeleton')) await frame()
    const filledAt = performance.now()
    for (let y = s.scrollHeight; y > 0; y -= 20 * s.clientHeight) {
      s.scrollTop = y
      frames++
      await frame()
    }
    s.scrollTop = 0
    while (!s.querySelector(filled) || s.querySelector('.skeleton')) await frame()
    const lastIndex = Number(s.querySelector(filled)?.textContent?.replace(/[^0-9]/g, '') ?? 'NaN')
    return {
      frames,
      downMs: bottomAt - start,
      genesisFilledMs: filledAt - bottomAt,
      totalMs: performance.now() - start,
      topIndex: lastIndex
    }
  }, FILLED_ROW)
  const lt = await longTasksSince(page, t0)
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(process.env.BF_UI_PROFILE!, JSON.stringify(profile))
  }
  return {
    chain_first_rows_median_ms: median(firstRows),
    chain_first_rows_worst_ms: Math.max(...firstRows),
    chain_scroll_frames: scroll.frames,
    chain_scroll_total_ms: scroll.totalMs,
    chain_scroll_genesis_rows_ms: scroll.genesisFilledMs,
    chain_scroll_longtasks: lt.count,
    chain_scroll_longest_task_ms: lt.maxMs,
    chain_top_index_after_scroll: scroll.topIndex
  }
}

async function dashboardWhileCatchingUp(
  page: Page,
  node: TestNode,
  peer: TestNode,
  blocks: number
): Promise<Record<string, number>> {
  await clickUntil(page, '#/', '[data-testid="stats"]')
  const t0 = await page.evaluate(() => {
    const bf = (window as unknown as { __bf: { events: number; heights: number[] } }).__bf
    bf.events = 0
    bf.heights = []
    // The tip tile ('#1,234'): record when its text changes.
    const tip = [...document.querySelectorAll('[data-testid="stats"] .value')].find((v) =>
      v.textContent?.startsWith('#')
    )!
    new MutationObserver(() => bf.heights.push(performance.now())).observe(tip, {
      subtree: true,
      characterData: true,
      childList: true
    })
    return performance.now()
  })
  const added = (await callNode(node, 'addPeer', peer.url)) as { ok: boolean; message?: string }
  if (!added.ok) throw new Error(`addPeer: ${added.message}`)
  const target = String(blocks + 1)
  await page.waitForFunction(
    (want) =>
      [...document.querySelectorAll('[data-testid="stats"] .value')].some(
        (v) => v.textContent?.startsWith('#') && v.textContent.replace(/[^0-9]/g, '') === want
      ),
    target,
    { timeout: 120_000, polling: 50 }
  )
  const r = await page.evaluate((start) => {
    const bf = (window as unknown as { __bf: { events: number; heights: number[] } }).__bf
    const h = [start, ...bf.heights]
    let gap = 0
    for (let i = 1; i < h.length; i++) gap = Math.max(gap, h[i] - h[i - 1])
    return { events: bf.events, changes: bf.heights.length, ms: performance.now() - start, gap }
  }, t0)
  const lt = await longTasksSince(page, t0)
  return {
    catchup_blocks: blocks,
    catchup_ms: r.ms,
    catchup_events_received: r.events,
    catchup_events_per_block: r.events / blocks,
    catchup_dashboard_updates: r.changes,
    catchup_dashboard_longest_gap_ms: r.gap,
    catchup_longtasks: lt.count,
    catchup_longest_task_ms: lt.maxMs
  }
}

export async function runUiBench(): Promise<Record<string, number>> {
  const { mid, long } = cachedChains()
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/build-headless.mjs'), '--if-stale'],
    {
      stdio: 'inherit'
    }
  )
  if (build.status !== 0) throw new Error('building the headless node failed')
  const uiDir = buildRenderer()
  const work = mkdtempSync(join(tmpdir(), 'bf-bench-ui-'))
  const user = tempUser()
  const peerUser = tempUser()
  const nodes: TestNode[] = []
  const browser = await launchChromium()
  try {
    // The 100,000-block chain, copied: the node writes to its data dir.
    cpSync(long, join(user.configRoot, 'regtest'), { recursive: true })
    const big = await startHeadlessNode('big', user.configRoot, uiDir, {
      user,
      profile: 'regtest'
    })
    nodes.push(big)
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    await context.addInitScript(PROBE)
    const page = await context.newPage()
    await page.goto(big.uiUrl)
    await page.waitForSelector('[data-testid="stats"]')
    const chain = await chainScreen(page)
    await context.close()

    // A fresh node on the Dashboard catching up with the 10,000-block chain.
    cpSync(mid, join(peerUser.configRoot, 'regtest'), { recursive: true })
    const peer = await startHeadlessNode('peer', peerUser.configRoot, uiDir, {
      user: peerUser,
      profile: 'regtest'
    })
    nodes.push(peer)
    const fresh = await startHeadlessNode('fresh', join(work, 'home'), uiDir)
    nodes.push(fresh)
    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    await ctx2.addInitScript(PROBE)
    const page2 = await ctx2.newPage()
    await page2.goto(fresh.uiUrl)
    await page2.waitForSelector('[data-testid="stats"]')
    const peerTip = (await (await fetch(`${peer.url}/status`)).json()) as { index: number }
    const catchUp = await dashboardWhileCatchingUp(page2, fresh, peer, peerTip.index - 1)
    await ctx2.close()
    return { ...chain, ...catchUp }
  } finally {
    await browser.close()
    await Promise.allSettled(nodes.map((n) => n.stop()))
    user.remove()
    peerUser.remove()
    rmSync(work, { recursive: true, force: true })
    cleanUpHarness()
  }
}

function print(r: Record<string, number>): void {
  const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 0))
  console.log('\nChain screen, 100,000-block chain')
  console.log(
    `  click → first rows: median ${f(r.chain_first_rows_median_ms)} ms, worst ${f(r.chain_first_rows_worst_ms)} ms (target ≤ 300 ms)`
  )
  console.log(
    `  scroll tip → genesis → tip in ${f(r.chain_scroll_frames)} frames, ${f(r.chain_scroll_total_ms)} ms; long tasks ${f(r.chain_scroll_longtasks)}, longest ${f(r.chain_scroll_longest_task_ms)} ms (target: none over 50 ms)`
  )
  console.log(`Dashboard while catching up ${f(r.catchup_blocks)} blocks`)
  console.log(
    `  caught up in ${f(r.catchup_ms)} ms; ${f(r.catchup_events_received)} events received (${r.catchup_events_per_block.toFixed(3)} per block); height shown changed ${f(r.catchup_dashboard_updates)} times, longest gap ${f(r.catchup_dashboard_longest_gap_ms)} ms; long tasks ${f(r.catchup_longtasks)}, longest ${f(r.catchup_longest_task_ms)} ms`
  )
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runUiBench()
    .then((r) => {
      print(r)
      console.log(JSON.stringify(r))
    })
    .catch((e) => {
      console.error(e)
      process.exit(1)
    })
}
