/**
 * The desktop app: one node per window, in this process. Flags are the headless node's
 * (PROTOCOL §8). A second app instance takes the next free profile (data dir `-2`, `-3`, ...) and
 * a free port instead of failing; "Start another local node" opens one more node in a new window.
 */
import { app, BrowserWindow, dialog, Menu, session } from 'electron'
import type { ApiResult, LocalNode } from '../shared/api'
import { findFreePort, parseArgs } from './node/config'
import { readLaunchSettings } from './node/launch'
import { startNode, type NodeConfig, type RunningNode } from './node/run'
import minerWorker from './miner/worker?modulePath'
import verifyWorker from './p2p/verify-worker?modulePath'
import { buildMenu } from './shell/menu'
import { attachWindow, registerIpc, type WindowHandlers } from './shell/ipc'
import { hasFlag, launchFlags, nodeFlags, openProfile, unusedProfileDir } from './shell/profile'
import { devServerUrl } from './shell/renderer-location'
import { hardenApp, hardenSession } from './shell/security'
import { createNodeWindow } from './shell/window'

interface OpenNode {
  node: RunningNode
  cfg: NodeConfig
  window: BrowserWindow | null
}

const nodes: OpenNode[] = []
const dev = !app.isPackaged && devServerUrl() !== null

function fail(message: string, e?: unknown): never {
  console.error(message, e)
  app.exit(1)
  throw e instanceof Error ? e : new Error(message)
}

/** The window's handlers: the node's own, except that starting a local node opens a window here. */
function handlersFor(entry: OpenNode): WindowHandlers {
  return { ...entry.node.api, startLocalNode: () => startLocalNode(entry) }
}

function openWindow(entry: OpenNode): void {
  const win = createNodeWindow(
    `Blockforge — ${entry.cfg.network} — ${entry.node.url}`,
    `node-${new URL(entry.node.url).port}`
  )
  entry.window = win
  attachWindow(win.webContents, handlersFor(entry), (cb) => entry.node.subscribe(cb))
  win.on('closed', () => {
    entry.window = null
    // A node opened from the app lives as long as its window; the first one as long as the app.
    if (entry !== nodes[0]) void closeNode(entry)
  })
}

async function closeNode(entry: OpenNode): Promise<void> {
  const i = nodes.indexOf(entry)
  if (i >= 0) nodes.splice(i, 1)
  await entry.node.close()
}

/** Another node on this machine: a fresh profile, a free port, our node as its peer, its own window. */
async function startLocalNode(parent: OpenNode): Promise<ApiResult<LocalNode>> {
  try {
    const cfg: NodeConfig = {
      ...parent.cfg,
      dataDir: unusedProfileDir(nodes[0].cfg.dataDir.replace(/-\d+$/, '')),
      port: await findFreePort(parent.cfg.host),
      peers: [parent.node.url],
      mine: false
    }
    const entry: OpenNode = { node: await startNode(cfg), cfg, window: null }
    nodes.push(entry)
    const added = await parent.node.api.addPeer(entry.node.url)
    openWindow(entry)
    const status = await entry.node.api.getStatus()
    return {
      ok: true,
      value: {
        url: entry.node.url,
        network: status.network,
        genesisHash: status.genesisHash,
        index: status.index,
        connected: added.ok,
        self: false
      }
    }
  } catch (e) {
    return { ok: false, error: 'start_failed', message: e instanceof Error ? e.message : String(e) }
  }
}

async function main(): Promise<void> {
  hardenApp()
  const flags = nodeFlags(process.argv.slice(1))
  const saved = readLaunchSettings()
  // A network named on the command line brings its own default data dir, not the saved one.
  if (hasFlag(flags, '--network')) delete saved.dataDir
  let opened: { node: RunningNode; cfg: NodeConfig }
  try {
    opened = await openProfile(
      {
        // What the Settings screen saved for this start; flags on the command line win.
        ...parseArgs([...launchFlags(saved), ...flags]),
        minerWorkerPath: minerWorker,
        verifyWorkerPath: verifyWorker,
        log: (line: string) => console.log(line)
      },
      { dataDir: hasFlag(flags, '--data-dir'), port: hasFlag(flags, '--port') },
      startNode,
      findFreePort
    )
  } catch (e) {
    fail('Blockforge could not start its node:', e)
  }
  nodes.push({ ...opened, window: null })
  console.log(`node listening on ${opened.node.url} (data dir ${opened.cfg.dataDir})`)

  await app.whenReady()
  hardenSession(session.defaultSession)
  registerIpc()
  const focused = (): OpenNode =>
    nodes.find((n) => n.window !== null && n.window === BrowserWindow.getFocusedWindow()) ?? nodes[0]
  const startFromMenu = async (): Promise<void> => {
    const r = await startLocalNode(focused())
    if (!r.ok) dialog.showErrorBox('Could not start another local node', r.message)
  }
  Menu.setApplicationMenu(buildMenu({ startLocalNode: () => void startFromMenu() }, dev))
  openWindow(nodes[0])

  app.on('activate', () => {
    if (nodes[0] && !nodes[0].window) openWindow(nodes[0])
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Close every node (flushing its store) before the process goes.
let quitting = false
app.on('before-quit', (event) => {
  if (quitting) return
  quitting = true
  event.preventDefault()
  void Promise.allSettled(nodes.map((n) => n.node.close())).then(() => app.exit(0))
})

void main()
