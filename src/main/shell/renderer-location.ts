import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** The dev server's URL when run by `electron-vite dev`, else null (load the built files). */
export function devServerUrl(): string | null {
  const url = process.env.ELECTRON_RENDERER_URL
  return url && process.env.NODE_ENV_ELECTRON_VITE !== 'production' ? url : null
}

/** out/renderer/index.html, next to out/main where this file is bundled. */
export const RENDERER_INDEX = resolve(join(here, '../renderer/index.html'))
export const PRELOAD = resolve(join(here, '../preload/index.cjs'))

/**
 * Is `frameUrl` our own page? In development the Vite server's origin; otherwise exactly the
 * built index.html (any query or hash allowed).
 */
export function isOurPage(frameUrl: string, dev = devServerUrl()): boolean {
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (dev) return url.origin === new URL(dev).origin
  return url.protocol === 'file:' && resolve(fileURLToPath(url)) === RENDERER_INDEX
}
