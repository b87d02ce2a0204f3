/**
 * The layering the project depends on, checked on the source text: the chain core is pure
 * (node:crypto and its own siblings only), so it runs in plain Node, in a worker and in tests;
 * the renderer never reaches into the node; only the Electron shell imports electron.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..')

function files(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p))
    else if (/\.(ts|vue)$/.test(name)) out.push(p)
  }
  return out
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8')
  return [...src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1])
}

describe('architecture', () => {
  it('keeps the chain core free of Electron, SQLite, networking and threads', () => {
    for (const f of files(join(ROOT, 'src/main/core'))) {
      for (const spec of imports(f)) {
        const allowed = spec === 'node:crypto' || spec.startsWith('./')
        expect(allowed, `${relative(ROOT, f)} imports ${spec}`).toBe(true)
      }
    }
  })

  it('lets only the Electron shell import electron', () => {
    for (const f of files(join(ROOT, 'src/main'))) {
      const rel = relative(ROOT, f)
      if (rel === join('src', 'main', 'index.ts') || rel.startsWith(join('src', 'main', 'shell'))) continue
      expect(imports(f), rel).not.toContain('electron')
    }
  })

  it('keeps the renderer a thin client of the shared API', () => {
    for (const f of files(join(ROOT, 'src/renderer'))) {
      for (const spec of imports(f)) {
        expect(/src\/main|^electron$|^node:|better-sqlite3/.test(spec), `${relative(ROOT, f)} imports ${spec}`).toBe(false)
      }
    }
  })
})
