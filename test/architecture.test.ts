/**
 * The layering the project depends on, checked on the import graph of src/ (test/helpers/imports.ts
 * reads it with the TypeScript parser: multi-line imports, re-exports, `import()` and type-only
 * imports all count, since a type import is a dependency of the design too):
 * - each folder of src/main imports only the folders LAYERS allows, and LAYERS only points down;
 * - no file imports itself back through others (no import cycle anywhere in src/);
 * - the chain core is pure (node:crypto and its own siblings only), and so are fork choice
 *   (chain/) and the pending pool (mempool/), which import the core and nothing else, so all three
 *   run in plain Node, in a worker and in tests;
 * - the renderer never reaches into the node; only the Electron shell imports electron;
 * - the transports (http/, api/, p2p/) meet the node only through its facade (node/facade.ts):
 *   the concrete NodeService is built by the composition root alone.
 *
 * BF_ARCH_ROOT=<a checkout> runs the same rules on another tree (an older commit, say): today's
 * tree must pass, and the tree before the composition root moved to src/main/app must not.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { importCycles, importGraph, sourceFiles, type ImportEdge } from './helpers/imports'
import { tempDir } from './helpers/temp'

const ROOT = process.env.BF_ARCH_ROOT ?? join(__dirname, '..')

/**
 * Who may import whom, bottom to top. A folder not listed on the left is a layering mistake of its
 * own (a new folder says where it sits); src/shared (the UI contract, types and constants) may be
 * imported from anywhere and imports nothing. The entries (index.ts, headless.ts) are imported by
 * nobody.
 */
const LAYERS: Record<string, readonly string[]> = {
  // the UI contract (src/shared), the pure core and its pure neighbours
  shared: [],
  core: [],
  chain: ['core'],
  mempool: ['core'],
  wallet: ['core'],
  log: [],
  // persistence: implements chain's ChainStore port; knows the wallet's file name beside its own
  store: ['core', 'chain', 'wallet'],
  // NodeService behind NodeFacade, the mining controller, settings: what the transports use
  node: ['core', 'chain', 'mempool', 'store', 'wallet', 'log'],
  // adapters above the facade: they reach the chain, the store and the wallet only through it
  miner: ['core', 'node'],
  p2p: ['core', 'node', 'log'],
  http: ['core', 'node', 'p2p', 'log'],
  api: ['core', 'node', 'package.json'],
  // the composition root: builds a running node from all of the above
  app: [
    'core',
    'chain',
    'mempool',
    'store',
    'wallet',
    'log',
    'node',
    'miner',
    'p2p',
    'http',
    'api'
  ],
  // the Electron shell, beside the composition root (it explains a failed start: app/explain.ts)
  shell: ['store', 'wallet', 'api', 'app'],
  // entries: the desktop app (Electron main) and the headless command
  'index.ts': ['log', 'miner', 'p2p', 'app', 'shell'],
  'headless.ts': ['log', 'app', 'package.json'],
  // the other two processes, which reach the node only through the contract
  preload: [],
  renderer: []
}

/** The area of a file for LAYERS: a folder of src/main, an entry, shared, preload, renderer, or outside src/. */
function areaOf(file: string): string {
  const main = /^src\/main\/([^/]+)(\/)?/.exec(file)
  if (main) return main[1]
  const other = /^src\/([^/]+)\//.exec(file)
  if (other) return other[1]
  return file // outside src/: package.json, or a mistake (test/, scripts/)
}

/** Whether LAYERS lets `upper` import `lower`, directly or through folders in between. */
function below(lower: string, upper: string, seen = new Set<string>()): boolean {
  if (seen.has(upper)) return false
  seen.add(upper)
  return (LAYERS[upper] ?? []).some((b) => b === lower || below(lower, b, seen))
}

/** One line per import that LAYERS does not allow, naming the file, the line and the rule. */
function layerViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = []
  for (const e of edges) {
    if (e.to === undefined) continue
    const from = areaOf(e.from)
    const to = areaOf(e.to)
    if (from === to || to === 'shared') continue
    const allowed = LAYERS[from]
    if (allowed === undefined) {
      out.push(
        `${e.from}: the folder '${from}' has no row in LAYERS (test/architecture.test.ts): say what it may import`
      )
    } else if (!allowed.includes(to)) {
      const why = below(from, to)
        ? `'${to}' sits above '${from}'`
        : `'${from}' may import only: ${allowed.join(', ') || 'nothing (and src/shared)'}`
      out.push(
        `${e.from}:${e.line} imports ${e.spec}${e.typeOnly ? ' (type only)' : ''}: ${from} → ${to} is not allowed (${why})`
      )
    }
  }
  return out
}

