/**
 * Preload: exposes exactly the NodeApi contract as `window.api`, one IPC channel per method.
 * Neither ipcRenderer nor any Electron object crosses into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  API_METHODS,
  IPC_EVENT_CHANNEL,
  IPC_PREFIX,
  type NodeApi,
  type NodeApiHandlers,
  type NodeEvent
} from '../shared/api'

const handlers = Object.fromEntries(
  API_METHODS.map((method) => [
    method,
    (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + method, ...args)
  ])
) as unknown as NodeApiHandlers

const api: NodeApi = {
  ...handlers,
  onEvent(cb) {
    const listener = (_e: IpcRendererEvent, event: NodeEvent): void => cb(event)
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener)
    }
  }
}

contextBridge.exposeInMainWorld('api', api)
