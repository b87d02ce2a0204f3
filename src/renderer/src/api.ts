/**
 * The single way into the node for the whole renderer (and the one module tests mock).
 * In Electron the preload exposes `window.api` over IPC; in a browser served by a headless node the
 * same contract runs over HTTP and server-sent events.
 */
import type { NodeApi } from '@shared/api'
import { createHttpApi, takeToken } from './transport/http'

function httpApi(): NodeApi {
  const token = takeToken(window.location, window.sessionStorage, window.history)
  return createHttpApi({ baseUrl: window.location.origin, token })
}

export const api: NodeApi = window.api ?? httpApi()
