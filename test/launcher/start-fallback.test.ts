/**
 * `npm start` where Electron cannot be had (here: no binary, no network, no display): one line
 * saying why, the address, a node answering /status and serving the UI, and SIGTERM stopping all.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { testTmp } from '../helpers/temp'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const home = mkdtempSync(join(testTmp(), 'bf-start-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer()
    srv.once('error', () => res(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)))
  })
}

it.runIf(process.platform === 'linux')(
  'serves the app to the browser and stops on SIGTERM',
  async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, BLOCKFORGE_HOME: home }
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    delete env.ELECTRON_EXEC_PATH
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
    const lines: string[] = []
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`no address within 45 s: ${lines.join('\n')}\n${stderr}`)),
        45_000
      )
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line)
        const m = /^Blockforge is running: open (http:\/\/\S+?)\/? in a browser/.exec(line)
        if (m) {
          clearTimeout(timer)
          res(m[1])
        }
      })
      void exited.then((code) => rej(new Error(`start exited ${code}: ${stderr}`)))
    })
    try {
      const reasons = lines.filter((l) => l.startsWith('Electron cannot run here:'))
      expect(reasons).toHaveLength(1)
      expect(reasons[0]).toMatch(/no display/)
      expect(lines.indexOf(reasons[0])).toBeLessThan(
        lines.findIndex((l) => l.startsWith('Blockforge is running'))
      )

      const status = await fetch(`${url}/status`)
      expect(status.status).toBe(200)
      expect(await status.json()).toHaveProperty('genesis_hash')
      const page = await fetch(`${url}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toMatch(/<div id="app">/)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(await portFree(Number(new URL(url).port))).toBe(true)
  }
)

/**
 * As a user's script or a service manager stops it: SIGTERM to npm's PID only. npm passes it to
 * its shell, which dies without passing it on; the node must notice it was orphaned and stop,
 * freeing the port (it was left running, reparented to PID 1, holding port and data dir).
 */
it.runIf(process.platform === 'linux')(
  '`npm start` stopped by SIGTERM to npm alone leaves no node behind',
  async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, BLOCKFORGE_HOME: join(home, 'npm') }
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    delete env.ELECTRON_EXEC_PATH
    const npm = spawn('npm', ['start', '--silent', '--', '--network', 'regtest', '--port', '0'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const lines: string[] = []
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`no address within 90 s: ${lines.join('\n')}`)),
        90_000
      )
      createInterface({ input: npm.stdout! }).on('line', (line) => {
        lines.push(line)
        const m = /^Blockforge is running: open (http:\/\/\S+?)\/? in a browser/.exec(line)
        if (m) {
          clearTimeout(timer)
          res(m[1])
        }
      })
      npm.on('exit', (code) => rej(new Error(`npm start exited ${code}: ${lines.join('\n')}`)))
    })
    const port = Number(new URL(url).port)
    npm.kill('SIGTERM')
    const deadline = Date.now() + 15_000
    while (!(await portFree(port))) {
      if (Date.now() > deadline)
        throw new Error(`port ${port} still held 15 s after SIGTERM to npm`)
      await new Promise((r) => setTimeout(r, 100))
    }
  },
  120_000
)
