/**
 * The repository is self-contained: a clone anywhere reads and tests the same. The protocol
 * (docs/PROTOCOL.md) and its vectors (test/vectors/) are vendored copies of the shared folder that
 * lies beside the checkout where the project is developed, byte for byte (checked when that folder
 * is there, skipped with the reason when it is not); the test helpers, --help and /openapi.json
 * name the copies; no file points outside the repository; and every relative link in a Markdown
 * file reaches a file (and heading) inside it.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HELP } from '../src/main/app/config'
import { openApiDocument } from '../src/main/http/openapi'
import { VECTORS_DIR as UNIT_VECTORS } from './helpers/vectors'
import { VECTORS_DIR as BLACKBOX_VECTORS } from './helpers/blackbox'
import { tempDir } from './helpers/temp'

const ROOT = resolve(__dirname, '..')
/** Where the originals live during development: a sibling of the checkout, absent in other clones. */
const SHARED = resolve(ROOT, '..', 'shared')
const HAS_SHARED = existsSync(join(SHARED, 'PROTOCOL.md'))
const NO_SHARED = `${SHARED} is absent (a clone outside the development tree): nothing to compare with`

/** Folders that are built, installed or generated, never part of the repository's text. */
const NOT_SOURCE = new Set([
  'node_modules',
  'out',
  'dist',
  '.git',
  'coverage',
  'test-results',
  'tmp'
])

/** Every file of the repository (relative paths, '/'-separated), generated folders left out. */
function repoFiles(dir = ROOT): string[] {
  const found: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) {
      if (!NOT_SOURCE.has(name)) found.push(...repoFiles(p))
    } else if (!name.endsWith('.tsbuildinfo') && !name.endsWith('.log')) {
      found.push(relative(ROOT, p).split(sep).join('/'))
    }
  }
  return found.sort()
}

/** The file's text, or null for a binary file (one with a NUL byte: images, wasm, addons). */
function textOf(file: string): string | null {
  const bytes = readFileSync(join(ROOT, file))
  return bytes.includes(0) ? null : bytes.toString('utf8')
}

/** Where the repository's copy first differs from the original, or null when they are the same. */
function difference(copy: string, original: string): string | null {
  const a = readFileSync(join(ROOT, copy))
  const b = readFileSync(original)
  if (a.equals(b)) return null
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return `${copy} differs from ${original} from byte ${i} on (${a.length} and ${b.length} bytes): copy it again`
}

describe('the vendored protocol and vectors', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('docs/PROTOCOL.md is byte-identical to the shared PROTOCOL.md', (ctx) => {
    ctx.skip(!HAS_SHARED, NO_SHARED)
    expect(difference('docs/PROTOCOL.md', join(SHARED, 'PROTOCOL.md'))).toBeNull()
  })

  it('test/vectors holds exactly the shared vectors, byte for byte', (ctx) => {
    ctx.skip(!HAS_SHARED, NO_SHARED)
    const names = readdirSync(join(SHARED, 'vectors')).sort()
    expect(readdirSync(join(ROOT, 'test/vectors')).sort()).toEqual(names)
    for (const name of names) {
      expect(difference(`test/vectors/${name}`, join(SHARED, 'vectors', name))).toBeNull()
    }
  })

  it('is what both test helpers load, unless BLOCKFORGE_VECTORS names another set', (ctx) => {
    ctx.skip(
      process.env.BLOCKFORGE_VECTORS !== undefined,
      'BLOCKFORGE_VECTORS is set: the helpers use it'
    )
    expect(UNIT_VECTORS).toBe(join(ROOT, 'test', 'vectors'))
    expect(BLACKBOX_VECTORS).toBe(join(ROOT, 'test', 'vectors'))
  })

  it('gives way to BLOCKFORGE_VECTORS, for running the tests on another set of vectors', async () => {
    const other = tempDir()
    try {
      cpSync(join(ROOT, 'test/vectors'), other.path, { recursive: true })
      vi.stubEnv('BLOCKFORGE_VECTORS', other.path)
      vi.resetModules()
      const unit = await import('./helpers/vectors')
      const blackbox = await import('./helpers/blackbox')
      expect(unit.VECTORS_DIR).toBe(other.path)
      expect(blackbox.VECTORS_DIR).toBe(other.path)
    } finally {
      other.remove()
    }
  })

  it('is what --help and /openapi.json point a reader to', () => {
    expect(HELP).toContain('docs/PROTOCOL.md')
    const info = openApiDocument([]).info as { description: string }
    expect(info.description).toContain('docs/PROTOCOL.md')
  })
})

/**
 * References to the shared folder beside the checkout (its protocol, vectors, style notes and
 * research), in any form: a relative path, an absolute one, or STYLE's section numbers.
 */
const OUTSIDE = [
  /shared\/(?:PROTOCOL\.md|STYLE\.md|vectors|research|hooks)/,
  /\/work\/shared\b/,
  /\bSTYLE(?:\.md)? §/
]

describe('a self-contained repository', () => {
  it('has no file that refers to the shared folder outside it', () => {
    const hits: string[] = []
    for (const file of repoFiles()) {
      const text = textOf(file)
      if (text === null) continue
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(hits).toEqual([])
  })

  it('resolves every relative link in its Markdown files to a file and heading inside it', () => {
    const broken: string[] = []
    const docs = repoFiles().filter((f) => f.endsWith('.md'))
    expect(docs).toContain('README.md')
    for (const doc of docs) {
      for (const target of links(readFileSync(join(ROOT, doc), 'utf8'))) {
        const why = checkLink(doc, target)
        if (why !== null) broken.push(`${doc}: (${target}) ${why}`)
      }
    }
    expect(broken).toEqual([])
  })
})

// ---------------------------------------------------------------- Markdown links

/** The text outside fenced code blocks and code spans, where Markdown makes links. */
function prose(md: string): string {
  return md.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, '')
}

/** Targets of inline links and images, `[text](target "title")`, and of `[label]: target` lines. */
function links(md: string): string[] {
  const text = prose(md)
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1])
  const defs = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1])
  return [...inline, ...defs]
}

/** Why a link from `doc` does not resolve inside the repository, or null when it does. */
function checkLink(doc: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null // https:, mailto:: not the repository's
  const hash = target.indexOf('#')
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash))
  const anchor = hash < 0 ? '' : decodeURIComponent(target.slice(hash + 1))
  const file =
    path === ''
      ? doc
      : relative(ROOT, resolve(ROOT, dirname(doc), path))
          .split(sep)
          .join('/')
  if (file.startsWith('..') || isAbsolute(file)) return 'points outside the repository'
  if (!existsSync(join(ROOT, file))) return 'no such file'
  if (
    anchor !== '' &&
    file.endsWith('.md') &&
    !headingAnchors(readFileSync(join(ROOT, file), 'utf8')).has(anchor)
  ) {
    return `no heading #${anchor} in ${file}`
  }
  return null
}

/**
 * The anchors GitHub gives a Markdown file's headings: the heading's text as rendered, lower
 * case, with everything but letters, digits, spaces, '-' and '_' dropped and spaces made '-'; a
 * repeated anchor gets -1, -2, ...
 */
function headingAnchors(md: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  const noFences = md.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
  for (const m of noFences.matchAll(/^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const rendered = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '')
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}
