/**
 * The Electron shell's main module (src/main/index.ts) run for real, its nodes real (regtest, real
 * SQLite in a temp config root, real HTTP), with `electron` replaced by a recorder that plays
 * Electron's part (fake-electron.ts): the binary cannot be had here. What this shows is the
 * shell's own order and decisions: per-profile folders set before `ready`; a start-up failure
 * shown in an error box after `ready`, then exit 1; "Start another local node" over the HTTP UI
 * API and over IPC opening an in-process node with a window; getAppInfo with the log folder; a
 * crashed renderer reloaded, then an error page; the menu's screens, About and log folder; reset
 * with confirmation; a closed first window reopened from the Window menu; the dev-server URL
 * ignored when packaged; quitting closes every node.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { API_METHODS, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../src/shared/api'
import { DB_FILE } from '../../src/main/store/sqlite-store'
import { fileUrl, RENDERER_INDEX } from '../../src/main/shell/renderer-location'
import { http, waitFor } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

vi.mock('electron', async () => await import('./fake-electron'))
// Built-only imports (electron-vite): under vitest the engine's default, worker.ts under tsx.
vi.mock('../../src/main/miner/worker?modulePath', () => ({ default: undefined }))
vi.mock('../../src/main/p2p/verify-worker?modulePath', () => ({ default: undefined }))

type Fake = typeof import('./fake-electron')
type Item = MenuItemConstructorOptions

const argv = process.argv
const env = { ...process.env }
let fake: Fake | undefined
let root: ReturnType<typeof tempDir>

beforeEach(() => {
  root = tempDir('bf-app-')
  process.env.BLOCKFORGE_HOME = root.path
})

afterEach(async () => {
  if (fake && fake.recorded.exitCode === undefined) {
    fake.app.quit()
    await fake.control.exited()
  }
  fake = undefined
  process.argv = argv
  process.env = { ...env }
  vi.unstubAllEnvs()
  root.remove()
})

/** Load the shell's main module afresh, as Electron would, with these flags. */
async function launch(flags: string[], opts: { packaged?: boolean } = {}): Promise<Fake> {
  vi.resetModules()
  fake = (await import('electron')) as unknown as Fake
  fake.control.reset()
  fake.app.isPackaged = opts.packaged ?? false
  process.argv = ['/opt/Blockforge/blockforge', ...flags]
  await import('../../src/main/index')
  return fake
}

const regtest = ['--network', 'regtest', '--port', '0', '--threads', '1']

async function launchReady(flags = regtest, opts: { packaged?: boolean } = {}): Promise<Fake> {
  const f = await launch(flags, opts)
  f.control.emitReady()
  await waitFor(() => f.recorded.windows.length === 1, 'the first window')
  return f
}

function flat(items: readonly Item[]): Item[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])])
}

function menuItem(f: Fake, label: string): Item {
  const item = flat(f.recorded.menus.at(-1) as Item[]).find((i) => i.label === label)
  if (!item) throw new Error(`no menu item ${label}`)
  return item
}

const click = (i: Item): void => (i.click as unknown as () => void)()

/** Call an API method over IPC as the window's page would. */
function ipc(
  f: Fake,
  win: InstanceType<Fake['FakeWindow']>,
  method: string,
  ...args: unknown[]
): Promise<unknown> {
  const handler = f.recorded.channels.get(IPC_PREFIX + method)!
  return Promise.resolve(
    handler(
      { sender: win.webContents, senderFrame: { parent: null, url: win.webContents.url } },
      ...args
    )
  )
}

async function nodeUrl(f: Fake, win = f.recorded.windows[0]): Promise<string> {
  return ((await ipc(f, win, 'getStatus')) as { url: string }).url
}

