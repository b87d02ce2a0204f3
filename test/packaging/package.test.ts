/**
 * What a user's install holds, checked offline: the app is built and packed by electron-builder
 * exactly as for the installers (scripts/pack-offline.ts: `--linux dir` with a stand-in Electron,
 * so nothing is downloaded), then app.asar is read with @electron/asar (electron-builder's own
 * reader) and compared with the build, package.json and the lock file:
 *   - main, preload, renderer and every worker chunk are inside app.asar, and every import they
 *     make resolves there (a worker thread has no `electron` module);
 *   - better-sqlite3's binary for each platform we ship is outside it, in app.asar.unpacked, and
 *     the packaged better-sqlite3 loads it and opens a database;
 *   - node_modules holds the production packages and nothing else (no devDependencies);
 *   - the whole stays within the size budget recorded in docs/packaging.md.
 * The macOS bundle (packed in the same run) holds the same app.asar, our bundle id and icon. The
 * icons each installer takes are checked from build/ without packing.
 * Runs on Linux (the stand-in is a Linux Electron); about 20 s.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { join, posix, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  decodeIcns,
  decodeIco,
  ICNS_TYPES,
  ICO_SIZES,
  LINUX_SIZES,
  pngSize
} from '../../scripts/icon-containers'
import { packOffline, ROOT, type PackedApp } from '../../scripts/pack-offline'
import { tempDir } from '../helpers/temp'

// @electron/asar comes with electron-builder (app-builder-lib depends on it): the same reader and
// writer that made the archive.
const asar = createRequire(join(ROOT, 'node_modules/app-builder-lib/package.json'))(
  '@electron/asar'
) as {
  listPackage(archive: string, opts: { isPack: boolean }): string[]
  statFile(archive: string, file: string): { unpacked?: boolean; size?: number; files?: unknown }
  extractFile(archive: string, file: string): Buffer
  extractAll(archive: string, dest: string): void
}

/** Size budget (bytes), recorded in docs/packaging.md: measured 5.9 MiB + 9.9 MiB at 0.1.0. */
const BUDGET = { asar: 8 * 2 ** 20, unpacked: 12 * 2 ** 20, total: 20 * 2 ** 20 }

/** The platforms we ship installers for, and the magic bytes their binaries start with. */
const TARGETS = {
  'linux-x64': 'elf',
  'linux-arm64': 'elf',
  'darwin-x64': 'macho',
  'darwin-arm64': 'macho',
  'win32-x64': 'pe'
} as const
/** Production packages we leave out on purpose (electron-builder.yml says why). */
const LEFT_OUT = new Set(['node_modules/node-addon-api'])

function magic(buf: Buffer): 'elf' | 'macho' | 'pe' | 'other' {
  if (buf.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return 'elf'
  if (buf.readUInt32LE(0) === 0xfeedfacf) return 'macho' // MH_MAGIC_64, little-endian (x64 and arm64)
  if (buf.subarray(0, 2).toString('latin1') === 'MZ') return 'pe'
  return 'other'
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
  )
}

function duBytes(path: string): number {
  const s = statSync(path)
  return s.isDirectory()
    ? readdirSync(path).reduce((n, f) => n + duBytes(join(path, f)), 0)
    : s.size
}

/**
 * Module specifiers of a bundle's imports: the static ones, which the bundler writes one per line
 * at the top, and dynamic `import("x")` with a literal specifier. (Comments in the bundle quote
 * imports too, so only statement-shaped lines count.)
 */
function importsOf(code: string): string[] {
  const spec = `["']([\\w@./:-]+)["']`
  const found = new Set<string>()
  for (const re of [
    new RegExp(`^import\\s[^;]*?\\bfrom\\s*${spec};?\\s*$`, 'gm'),
    new RegExp(`^import\\s*${spec};?\\s*$`, 'gm'),
    new RegExp(`\\bimport\\(\\s*${spec}\\s*\\)`, 'g')
  ]) {
    for (const m of code.matchAll(re)) found.add(m[1])
  }
  return [...found]
}

