/**
 * The node's log (pino): what a node does, for the person running it (readable lines on a
 * terminal) and for machines (`--log-format json`: one JSON object per line with `level`, `time`,
 * `msg`, `module` and the record's own fields). Records go to a stream given here, written
 * synchronously in the calling thread: no pino transports, which run in worker threads loaded by
 * file path and break inside bundles and app.asar.
 *
 * Nothing secret is logged: the API token is never a field (and `redact` blanks the names it
 * could go by, in case one is ever passed), and URLs are logged without their query string.
 */
import pino, { type Logger } from 'pino'
import { prettyStream } from './pretty'

export type { Logger } from 'pino'
export { openLogFile, type LogFile } from './file'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['pretty', 'json'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface LoggerOptions {
  /** One of LOG_LEVELS (default info); anything else is refused by parseLogLevel first. */
  level?: string
  /** Readable lines (default) or one JSON object per line. */
  format?: 'pretty' | 'json'
  /** Where lines go (default stderr: stdout carries only what scripts parse). */
  destination?: NodeJS.WritableStream
}

/** Field names a secret could travel under, blanked wherever they appear (one level deep). */
const SECRET_FIELDS = ['token', 'apiToken', 'authorization', 'password']

export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr
  return pino(
    {
      level: opts.level ?? 'info',
      // pid tells two nodes' lines apart in one journal; the host name adds nothing but exposure.
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)],
        censor: '[redacted]'
      }
    },
    opts.format === 'json' ? destination : prettyStream(destination)
  )
}

/** A logger that writes nothing (the default where a caller gives none: tests, embedding). */
export function nullLogger(): Logger {
  return pino({ level: 'silent' }, { write: () => undefined })
}

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v)
}

export function isLogFormat(v: unknown): v is LogFormat {
  return typeof v === 'string' && (LOG_FORMATS as readonly string[]).includes(v)
}

/** A URL as it may be logged: no query string or fragment (`?token=` must never reach a log). */
export function loggableUrl(url: string): string {
  const cut = url.search(/[?#]/)
  return cut < 0 ? url : url.slice(0, cut)
}

/** A hash as logs show it: enough to tell blocks apart and to search for, short enough to read. */
export function shortHash(hash: string): string {
  return hash.slice(0, 16)
}
