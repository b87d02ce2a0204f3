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

const windows = new Map<number, WindowHandlers>()

/** Checks the caller: the main frame (not an iframe) of a registered window, on our page. */
function handlersFor(event: IpcMainInvokeEvent): WindowHandlers {
  const frame = event.senderFrame
  const handlers = windows.get(event.sender.id)
  if (!handlers || !frame || frame.parent !== null || !isOurPage(frame.url)) {
    throw new Error('forbidden: IPC from an unknown window or frame')
  }
  return handlers
}

type AnyHandler = (...args: unknown[]) => Promise<unknown>

/** Registers every channel once; which node answers depends on the calling window. */
export function registerIpc(): void {
  for (const method of API_METHODS) {
    ipcMain.handle(IPC_PREFIX + method, (event, ...args: unknown[]) => {
      const handler = handlersFor(event)[method as ApiMethod] as AnyHandler
      return handler(...args)
    })
  }
}

/**
 * Binds a window to its node's handlers and pushes the node's events to it, until the window
 * goes away.
 */
export function attachWindow(
  contents: WebContents,
  handlers: WindowHandlers,
  subscribe: (cb: (e: NodeEvent) => void) => () => void
): void {
  const id = contents.id
  windows.set(id, handlers)
  const unsubscribe = subscribe((e) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, e)
  })
  contents.once('destroyed', () => {
    unsubscribe()
    windows.delete(id)
  })
}
