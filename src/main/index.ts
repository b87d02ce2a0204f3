/**
 * The desktop app: one node per window, in this process. Flags are the headless node's
 * (PROTOCOL §8). A second app instance takes the next free profile (data dir `-2`, `-3`, ...) and
 * a free port instead of failing; "Start another local node" opens one more node in a new window.
 *
 * Order matters here. Electron emits `ready` only once this module, top-level awaits included,
 * has run (docs/tutorial/esm.md: "use await generously before the app's ready event"), and
 * Electron's per-instance folders (userData, sessionData, crash dumps) must be set before it. So
 * the first node is started at the top level, its profile's folders set, and only then is the
 * rest (windows, menu, dialogs) done once the app is ready.
 */
import { basename } from 'node:path'
import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron'
import type { ShowTarget } from '../shared/api'
import { createLogger, openLogFile, type Logger, type LogFile } from './log'
import { parseArgs } from './app/config'
import { configRoot, findFreePort, readLaunchSettings } from './app/launch'
import { startNode, type NodeConfig, type RunningNode } from './app/run'
import minerWorker from './miner/worker?modulePath'
import verifyWorker from './p2p/verify-worker?modulePath'
import { APP_ID, withShellInfo } from './shell/app-info'
import { attachWindow, registerIpc, sendToWindow } from './shell/ipc'
import { CrashPolicy, errorPageUrl, QUIT_LIMIT_MS, withTimeLimit } from './shell/lifecycle'
import { logSink } from './shell/log-sink'
import { buildMenu } from './shell/menu'
import { applyProfilePaths, profilePaths, type ProfilePaths } from './shell/paths'
import { hasFlag, launchFlags, nodeFlags, openProfile, unusedProfileDir } from './shell/profile'
import { devServerUrl, fileUrl, RENDERER_INDEX } from './shell/renderer-location'
import { resetNode } from './shell/reset'
import { hardenApp, hardenSession } from './shell/security'
import { startupFailure, type StartupFailure } from './shell/startup'
import { createNodeWindow } from './shell/window'

interface OpenNode {
  node: RunningNode
  cfg: NodeConfig
  window: BrowserWindow | null
}

const nodes: OpenNode[] = []
/** The dev server, only in an app that is not packaged (see devServerUrl). */
const devUrl = devServerUrl(app.isPackaged)
const pageUrl = (): string => devUrl ?? fileUrl(RENDERER_INDEX)
const root = configRoot()

// One log per app instance, in its first node's profile folder; nodes it opens later log there
// too, tagged with their data dir. Held until the profile is known (log-sink.ts).
const sink = logSink()
let logger: Logger = createLogger({ destination: sink.stream })
let logFile: LogFile | null = null
let paths: ProfilePaths | null = null

function focusedEntry(): OpenNode | undefined {
  const win = BrowserWindow.getFocusedWindow()
  return (
    nodes.find((n) => n.window !== null && n.window === win) ?? nodes.find((n) => n.window !== null)
  )
}

function refreshMenu(): void {
  if (!app.isReady()) return
  Menu.setApplicationMenu(
    buildMenu(
      {
        show: (target) => show(target),
        startLocalNode: () => void startFromMenu(),
        resetNode: () => void resetFocused(),
        openLogFolder: () => void openLogFolder(),
        reloadWindow: () => {
          const win = focusedEntry()?.window
          if (win) void win.loadURL(pageUrl())
        },
        openNodeWindow: (url) => {
          const entry = nodes.find((n) => n.node.url === url)
          if (entry && !entry.window) openWindow(entry)
        }
      },
      {
        platform: process.platform,
        dev: devUrl !== null,
        windowless: nodes.filter((n) => !n.window).map((n) => n.node.url)
      }
    )
  )
}

/** The window's handlers: the node's own, with what only the shell knows added to getAppInfo. */
function windowHandlers(entry: OpenNode): ReturnType<typeof withShellInfo> {
  return withShellInfo(entry.node.api, { logDir: paths?.logs ?? '', versions: process.versions })
}

function attach(entry: OpenNode, win: BrowserWindow): void {
  attachWindow(win.webContents, windowHandlers(entry), (cb) => entry.node.subscribe(cb))
}