/**
 * Packages that stand for a layer's job: only the areas named may import them (the rest reach
 * that job through the layer). A package not listed may be imported where LAYERS allows.
 */
const PACKAGES: Record<string, readonly string[]> = {
  'better-sqlite3': ['store'],
  fastify: ['http'],
  pino: ['log'],
  electron: ['shell', 'index.ts', 'preload']
}

/** One line per import of a package from an area PACKAGES does not give it to. */
function packageViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => e.to === undefined && !e.spec.startsWith('.') && !e.spec.startsWith('node:'))
    .flatMap((e) => {
      const name = e.spec.startsWith('@')
        ? e.spec.split('/').slice(0, 2).join('/')
        : e.spec.split('/')[0]
      const allowed = PACKAGES[name]
      const area = areaOf(e.from)
      if (allowed === undefined || allowed.includes(area)) return []
      return [
        `${e.from}:${e.line} imports ${e.spec}: only ${allowed.join(', ')} may (PACKAGES in test/architecture.test.ts)`
      ]
    })
}

/** One line per file of src/main whose folder has no row in LAYERS, whatever it imports. */
function unlistedFiles(files: readonly string[]): string[] {
  return files
    .filter((f) => LAYERS[areaOf(f)] === undefined)
    .map(
      (f) =>
        `${f}: the folder '${areaOf(f)}' has no row in LAYERS (test/architecture.test.ts): say what it may import`
    )
}

/**
 * The layers table of docs/ARCHITECTURE.md as { area: what it may import }: each row's
 * backticked folders or entries, and its "may import" cell ("everything below" for the
 * composition root; "nothing" and "`node:crypto` only" are no folder).
 */
function documentedLayers(markdown: string): Record<string, string[] | 'everything below'> {
  const out: Record<string, string[] | 'everything below'> = {}
  const lines = markdown.split('\n')
  const head = lines.findIndex((l) => /^\| layer \| folder \| may import \|/.test(l))
  // The table's rows: from its header to the first line that is not a row.
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 5 || !cells[2].includes('`')) continue
    const names = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) =>
      m[1].replace(/\/$/, '').replace(/^src\//, '')
    )
    const may = cells[3]
    const list =
      may === 'everything below'
        ? 'everything below'
        : may === 'nothing' || may.includes('only')
          ? []
          : may.split(',').map((x) => x.trim())
    for (const n of names) out[n] = list
  }
  return out
}

/** Where the concrete NodeService may be imported: its own folder and the composition root. */
const SERVICE_FILE = 'src/main/node/service.ts'
const MAY_BUILD_THE_NODE = ['node', 'app']

/** One line per import of the concrete NodeService from a folder that should see only the facade. */
function facadeBypasses(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => e.to === SERVICE_FILE && !MAY_BUILD_THE_NODE.includes(areaOf(e.from)))
    .map(
      (e) =>
        `${e.from}:${e.line} imports ${e.spec}${e.typeOnly ? ' (type only)' : ''}: use NodeFacade (node/facade.ts)`
    )
}

/** One line per cycle: the files in order, so the message says which import to cut. */
function cycleReport(edges: readonly ImportEdge[]): string[] {
  return importCycles(edges).map((c) => {
    const others = c.files.filter((f) => !c.path.includes(f))
    return `import cycle: ${c.path.join(' → ')}${others.length > 0 ? ` (caught in it too: ${others.join(', ')})` : ''}`
  })
}

/** What a pure folder imports beyond what it may: `may(spec)` decides each specifier. */
function impurities(
  edges: readonly ImportEdge[],
  folder: string,
  may: (spec: string) => boolean
): string[] {
  return edges
    .filter((e) => e.from.startsWith(`src/main/${folder}/`) && !may(e.spec))
    .map((e) => `${e.from}:${e.line} imports ${e.spec}`)
}

