/**
 * The Electron security checklist, applied once per app: a strict CSP on every response, no
 * permissions, no navigation away from our page, no new windows, no <webview>.
 */
import { app, type Session, type WebContents } from 'electron'
import { UI_CSP } from '../../shared/csp'

export const CSP = UI_CSP

/**
 * The permissions the UI uses: writing text to the clipboard (the copy buttons) and desktop
 * notifications (a block found, coins received; the UI asks only when Settings allows them).
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'clipboard-sanitized-write',
  'notifications'
])

/** Adds the CSP header (the page also carries it as a meta tag) and refuses other permissions. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] }
    })
  })
  session.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission))
  )
  session.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission))
}

function hardenContents(contents: WebContents): void {
  // The UI is a single page with hash routes; any real navigation is a link to elsewhere.
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

/** Call before the first window: every web contents the app ever creates is hardened. */
export function hardenApp(): void {
  app.enableSandbox()
  app.on('web-contents-created', (_event, contents) => hardenContents(contents))
}
