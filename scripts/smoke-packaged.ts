/**
 * Launches the packaged app (what an installer puts on disk) with Playwright's Electron support and
 * checks that its window shows the dashboard of a running node; CI runs it on Linux under xvfb
 * after electron-builder (.github/workflows/release.yml). Electron cannot be downloaded where this
 * project is developed, so this is the one run of the real app with app.asar:
 *
 *   npx tsx scripts/smoke-packaged.ts [dist/linux-unpacked/blockforge] [--screenshot <file.png>]
 *
 * What it shows, step by step: the app starts from app.asar (packaged, ESM main), opens its window
 * with the preload's API, creates the wallet and shows the first-run screen on a fresh profile,
 * then the dashboard of a regtest node answering over HTTP; one block mined through the UI API
 * runs the miner's worker thread from inside app.asar and writes it with better-sqlite3 from
 * app.asar.unpacked; closing the app stops its node.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import { findFreePort } from '../src/main/app/launch'

const ROOT = resolve(import.meta.dirname, '..')
const TIMEOUT = 60_000

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function defaultExecutable(): string {
  if (process.platform === 'win32') return join(ROOT, 'dist/win-unpacked/Blockforge.exe')
  if (process.platform === 'darwin') {
    const dir = process.arch === 'arm64' ? 'mac-arm64' : 'mac'
    return join(ROOT, `dist/${dir}/Blockforge.app/Contents/MacOS/Blockforge`)
  }
  return join(ROOT, 'dist/linux-unpacked/blockforge')
}

function check(ok: unknown, what: string): void {
  if (!ok) throw new Error(`smoke: ${what}`)
  console.log(`ok  ${what}`)
}

interface Status {
  network: string
  index: number
  url: string
  dataDir: string
  walletAddress: string
}

async function api<T>(page: Page, call: string): Promise<T> {
  // A string: this file is type-checked without the DOM library, and window.api is the preload's.
  return (await page.evaluate(`window.api.${call}`)) as T
}

async function main(): Promise<void> {
  const positional = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--screenshot')
  const executablePath = resolve(positional[0] ?? defaultExecutable())
  const screenshot = arg('--screenshot')
  // A user's per-user folders, fresh: the first run is a first run.
  const home = mkdtempSync(join(tmpdir(), 'bf-smoke-'))
  const dataDir = join(home, 'node')
  const port = await findFreePort('127.0.0.1')
  const errors: string[] = []
  let app: ElectronApplication | undefined
  try {
    app = await electron.launch({
      executablePath,
      args: ['--network', 'regtest', '--port', String(port), '--data-dir', dataDir],
      env: {
        ...process.env,
        BLOCKFORGE_HOME: join(home, 'config'),
        XDG_CONFIG_HOME: join(home, 'xdg')
      },
      timeout: TIMEOUT
    })
    const proc = app.process()
    proc.stderr?.on('data', (d: Buffer) => process.stderr.write(d))

    const packaged = await app.evaluate(({ app: a }) => ({
      packaged: a.isPackaged,
      path: a.getAppPath()
    }))
    check(
      packaged.packaged && /app\.asar$/.test(packaged.path),
      `runs packaged from app.asar (${packaged.path})`
    )

    const page = await app.firstWindow({ timeout: TIMEOUT })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    page.setDefaultTimeout(TIMEOUT)

    // First run: the welcome screen with the new wallet's address, closed by its one button.
    await page.getByTestId('welcome-close').waitFor()
    check(true, 'the first-run screen shows on a fresh profile')
    await page.getByTestId('welcome-close').click()

    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor()
    check(true, 'the window shows the dashboard')
    const status = await api<Status>(page, 'getStatus()')
    check(
      status.network === 'regtest' && status.dataDir === dataDir,
      `the node runs on regtest in ${status.dataDir}`
    )
    check(status.url.endsWith(`:${port}`), `the node listens on ${status.url}`)
    const res = await fetch(`${status.url}/status`)
    check(res.ok, `GET ${status.url}/status answers ${res.status}`)
    await page.getByTestId('stats').getByText(`#${status.index}`, { exact: true }).waitFor()
    check(true, `the dashboard shows the tip #${status.index}`)

    const mined = await api<{ ok: boolean; value?: { index: number }; message?: string }>(
      page,
      'mineOnce()'
    )
    check(
      mined.ok,
      `mines a block in a worker thread loaded from app.asar (${mined.ok ? `#${mined.value!.index}` : mined.message})`
    )
    await page
      .getByTestId('stats')
      .getByText(`#${status.index + 1}`, { exact: true })
      .waitFor()
    check(true, `the dashboard shows the new tip #${status.index + 1}`)

    if (screenshot) {
      mkdirSync(dirname(resolve(screenshot)), { recursive: true })
      await page.screenshot({ path: screenshot })
    }
    check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`)

    const exited = new Promise<void>((r) => proc.once('exit', () => r()))
    await app.close()
    await exited
    app = undefined
    const after = await fetch(`${status.url}/status`).then(
      () => 'still answering',
      () => 'stopped'
    )
    check(after === 'stopped', 'closing the app stops its node')
  } finally {
    await app?.close().catch(() => undefined)
    rmSync(home, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