/** Package folders (node_modules/x, node_modules/@s/x, nested ones too) among archive paths. */
const PACKAGE_DIR =
  /^node_modules\/(?:@[^/]+\/[^/]+|[^@/][^/]*)(?:\/node_modules\/(?:@[^/]+\/[^/]+|[^@/][^/]*))*$/

describe.runIf(process.platform === 'linux')(
  'the packed app (electron-builder --linux dir --mac dir, offline)',
  () => {
    let app: PackedApp
    let archive: string
    /** Paths in app.asar, without the leading slash. */
    let entries: Set<string>

    beforeAll(() => {
      app = packOffline(process.env.BF_PACK_CONFIG ? { config: process.env.BF_PACK_CONFIG } : {})
      archive = join(app.resources, 'app.asar')
      entries = new Set(
        asar.listPackage(archive, { isPack: false }).map((p) =>
          p
            .replace(/^[/\\]/, '')
            .split('\\')
            .join('/')
        )
      )
    }, 180_000)
    afterAll(() => app?.remove())

    const packed = (p: string): boolean => entries.has(p) && !asar.statFile(archive, p).unpacked

    it('holds main, preload, renderer and every file of the build inside app.asar', () => {
      const built = walk(app.outDir)
        .map((f) => relative(app.stage, f).split('\\').join('/'))
        .filter((f) => !f.endsWith('.map'))
      for (const must of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'])
        expect(built).toContain(must)
      expect(
        built.filter((f) => !packed(f)),
        'built files missing from app.asar (or unpacked)'
      ).toEqual([])
      // Nothing but the build under out/: no stale headless build, no source maps.
      expect(
        [...entries].filter(
          (p) => p.startsWith('out/') && !asar.statFile(archive, p).files && !built.includes(p)
        )
      ).toEqual([])
      const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as {
        main: string
        type: string
      }
      expect(packed(posix.normalize(pkg.main))).toBe(true)
      expect(pkg.type).toBe('module')
    })

    it('holds every worker chunk the main process starts, and each loads from inside app.asar', () => {
      const main = readFileSync(join(app.outDir, 'main/index.js'), 'utf8')
      // electron-vite's ?modulePath: join(import.meta.dirname, "./chunks/<name>.js"), started by path.
      const workers = [...main.matchAll(/["']\.\/(chunks\/[^"']+\.js)["']/g)].map(
        (m) => `out/main/${m[1]}`
      )
      expect(
        workers.length,
        'no worker chunk referenced from out/main/index.js'
      ).toBeGreaterThanOrEqual(2)
      for (const w of workers) expect(packed(w), `${w} in app.asar`).toBe(true)

      const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
      const topPackages = new Set(
        [...entries]
          .filter((p) => PACKAGE_DIR.test(p) && !p.includes('/node_modules/'))
          .map((p) => p.slice('node_modules/'.length))
      )
      expect(importsOf(readFileSync(join(app.outDir, 'main/index.js'), 'utf8'))).toEqual(
        expect.arrayContaining(['electron', 'better-sqlite3', 'fastify', 'node:worker_threads'])
      )
      const problems: string[] = []
      for (const file of [...entries].filter(
        (p) => p.startsWith('out/main/') && p.endsWith('.js')
      )) {
        const isWorker = workers.includes(file)
        for (const spec of importsOf(asar.extractFile(archive, file).toString())) {
          if (builtins.has(spec)) continue
          if (spec === 'electron') {
            if (isWorker) problems.push(`${file}: a worker thread cannot import electron`)
            continue
          }
          if (spec.startsWith('.')) {
            if (!packed(posix.join(posix.dirname(file), spec)))
              problems.push(`${file}: ${spec} is not in app.asar`)
            continue
          }
          const name = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : spec.split('/')[0]
          if (!topPackages.has(name))
            problems.push(`${file}: package ${name} is not in app.asar's node_modules`)
        }
      }
      expect(problems).toEqual([])
    })

    it("keeps better-sqlite3's binary for every platform we ship outside app.asar, and nothing else", () => {
      const unpackedRoot = `${archive}.unpacked`
      for (const [target, kind] of Object.entries(TARGETS)) {
        const rel = `node_modules/better-sqlite3/prebuilds/${target}.node`
        const file = join(unpackedRoot, rel)
        expect(existsSync(file), `${rel} in app.asar.unpacked`).toBe(true)
        expect(magic(readFileSync(file)), `${rel} is a ${kind} binary`).toBe(kind)
        // Marked unpacked in the archive's header: Electron's require() then maps the real file.
        expect(asar.statFile(archive, rel).unpacked, `${rel} marked unpacked in app.asar`).toBe(
          true
        )
      }
      // Every native addon is unpacked, and only native addons are.
      expect(
        [...entries].filter((p) => p.endsWith('.node') && !asar.statFile(archive, p).unpacked)
      ).toEqual([])
      expect(
        walk(unpackedRoot)
          .map((f) => relative(unpackedRoot, f))
          .filter((f) => !f.endsWith('.node'))
      ).toEqual([])
    })

    it('loads the packaged better-sqlite3 with its prebuilt binary and opens a database', () => {
      // Electron's require() reads lib/ from app.asar and maps the .node from app.asar.unpacked;
      // plain Node cannot read an archive, so the same files are laid out on disk (extractAll copies
      // unpacked files from app.asar.unpacked) and loaded in a child on this Node 22, whose N-API
      // the binary shares with Electron 45's.
      const dir = tempDir('bf-pack-extract-')
      try {
        asar.extractAll(archive, dir.path)
        expect(
          existsSync(join(dir.path, 'node_modules/better-sqlite3/build')),
          'a build/ folder would win over the prebuild'
        ).toBe(false)
        const script =
          `const D = require(${JSON.stringify(join(dir.path, 'node_modules/better-sqlite3'))});` +
          `const db = new D(':memory:'); process.stdout.write(db.prepare('select sqlite_version() v').get().v)`
        const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
        expect(r.stderr).toBe('')
        expect(r.stdout).toMatch(/^3\.\d+\.\d+$/)
      } finally {
        dir.remove()
      }
    })

    it('ships the production packages and no devDependencies', () => {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>
        devDependencies: Record<string, string>
      }
      const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
        packages: Record<
          string,
          { version?: string; dev?: boolean; devOptional?: boolean; optional?: boolean }
        >
      }
      // electron-builder lays node_modules out afresh (it may nest a package elsewhere than npm did),
      // so packages are compared as name@version, each read from its own package.json.
      const nameAt = (lockPath: string): string =>
        lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length)
      const inLock = (keep: (v: (typeof lock.packages)[string]) => boolean): Set<string> =>
        new Set(
          Object.entries(lock.packages)
            .filter(([p, v]) => p.startsWith('node_modules/') && keep(v))
            .map(([p, v]) => `${nameAt(p)}@${v.version}`)
        )
      const production = inLock((v) => !v.dev && !v.devOptional)
      const shippedDirs = [...entries].filter(
        (p) => PACKAGE_DIR.test(p) && entries.has(`${p}/package.json`)
      )
      const shipped = new Set(
        shippedDirs.map((p) => {
          const { name, version } = JSON.parse(
            asar.extractFile(archive, `${p}/package.json`).toString()
          ) as { name: string; version: string }
          return `${name}@${version}`
        })
      )
      const top = shippedDirs
        .filter((p) => !p.slice('node_modules/'.length).includes('node_modules/'))
        .map(nameAt)
      expect(
        top.filter((n) => n in pkg.devDependencies),
        'devDependencies in app.asar'
      ).toEqual([])
      expect(
        [...shipped].filter((p) => !production.has(p)),
        'in app.asar but not a production package'
      ).toEqual([])
      const required = inLock((v) => !v.dev && !v.devOptional && !v.optional)
      const leftOut = new Set([...LEFT_OUT].map((p) => `${nameAt(p)}@${lock.packages[p]?.version}`))
      expect(
        [...required].filter((p) => !shipped.has(p) && !leftOut.has(p)),
        'production packages missing'
      ).toEqual([])
      for (const dep of Object.keys(pkg.dependencies)) expect(top).toContain(dep)
    })

    it('puts the same app into the macOS bundle, with our name, id and icon', () => {
      const contents = join(app.macApp, 'Contents')
      const resources = join(contents, 'Resources')
      // The payload is one for every platform (electron-builder.yml has no per-platform files), so
      // what the tests above found in the Linux app.asar holds for the dmg's byte for byte.
      expect(
        readFileSync(join(resources, 'app.asar')).equals(readFileSync(archive)),
        'same app.asar'
      ).toBe(true)
      for (const target of ['darwin-x64', 'darwin-arm64']) {
        const rel = `app.asar.unpacked/node_modules/better-sqlite3/prebuilds/${target}.node`
        expect(magic(readFileSync(join(resources, rel))), rel).toBe('macho')
      }
      const info = readFileSync(join(contents, 'Info.plist'), 'utf8')
      const key = (k: string): string | undefined =>
        new RegExp(`<key>${k}</key>\\s*<string>([^<]*)</string>`).exec(info)?.[1]
      expect(key('CFBundleIdentifier')).toBe('dev.blockforge.app')
      expect(key('CFBundleExecutable')).toBe('Blockforge')
      expect(existsSync(join(contents, 'MacOS', 'Blockforge'))).toBe(true)
      expect(
        readFileSync(join(resources, key('CFBundleIconFile')!)).equals(
          readFileSync(join(ROOT, 'build/icon.icns'))
        ),
        'our icns'
      ).toBe(true)
    })

    it('stays within the size budget', () => {
      const asarBytes = statSync(archive).size
      const unpackedBytes = duBytes(`${archive}.unpacked`)
      const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`
      console.log(
        `app.asar ${mb(asarBytes)}, app.asar.unpacked ${mb(unpackedBytes)}, total ${mb(asarBytes + unpackedBytes)}`
      )
      expect(asarBytes, `app.asar is ${mb(asarBytes)}`).toBeLessThanOrEqual(BUDGET.asar)
      expect(unpackedBytes, `app.asar.unpacked is ${mb(unpackedBytes)}`).toBeLessThanOrEqual(
        BUDGET.unpacked
      )
      expect(asarBytes + unpackedBytes).toBeLessThanOrEqual(BUDGET.total)
    })
  }
)

describe('the icons each installer takes (build/, from build/icon.svg by scripts/gen-icons.ts)', () => {
  const build = join(ROOT, 'build')
  const config = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')

  it('Linux: one PNG per hicolor size in build/icons, named by its size', () => {
    expect(config).toMatch(/^ {2}icon: build\/icons$/m)
    for (const s of LINUX_SIZES) {
      expect(pngSize(readFileSync(join(build, 'icons', `${s}x${s}.png`))), `${s}x${s}.png`).toEqual(
        { width: s, height: s }
      )
    }
  })

  it('Windows: build/icon.ico holds PNGs from 16 to 256 px, each its stated size', () => {
    expect(config).toMatch(/^ {2}icon: build\/icon\.ico$/m)
    const ico = decodeIco(readFileSync(join(build, 'icon.ico')))
    if ('error' in ico) throw new Error(ico.error)
    expect(ico.map((e) => Number(e.label))).toEqual([...ICO_SIZES])
    for (const e of ico)
      expect(pngSize(e.png)).toEqual({ width: Number(e.label), height: Number(e.label) })
  })

  it('macOS: build/icon.icns holds every iconset type, 16 to 1024 px', () => {
    expect(config).toMatch(/^ {2}icon: build\/icon\.icns$/m)
    const icns = decodeIcns(readFileSync(join(build, 'icon.icns')))
    if ('error' in icns) throw new Error(icns.error)
    expect(icns.map((e) => e.label)).toEqual(ICNS_TYPES.map(([t]) => t))
    for (const [i, [, s]] of ICNS_TYPES.entries())
      expect(pngSize(icns[i].png), ICNS_TYPES[i][0]).toEqual({ width: s, height: s })
  })
})
