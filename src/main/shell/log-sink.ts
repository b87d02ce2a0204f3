/**
 * Where the desktop app's log lines go: the profile's rotated log file (src/main/log), and the
 * terminal too when there is one. The logger exists before the profile is chosen (the node's
 * start-up is logged while it picks a data dir that is not locked), and a locked profile's log
 * file belongs to the other instance that holds it: so lines are held until the profile is known
 * and then written to its file; if no node starts they go to stderr only.
 */
import { Writable } from 'node:stream'

export interface LogSink {
  /** The logger's destination. */
  stream: NodeJS.WritableStream
  /** From now on (held lines first) write to these. */
  attach(...targets: NodeJS.WritableStream[]): void
}

/** At most this many lines are held before attach: start-up says a few dozen. */
const MAX_HELD = 10_000

export function logSink(): LogSink {
  let held: string[] | null = []
  let targets: NodeJS.WritableStream[] = []
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, done) {
      const line = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
      if (held !== null) {
        if (held.length < MAX_HELD) held.push(line)
      } else {
        for (const t of targets) t.write(line)
      }
      done()
    }
  })
  return {
    stream,
    attach(...to) {
      targets = to
      const lines = held ?? []
      held = null
      for (const line of lines) for (const t of targets) t.write(line)
    }
  }
}
