/**
 * The import graph of a source tree, read with the TypeScript parser (not a regex: imports span
 * lines, `export ... from` and `import()` are imports too, and a type-only import must be told
 * apart). test/architecture.test.ts checks its rules on it; it takes the tree's root as an
 * argument so that the same rules can be run on another checkout (an older commit, a fixture).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import ts from 'typescript'

/** One import in one file: where it is, what it names, and the source file it resolves to. */
export interface ImportEdge {
  /** The importing file, relative to the root, '/'-separated. */
  from: string
  line: number
  /** The specifier as written. */
  spec: string
  /** The imported source file (relative, '/'-separated), or undefined for a package or a builtin. */
  to?: string
  /** `import type` / `export type`: erased from the build, but still a dependency of the design. */
  typeOnly: boolean
}

/** The path aliases of tsconfig.web.json and vitest.config.ts. */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['@renderer/', 'src/renderer/src/'],
  ['@shared/', 'src/shared/']
]

const SOURCE = /\.(ts|vue)$/

/** Every .ts and .vue file under `dir` (relative to `root`, '/'-separated), sorted. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (SOURCE.test(name)) out.push(relative(root, p).split(sep).join('/'))
    }
  }
  if (existsSync(join(root, dir))) walk(join(root, dir))
  return out.sort()
}

/** The script blocks of a Vue single-file component, with the lines before them kept (blank) so line numbers match. */
function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text
  const out: string[] = text.split('\n').map(() => '')
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = text.slice(0, m.index! + m[0].indexOf('>') + 1).split('\n').length - 1
    m[1].split('\n').forEach((l, i) => (out[start + i] = (out[start + i] ?? '') + l))
  }
  return out.join('\n')
}

/** The file a specifier names, as the bundler and tsx resolve it; undefined for packages. */
function resolveSpec(root: string, from: string, written: string): string | undefined {
  // `./worker?modulePath` (electron-vite): the file is the part before the query.
  const spec = written.split('?')[0]
  let base: string | undefined
  if (spec.startsWith('./') || spec.startsWith('../')) base = join(dirname(join(root, from)), spec)
  for (const [alias, target] of ALIASES)
    if (spec.startsWith(alias)) base = join(root, target, spec.slice(alias.length))
  if (base === undefined) return undefined
  for (const candidate of [base, `${base}.ts`, `${base}.vue`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile())
      return relative(root, candidate).split(sep).join('/')
  }
  // Named but missing (a generated file, or a mistake the typecheck reports): keep the name.
  return relative(root, base).split(sep).join('/')
}

/** The imports of one file: static imports, re-exports and dynamic `import('...')`. */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = scriptOf(file, readFileSync(join(root, file), 'utf8'))
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const edges: ImportEdge[] = []
  const add = (node: ts.Node, spec: string, typeOnly: boolean): void => {
    const line = src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1
    edges.push({ from: file, line, spec, to: resolveSpec(root, file, spec), typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const named = clause?.namedBindings
      // `import { type A, type B } from` is as type-only as `import type { A, B } from`.
      const allTypes =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly)
      add(node, node.moduleSpecifier.text, clause?.isTypeOnly === true || allTypes)
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false)
    }
    ts.forEachChild(node, visit)
  }
  visit(src)
  return edges
}

/** Every import of every source file under `dir`. */
export function importGraph(root: string, dir = 'src'): ImportEdge[] {
  return sourceFiles(root, dir).flatMap((f) => importsOf(root, f))
}

/** Files that import each other round: `path` is one loop `a → b → … → a`, `files` all of them. */
export interface ImportCycle {
  path: string[]
  files: string[]
}

/**
 * The import cycles among files: one per strongly connected component of more than one file (or a
 * file importing itself), with the shortest loop through its first file, so a failure names the
 * imports to cut, and every file caught in it.
 */
export function importCycles(edges: readonly ImportEdge[]): ImportCycle[] {
  const next = new Map<string, string[]>()
  for (const e of edges) {
    if (e.to === undefined) continue
    const list = next.get(e.from) ?? []
    if (!list.includes(e.to)) list.push(e.to)
    next.set(e.from, list)
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  let counter = 0
  const connect = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter)
    counter++
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        c.push(w)
      } while (w !== v)
      if (c.length > 1 || (next.get(v) ?? []).includes(v)) components.push(c.sort())
    }
  }
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v)
  // Within each component, the shortest way from its first file back to itself.
  return components.map((c) => {
    const inside = new Set(c)
    const start = c[0]
    const prev = new Map<string, string>()
    const queue = [start]
    for (let i = 0; i < queue.length; i++) {
      for (const w of next.get(queue[i]) ?? []) {
        if (!inside.has(w)) continue
        if (w === start) {
          const path = [start]
          for (let v = queue[i]; v !== start; v = prev.get(v)!) path.splice(1, 0, v)
          return { path: [...path, start], files: c }
        }
        if (!prev.has(w)) {
          prev.set(w, queue[i])
          queue.push(w)
        }
      }
    }
    return { path: [...c, start], files: c }
  })
}
