import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where tests make their temp folders: inside the run's folder under vitest (temp-root.ts), which
 * is removed when the run ends, so that a folder a test could not remove (a process killed, a
 * test failed before its clean-up) does not stay; the system's temp folder otherwise.
 */
export function testTmp(): string {
  return process.env.BLOCKFORGE_TEST_TMP ?? tmpdir()
}

/** A fresh temp folder; remove() deletes it. */
export function tempDir(prefix = 'blockforge-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(testTmp(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}
