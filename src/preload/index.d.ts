import type { NodeApi } from '../shared/api'

declare global {
  interface Window {
    /** Present in Electron (exposed by the preload); absent in a plain browser. */
    api?: NodeApi
  }
}

export {}
