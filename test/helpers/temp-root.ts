/**
 * vitest's global setup (vitest.config.ts): one temp folder for the whole run, removed when the
 * run ends. Test processes make their per-process homes inside it (temp-home.ts): a process that
 * vitest ends without an 'exit' event (its workers are killed, not exited) used to leave its home
 * behind in the system temp folder, thousands of them over a day of runs.
 */
import { tempDir } from './temp'

export default function setup(): () => void {
  // Every project inherits this global setup from the root config: one folder for all of them.
  if (process.env.BLOCKFORGE_TEST_TMP !== undefined) return () => undefined
  const run = tempDir('bf-test-run-')
  // Set before vitest starts its workers, which inherit it.
  process.env.BLOCKFORGE_TEST_TMP = run.path
  return run.remove
}