const graph = importGraph(ROOT)

describe('architecture', () => {
  it('reads the import graph of the whole of src/', () => {
    // A parser that found nothing would make every rule below pass.
    expect(graph.length).toBeGreaterThan(300)
    expect(
      graph.some((e) => e.from === 'src/main/headless.ts' && e.to?.startsWith('src/main/'))
    ).toBe(true)
  })

  it('imports only down the layers: each folder of src/main imports only what LAYERS allows', () => {
    expect(layerViolations(graph)).toEqual([])
  })

  it('gives every file of src/main a folder with a row in LAYERS, even one that imports no file', () => {
    const files = sourceFiles(ROOT, 'src/main')
    expect(files.length).toBeGreaterThan(100)
    expect(unlistedFiles(files)).toEqual([])
  })

  it("keeps each layer's packages in its layer: SQLite in store, Fastify in http, pino in log, Electron in the shell", () => {
    expect(packageViolations(graph)).toEqual([])
    // The rule has something to check: each package is imported where it belongs.
    for (const pkg of Object.keys(PACKAGES)) expect(graph.some((e) => e.spec === pkg)).toBe(true)
  })

  it('says in docs/ARCHITECTURE.md what LAYERS says, row by row', () => {
    const doc = documentedLayers(readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8'))
    const rows = Object.keys(LAYERS).filter((a) => !['preload', 'renderer'].includes(a))
    expect(Object.keys(doc).sort()).toEqual(rows.sort())
    for (const a of rows) {
      const d = doc[a]
      if (d === 'everything below') {
        // The composition root may import every folder below it, and no entry.
        expect(
          LAYERS[a].every((b) => !b.endsWith('.ts')),
          a
        ).toBe(true)
      } else expect([...LAYERS[a]].sort(), `${a}'s row in docs/ARCHITECTURE.md`).toEqual(d.sort())
    }
  })

  it('keeps LAYERS itself one way: no folder may import a folder that may import it', () => {
    const seen = new Set<string>()
    const visit = (a: string, path: string[]): void => {
      if (path.includes(a)) throw new Error(`LAYERS has a cycle: ${[...path, a].join(' → ')}`)
      if (seen.has(a)) return
      for (const b of LAYERS[a] ?? []) visit(b, [...path, a])
      seen.add(a)
    }
    for (const a of Object.keys(LAYERS)) visit(a, [])
    // The entries are the top: nothing imports them.
    for (const [a, allowed] of Object.entries(LAYERS))
      expect(
        allowed.filter((b) => b.endsWith('.ts')),
        a
      ).toEqual([])
  })

  it('lets the transports meet the node only through NodeFacade, never the concrete NodeService', () => {
    expect(facadeBypasses(graph)).toEqual([])
    // The rule has something to check: the facade is what they import.
    expect(
      graph.some((e) => e.from.startsWith('src/main/p2p/') && e.to === 'src/main/node/facade.ts')
    ).toBe(true)
  })

  it('has no import cycle among the files of src/, type-only imports included', () => {
    expect(cycleReport(graph)).toEqual([])
  })

  it('keeps the chain core free of Electron, SQLite, networking and threads', () => {
    expect(impurities(graph, 'core', (s) => s === 'node:crypto' || s.startsWith('./'))).toEqual([])
  })

  it('keeps fork choice and the pending pool pure: chain/ and mempool/ import the core and their own files only', () => {
    const pure = (s: string): boolean =>
      s.startsWith('./') || s === '../core' || s.startsWith('../core/')
    expect(impurities(graph, 'chain', pure)).toEqual([])
    expect(impurities(graph, 'mempool', pure)).toEqual([])
  })

  it('lets only the Electron shell import electron', () => {
    // (src/preload runs in Electron's preload context: electron is its one import besides the contract.)
    const inMain = graph.filter(
      (e) =>
        e.from.startsWith('src/main/') &&
        e.from !== 'src/main/index.ts' &&
        !e.from.startsWith('src/main/shell/')
    )
    expect(
      inMain.filter((e) => e.spec === 'electron').map((e) => `${e.from}:${e.line} imports electron`)
    ).toEqual([])
  })

  it('keeps the renderer a thin client of the shared API', () => {
    const reach = graph.filter(
      (e) =>
        e.from.startsWith('src/renderer/') &&
        /src\/main|^electron$|^node:|better-sqlite3/.test(e.spec)
    )
    expect(reach.map((e) => `${e.from}:${e.line} imports ${e.spec}`)).toEqual([])
  })
})

describe('architecture rules on a tree made to break them', () => {
  const dir = tempDir('blockforge-arch-')
  afterAll(() => dir.remove())
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(dir.path, file)), { recursive: true })
    writeFileSync(join(dir.path, file), text)
  }
  write('src/main/core/index.ts', "import { readFileSync } from 'node:fs'\nexport const x = 1\n")
  write(
    'src/main/chain/chain.ts',
    "import { x } from '../core'\nimport Database from 'better-sqlite3'\nexport const y = x\n"
  )
  write(
    'src/main/node/service.ts',
    "import type { Running } from '../app/run'\nexport const z = 1\n"
  )
  write(
    'src/main/app/run.ts',
    "import { z } from '../node/service'\nexport type Running = { z: typeof z }\n"
  )
  write('src/main/p2p/gossip.ts', "import {\n  a\n} from './peer-manager'\nexport const g = a\n")
  write(
    'src/main/p2p/peer-manager.ts',
    "import { g } from './gossip'\nimport { s } from './sync'\nexport const a = 1\nexport const h = () => g + s\n"
  )
  write('src/main/p2p/sync.ts', "import type { a } from './peer-manager'\nexport const s = 2\n")
  write('src/main/__unlisted__/w.ts', "export const w = await import('../core')\n")
  write(
    'src/main/http/routes.ts',
    "import type { NodeService } from '../node/service'\nexport type R = NodeService\n"
  )
  write('src/main/http/db.ts', "import Database from 'better-sqlite3'\nexport const d = Database\n")
  write('src/main/__quiet__/q.ts', 'export const q = 1\n')
  const edges = importGraph(dir.path)

  it('names the import that points up, with its line and the rule it breaks', () => {
    expect(layerViolations(edges)).toEqual([
      "src/main/__unlisted__/w.ts: the folder '__unlisted__' has no row in LAYERS (test/architecture.test.ts): say what it may import",
      "src/main/node/service.ts:1 imports ../app/run (type only): node → app is not allowed ('app' sits above 'node')"
    ])
  })

  it('names a package used outside its layer, and a folder without a row that imports nothing', () => {
    expect(packageViolations(edges)).toEqual([
      'src/main/chain/chain.ts:2 imports better-sqlite3: only store may (PACKAGES in test/architecture.test.ts)',
      'src/main/http/db.ts:1 imports better-sqlite3: only store may (PACKAGES in test/architecture.test.ts)'
    ])
    expect(unlistedFiles(sourceFiles(dir.path, 'src/main'))).toEqual([
      "src/main/__quiet__/q.ts: the folder '__quiet__' has no row in LAYERS (test/architecture.test.ts): say what it may import",
      "src/main/__unlisted__/w.ts: the folder '__unlisted__' has no row in LAYERS (test/architecture.test.ts): say what it may import"
    ])
  })

  it('names a transport that reaches past the facade for the concrete class', () => {
    expect(facadeBypasses(edges)).toEqual([
      'src/main/http/routes.ts:1 imports ../node/service (type only): use NodeFacade (node/facade.ts)'
    ])
  })

  it('names each cycle as the path of files around it, multi-line imports included', () => {
    expect(cycleReport(edges)).toEqual([
      'import cycle: src/main/app/run.ts → src/main/node/service.ts → src/main/app/run.ts',
      'import cycle: src/main/p2p/gossip.ts → src/main/p2p/peer-manager.ts → src/main/p2p/gossip.ts (caught in it too: src/main/p2p/sync.ts)'
    ])
  })

  it('names what makes the core or the chain impure', () => {
    expect(impurities(edges, 'core', (s) => s === 'node:crypto' || s.startsWith('./'))).toEqual([
      'src/main/core/index.ts:1 imports node:fs'
    ])
    expect(impurities(edges, 'chain', (s) => s.startsWith('./') || s === '../core')).toEqual([
      'src/main/chain/chain.ts:2 imports better-sqlite3'
    ])
  })
})
