/**
 * The desktop app's log file: `main.log` in a folder of its own, rotated by size (main.log →
 * main.1.log → … → main.<keep>.log, the oldest deleted), so that a node left running for months
 * holds at most (keep + 1) × maxBytes of log. Writes are synchronous (fs.writeSync): a line
 * written just before the process exits or crashes is in the file, and the order of lines is the
 * order of calls. A write that fails (a full disk) is dropped rather than thrown: the log must
 * never be what stops a node, and the node says a full disk itself (its storage state).
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'

export const LOG_FILE = 'main.log'
/** 5 MiB a file: days of a busy node's info lines, small enough to attach to a bug report. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024
/** Rotated files kept besides main.log: at most 20 MiB in all with the default size. */
export const DEFAULT_KEEP = 3

export interface LogFile {
  stream: NodeJS.WritableStream
  /** The file being written now (dir/main.log). */
  file: string
  close(): void
}

/** The name of the n-th rotated file (0: the live one). */
export function rotatedName(n: number): string {
  return n === 0 ? LOG_FILE : LOG_FILE.replace(/\.log$/, `.${n}.log`)
}

/** Open (create) `dir`/main.log for appending, rotated once it would pass `maxBytes`. */
export function openLogFile(dir: string, opts: { maxBytes?: number; keep?: number } = {}): LogFile {
  const maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_MAX_BYTES)
  const keep = Math.max(0, Math.floor(opts.keep ?? DEFAULT_KEEP))
  mkdirSync(dir, { recursive: true })
  const file = join(dir, LOG_FILE)
  let fd: number | undefined = openSync(file, 'a')
  let size = fstatSync(fd).size

  const rotate = (): void => {
    closeSync(fd!)
    fd = undefined
    try {
      // Oldest first, so that each rename lands on a name just freed (rename replaces on every OS).
      if (keep === 0) rmSync(file, { force: true })
      for (let n = keep - 1; n >= 0; n--) {
        try {
          renameSync(join(dir, rotatedName(n)), join(dir, rotatedName(n + 1)))
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
        }
      }
      fd = openSync(file, 'a')
    } catch {
      // A rename refused (Windows, a viewer holding the file): start the same file over, so that
      // it stays bounded all the same.
      fd = openSync(file, 'w')
    }
    size = 0
  }

  const write = (buf: Buffer): void => {
    if (fd === undefined) return
    try {
      // A line longer than maxBytes goes alone into a fresh file: lines are never cut.
      if (size > 0 && size + buf.length > maxBytes) rotate()
      size += writeSync(fd, buf)
    } catch {
      // Dropped (see the header comment); the next line tries again.
    }
  }

  const stream = new Writable({
    write(chunk: Buffer, _enc, done): void {
      write(chunk)
      done()
    }
  })
  return {
    stream,
    file,
    close(): void {
      if (fd === undefined) return
      closeSync(fd)
      // The stream stays open and takes later lines as no-ops: ending it would make a logger's
      // late write an 'error' event, which nobody listens to (a crash).
      fd = undefined
    }
  }
}
