import { BrowserWindow, session } from 'electron'
import { PRELOAD } from './renderer-location'
import { hardenSession } from './security'

/**
 * A window showing one node's UI at `url` (our built page, or the dev server), with every
 * security switch on. Each node's windows get their own in-memory session (`partition`, no
 * "persist:"): the UI keeps nothing in the browser, and two app instances then never contend for
 * Chromium's on-disk profile.
 */
export function createNodeWindow(title: string, partition: string, url: string): BrowserWindow {
  hardenSession(session.fromPartition(partition))
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title,
    show: false,
    webPreferences: {
      preload: PRELOAD,
      partition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false
    }
  })
  win.once('ready-to-show', () => win.show())
  // Keep our title (it names the node) rather than the page's.
  win.on('page-title-updated', (e) => e.preventDefault())
  void win.loadURL(url)
  return win
}
