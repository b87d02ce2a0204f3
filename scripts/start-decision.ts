/**
 * What `npm start` runs: the Electron app, or (where Electron cannot be had) the same node serving
 * the same UI to the browser. Pure: the caller looks at the disk and runs the installer.
 */

export interface StartInputs {
  platform: NodeJS.Platform
  env: Readonly<Record<string, string | undefined>>
  /** node_modules/electron/path.txt and the binary it names exist (or $ELECTRON_EXEC_PATH does). */
  binaryPresent: boolean
  /** Electron's install.js ran and succeeded; undefined when it was not run. */
  installerSucceeded?: boolean
}

export type StartDecision = 'electron' | { fallback: string }

/** Linux and the BSDs need an X11 or Wayland display; macOS and Windows always have one. */
export function hasDisplay(platform: NodeJS.Platform, env: StartInputs['env']): boolean {
  if (platform === 'darwin' || platform === 'win32') return true
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

/**
 * Whether to run Electron's installer (a ~100 MB download): only when the binary is missing and
 * there is a display to show its window on.
 */
export function shouldInstall(i: Pick<StartInputs, 'platform' | 'env' | 'binaryPresent'>): boolean {
  return !i.binaryPresent && hasDisplay(i.platform, i.env)
}

export function decideStart(i: StartInputs): StartDecision {
  const display = hasDisplay(i.platform, i.env)
  const electron = i.binaryPresent || i.installerSucceeded === true
  if (display && electron) return 'electron'
  if (!display) {
    return {
      fallback: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no Electron window'
    }
  }
  return {
    fallback:
      i.installerSucceeded === false
        ? 'the Electron binary is not installed and could not be downloaded'
        : 'the Electron binary is not installed'
  }
}
