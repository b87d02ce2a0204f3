/**
 * A worker entry bundled to one plain JavaScript module, as the built node and the desktop app
 * run it (scripts/build-headless.mjs, electron-vite's `?modulePath`). Under tsx, as in
 * development, every new thread loads tsx and compiles the worker and its imports again: about
 * 200 ms of CPU per thread against 60 ms for the bundle. Tests that start many threads (the miner
 * engine's restarts, thread counts) use the bundle; the tsx path keeps a test of its own.
 */
import { build } from 'esbuild'
import { join, resolve } from 'node:path'
import { afterAll } from 'vitest'
import { tempDir } from './temp'

const ENTRIES = {
  miner: 'src/main/miner/worker.ts',
  verify: 'src/main/p2p/verify-worker.ts'
} as const

/** Bundles `which` into a temp folder removed after the calling file's tests. */
export async function bundledWorker(which: keyof typeof ENTRIES): Promise<string> {
  const dir = tempDir('bf-worker-')
  afterAll(dir.remove)
  const outfile = join(dir.path, `${which}-worker.mjs`)
  await build({
    entryPoints: [resolve(__dirname, '../..', ENTRIES[which])],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'warning'
  })
  return outfile
}
