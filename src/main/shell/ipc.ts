/**
 * The IPC side of the NodeApi contract. One channel per method (`bf:<method>`); each call is
 * accepted only from the main frame of one of our windows showing our page, and forwarded to the
 * node that window belongs to. The node's handlers validate every argument.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import {
  API_METHODS,
  IPC_EVENT_CHANNEL,
  IPC_PREFIX,
  type ApiMethod,
  type NodeApiHandlers,
  type NodeEvent
} from '../../shared/api'
import { isOurPage } from './renderer-location'

/** A window's view of its node. Typed as the whole handler map: a missing method fails typecheck. */
export type WindowHandlers = NodeApiHandlers

interface Attached {
  handlers: WindowHandlers
  unsubscribe: () => void
}

const windows = new Map<number, Attached>()

/** Checks the caller: the main frame (not an iframe) of a registered window, on our page. */
function handlersFor(event: IpcMainInvokeEvent, dev: string | null): WindowHandlers {
  const frame = event.senderFrame
  const attached = windows.get(event.sender.id)
  if (!attached || !frame || frame.parent !== null || !isOurPage(frame.url, dev)) {
    throw new Error('forbidden: IPC from an unknown window or frame')
  }
  return attached.handlers
}

type AnyHandler = (...args: unknown[]) => Promise<unknown>

/**
 * Registers every channel once; which node answers depends on the calling window. `dev` is the
 * trusted dev-server URL (null in a packaged app, see devServerUrl).
 */
export function registerIpc(dev: string | null): void {
  for (const method of API_METHODS) {
    ipcMain.handle(IPC_PREFIX + method, (event, ...args: unknown[]) => {
      const handler = handlersFor(event, dev)[method as ApiMethod] as AnyHandler
      return handler(...args)
    })
  }
}

/**
 * Binds a window to its node's handlers and pushes the node's events to it, until the window
 * goes away. Attaching again (the node was reset and restarted) replaces the binding.
 */
export function attachWindow(
  contents: WebContents,
  handlers: WindowHandlers,
  subscribe: (cb: (e: NodeEvent) => void) => () => void
): void {
  const id = contents.id
  const previous = windows.get(id)
  const unsubscribe = subscribe((e) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, e)
  })
  windows.set(id, { handlers, unsubscribe })
  if (previous) previous.unsubscribe()
  else {
    contents.once('destroyed', () => {
      windows.get(id)?.unsubscribe()
      windows.delete(id)
    })
  }
}

/** Sends one event to a window (the menu's "show this screen"), if it is still there. */
export function sendToWindow(contents: WebContents, e: NodeEvent): void {
  if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, e)
}