describe('start-up', () => {
  it('sets per-profile folders before ready, then opens the window on our page with the menu and IPC', async () => {
    const f = await launch(regtest)
    const profile = join(root.path, 'profiles', 'regtest')
    expect(f.recorded.paths).toEqual([
      { name: 'userData', path: profile, beforeReady: true },
      { name: 'sessionData', path: join(profile, 'session'), beforeReady: true },
      { name: 'crashDumps', path: join(profile, 'Crashpad'), beforeReady: true }
    ])
    expect(f.recorded.logsPath).toBe(join(profile, 'logs'))
    expect(f.recorded.sandboxEnabled).toBe(true)
    expect(f.recorded.windows).toHaveLength(0)

    f.control.emitReady()
    await waitFor(() => f.recorded.windows.length === 1, 'the first window')
    const win = f.recorded.windows[0]
    expect(win.webContents.loaded).toEqual([fileUrl(RENDERER_INDEX)])
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false
    })
    expect([...f.recorded.channels.keys()].sort()).toEqual(
      API_METHODS.map((m) => IPC_PREFIX + m).sort()
    )
    expect(f.recorded.menus.length).toBeGreaterThan(0)

    const info = (await ipc(f, win, 'getAppInfo')) as { logDir: string; dataDir: string }
    expect(info.logDir).toBe(join(profile, 'logs'))
    expect(info.dataDir).toBe(join(root.path, 'regtest'))
    // The log file holds the start-up lines logged before the profile was known, and what follows.
    const log = readFileSync(join(profile, 'logs', 'main.log'), 'utf8')
    expect(log).toContain('app started')
    expect(log.indexOf('app started')).toBeGreaterThan(0)
  })

  it('a node that cannot start: an error box after ready (not before), no window, exit 1', async () => {
    const file = join(root.path, 'not-a-folder')
    writeFileSync(file, 'x')
    const f = await launch([...regtest, '--data-dir', file])
    expect(f.recorded.errorBoxes).toEqual([])
    expect(f.recorded.paths).toEqual([])
    f.control.emitReady()
    expect(await f.control.exited()).toBe(1)
    expect(f.recorded.errorBoxes).toHaveLength(1)
    expect(f.recorded.errorBoxes[0]).toMatchObject({
      title: 'Blockforge could not start its node',
      beforeReady: false
    })
    expect(f.recorded.errorBoxes[0].content).toContain('is not a folder')
    expect(f.recorded.windows).toHaveLength(0)
  })

  it('a packaged app ignores ELECTRON_RENDERER_URL: it loads its own page and trusts only that', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://127.0.0.1:9/')
    const f = await launchReady(regtest, { packaged: true })
    const win = f.recorded.windows[0]
    expect(win.webContents.loaded).toEqual([fileUrl(RENDERER_INDEX)])
    const handler = f.recorded.channels.get(IPC_PREFIX + 'getStatus')!
    expect(() =>
      handler({
        sender: win.webContents,
        senderFrame: { parent: null, url: 'http://127.0.0.1:9/' }
      })
    ).toThrow('forbidden')
  })

  it('unpackaged, the dev server URL is loaded and trusted', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://127.0.0.1:9/')
    const f = await launchReady(regtest)
    expect(f.recorded.windows[0].webContents.loaded).toEqual(['http://127.0.0.1:9/'])
  })
})

describe('another local node', () => {
  it('over the HTTP UI API and over IPC: started in this process, each with its own window', async () => {
    const f = await launchReady()
    const url = await nodeUrl(f)
    const r = await http(url, '/api/ui/startLocalNode', { body: { args: [] } })
    expect(r.body).toMatchObject({ ok: true, value: { connected: true } })
    await waitFor(() => f.recorded.windows.length === 2, 'a second window')
    const second = (r.body as { value: { url: string } }).value.url
    expect(await nodeUrl(f, f.recorded.windows[1])).toBe(second)
    expect(existsSync(join(root.path, 'regtest-2', DB_FILE))).toBe(true)

    const viaIpc = (await ipc(f, f.recorded.windows[0], 'startLocalNode')) as { ok: boolean }
    expect(viaIpc.ok).toBe(true)
    expect(f.recorded.windows).toHaveLength(3)
  })

  it('closing a second window closes its node; closing the first keeps it, listed in the Window menu to reopen', async () => {
    const f = await launchReady()
    const firstUrl = await nodeUrl(f)
    click(menuItem(f, 'Start Another Local Node'))
    await waitFor(() => f.recorded.windows.length === 2, 'a second window')
    const [first, second] = f.recorded.windows
    const secondUrl = await nodeUrl(f, second)

    first.destroy()
    expect(() => menuItem(f, `Open Node ${firstUrl}`)).not.toThrow()
    expect((await http(firstUrl, '/status')).status).toBe(200)
    click(menuItem(f, `Open Node ${firstUrl}`))
    expect(f.recorded.windows).toHaveLength(3)
    expect(await nodeUrl(f, f.recorded.windows[2])).toBe(firstUrl)
    expect(() => menuItem(f, `Open Node ${firstUrl}`)).toThrow()

    second.destroy()
    await waitFor(
      async () =>
        await fetch(secondUrl + '/status').then(
          () => false,
          () => true
        ),
      'the second node closed'
    )
  })
})

