/**
 * vitest's global setup (vitest.config.ts): one temp folder for the whole run, removed when the
 * run ends. Test processes make their temp folders and per-process homes inside it (temp.ts,
 * temp-home.ts): a process that vitest ends without an 'exit' event (its workers are killed, not
 * exited) used to leave its home behind in the system temp folder, thousands of them over a day
 * of runs.
 *
 * A run stopped by a signal may not get to its teardown, or its workers may still be writing when
 * it does: each run folder is named with the pid of its run, and the next run removes the folders
 * of runs whose process is gone.
 */
import { readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tempDir } from './temp'

const PREFIX = 'bf-test-run-'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' // someone else's process
  }
}

/** Removes the run folders left by runs that have ended (the pid in their name is gone). */
function sweep(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue
    const pid = Number(name.slice(PREFIX.length).split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !alive(pid))
      rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

export default function setup(): () => void {
  // Every project inherits this global setup from the root config: one folder for all of them.
  if (process.env.BLOCKFORGE_TEST_TMP !== undefined) return () => undefined
  sweep()
  const run = tempDir(`${PREFIX}${process.pid}-`)
  // Set before vitest starts its workers, which inherit it.
  process.env.BLOCKFORGE_TEST_TMP = run.path
  process.once('exit', run.remove)
  return run.remove
}
