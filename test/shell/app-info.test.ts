/**
 * What the Electron shell adds to a window's node: getAppInfo with Electron's and Chromium's
 * versions and the instance's log folder (a real node's answer underneath), and the log sink that
 * holds start-up lines until the profile's log file is known.
 */
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { withShellInfo } from '../../src/main/shell/app-info'
import { logSink } from '../../src/main/shell/log-sink'
import { closeAll, startTestNode } from '../helpers/node-harness'

afterEach(closeAll)

describe('withShellInfo', () => {
  it("answers getAppInfo with the shell's versions and log folder, the rest from the node", async () => {
    const t = await startTestNode()
    const api = withShellInfo(t.node.api, {
      logDir: '/home/ann/.config/Blockforge/profiles/main/logs',
      versions: { electron: '45.4.1', chrome: '142.0.7444.0', node: '22.20.0' }
    })
    const info = await api.getAppInfo()
    expect(info).toMatchObject({
      electron: '45.4.1',
      chrome: '142.0.7444.0',
      node: '22.20.0',
      logDir: '/home/ann/.config/Blockforge/profiles/main/logs',
      dataDir: t.dataDir,
      walletCreated: true
    })
    const plain = await t.node.api.getAppInfo()
    expect(plain.logDir).toBeNull()
    expect(plain.electron).toBeNull()
    // Every other method is the node's own.
    expect(api.getStatus).toBe(t.node.api.getStatus)
  })
})

describe('logSink', () => {
  it('holds lines until attached, then writes them and the next ones to every target, in order', async () => {
    const sink = logSink()
    sink.stream.write('one\n')
    sink.stream.write('two\n')
    const file = new PassThrough()
    const tty = new PassThrough()
    const read = (s: PassThrough): string => String(s.read() ?? '')
    expect(read(file)).toBe('')
    sink.attach(file, tty)
    sink.stream.write('three\n')
    await new Promise((r) => setImmediate(r))
    expect(read(file)).toBe('one\ntwo\nthree\n')
    expect(read(tty)).toBe('one\ntwo\nthree\n')
  })
})