describe('the window', () => {
  it('reloads a crashed page, and after repeated crashes shows the error page', async () => {
    const f = await launchReady()
    const win = f.recorded.windows[0]
    const page = fileUrl(RENDERER_INDEX)
    for (let i = 0; i < 3; i++)
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
    expect(win.webContents.loaded).toEqual([page, page, page, page])
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
    expect(win.webContents.loaded.at(-1)).toMatch(/^data:text\/html/)
    click(menuItem(f, 'Reload Window'))
    expect(win.webContents.loaded.at(-1)).toBe(page)
  })

  it('the menu shows screens and About in the window, and opens the log folder', async () => {
    const f = await launchReady()
    const win = f.recorded.windows[0]
    click(menuItem(f, 'Wallet'))
    click(menuItem(f, 'About Blockforge'))
    const shows = win.webContents.sent.filter(
      ([c, e]) => c === IPC_EVENT_CHANNEL && (e as { type: string }).type === 'show'
    )
    expect(shows.map(([, e]) => e)).toEqual([
      { type: 'show', target: 'wallet' },
      { type: 'show', target: 'about' }
    ])
    click(menuItem(f, 'Open Log Folder'))
    await waitFor(() => f.recorded.opened.length === 1, 'the log folder opened')
    expect(f.recorded.opened).toEqual([join(root.path, 'profiles', 'regtest', 'logs')])
  })
})

describe('Reset This Node…', () => {
  it('does nothing when cancelled; when confirmed, restarts the node on its port with a fresh chain and the same wallet', async () => {
    const f = await launchReady()
    const win = f.recorded.windows[0]
    const url = await nodeUrl(f)
    expect((await http(url, '/mine')).status).toBe(200)
    const before = (await ipc(f, win, 'getStatus')) as { index: number; walletAddress: string }
    expect(before.index).toBe(2)

    f.recorded.messageBoxAnswer = { response: 0, checkboxChecked: true }
    click(menuItem(f, 'Reset This Node…'))
    await waitFor(() => f.recorded.messageBoxes.length === 1, 'the confirmation')
    expect(f.recorded.messageBoxes[0]).toMatchObject({
      checkboxLabel: 'Also delete the wallet',
      checkboxChecked: false,
      cancelId: 0
    })
    expect(((await ipc(f, win, 'getStatus')) as { index: number }).index).toBe(2)

    f.recorded.messageBoxAnswer = { response: 1, checkboxChecked: false }
    click(menuItem(f, 'Reset This Node…'))
    await waitFor(() => win.webContents.loaded.length === 2, 'the window reloaded')
    const after = (await ipc(f, win, 'getStatus')) as {
      index: number
      walletAddress: string
      url: string
    }
    expect(after).toMatchObject({ index: 1, walletAddress: before.walletAddress, url })
    expect(((await http(url, '/status')).body as { index: number }).index).toBe(1)
    expect(f.recorded.errorBoxes).toEqual([])
  })
})

describe('quitting', () => {
  it('closes every node, then exits 0', async () => {
    const f = await launchReady()
    const url = await nodeUrl(f)
    f.app.quit()
    expect(await f.control.exited()).toBe(0)
    await expect(fetch(url + '/status')).rejects.toThrow()
  })
})
