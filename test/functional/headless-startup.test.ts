/**
 * Issue 12: what the built headless node (`node out/node/headless.js`) loads before it answers.
 * Not a timing (tests never assert speed): which code it has loaded at its listening line, as
 * the process itself reports it. A CPU profile of the start put most of its time beyond an
 * empty Node server in code an idle node never runs:
 *
 * - undici (Node's fetch), pulled in by the ESM facade of `node:http` (its WebSocket getters):
 *   the build now requires `node:http` and `node:https` (scripts/build-headless.mjs);
 * - Ajv and fast-json-stringify, which Fastify loads and runs over every route's schema before
 *   listening: now loaded and compiled on a route's first request (http/server.ts).
 *
 * And that the checks are the same once they run: the first request to a validated route gets
 * the same refusal, and valid ones pass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp'

const ROOT = resolve(__dirname, '../..')
const dir = tempDir('bf-startup-')

/**
 * Loaded before `--import`-ed code runs the entry: on the listening line, which built-ins and
 * packages the process has loaded (process.moduleLoadList: built-ins; require.cache: CommonJS).
 */
const PROBE = `
import { createRequire } from 'node:module'
const cache = createRequire(import.meta.url).cache
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = (s, ...rest) => {
  if (String(s).startsWith('listening on')) {
    const files = Object.keys(cache)
    const has = (re) => files.some((f) => re.test(f))
    process.stderr.write('LOADED ' + JSON.stringify({
      undici: process.moduleLoadList.some((m) => m.includes('undici')),
      ajv: has(/node_modules[\\\\/]ajv[\\\\/]/),
      // Fastify's error serializer needs only fast-json-stringify/lib/serializer.js; the compiler is index.js.
      fastJsonStringify: has(/node_modules[\\\\/]fast-json-stringify[\\\\/]index\\.js$/),
      fastify: has(/node_modules[\\\\/]fastify[\\\\/]/)
    }) + '\\n')
  }
  return write(s, ...rest)
}
`

let child: ChildProcess | undefined
let url = ''
let loaded: Record<string, boolean> = {}

beforeAll(async () => {
  const built = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/build-headless.mjs'), '--if-stale'],
    {
      encoding: 'utf8'
    }
  )
  expect(built.status, built.stderr).toBe(0)
  const probe = join(dir.path, 'probe.mjs')
  writeFileSync(probe, PROBE)
  child = spawn(
    process.execPath,
    [
      '--import',
      probe,
      join(ROOT, 'out/node/headless.js'),
      '--port',
      '0',
      '--data-dir',
      join(dir.path, 'data'),
      '--network',
      'regtest'
    ],
    {
      env: { ...process.env, BLOCKFORGE_HOME: join(dir.path, 'home') },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  const lines = createInterface({ input: child.stderr! })
  const gotLoaded = new Promise<void>((res) =>
    lines.on('line', (l) => {
      if (l.startsWith('LOADED ')) {
        loaded = JSON.parse(l.slice(7))
        res()
      }
    })
  )
  url = await new Promise<string>((res, rej) => {
    createInterface({ input: child!.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l)
      if (m) res(m[1])
    })
    child!.once('exit', (code) => rej(new Error(`the node exited (${code}) before listening`)))
  })
  await gotLoaded
}, 60_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  dir.remove()
})

describe('the built headless node at its listening line', () => {
  it('has loaded Fastify, but not undici, Ajv or fast-json-stringify', () => {
    expect(loaded.fastify).toBe(true) // the probe sees CommonJS packages at all
    expect(loaded).toEqual({
      undici: false,
      ajv: false,
      fastJsonStringify: false,
      fastify: true
    })
  })

  it('validates each route on its first request as before: the same refusals, valid requests pass', async () => {
    const bad = await fetch(`${url}/chain?from=abc`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'invalid_field' })
    const page = await fetch(`${url}/chain?from=1&limit=1`)
    expect(page.status).toBe(200)
    expect(((await page.json()) as { chain: unknown[] }).chain).toHaveLength(1)
    // A body schema: a string where the protocol has a number is refused, not coerced.
    const tx = await fetch(`${url}/transactions/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: 'ab'.repeat(20), amount: '5' })
    })
    expect(tx.status).toBe(400)
    const body = (await tx.json()) as { error: string; message: string }
    expect(body.error).toBe('invalid_field')
    expect(body.message).toMatch(/amount/)
  })
})
