/**
 * The Chromium that the browser tests drive, so that `npm install && npm test` is all the set-up a
 * fresh Linux x64 machine needs:
 *   1. $CHROMIUM_PATH, when set (a path that does not exist is an error, not a silent fallback);
 *   2. else a Chrome or Chromium installed where the platform puts it (skipped with
 *      BLOCKFORGE_NO_SYSTEM_CHROMIUM=1, which is how the npm one is tried on a machine that has both);
 *   3. else, on Linux x64, the headless shell inside the `@sparticuz/chromium` dev dependency,
 *      unpacked once into node_modules/.cache (the package is built for AWS Lambda and ships x64
 *      only; other platforms must name a browser with CHROMIUM_PATH).
 * A missing Chromium fails the tests rather than skipping them: they are the only check that the UI
 * works against a real node.
 */
import { execFile } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser } from 'playwright-core'

const ROOT = resolve(import.meta.dirname, '../..')

/** Our flags, for every Chromium: headless, no sandbox (containers, root), nothing phoning home. */
export const BASE_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export type ChromiumChoice =
  | { ok: true; source: 'CHROMIUM_PATH' | 'system'; path: string }
  | { ok: true; source: 'npm' }
  | { ok: false; reason: string }

export interface LookupInputs {
  platform: NodeJS.Platform
  arch: string
  env: Readonly<Record<string, string | undefined>>
  exists(path: string): boolean
}

/** Where each platform's package managers and installers put Chrome or Chromium, in order. */
export function systemCandidates(platform: NodeJS.Platform, env: LookupInputs['env']): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium'
    ]
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(
      (r): r is string => !!r
    )
    return roots.map((r) => `${r}\\Google\\Chrome\\Application\\chrome.exe`)
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium'
  ]
}

/** Which Chromium to drive. Pure: the caller passes what is on disk and in the environment. */
export function chooseChromium(i: LookupInputs): ChromiumChoice {
  const given = i.env.CHROMIUM_PATH
  if (given) {
    return i.exists(given)
      ? { ok: true, source: 'CHROMIUM_PATH', path: given }
      : { ok: false, reason: `CHROMIUM_PATH is ${given}, which does not exist` }
  }
  const looked =
    i.env.BLOCKFORGE_NO_SYSTEM_CHROMIUM === '1' ? [] : systemCandidates(i.platform, i.env)
  const found = looked.find((p) => i.exists(p))
  if (found) return { ok: true, source: 'system', path: found }
  if (i.platform === 'linux' && i.arch === 'x64') return { ok: true, source: 'npm' }
  return {
    ok: false,
    reason:
      `no Chrome or Chromium found${looked.length ? ` (looked at ${looked.join(', ')})` : ''}, and the ` +
      `Chromium from npm (@sparticuz/chromium) is for Linux x64 only: set CHROMIUM_PATH to a Chrome or Chromium`
  }
}

/**
 * Flags of @sparticuz/chromium that we leave out, by name. The package's list is tuned for AWS
 * Lambda; what it adds beyond ours is mostly harmless, but not these:
 * - they switch off the web security that the tests check the node against (CORS, site isolation,
 *   mixed content: test/security/web-origins.test.ts loads an attacker page from another origin);
 * - `--single-process` (Lambda forbids the sandbox's prctl) makes closing the browser flaky, and
 *   the normal process model runs fine outside Lambda;
 * - feature lists: Chromium keeps the last `--enable/--disable-features`, so theirs would replace
 *   Playwright's own;
 * - GL through SwiftShader, when ours asks for no GPU at all;
 * - `--headless='shell'` (quotes included): Playwright passes `--headless`, which the shell accepts.
 */
const LEFT_OUT = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--disable-setuid-sandbox',
  '--single-process',
  '--disable-features',
  '--enable-features',
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--in-process-gpu',
  '--headless'
])

const flagName = (arg: string): string => arg.split('=')[0]

/** Ours, then the package's that we keep and do not already have. */
export function mergeArgs(ours: readonly string[], theirs: readonly string[]): string[] {
  const have = new Set(ours.map(flagName))
  const kept = theirs.filter((a) => !LEFT_OUT.has(flagName(a)) && !have.has(flagName(a)))
  return [...ours, ...kept]
}

