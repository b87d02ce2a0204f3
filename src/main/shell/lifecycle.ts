/**
 * Decisions about a window's and the app's life, apart from Electron so they are tested:
 * what to do when a window's renderer process goes away, the page shown when reloading does not
 * help, and how long quitting may wait for the nodes to close.
 */

/** `RenderProcessGoneDetails.reason` (Electron 45). */
export type GoneReason =
  | 'clean-exit'
  | 'abnormal-exit'
  | 'killed'
  | 'crashed'
  | 'oom'
  | 'launch-failed'
  | 'integrity-failure'
  | 'memory-eviction'

export type GoneAction = 'ignore' | 'reload' | 'error-page'

/** More crashes than this within WINDOW_MS stop the reloading: the page itself is at fault. */
const MAX_RELOADS = 3
const WINDOW_MS = 60_000

/**
 * Per window: reload after a crash or a kill (the node is fine, only the page is gone), but not
 * in a loop, and not where a new renderer cannot start (launch-failed, integrity-failure). A clean
 * exit is the window closing.
 */
export class CrashPolicy {
  private readonly times: number[] = []

  constructor(
    private readonly maxReloads = MAX_RELOADS,
    private readonly windowMs = WINDOW_MS
  ) {}

  decide(reason: GoneReason | string, now: number): GoneAction {
    if (reason === 'clean-exit') return 'ignore'
    if (reason === 'launch-failed' || reason === 'integrity-failure') return 'error-page'
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) this.times.shift()
    this.times.push(now)
    return this.times.length > this.maxReloads ? 'error-page' : 'reload'
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * A static page (no script, its own CSP) saying the window's page stopped and how to get it
 * back: View → Reload Window. Loaded as a data: URL, which the IPC gate does not trust.
 */
export function errorPageUrl(reason: string, exitCode: number): string {
  const html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Blockforge</title>
<style>body{font:16px system-ui,sans-serif;margin:3em;max-width:40em;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#eee;background:#18181c}}</style></head>
<body><h1>This window stopped working</h1>
<p>Its page ended (${escapeHtml(reason)}, code ${exitCode}) several times in a row, so it was not
reloaded again. The node itself keeps running.</p>
<p>Choose <b>View → Reload Window</b> to try again. If it keeps happening, the log folder
(<b>Help → Open Log Folder</b>) says more.</p></body></html>`
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`
}

/** How long quitting waits for every node to close (flush and release its store). */
export const QUIT_LIMIT_MS = 5_000

/**
 * Waits for `work` at most `ms`. Quitting must not hang on a node that does not close: the store
 * is consistent at every instant (one SQLite transaction per change), so exiting without the
 * close loses nothing but the last checkpoint, which the next start replays.
 */
export async function withTimeLimit(
  work: Promise<unknown>,
  ms: number
): Promise<'done' | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<'timed-out'>((r) => (timer = setTimeout(() => r('timed-out'), ms)))
  try {
    return await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'done' as const
      ),
      limit
    ])
  } finally {
    clearTimeout(timer)
  }
}
