/**
 * The application menu, with each platform's standard roles: the app menu on macOS (About,
 * Settings, Services, Hide, Quit), then File, Edit (so copy and paste shortcuts work), View (the
 * main screens on CmdOrCtrl+1..6, zoom, full screen), Window (with the nodes whose window was
 * closed, to reopen one) and Help (About, the first-run screen, the log folder). The template is
 * a pure function of its inputs; buildMenu turns it into Electron's Menu.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { ShowTarget } from '../../shared/api'

export interface MenuActions {
  /** Ask the focused window's UI to show a screen or dialog (NodeEvent `show`). */
  show(target: ShowTarget): void
  startLocalNode(): void
  resetNode(): void
  openLogFolder(): void
  /** Load our page again in the focused window (after a crash, or a page that went wrong). */
  reloadWindow(): void
  /** Open a window for a node that has none. */
  openNodeWindow(url: string): void
}

export interface MenuState {
  platform: NodeJS.Platform
  /** Running from electron-vite's dev server: reload and devtools. */
  dev: boolean
  /** Nodes of this app whose window is closed, by URL. */
  windowless: readonly string[]
}

/** The main screens and their shortcuts, in the order of the sidebar. */
export const SCREEN_SHORTCUTS: readonly {
  target: ShowTarget
  label: string
  accelerator: string
}[] = [
  { target: 'dashboard', label: 'Dashboard', accelerator: 'CmdOrCtrl+1' },
  { target: 'chain', label: 'Chain', accelerator: 'CmdOrCtrl+2' },
  { target: 'wallet', label: 'Wallet', accelerator: 'CmdOrCtrl+3' },
  { target: 'mining', label: 'Mining', accelerator: 'CmdOrCtrl+4' },
  { target: 'peers', label: 'Peers', accelerator: 'CmdOrCtrl+5' },
  { target: 'settings', label: 'Settings', accelerator: 'CmdOrCtrl+6' }
]

export function menuTemplate(actions: MenuActions, state: MenuState): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin'
  const about: MenuItemConstructorOptions = {
    label: 'About Blockforge',
    click: () => actions.show('about')
  }
  const screens: MenuItemConstructorOptions[] = SCREEN_SHORTCUTS.map((s) => ({
    label: s.label,
    accelerator: s.accelerator,
    click: () => actions.show(s.target)
  }))
  const view: MenuItemConstructorOptions[] = [
    ...screens,
    { type: 'separator' },
    { label: 'Reload Window', click: () => actions.reloadWindow() },
    ...(state.dev
      ? ([
          { role: 'forceReload' },
          { role: 'toggleDevTools' }
        ] satisfies MenuItemConstructorOptions[])
      : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' }
  ]
  const nodes: MenuItemConstructorOptions[] =
    state.windowless.length === 0
      ? []
      : [
          { type: 'separator' },
          ...state.windowless.map((url) => ({
            label: `Open Node ${url}`,
            click: () => actions.openNodeWindow(url)
          }))
        ]
  const window: MenuItemConstructorOptions[] = [
    { role: 'minimize' },
    // Zoom and Bring All to Front are macOS window commands (no action elsewhere).
    ...(mac
      ? ([
          { role: 'zoom' },
          { type: 'separator' },
          { role: 'front' }
        ] satisfies MenuItemConstructorOptions[])
      : []),
    { role: 'close' },
    ...nodes
  ]
  const help: MenuItemConstructorOptions[] = [
    ...(mac ? [] : [about]),
    { label: 'Getting Started', click: () => actions.show('welcome') },
    { type: 'separator' },
    { label: 'Open Log Folder', click: () => actions.openLogFolder() }
  ]
  return [
    ...(mac
      ? [
          {
            role: 'appMenu',
            submenu: [
              about,
              { type: 'separator' },
              { label: 'Settings…', accelerator: 'Cmd+,', click: () => actions.show('settings') },
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' }
            ]
          } satisfies MenuItemConstructorOptions
        ]
      : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Start Another Local Node',
          accelerator: 'CmdOrCtrl+Shift+N',
          click: () => actions.startLocalNode()
        },
        { type: 'separator' },
        { label: 'Reset This Node…', click: () => actions.resetNode() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu', submenu: window },
    { role: 'help', submenu: help }
  ]
}

export function buildMenu(actions: MenuActions, state: MenuState): Menu {
  return Menu.buildFromTemplate(menuTemplate(actions, state))
}
