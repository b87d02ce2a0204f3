/**
 * A stand-in for the `electron` module, enough to run the shell's main module (src/main/index.ts)
 * where the Electron binary cannot be had. It records what the shell asks of Electron (paths set
 * and whether before `ready`, windows and the URLs they load, dialogs, menus, IPC channels) and
 * lets a test play Electron's part: emit `ready`, answer a dialog, crash a renderer, quit. What
 * it checks is the shell's order and decisions, not Electron itself.
 */
import { EventEmitter } from 'node:events'

export interface Recorded {
  ready: boolean
  paths: { name: string; path: string; beforeReady: boolean }[]
  logsPath: string | undefined
  errorBoxes: { title: string; content: string; beforeReady: boolean }[]
  messageBoxes: unknown[]
  /** The answer the next showMessageBox gives. */
  messageBoxAnswer: { response: number; checkboxChecked: boolean }
  menus: unknown[][]
  channels: Map<string, (event: unknown, ...args: unknown[]) => unknown>
  opened: string[]
  exitCode: number | undefined
  windows: FakeWindow[]
  sandboxEnabled: boolean
}

export const recorded: Recorded = {
  ready: false,
  paths: [],
  logsPath: undefined,
  errorBoxes: [],
  messageBoxes: [],
  messageBoxAnswer: { response: 0, checkboxChecked: false },
  menus: [],
  channels: new Map(),
  opened: [],
  exitCode: undefined,
  windows: [],
  sandboxEnabled: false
}

let readyResolve: () => void = () => undefined
let readyPromise = new Promise<void>((r) => (readyResolve = r))
const exited = new EventEmitter()

class FakeApp extends EventEmitter {
  isPackaged = false
  enableSandbox(): void {
    recorded.sandboxEnabled = true
  }
  isReady(): boolean {
    return recorded.ready
  }
  whenReady(): Promise<void> {
    return readyPromise
  }
  setPath(name: string, path: string): void {
    recorded.paths.push({ name, path, beforeReady: !recorded.ready })
  }
  setAppLogsPath(path?: string): void {
    recorded.logsPath = path
  }
  exit(code = 0): void {
    recorded.exitCode = code
    exited.emit('exit', code)
  }
  quit(): void {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) }
    this.emit('before-quit', event)
    if (!event.defaultPrevented) this.exit(0)
  }
}

export const app = new FakeApp()

/** The test's side: a fresh start, `ready`, and waiting for the app to exit. */
export const control = {
  /** Forget everything: vitest keeps a mocked module across vi.resetModules(). */
  reset(): void {
    Object.assign(recorded, {
      ready: false,
      paths: [],
      logsPath: undefined,
      errorBoxes: [],
      messageBoxes: [],
      messageBoxAnswer: { response: 0, checkboxChecked: false },
      menus: [],
      channels: new Map(),
      opened: [],
      exitCode: undefined,
      windows: [],
      sandboxEnabled: false
    })
    readyPromise = new Promise<void>((r) => (readyResolve = r))
    app.removeAllListeners()
    app.isPackaged = false
    exited.removeAllListeners()
    FakeWindow.focused = null
  },
  emitReady(): void {
    recorded.ready = true
    readyResolve()
    app.emit('ready')
  },
  exited(): Promise<number> {
    return recorded.exitCode !== undefined
      ? Promise.resolve(recorded.exitCode)
      : new Promise((r) => exited.once('exit', r))
  }
}

let nextId = 1

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  destroyed = false
  loaded: string[] = []
  sent: [string, unknown][] = []
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  setWindowOpenHandler(): void {}
  /** The page URL now shown (what senderFrame.url reports). */
  get url(): string {
    return this.loaded.at(-1) ?? ''
  }
}

export class FakeWindow extends EventEmitter {
  static focused: FakeWindow | null = null
  readonly webContents = new FakeWebContents()
  destroyed = false
  constructor(readonly options: { title?: string; webPreferences?: Record<string, unknown> }) {
    super()
    recorded.windows.push(this)
    FakeWindow.focused = this
    app.emit('web-contents-created', {}, this.webContents)
  }
  static getFocusedWindow(): FakeWindow | null {
    return FakeWindow.focused && !FakeWindow.focused.destroyed ? FakeWindow.focused : null
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.loaded.push(url)
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  show(): void {}
  close(): void {
    this.destroy()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.webContents.destroyed = true
    this.webContents.emit('destroyed')
    this.emit('closed')
    if (FakeWindow.focused === this) FakeWindow.focused = null
    if (recorded.windows.every((w) => w.destroyed)) app.emit('window-all-closed')
  }
}
export const BrowserWindow = FakeWindow

function fakeSession() {
  return {
    webRequest: { onHeadersReceived: () => undefined },
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined
  }
}
export const session = { defaultSession: fakeSession(), fromPartition: () => fakeSession() }

export const dialog = {
  showErrorBox(title: string, content: string): void {
    recorded.errorBoxes.push({ title, content, beforeReady: !recorded.ready })
  },
  async showMessageBox(_win: unknown, options: unknown) {
    recorded.messageBoxes.push(options)
    return recorded.messageBoxAnswer
  }
}

export const Menu = {
  buildFromTemplate: (t: unknown[]) => t,
  setApplicationMenu: (m: unknown[]) => recorded.menus.push(m)
}

export const ipcMain = {
  handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
    recorded.channels.set(channel, fn)
}

export const shell = {
  async openPath(p: string): Promise<string> {
    recorded.opened.push(p)
    return ''
  }
}

export default { app, BrowserWindow, session, dialog, Menu, ipcMain, shell }
