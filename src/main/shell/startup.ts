/**
 * What the desktop app says when its node cannot start. A GUI launch has no console, so the line
 * the headless node prints (app/explain.ts) goes into an error dialog, with what to try next.
 * On Linux dialog.showErrorBox before `ready` only writes to stderr (Electron's dialog docs), so
 * the shell waits for `ready` before showing it.
 */
import { explain } from '../app/explain'

export interface StartupFailure {
  title: string
  content: string
}

export function startupFailure(
  e: unknown,
  cfg: { host: string; port: number; dataDir: string },
  logDir: string | null
): StartupFailure {
  const line = explain(e, cfg)
  const err = e as NodeJS.ErrnoException | null
  let hint: string
  if (err?.code === 'EADDRINUSE') {
    hint = `Another program is using port ${cfg.port}. Start Blockforge without --port (it then picks a free one) or with another port.`
  } else if (err?.name === 'StoreLockedError') {
    hint =
      'Another Blockforge is running with this data dir. Close it, or start without --data-dir to get a profile of your own.'
  } else if (err?.name === 'UsageError') {
    hint = 'Check the flags Blockforge was started with.'
  } else {
    hint = `Check the data dir ${cfg.dataDir}: it must be a folder you can write to, on a disk with free space.`
  }
  const log = logDir === null ? '' : `\n\nThe log files are in ${logDir}.`
  return {
    title: 'Blockforge could not start its node',
    content: `${capitalise(line)}.\n\n${hint}${log}`
  }
}

function capitalise(s: string): string {
  const t = s.replace(/\.$/, '')
  return t.charAt(0).toUpperCase() + t.slice(1)
}
