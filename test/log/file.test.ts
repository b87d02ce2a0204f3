/**
 * The desktop app's log file (src/main/log/file.ts): main.log in its folder (created), rotated by
 * size to main.1.log … main.<keep>.log with the oldest deleted, so that the folder never holds
 * more than (keep + 1) × maxBytes however long the node runs; every line is kept whole, in order,
 * and on disk as soon as it is written; the real logger writes through it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, openLogFile } from '../../src/main/log'
import { tempDir } from '../helpers/temp'

const dirs: { remove: () => void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function folder(): string {
  const d = tempDir('bf-logfile-')
  dirs.push(d)
  return join(d.path, 'logs', 'nested') // not there yet: openLogFile creates it
}

describe('openLogFile', () => {
  it('rotates by size, keeps `keep` old files, never cuts a line and never grows past its bound', () => {
    const dir = folder()
    const log = openLogFile(dir, { maxBytes: 200, keep: 2 })
    expect(log.file).toBe(join(dir, 'main.log'))
    const lines = Array.from(
      { length: 100 },
      (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}\n`
    )
    for (const l of lines) log.stream.write(l)
    // Synchronous: everything is on disk before close.
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log'])
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(200)
    // Oldest to newest, the files hold the last lines written, whole and in order.
    const kept = ['main.2.log', 'main.1.log', 'main.log']
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('')
    expect(lines.join('').endsWith(kept)).toBe(true)
    expect(kept.startsWith('line ')).toBe(true)
    // Two full old files and at least one line in the live one.
    expect(kept.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(
      2 * Math.floor(200 / lines[0].length) + 1
    )
    log.close()
    log.stream.write('after close\n') // dropped, not thrown
    expect(readFileSync(log.file, 'utf8')).not.toContain('after close')
  })

  it('appends to the file an earlier run left, and rotates it once it is full', () => {
    const dir = folder()
    const first = openLogFile(dir, { maxBytes: 100, keep: 1 })
    first.stream.write('from the first run\n')
    first.close()
    const second = openLogFile(dir, { maxBytes: 100, keep: 1 })
    second.stream.write('from the second run\n')
    expect(readFileSync(second.file, 'utf8')).toBe('from the first run\nfrom the second run\n')
    second.stream.write(`${'y'.repeat(80)}\n`)
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toBe(
      'from the first run\nfrom the second run\n'
    )
    second.close()
  })

  it('keep 0: the old file is deleted, not kept', () => {
    const dir = folder()
    const log = openLogFile(dir, { maxBytes: 50, keep: 0 })
    for (let i = 0; i < 10; i++) log.stream.write(`${i} ${'z'.repeat(30)}\n`)
    log.close()
    expect(readdirSync(dir)).toEqual(['main.log'])
    expect(readFileSync(log.file, 'utf8')).toBe(`9 ${'z'.repeat(30)}\n`)
  })

  it('takes the logger (JSON or readable lines), one record per line', () => {
    const dir = folder()
    const log = openLogFile(dir, { maxBytes: 1000, keep: 3 })
    const logger = createLogger({ format: 'json', destination: log.stream, level: 'debug' })
    for (let i = 0; i < 50; i++) logger.info({ i }, 'a line')
    log.close()
    const files = readdirSync(dir)
    expect(files.length).toBe(4)
    expect(existsSync(join(dir, 'main.4.log'))).toBe(false)
    const recs = readFileSync(log.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(recs.at(-1)).toMatchObject({ level: 'info', msg: 'a line', i: 49 })

    const dir2 = folder()
    const pretty = openLogFile(dir2)
    createLogger({ destination: pretty.stream }).warn(
      { peer: 'http://127.0.0.1:5000' },
      'peer refused'
    )
    pretty.close()
    expect(readFileSync(pretty.file, 'utf8')).toMatch(
      /^\S+Z WARN {2}peer refused peer=http:\/\/127\.0\.0\.1:5000\n$/
    )
  })
})
