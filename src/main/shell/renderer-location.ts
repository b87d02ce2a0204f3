/**
 * Where the window's page comes from and how the IPC gate recognises it. Pure functions of their
 * inputs (the platform is a parameter), so the Windows cases are tested on Linux.
 */
import { join, posix, win32 } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The dev server's URL when run by `electron-vite dev`, else null (load the built files). A
 * packaged app never trusts it: the variable would make it load any page with the full API,
 * wallet sends included.
 */
export function devServerUrl(
  packaged: boolean,
  env: NodeJS.ProcessEnv = process.env
): string | null {
  if (packaged) return null
  const url = env.ELECTRON_RENDERER_URL
  return url && env.NODE_ENV_ELECTRON_VITE !== 'production' ? url : null
}

function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix
}

/** out/renderer/index.html, next to out/main where this file is bundled. */
export const RENDERER_INDEX = fileURLToPath(new URL('../renderer/index.html', import.meta.url))
export const PRELOAD = join(fileURLToPath(new URL('.', import.meta.url)), '../preload/index.cjs')

/**
 * The URL a window loads for a file. Not `loadFile`: Electron builds that URL with `url.format`,
 * which leaves a `%` in the path as it is (`100%` then reads as a broken escape, `a%20b` as
 * `a b`); pathToFileURL escapes it.
 */
export function fileUrl(file: string, platform: NodeJS.Platform = process.platform): string {
  return pathToFileURL(file, { windows: platform === 'win32' }).href
}

/**
 * A file path in one spelling per file: resolved, and on Windows with an upper-case drive letter
 * (Chromium upper-cases it in file URLs; a `c:\…` working folder gives a lower-case one).
 */
function canonicalPath(p: string, platform: NodeJS.Platform): string {
  const resolved = pathFor(platform).resolve(p)
  return platform === 'win32' ? resolved.replace(/^[a-z]:/, (d) => d.toUpperCase()) : resolved
}

/** The file a file: URL names, or null when it names none (bad escapes, another host on posix). */
function fileOf(url: URL, platform: NodeJS.Platform): string | null {
  try {
    return fileURLToPath(url, { windows: platform === 'win32' })
  } catch {
    return null
  }
}

/**
 * Is `frameUrl` our own page? In development the Vite server's origin; otherwise the file
 * `index` (any query or hash allowed), compared as paths, never as strings.
 */
export function isOurPage(
  frameUrl: string,
  dev: string | null,
  index: string = RENDERER_INDEX,
  platform: NodeJS.Platform = process.platform
): boolean {
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (dev) return url.origin === new URL(dev).origin
  if (url.protocol !== 'file:') return false
  const file = fileOf(url, platform)
  return file !== null && canonicalPath(file, platform) === canonicalPath(index, platform)
}
