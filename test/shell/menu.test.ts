/**
 * The application menu per platform, from its template (Electron's Menu is replaced by a
 * recorder: the binary cannot run here). Each platform gets the standard roles; the main screens
 * are on CmdOrCtrl+1..6 and ask the UI to show them; About, Getting Started, Open Log Folder,
 * Reset and the nodes without a window each reach their action; no shortcut is used twice.
 */
import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'

vi.mock('electron', () => ({ Menu: { buildFromTemplate: (t: unknown) => t } }))
const { menuTemplate, SCREEN_SHORTCUTS } = await import('../../src/main/shell/menu')

type Item = MenuItemConstructorOptions

function actions() {
  return {
    show: vi.fn(),
    startLocalNode: vi.fn(),
    resetNode: vi.fn(),
    openLogFolder: vi.fn(),
    reloadWindow: vi.fn(),
    openNodeWindow: vi.fn()
  }
}

function flat(items: readonly Item[]): Item[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])])
}

const byLabel = (items: readonly Item[], label: string): Item => {
  const found = flat(items).find((i) => i.label === label)
  if (!found) throw new Error(`no menu item ${label}`)
  return found
}

const click = (i: Item): void => (i.click as unknown as () => void)()

describe('menuTemplate', () => {
  it('has the standard menus of each platform', () => {
    const a = actions()
    const mac = menuTemplate(a, { platform: 'darwin', dev: false, windowless: [] })
    expect(mac.map((m) => m.role ?? m.label)).toEqual([
      'appMenu',
      'File',
      'editMenu',
      'View',
      'windowMenu',
      'help'
    ])
    for (const platform of ['win32', 'linux'] as const) {
      const t = menuTemplate(a, { platform, dev: false, windowless: [] })
      expect(t.map((m) => m.role ?? m.label)).toEqual([
        'File',
        'editMenu',
        'View',
        'windowMenu',
        'help'
      ])
      expect(flat(t).some((i) => i.role === 'quit')).toBe(true)
    }
    const appMenu = flat([mac[0]]).map((i) => i.role ?? i.label)
    expect(appMenu).toEqual(
      expect.arrayContaining([
        'About Blockforge',
        'services',
        'hide',
        'hideOthers',
        'unhide',
        'quit'
      ])
    )
  })

  it('shows the main screens on CmdOrCtrl+1..6', () => {
    const a = actions()
    const t = menuTemplate(a, { platform: 'linux', dev: false, windowless: [] })
    expect(SCREEN_SHORTCUTS.map((s) => s.accelerator)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `CmdOrCtrl+${n}`)
    )
    for (const s of SCREEN_SHORTCUTS) {
      const item = flat(t).find((i) => i.accelerator === s.accelerator)!
      click(item)
      expect(a.show).toHaveBeenLastCalledWith(s.target)
    }
    expect(a.show.mock.calls.map((c) => c[0])).toEqual([
      'dashboard',
      'chain',
      'wallet',
      'mining',
      'peers',
      'settings'
    ])
  })

  it('reaches About, Getting Started, the log folder, reset and another node', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const a = actions()
      const t = menuTemplate(a, { platform, dev: false, windowless: [] })
      click(byLabel(t, 'About Blockforge'))
      click(byLabel(t, 'Getting Started'))
      expect(a.show.mock.calls).toEqual([['about'], ['welcome']])
      click(byLabel(t, 'Open Log Folder'))
      click(byLabel(t, 'Reset This Node…'))
      click(byLabel(t, 'Start Another Local Node'))
      expect(a.openLogFolder).toHaveBeenCalledOnce()
      expect(a.resetNode).toHaveBeenCalledOnce()
      expect(a.startLocalNode).toHaveBeenCalledOnce()
    }
  })

  it('lists the nodes whose window was closed in the Window menu, to reopen them', () => {
    const a = actions()
    const none = menuTemplate(a, { platform: 'linux', dev: false, windowless: [] })
    expect(flat(none).some((i) => String(i.label).startsWith('Open Node'))).toBe(false)
    const t = menuTemplate(a, {
      platform: 'linux',
      dev: false,
      windowless: ['http://127.0.0.1:5000']
    })
    const windowMenu = t.find((m) => m.role === 'windowMenu')!
    const item = byLabel(windowMenu.submenu as Item[], 'Open Node http://127.0.0.1:5000')
    click(item)
    expect(a.openNodeWindow).toHaveBeenCalledWith('http://127.0.0.1:5000')
  })

  it('offers devtools only in development, and never uses a shortcut twice', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const dev of [false, true]) {
        const t = flat(
          menuTemplate(actions(), { platform, dev, windowless: ['http://127.0.0.1:1'] })
        )
        expect(t.some((i) => i.role === 'toggleDevTools')).toBe(dev)
        const keys = t.map((i) => i.accelerator).filter((k): k is string => typeof k === 'string')
        expect(new Set(keys).size).toBe(keys.length)
      }
    }
  })
})
