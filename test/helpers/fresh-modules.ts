/**
 * vitest's setup file for the unit project (vitest.config.ts): its test files share a worker
 * process (`isolate: false`), so that vitest itself, fastify, pino, better-sqlite3 and the rest
 * of node_modules are loaded once per worker instead of once per file, which cost more than the
 * tests. Every module outside node_modules (src/, the test's helpers, what a `vi.mock` returns)
 * is still evaluated afresh for each file, so no file sees the module state another left:
 * setup files run again before every test file, also without isolation (vitest's TestRunner
 * invalidates them first). vitest itself restores `vi.spyOn` spies between files.
 *
 * Stubbed environment variables and globals and fake timers are undone after each file, and
 * process.env is put back as the file found it, so that a file that sets a variable and does not
 * restore it cannot change the next one.
 */
import { afterAll, vi } from 'vitest'

vi.resetModules()

const env = { ...process.env }

afterAll(() => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  vi.useRealTimers()
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k]
  Object.assign(process.env, env)
})
