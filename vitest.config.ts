import { resolve } from 'node:path'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

/**
 * The unit project, `npm run test:unit`: a loop to run after every change. These tests run in
 * the test process and its worker threads (at most a helper process or two): no tree of child
 * processes, no browser, no packaging. Two files under these folders are not unit tests and are
 * left out with `!(name)`: store/crash.test.ts SIGKILLs 25 child writers (about 40 s alone) and
 * launcher/start-fallback.test.ts runs `npm start` as a process tree and waits for its build.
 */
const UNIT = [
  // architecture, protocol vectors, the repository's own checks
  'test/*.test.ts',
  'test/core/**/*.test.ts',
  'test/chain/**/*.test.ts',
  'test/store/!(crash).test.ts',
  'test/miner/**/*.test.ts',
  'test/renderer/**/*.test.ts',
  'test/api/**/*.test.ts',
  'test/shell/**/*.test.ts',
  'test/log/**/*.test.ts',
  'test/launcher/!(start-fallback).test.ts'
]

/**
 * Unit tests that need the CPU to themselves: engine.test.ts checks that the miner's threads
 * hash, and they run at the lowest priority, so beside another busy test file they can get no
 * CPU at all between two progress reports. They run after the other unit tests, alone.
 */
const UNIT_ALONE = ['test/miner/engine.test.ts']

/**
 * `vitest run` (npm test) runs these groups one after another: unit (every core), unit-alone,
 * then slow (vitest's default, one worker fewer than cores, as before the split).
 */
const TEST_PROJECTS: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'unit',
      include: UNIT,
      exclude: UNIT_ALONE,
      maxWorkers: '100%',
      sequence: { groupOrder: 0 }
    }
  },
  {
    extends: true,
    test: { name: 'unit-alone', include: UNIT_ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } }
  },
  // Everything else: nodes as child processes (functional, blackbox), security, Chromium end to
  // end, packaging, and the two files UNIT leaves out. It takes every file UNIT does not match,
  // so a new test file always runs in `npm test`, at worst in this project.
  {
    extends: true,
    test: {
      name: 'slow',
      include: ['test/**/*.test.ts'],
      exclude: UNIT,
      sequence: { groupOrder: 2 }
    }
  }
]

/**
 * `npm run screenshots` (vitest --mode screenshots): the end-to-end files that save the docs'
 * screenshots, run with UPDATE_SCREENSHOTS=1 so that they do (test/e2e/harness.ts: CAPTURE).
 * Not part of `npm test`, which makes the same checks without taking pictures.
 */
const SCREENSHOT_PROJECT: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'screenshots',
    include: ['test/e2e/desktop-ui.test.ts', 'test/e2e/first-run.test.ts'],
    env: { UPDATE_SCREENSHOTS: '1' }
  }
}

export default defineConfig(({ mode }) => ({
  plugins: [vue()],
  resolve: {
    alias: {
      '@renderer': resolve('src/renderer/src'),
      '@shared': resolve('src/shared')
    }
  },
  test: {
    environment: 'node',
    pool: 'forks',
    // Every test process, and every node it starts, keeps per-user settings in a temp folder.
    setupFiles: ['test/helpers/temp-home.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // npm test: `vitest run`, every project; npm run test:unit: the two unit projects.
    projects: mode === 'screenshots' ? [SCREENSHOT_PROJECT] : TEST_PROJECTS
  }
}))
