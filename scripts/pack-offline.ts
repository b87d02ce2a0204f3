/**
 * Packs the app as an installer would, with no download: `electron-builder --linux dir --mac dir`
 * with a stand-in Electron (`-c.electronDist=<folder>`: an executable named `electron`, a `version`
 * file and the skeleton of Electron.app), which runs the whole pipeline (file selection, production
 * node_modules, app.asar and what it unpacks, the macOS bundle's Info.plist and icon) except
 * fetching Electron. The installers (AppImage, deb, dmg) wrap exactly these folders; building them
 * needs tools electron-builder downloads, which CI does (.github/workflows/release.yml). Windows
 * is left out: electron-builder edits the real electron.exe's resources, which a stand-in lacks.
 *
 *   npx tsx scripts/pack-offline.ts [--keep]   prints the unpacked app's folder (kept with --keep)
 *
 * Everything happens in a private staging folder, never in the checkout: the app is built there
 * (electron-vite --outDir), next to copies of package.json, the lock file, electron-builder.yml
 * and build/, and a hard-linked copy of node_modules (electron-builder lists production packages
 * with `npm ls`, which does not follow a symlinked node_modules). So a packaging run beside the
 * tests, or beside `npm start`, replaces nobody's out/.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..')

export interface PackOptions {
  /** electron-builder config file to pack with (default: the project's electron-builder.yml). */
  config?: string
}

export interface PackedApp {
  /** The staging folder: package.json, out/ (the build), dist/ (electron-builder's output). */
  stage: string
  /** dist/linux-unpacked: what the deb installs to /opt/Blockforge and the AppImage mounts. */
  appDir: string
  /** appDir/resources, holding app.asar and app.asar.unpacked. */
  resources: string
  /** dist/mac/Blockforge.app (x64): what the dmg holds. */
  macApp: string
  /** The build that was packed (main, preload, renderer). */
  outDir: string
  /** electron-builder's output, for a failure message. */
  log: string
  remove(): void
}

/**
 * node_modules as hard links (a second or two for ~36,000 files, no data copied). Where the temp
 * folder is on another file system (EXDEV) the caller stages inside node_modules/.cache instead.
 */
function linkTree(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true })
  for (const e of readdirSync(from, { withFileTypes: true })) {
    // node_modules/.cache holds tools' caches (the tests' unpacked Chromium, staging folders like
    // this one), not packages, and other processes write there while we walk.
    if (top && e.name === '.cache') continue
    const src = join(from, e.name)
    const dst = join(to, e.name)
    try {
      if (e.isDirectory()) linkTree(src, dst, false)
      else if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst)
      else linkSync(src, dst)
    } catch (err) {
      // A file removed while we walk (a temp file of a running tool) is no loss; anything else is.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

function makeStage(): string {
  const attempt = (parent: string): string | null => {
    mkdirSync(parent, { recursive: true })
    const stage = mkdtempSync(join(parent, 'bf-pack-'))
    try {
      linkTree(join(ROOT, 'node_modules'), join(stage, 'node_modules'))
      return stage
    } catch (e) {
      rmSync(stage, { recursive: true, force: true })
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') return null
      throw e
    }
  }
  const stage = attempt(tmpdir()) ?? attempt(join(ROOT, 'node_modules', '.cache'))
  if (!stage) throw new Error('cannot hard-link node_modules into a staging folder')
  return stage
}

const STAND_IN = '#!/bin/sh\necho "stand-in for Electron: packaging check only" >&2\nexit 1\n'

function plist(executable: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    `<plist version="1.0"><dict><key>CFBundleExecutable</key><string>${executable}</string>` +
    '<key>CFBundleIconFile</key><string>electron.icns</string></dict></plist>\n'
  )
}

/**
 * A folder electron-builder takes for an unpacked Electron of the version we depend on: for Linux
 * the `electron` executable and `version`; for macOS the parts of Electron.app it rewrites (the
 * app's and each helper's Info.plist and executable, which it renames after the product).
 */
function standInElectron(parent: string): string {
  const dir = join(parent, 'electron-stand-in')
  mkdirSync(dir)
  const { version } = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')
  ) as { version: string }
  writeFileSync(join(dir, 'electron'), STAND_IN, { mode: 0o755 })
  writeFileSync(join(dir, 'version'), `v${version}`)
  const contents = join(dir, 'Electron.app', 'Contents')
  mkdirSync(join(contents, 'MacOS'), { recursive: true })
  mkdirSync(join(contents, 'Resources'))
  writeFileSync(join(contents, 'MacOS', 'Electron'), STAND_IN, { mode: 0o755 })
  writeFileSync(join(contents, 'Info.plist'), plist('Electron'))
  for (const kind of ['', ' (Renderer)', ' (GPU)', ' (Plugin)']) {
    const helper = join(contents, 'Frameworks', `Electron Helper${kind}.app`, 'Contents')
    mkdirSync(join(helper, 'MacOS'), { recursive: true })
    writeFileSync(join(helper, 'MacOS', `Electron Helper${kind}`), STAND_IN, { mode: 0o755 })
    writeFileSync(join(helper, 'Info.plist'), plist(`Electron Helper${kind}`))
  }
  return dir
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // CI=true: electron-builder takes no prompts; publishing is off below in any case.
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024
  })
  return {
    ok: r.status === 0,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`
  }
}

export function packOffline(opts: PackOptions = {}): PackedApp {
  const stage = makeStage()
  const remove = (): void => rmSync(stage, { recursive: true, force: true })
  try {
    for (const f of ['package.json', 'package-lock.json'])
      copyFileSync(join(ROOT, f), join(stage, f))
    copyFileSync(
      opts.config ?? join(ROOT, 'electron-builder.yml'),
      join(stage, 'electron-builder.yml')
    )
    cpSync(join(ROOT, 'build'), join(stage, 'build'), { recursive: true })

    const outDir = join(stage, 'out')
    const viteCli = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js')
    const built = run(process.execPath, [viteCli, 'build', '--outDir', outDir], ROOT)
    if (!built.ok) throw new Error(`electron-vite build failed:\n${built.output}`)

    const builderCli = join(ROOT, 'node_modules/electron-builder/cli.js')
    const packed = run(
      process.execPath,
      [
        builderCli,
        ...['--linux', 'dir', '--mac', 'dir', '--x64', '--projectDir', stage, '--publish', 'never'],
        `-c.electronDist=${standInElectron(stage)}`
      ],
      stage
    )
    if (!packed.ok) throw new Error(`electron-builder failed:\n${packed.output}`)
    const appDir = join(stage, 'dist', 'linux-unpacked')
    const macApp = join(stage, 'dist', 'mac', 'Blockforge.app')
    return {
      stage,
      appDir,
      resources: join(appDir, 'resources'),
      macApp,
      outDir,
      log: packed.output,
      remove
    }
  } catch (e) {
    remove()
    throw e
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const t0 = performance.now()
  const app = packOffline()
  console.log(`${app.appDir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  if (!process.argv.includes('--keep')) app.remove()
}