function openWindow(entry: OpenNode): BrowserWindow {
  const win = createNodeWindow(
    `Blockforge — ${entry.cfg.network} — ${entry.node.url}`,
    `node-${new URL(entry.node.url).port}`,
    pageUrl()
  )
  entry.window = win
  attach(entry, win)
  // A renderer that crashed or was killed leaves a blank window: load the page again (the node
  // is fine), unless it keeps crashing; then a static page says so.
  const crashes = new CrashPolicy()
  win.webContents.on('render-process-gone', (_e, details) => {
    const action = crashes.decide(details.reason, Date.now())
    logger.warn(
      {
        module: 'shell',
        node: entry.node.url,
        reason: details.reason,
        exitCode: details.exitCode,
        action
      },
      'window page gone'
    )
    if (win.isDestroyed() || action === 'ignore') return
    void win.loadURL(
      action === 'reload' ? pageUrl() : errorPageUrl(details.reason, details.exitCode)
    )
  })
  win.on('closed', () => {
    entry.window = null
    // A node opened from the app lives as long as its window; the first one as long as the app
    // (its window can be opened again from the Window menu, or the Dock on macOS).
    if (entry !== nodes[0]) void closeNode(entry)
    refreshMenu()
  })
  refreshMenu()
  return win
}

async function closeNode(entry: OpenNode): Promise<void> {
  const i = nodes.indexOf(entry)
  if (i >= 0) nodes.splice(i, 1)
  await entry.node.close()
}

/**
 * Start a node with the shell's logger and its in-process "start another local node" (also used
 * when the node's HTTP UI API is asked: spawning process.execPath here would start Electron).
 */
async function startEntryNode(cfg: NodeConfig, log: Logger = logger): Promise<RunningNode> {
  const node: RunningNode = await startNode({
    ...cfg,
    logger: log,
    startLocalNode: async () => {
      // Looked up at call time: after a reset the entry holds this node's successor.
      const parent = nodes.find((n) => n.node === node)
      if (!parent) throw new Error('this node is closing')
      return (await openAnotherNode(parent)).node.url
    }
  })
  return node
}

/** Another node on this machine: a fresh profile, a free port, our node as its peer, its own window. */
async function openAnotherNode(parent: OpenNode): Promise<OpenNode> {
  const cfg: NodeConfig = {
    ...parent.cfg,
    dataDir: unusedProfileDir(nodes[0].cfg.dataDir.replace(/-\d+$/, '')),
    port: await findFreePort(parent.cfg.host),
    peers: [parent.node.url],
    mine: false
  }
  // Its lines go to this instance's log, tagged with its data dir's name.
  const entry: OpenNode = {
    node: await startEntryNode(cfg, logger.child({ profile: basename(cfg.dataDir) })),
    cfg,
    window: null
  }
  nodes.push(entry)
  openWindow(entry)
  return entry
}

async function startFromMenu(): Promise<void> {
  const parent = focusedEntry() ?? nodes[0]
  const r = await parent.node.api.startLocalNode()
  if (!r.ok) dialog.showErrorBox('Could not start another local node', r.message)
}

/** Ask the UI to show a screen or dialog; a node without a window gets one first. */
function show(target: ShowTarget): void {
  const entry = focusedEntry() ?? nodes[0]
  if (!entry) return
  if (entry.window) return sendToWindow(entry.window.webContents, { type: 'show', target })
  const win = openWindow(entry)
  win.webContents.once('did-finish-load', () =>
    sendToWindow(win.webContents, { type: 'show', target })
  )
}

async function openLogFolder(): Promise<void> {
  if (!paths) return
  const error = await shell.openPath(paths.logs)
  if (error) dialog.showErrorBox('Could not open the log folder', `${paths.logs}: ${error}`)
}

/**
 * "Reset This Node…": after confirmation, close the node, remove its chain data (and its wallet
 * only if ticked), start it again on the same port and reload its window.
 */
