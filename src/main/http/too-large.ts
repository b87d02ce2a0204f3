/**
 * The 413 for a body over the limit must reach a client that is still sending it (issue 8).
 *
 * Fastify answers 413 as soon as the declared length (or the bytes read so far) passes the
 * limit, with `Connection: close`; Node then closes the socket once the answer is written. The
 * client is still writing the rest of its body, and the unread bytes make the kernel reset the
 * connection: the client gets EPIPE or ECONNRESET and often never reads the 413 (curl and
 * browsers alike). Instead, the connection stays open while the client finishes: Node reads and
 * discards the rest of the body (a request whose body was not read is dumped when its answer
 * ends), the client reads the 413 at its own pace, and the connection is then an ordinary idle
 * keep-alive one (closed by the client if it asked to, else after the keep-alive timeout). Draining is bounded: once DRAIN_MAX_BYTES more have arrived, or DRAIN_MAX_MS
 * have passed, the connection is closed anyway (a client sending forever costs a little CPU for
 * a few seconds, never memory: nothing discarded is kept).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export const DRAIN_MAX_BYTES = 64 * 1024 * 1024
export const DRAIN_MAX_MS = 15_000

function drainRest(
  req: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
  maxMs: number
): void {
  // Neither Fastify's `Connection: close` nor a client's own (node:http without an agent sends
  // one) may close the socket when the answer is written: the rest of the body is read first.
  // A client that asked to close still closes once it has sent everything and read the 413.
  reply.removeHeader('connection')
  reply.raw.shouldKeepAlive = true
  const raw = req.raw
  const socket = raw.socket
  let bytes = 0
  const cut = (): void => {
    socket.destroy()
  }
  const timer = setTimeout(cut, maxMs)
  timer.unref()
  const onData = (c: Buffer): void => {
    bytes += c.length
    if (bytes > maxBytes) cut()
  }
  const done = (): void => {
    clearTimeout(timer)
    raw.off('data', onData)
  }
  // Reading here also keeps the body flowing (and discarded) after Fastify stopped reading it.
  raw.on('data', onData)
  raw.once('end', done)
  socket.once('close', done)
}

/** Register the hook on `app`; the caps can be lowered for tests. */
export function answerTooLargeInFull(
  app: FastifyInstance,
  maxBytes = DRAIN_MAX_BYTES,
  maxMs = DRAIN_MAX_MS
): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode === 413 && !req.raw.complete && !req.raw.socket.destroyed)
      drainRest(req, reply, maxBytes, maxMs)
    done(null, payload)
  })
}
