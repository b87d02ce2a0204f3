/**
 * A node's log kept in memory for a test: the real logger (src/main/log, JSON format) writing to
 * a stream that parses each record as it is written. `records` are the parsed objects; `lines`
 * are the same as "msg value value ...", for tests that look for words in what a person reads.
 */
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../src/main/log'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LogRecord = Record<string, any> & { level: string; time: string; msg: string }

export interface CapturedLog {
  logger: Logger
  records: LogRecord[]
  lines: string[]
}

const HEAD = new Set(['level', 'time', 'msg', 'pid'])

export function captureLog(level = 'info'): CapturedLog {
  const records: LogRecord[] = []
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done): void {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue
        const r = JSON.parse(line) as LogRecord
        records.push(r)
        const values = Object.entries(r)
          .filter(([k]) => !HEAD.has(k) && k !== 'module')
          .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))
        lines.push([r.msg, ...values].join(' '))
      }
      done()
    }
  })
  return { logger: createLogger({ level, format: 'json', destination }), records, lines }
}