async function resetFocused(): Promise<void> {
  const entry = focusedEntry()
  const win = entry?.window
  if (!entry || !win) return
  const answer = await dialog.showMessageBox(win, {
    type: 'warning',
    title: 'Reset This Node',
    message: `Reset the node at ${entry.node.url}?`,
    detail:
      `Its chain data in ${entry.cfg.dataDir} is deleted, and it downloads the chain again from its peers; ` +
      'the settings kept with it (theme, language, API token, workers, notifications) return to their defaults. ' +
      "The wallet file is kept unless you tick the box below: it is the only copy of the wallet's key, " +
      'and coins sent to its address are lost without it.',
    buttons: ['Cancel', 'Reset'],
    defaultId: 0,
    cancelId: 0,
    checkboxLabel: 'Also delete the wallet',
    checkboxChecked: false,
    noLink: true
  })
  if (answer.response !== 1) return
  const log = logger.child({ module: 'shell', node: entry.node.url })
  try {
    const { node, result } = await resetNode(
      entry.node,
      entry.cfg.dataDir,
      { deleteWallet: answer.checkboxChecked, root },
      (port) =>
        startEntryNode(
          { ...entry.cfg, port },
          entry === nodes[0] ? logger : logger.child({ profile: basename(entry.cfg.dataDir) })
        )
    )
    entry.node = node
    log.info(
      { dataDir: entry.cfg.dataDir, deleteWallet: answer.checkboxChecked, ok: result.ok },
      'node reset'
    )
    if (!result.ok) dialog.showErrorBox('Blockforge could not reset this node', result.message)
    if (!win.isDestroyed()) {
      attach(entry, win)
      void win.loadURL(pageUrl())
    }
  } catch (e) {
    // The node is closed and did not start again: say why, and close what is left of it.
    const f = startupFailure(e, entry.cfg, paths?.logs ?? null)
    log.error({ err: e }, 'node did not start again after a reset')
    dialog.showErrorBox(f.title, f.content)
    const i = nodes.indexOf(entry)
    if (i >= 0) nodes.splice(i, 1)
    if (!win.isDestroyed()) win.destroy()
    if (nodes.length === 0) app.quit()
    else refreshMenu()
  }
}

type FirstStart = { ok: true; entry: OpenNode } | { ok: false; failure: StartupFailure }

/** Start the first node: saved Settings, then flags; another profile or port if taken (profile.ts). */
async function startFirstNode(): Promise<FirstStart> {
  const flags = nodeFlags(process.argv.slice(1))
  const saved = readLaunchSettings()
  // A network named on the command line brings its own default data dir, not the saved one.
  if (hasFlag(flags, '--network')) delete saved.dataDir
  let cfg: NodeConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '',
    network: 'main',
    peers: [],
    mine: false
  }
  try {
    // What the Settings screen saved for this start; flags on the command line win.
    cfg = {
      ...parseArgs([...launchFlags(saved), ...flags]),
      minerWorkerPath: minerWorker,
      verifyWorkerPath: verifyWorker
    }
    logger = createLogger({ level: cfg.logLevel, format: cfg.logFormat, destination: sink.stream })
    const opened = await openProfile(
      cfg,
      { dataDir: hasFlag(flags, '--data-dir'), port: hasFlag(flags, '--port') },
      startEntryNode,
      findFreePort
    )
    return { ok: true, entry: { node: opened.node, cfg: opened.cfg, window: null } }
  } catch (e) {
    logger.error({ module: 'shell', err: e }, 'the node could not start')
    return { ok: false, failure: startupFailure(e, cfg, null) }
  }
}

hardenApp()
// Windows shows the UI's notifications only for the AppUserModelID of the installer's shortcut.
if (process.platform === 'win32') app.setAppUserModelId(APP_ID)
const first = await startFirstNode()
if (first.ok) {
  nodes.push(first.entry)
  // Before `ready`: this instance's own Chromium folders and log (paths.ts).
  paths = profilePaths(first.entry.cfg.dataDir, root)
  applyProfilePaths(paths, app)
  logFile = openLogFile(paths.logs)
  sink.attach(...(process.stderr.isTTY ? [logFile.stream, process.stderr] : [logFile.stream]))
  logger.info(
    {
      module: 'shell',
      url: first.entry.node.url,
      dataDir: first.entry.cfg.dataDir,
      userData: paths.userData
    },
    'app started'
  )
} else {
  sink.attach(process.stderr)
}

void app.whenReady().then(() => {
  if (!first.ok) {
    // After `ready`: before it, Linux prints an error box to stderr only (dialog docs).
    dialog.showErrorBox(first.failure.title, first.failure.content)
    app.exit(1)
    return
  }
  hardenSession(session.defaultSession)
  registerIpc(devUrl)
  openWindow(nodes[0])
  app.on('activate', () => {
    // macOS: the Dock icon reopens the first node's window.
    if (nodes[0] && !nodes[0].window) openWindow(nodes[0])
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Close every node (flushing its store) before the process goes, but not for ever: the store is
// consistent at every instant, so a node that does not close in time loses nothing (lifecycle.ts).
let quitting = false
app.on('before-quit', (event) => {
  if (quitting) return
  quitting = true
  event.preventDefault()
  void withTimeLimit(Promise.allSettled(nodes.map((n) => n.node.close())), QUIT_LIMIT_MS).then(
    (r) => {
      if (r === 'timed-out')
        logger.warn(
          { module: 'shell', limitMs: QUIT_LIMIT_MS },
          'nodes did not close in time; quitting anyway'
        )
      logFile?.close()
      app.exit(0)
    }
  )
})
