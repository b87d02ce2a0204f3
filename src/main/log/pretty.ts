/**
 * The node's log as a person reads it on a terminal: one line per record, time (UTC, as in the
 * JSON form, so that two machines' logs line up), level, module, message, then the other fields
 * as key=value. pino writes each record as one JSON line to the stream returned here, which turns
 * it into that text synchronously: no worker thread, no transport (pino's transports are loaded
 * by file path in a worker, which a bundle or an app.asar does not have).
 */

/** Fields shown in the line's head (or never shown: pid is the same on every line). */
const HEAD = new Set(['level', 'time', 'msg', 'module', 'pid', 'hostname'])

/** ANSI colours per level, used only when the destination is a terminal and NO_COLOR is unset. */
const COLOURS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[90m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[41m\x1b[97m'
}
const RESET = '\x1b[0m'

/** pino's numeric levels, for records written with the default level formatter. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal'
}

function value(v: unknown): string {
  if (typeof v === 'string') return v === '' || /[\s"=]/.test(v) ? JSON.stringify(v) : v
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v)
  return JSON.stringify(v)
}

/** One JSON record as a readable line (without the newline). Not JSON: returned as it came. */
export function formatRecord(json: string, opts: { colour?: boolean } = {}): string {
  let r: Record<string, unknown>
  try {
    r = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.replace(/\n$/, '')
  }
  const level =
    typeof r.level === 'number'
      ? (LEVEL_NAMES[r.level] ?? String(r.level))
      : String(r.level ?? 'info')
  const time = typeof r.time === 'number' ? new Date(r.time).toISOString() : String(r.time ?? '')
  const label = level.toUpperCase().padEnd(5)
  const head = `${time} ${opts.colour === true && COLOURS[level] ? `${COLOURS[level]}${label}${RESET}` : label}`
  const module = typeof r.module === 'string' ? ` ${r.module}:` : ''
  let stack = ''
  const fields: string[] = []
  for (const [k, v] of Object.entries(r)) {
    if (HEAD.has(k) || v === undefined) continue
    // An Error (pino's err serializer): its message in the line, its stack below it.
    if (k === 'err' && typeof v === 'object' && v !== null && 'message' in v) {
      const e = v as { message: unknown; stack?: unknown }
      fields.push(`err=${value(e.message)}`)
      if (typeof e.stack === 'string')
        stack = `\n    ${e.stack
          .split('\n')
          .slice(1)
          .map((l) => l.trim())
          .join('\n    ')}`
      continue
    }
    fields.push(`${k}=${value(v)}`)
  }
  const msg = typeof r.msg === 'string' ? ` ${r.msg}` : ''
  return `${head}${module}${msg}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}${stack.trimEnd()}`
}

/**
 * A stream for pino that writes readable lines to `destination`. Colour only on a terminal
 * (`isTTY`), never when NO_COLOR is set (no-color.org).
 */
export function prettyStream(
  destination: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env
): { write(chunk: string): void } {
  const colour = (destination as { isTTY?: boolean }).isTTY === true && !env.NO_COLOR
  return {
    write(chunk: string): void {
      // pino writes one record per call; a chunk with several lines is split to be safe.
      for (const line of chunk.split('\n'))
        if (line !== '') destination.write(`${formatRecord(line, { colour })}\n`)
    }
  }
}
