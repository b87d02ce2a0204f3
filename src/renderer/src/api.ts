/**
 * The single way into the node for the whole renderer (and the one module tests mock).
 * In Electron the preload exposes `window.api` over IPC; in a browser served by a headless node the
 * same contract runs over HTTP and server-sent events.
 */
import { ref } from 'vue'
import type { NodeApi } from '@shared/api'
import { createHttpApi, takeToken } from './transport/http'

/**
 * Whether pushed events are arriving. Always true over IPC (the node is in the same app); over
 * HTTP it turns false while the event stream is down, and views reload when it comes back.
 */
export const connected = ref(true)

function httpApi(): NodeApi {
  const token = takeToken(window.location, window.sessionStorage, window.history)
  return createHttpApi({
    baseUrl: window.location.origin,
    token,
    onConnection: (ok) => (connected.value = ok)
  })
}

export const api: NodeApi = window.api ?? httpApi()
