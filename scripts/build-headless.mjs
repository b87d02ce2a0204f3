#!/usr/bin/env node
/**
 * Builds the headless node to plain JavaScript in out/node/: `headless.js` (the entry, the package's
 * `blockforge` bin, shebang'd and executable), the two worker entries it starts,
 * `miner-worker.js` and `verify-worker.js`, and `validators.cjs`, the HTTP API's request
 * validators compiled ahead (scripts/validators.ts). The three entries are each one
 * self-contained ES module with every npm
 * package left outside the bundle (better-sqlite3 is a native addon; fastify and pino load parts
 * of themselves at run time), fastify, pino, better-sqlite3 and `node:http(s)` loaded with
 * `require` (commonJsByRequire below: a faster start).
 *
 *   node scripts/build-headless.mjs             build
 *   node scripts/build-headless.mjs --if-stale  build only when a source file changed since the last build
 *
 * Plain JavaScript (not TypeScript) so that plain node runs it: `npm run node` calls it with
 * --if-stale before exec'ing the built entry, on a fresh clone too. The staleness check costs a
 * few milliseconds: out/node/build-info.json lists every file esbuild read for the last build with
 * its size and mtime, and the build is fresh while none of them changed and every output is there.
 *
 * Why esbuild and not electron-vite/rolldown (which builds the desktop app's main process):
 * electron-vite builds main, preload and renderer together (the renderer alone takes seconds) and
 * empties out/main on every build; esbuild is what tsx already runs every test and `npm run node`
 * through, so the built node is transformed exactly as the tested sources were, and it bundles
 * these three entries in well under a second with one call and no config file.
 *
 * Outputs are written to temporary names and renamed into place, build-info.json last, so that two
 * `npm run node` started at once on a fresh clone (both building) never run half a file.
 */
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const OUT_DIR = join(ROOT, 'out', 'node')
const INFO = join(OUT_DIR, 'build-info.json')
/** This script is an input too: a change in how the build is made is a change in what it makes. */
const SELF = fileURLToPath(import.meta.url)

/** Output name (without .js) → source entry. headless.ts finds the workers by these names. */
const ENTRIES = {
  headless: 'src/main/headless.ts',
  'miner-worker': 'src/main/miner/worker.ts',
  'verify-worker': 'src/main/p2p/verify-worker.ts'
}

/**
 * CommonJS is loaded with `require`, not through Node's ESM loader (issue 12: start to first
 * answer). Measured in CPU profiles of `node out/node/headless.js` starting:
 * - `import { request } from 'node:http'` in an ES module makes Node build the module's ESM
 *   namespace, which reads every export, and `http`'s WebSocket, MessageEvent and CloseEvent are
 *   lazy getters that load undici (Node's fetch, never used here): tens of milliseconds and
 *   ~4 MB of RSS. `require` returns the module object without touching them.
 * - `import Fastify from 'fastify'` (and pino, better-sqlite3: CommonJS packages) makes Node
 *   parse each package's entry with cjs-module-lexer to find its named exports, and go through
 *   the ESM resolver, for a default import that is `module.exports` either way.
 * Each becomes a small module of the bundle that requires it (resolved from out/node, as the
 * import was) and re-exports its plain values (never a getter: reading one is what loads undici).
 */
const AS_COMMONJS = /^(node:https?|fastify|pino|better-sqlite3)$/

