/**
 * vitest's setup file for the UI project (vitest.config.ts, `unit-ui`): its test files share one
 * worker process and one happy-dom window (`isolate: false`), so that vue, naive-ui, vue-i18n and
 * happy-dom are loaded once per worker instead of once per file. What a test file can change is
 * put back here, so each file still starts as it would in a process of its own:
 *
 * - modules, environment variables, stubbed globals, fake timers: as for every unit file
 *   (test/helpers/fresh-modules.ts, which runs first). Only the libraries are shared, and they
 *   keep no state between two mounts that a test can see: a new Pinia, router and i18n are made
 *   for every mount (mount.ts);
 * - the window: storage, the page's URL, <html>'s attributes and <body> are as a new window's;
 * - after each test: every app it mounted is unmounted, so that its watchers, listeners and
 *   timers stop rather than react in the next test or file.
 */
import { afterAll, afterEach } from 'vitest'
import { config } from '@vue/test-utils'
import type { App, Plugin } from 'vue'

/** What a fresh window has, read on the worker's first file, before any test ran. */
interface Pristine {
  url: string
  htmlAttributes: [string, string][]
}
const KEY = Symbol.for('blockforge.shared-dom.pristine')
const store = globalThis as unknown as Record<symbol, Pristine | undefined>
const pristine = (store[KEY] ??= {
  url: window.location.href,
  htmlAttributes: [...document.documentElement.attributes].map((a) => [a.name, a.value])
})

localStorage.clear()
sessionStorage.clear()
window.history.replaceState(null, '', pristine.url)
const html = document.documentElement
for (const a of [...html.attributes]) html.removeAttribute(a.name)
for (const [name, value] of pristine.htmlAttributes) html.setAttribute(name, value)
document.body.innerHTML = ''
for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name)

/** Every app @vue/test-utils mounts in this file, through a plugin in its global config. */
const mounted = new Set<App>()
const track: Plugin = {
  install(app) {
    mounted.add(app)
    const unmount = app.unmount.bind(app)
    app.unmount = () => {
      mounted.delete(app)
      unmount()
    }
  }
}
// Replaced, not pushed: the previous file's tracker must not stay in the shared config.
config.global.plugins = [track]

// After each test, not only after the file: an app left mounted would go on reacting to the
// fake API's events and the shared stores in the tests after it (and each made them slower).
afterEach(() => {
  for (const app of [...mounted]) app.unmount()
})

// (Every app is unmounted by then: afterEach ran after the file's last test.)
afterAll(() => {
  config.global.plugins = []
  document.body.innerHTML = ''
})
