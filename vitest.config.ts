import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@renderer': resolve('src/renderer/src'),
      '@shared': resolve('src/shared')
    }
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Every test process, and every node it starts, keeps per-user settings in a temp folder.
    setupFiles: ['test/helpers/temp-home.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