/** @type {import('esbuild').Plugin} */
const commonJsByRequire = {
  name: 'commonjs-by-require',
  setup(b) {
    b.onResolve({ filter: AS_COMMONJS }, (args) => ({ path: args.path, namespace: 'required' }))
    b.onLoad({ filter: /.*/, namespace: 'required' }, async (args) => {
      // The packages are imported for their default export only (a function each: Fastify, pino,
      // Database), and are not loaded here; a built-in's plain values are listed from this Node's.
      const builtin = args.path.startsWith('node:')
      const mod = builtin ? (await import('node:module')).createRequire(SELF)(args.path) : {}
      const names = Object.entries(Object.getOwnPropertyDescriptors(mod))
        .filter(([k, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default')
        .map(([k]) => k)
      return {
        contents:
          `import { createRequire } from 'node:module'\n` +
          `const m = createRequire(import.meta.url)(${JSON.stringify(args.path)})\n` +
          `export default m\n` +
          names.map((n) => `export const ${n} = m.${n}\n`).join(''),
        loader: 'js'
      }
    })
  }
}

/**
 * Writes `file` whole or not at all: to a temporary name, then renamed into place (a node
 * started mid-build, or a second build at once, never reads half a file).
 * @param {string} file @param {string | Uint8Array} contents @param {number} [mode]
 */
function writeWhole(file, contents, mode) {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, contents)
  if (mode !== undefined) chmodSync(tmp, mode)
  renameSync(tmp, file)
}

/** @param {string} file @returns {[number, number] | null} mtime (ms) and size, or null if missing */
function stamp(file) {
  const s = statSync(file, { throwIfNoEntry: false })
  return s === undefined ? null : [s.mtimeMs, s.size]
}

/**
 * Whether out/node holds a build of the sources as they are now: every output as this build
 * wrote it (a damaged or replaced one is built again) and every input unchanged.
 * @returns {{ fresh: true } | { fresh: false, why: string }}
 */
export function freshness() {
  /** @type {{ inputs: Record<string, [number, number]>, outputs: Record<string, [number, number]> }} */
  let info
  try {
    info = JSON.parse(readFileSync(INFO, 'utf8'))
  } catch {
    return { fresh: false, why: 'not built yet' }
  }
  if (Array.isArray(info.outputs) || typeof info.outputs !== 'object')
    return { fresh: false, why: 'built by an older build script' }
  for (const [out, [mtime, size]] of Object.entries(info.outputs)) {
    const now = stamp(join(OUT_DIR, out))
    if (now === null) return { fresh: false, why: `${out} is missing` }
    if (now[0] !== mtime || now[1] !== size) return { fresh: false, why: `${out} changed` }
  }
  for (const [rel, [mtime, size]] of Object.entries(info.inputs)) {
    const now = stamp(join(ROOT, rel))
    if (now === null || now[0] !== mtime || now[1] !== size)
      return { fresh: false, why: `${rel} changed` }
  }
  return { fresh: true }
}

/**
 * out/node/validators.cjs: every route's request validator, compiled now instead of on the
 * node's first request with a body or a query (scripts/validators.ts says how). The generator is
 * bundled beside the outputs (so that it resolves fastify as the node does), run, and removed.
 * @param {typeof import('esbuild')} esbuild
 * The entry is built with the module's SHA-256 (`__BF_VALIDATORS_SHA256__`) and loads only a file
 * that has it: a node running while another build replaces the file keeps compiling its own.
 * @returns {Promise<{ file: string, bytes: number, sha256: string, inputs: string[] }>}
 */
async function buildValidators(esbuild) {
  const gen = join(OUT_DIR, `validators-gen.${process.pid}.mjs`)
  try {
    const r = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [join(ROOT, 'scripts/validators.ts')],
      outfile: gen,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      metafile: true,
      logLevel: 'error'
    })
    const { validatorsModule } = await import(pathToFileURL(gen).href)
    const { code } = await validatorsModule()
    writeWhole(join(OUT_DIR, 'validators.cjs'), code)
    return {
      file: 'validators.cjs',
      bytes: code.length,
      sha256: createHash('sha256').update(code).digest('hex'),
      inputs: Object.keys(r.metafile.inputs)
    }
  } finally {
    rmSync(gen, { force: true })
  }
}

/**
 * Bundles the three entries into out/node, with the request validators (buildValidators).
 * @param {{ quiet?: boolean }} [opts] quiet: errors only (a first `npm run node` prints nothing else)
 * @returns {Promise<{ ms: number, bytes: number }>}
 */
export async function build(opts = {}) {
  const t0 = performance.now()
  // esbuild comes with tsx (and vite); imported only when a build is needed.
  const esbuild = await import('esbuild')
  // The validators first: the entries are built with their hash, and look for them beside them.
  const validators = await buildValidators(esbuild)
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, src]) => [name, join(ROOT, src)])
    ),
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    plugins: [commonJsByRequire],
    define: { __BF_VALIDATORS_SHA256__: JSON.stringify(validators.sha256) },
    write: false,
    logLevel: opts.quiet ? 'error' : 'warning'
  })
  mkdirSync(OUT_DIR, { recursive: true })
  let bytes = 0
  /** @type {Record<string, [number, number]>} */
  const outputs = {}
  // Workers and maps first, the entry last: a node started mid-build finds whole files only.
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path.endsWith('headless.js')) - Number(b.path.endsWith('headless.js'))
  )
  bytes += validators.bytes
  outputs[validators.file] = stamp(join(OUT_DIR, validators.file)) ?? [0, 0]
  for (const f of files) {
    writeWhole(f.path, f.contents, f.path.endsWith('.js') ? 0o755 : undefined)
    bytes += f.contents.length
    outputs[relative(OUT_DIR, f.path)] = stamp(f.path) ?? [0, 0]
  }
  /** @type {Record<string, [number, number]>} */
  const inputs = {}
  // package-lock.json too: the packages' versions shape validators.cjs (Ajv's code generation).
  const read = [
    ...Object.keys(result.metafile.inputs),
    ...validators.inputs,
    relative(ROOT, SELF),
    'package-lock.json'
  ]
  for (const rel of new Set(read)) {
    const s = stamp(join(ROOT, rel))
    if (s !== null) inputs[rel] = s
  }
  writeWhole(INFO, JSON.stringify({ esbuild: esbuild.version, inputs, outputs }, null, 1) + '\n')
  return { ms: performance.now() - t0, bytes }
}

async function main() {
  const ifStale = process.argv.includes('--if-stale')
  if (ifStale) {
    const f = freshness()
    // Built silently: what the node prints (one line on a failed start) is what scripts read.
    if (f.fresh) return
  }
  const { ms, bytes } = await build({ quiet: ifStale })
  if (!ifStale)
    process.stdout.write(
      `out/node: headless.js, miner-worker.js, verify-worker.js, validators.cjs (${(bytes / 1024).toFixed(0)} kB) in ${ms.toFixed(0)} ms\n`
    )
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  main().catch((e) => {
    process.stderr.write(
      `blockforge: building the headless node failed: ${e instanceof Error ? e.message : String(e)}\n`
    )
    process.exit(1)
  })
}
