/**
 * The readable form of the log (src/main/log/pretty.ts) and the logger's promises: time (UTC),
 * level, module, message, then key=value fields (quoted only when they hold spaces); an error's
 * stack on the lines below; colour only on a terminal and never with NO_COLOR; a level hides what
 * is below it; secrets under the names a token goes by are blanked.
 */
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, loggableUrl } from '../../src/main/log'
import { formatRecord, prettyStream } from '../../src/main/log/pretty'

function sink(isTTY = false): {
  stream: NodeJS.WritableStream & { isTTY?: boolean }
  text: () => string
} {
  let out = ''
  const stream = new Writable({
    write(c: Buffer, _e, done): void {
      out += c.toString()
      done()
    }
  }) as Writable & { isTTY?: boolean }
  stream.isTTY = isTTY
  return { stream, text: () => out }
}

describe('readable lines', () => {
  it('time, level, module, message, then the fields', () => {
    const line = formatRecord(
      JSON.stringify({
        level: 'info',
        time: '2026-11-30T12:00:00.000Z',
        pid: 1,
        module: 'chain',
        index: 12,
        hash: '00ab',
        source: 'peer',
        reason: 'two words',
        msg: 'block connected'
      })
    )
    expect(line).toBe(
      '2026-11-30T12:00:00.000Z INFO  chain: block connected index=12 hash=00ab source=peer reason="two words"'
    )
    // pino's own numeric levels and epoch times read the same.
    expect(
      formatRecord(JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 30), msg: 'x' }))
    ).toBe('2026-11-30T00:00:00.000Z WARN  x')
    expect(formatRecord('not json')).toBe('not json')
  })

  it("an error's message in the line and its stack below", () => {
    const s = sink()
    createLogger({ destination: s.stream }).error({ err: new Error('boom') }, 'mining paused')
    const [first, ...rest] = s.text().trimEnd().split('\n')
    expect(first).toMatch(/ ERROR mining paused err=boom$/)
    expect(rest.length).toBeGreaterThan(0)
    expect(rest[0]).toMatch(/^ {4}at /)
  })

  it('colours the level on a terminal only, and not with NO_COLOR', () => {
    const rec = JSON.stringify({ level: 'warn', time: 't', msg: 'm' })
    const tty = sink(true)
    prettyStream(tty.stream, {}).write(rec)
    expect(tty.text()).toContain('\x1b[33mWARN \x1b[0m')
    const noColour = sink(true)
    prettyStream(noColour.stream, { NO_COLOR: '1' }).write(rec)
    expect(noColour.text()).toBe('t WARN  m\n')
    const pipe = sink(false)
    prettyStream(pipe.stream, {}).write(rec)
    expect(pipe.text()).toBe('t WARN  m\n')
  })
})

describe('the logger', () => {
  it('a level hides what is below it', () => {
    const s = sink()
    const log = createLogger({ level: 'warn', format: 'json', destination: s.stream })
    log.info('hidden')
    log.debug('hidden')
    log.warn('shown')
    const recs = s
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(recs.map((r) => r.msg)).toEqual(['shown'])
    expect(recs[0]).toMatchObject({ level: 'warn', pid: process.pid })
    expect(recs[0]).not.toHaveProperty('hostname')
  })

  it('never writes a token, whatever field carries it, nor a URL query', () => {
    const s = sink()
    createLogger({ format: 'json', destination: s.stream }).info(
      { token: 'sekrit1', req: { authorization: 'Bearer sekrit2' }, apiToken: 'sekrit3' },
      'x'
    )
    expect(s.text()).not.toMatch(/sekrit/)
    expect(loggableUrl('/api/status?token=sekrit#frag')).toBe('/api/status')
    expect(loggableUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000')
  })
})