export interface LaunchSpec {
  source: 'CHROMIUM_PATH' | 'system' | 'npm'
  executablePath: string
  args: string[]
  /** The browser's environment; undefined: this process's. */
  env?: Record<string, string | undefined>
}

const run = promisify(execFile)

/**
 * Unpacks the package's brotli archives (about 2 s, 210 MB) into `<cacheRoot>/chromium-<version>`
 * once. The package unpacks into os.tmpdir() and trusts anything already there, so a half-written
 * binary from a parallel test process would be used as is: instead each process unpacks in a child
 * with TMPDIR set to a private folder, then renames that folder into place, which is atomic. The
 * loser of a race drops its copy. node_modules rather than /tmp, since /tmp is often noexec.
 */
export async function unpackNpmChromium(
  cacheRoot = join(ROOT, 'node_modules/.cache/blockforge-chromium')
): Promise<{
  dir: string
  executablePath: string
  args: string[]
}> {
  const require = createRequire(join(ROOT, 'package.json'))
  const entry = require.resolve('@sparticuz/chromium') // <pkg>/build/index.js
  const pkgDir = resolve(entry, '../..')
  const version = (
    JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }
  ).version
  const dir = join(cacheRoot, `chromium-${version}`)
  if (!existsSync(join(dir, 'chromium'))) {
    mkdirSync(cacheRoot, { recursive: true })
    const staging = mkdtempSync(`${dir}.part-`)
    try {
      // al2023.tar.br: NSS, NSPR and expat, which the binary links and a minimal system lacks; the
      // package unpacks it only on Amazon Linux, we always do and put it on LD_LIBRARY_PATH.
      const script =
        `import c, { inflate } from ${JSON.stringify(entry)};` +
        `await c.executablePath(); await inflate(${JSON.stringify(join(pkgDir, 'bin/al2023.tar.br'))})`
      await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging }
      })
      writeFileSync(join(staging, 'fonts.conf'), fontsConf(dir))
      renameSync(staging, dir)
    } catch (e) {
      rmSync(staging, { recursive: true, force: true })
      const code = (e as NodeJS.ErrnoException).code
      // Another process renamed its copy into place first: use that one.
      if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, 'chromium'))))
        throw e
    }
  }
  const { default: sparticuz } = (await import('@sparticuz/chromium')) as {
    default: { args: string[] }
  }
  return { dir, executablePath: join(dir, 'chromium'), args: mergeArgs(BASE_ARGS, sparticuz.args) }
}

/**
 * The binary's own fontconfig falls back to /usr/share/fonts; a machine without fonts renders no
 * text at all. This config keeps the system's (with its CJK fonts: Chinese needs one, such as
 * fonts-wqy-microhei, or it is drawn as nothing) and adds the Open Sans the package ships, which
 * covers Latin, Greek and Cyrillic.
 */
function fontsConf(dir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <dir prefix="xdg">fonts</dir>
  <dir>${join(dir, 'fonts/fonts')}</dir>
  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>
</fontconfig>
`
}

/** How to launch the Chromium `chooseChromium` picks on this machine. */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<LaunchSpec> {
  const choice = chooseChromium({
    platform: process.platform,
    arch: process.arch,
    env,
    exists: existsSync
  })
  if (!choice.ok) throw new Error(`Chromium for the browser tests: ${choice.reason}`)
  if (choice.source !== 'npm')
    return { source: choice.source, executablePath: choice.path, args: [...BASE_ARGS] }
  const npm = await unpackNpmChromium()
  const libs = join(npm.dir, 'al2023/lib')
  return {
    source: 'npm',
    executablePath: npm.executablePath,
    args: npm.args,
    env: {
      ...env,
      LD_LIBRARY_PATH: [libs, env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter),
      FONTCONFIG_FILE: join(npm.dir, 'fonts.conf')
    }
  }
}

/**
 * Chromium with a fresh profile (Playwright gives each launch a new temporary user-data-dir).
 * `extraArgs` come after ours.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const spec = await resolveChromium()
  return chromium.launch({
    executablePath: spec.executablePath,
    headless: true,
    args: [...spec.args, ...extraArgs],
    ...(spec.env ? { env: spec.env } : {})
  })
}
