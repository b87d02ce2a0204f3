import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      // better-sqlite3 is a native addon and fastify loads plugins dynamically: keep both external.
      externalizeDeps: true
    }
  },
  preload: {
    resolve: { alias: shared },
    build: {
      // The window is sandboxed, and a sandboxed preload cannot be an ES module: emit CommonJS.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } }
    }
  },
  renderer: {
    resolve: {
      alias: { '@renderer': resolve('src/renderer/src'), ...shared }
    },
    plugins: [vue()]
  }
})
