/**
 * Request bodies (POST /transactions, /blocks, /nodes/register, the UI API): read into one
 * growing buffer (p2p/growing-bytes.ts) up to the body limit, then parsed as Fastify's own
 * parsers do (JSON with __proto__ and constructor.prototype refused; text/plain as a string,
 * which no route takes). Fastify's reader kept each chunk as a Buffer of its own: a 2 MB body
 * sent a byte per chunk (chunked encoding) took a node from 74 MB to 912 MB of memory, and a
 * few at once, from anyone who can reach the port, could take it down.
 *
 * Errors are Fastify's own (413 FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_CONTENT_LENGTH,
 * the JSON parser's), so the error handler answers them as before (errors.ts).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { GrowingBytes } from '../p2p/growing-bytes'

// Through the default export: the built node loads fastify by `require` and takes its default
// export only (scripts/build-headless.mjs).
const { FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_CONTENT_LENGTH } = Fastify.errorCodes

type Done = (err: Error | null, body?: unknown) => void

/** Reads `payload` whole, up to `limit` bytes, and hands its text to `parse`. */
function readBody(
  req: FastifyRequest,
  payload: NodeJS.ReadableStream,
  limit: number,
  parse: (text: string, done: Done) => void,
  done: Done
): void {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return done(new FST_ERR_CTP_BODY_TOO_LARGE())
  const body = new GrowingBytes(declared)
  const stop = (): void => {
    payload.removeListener('data', onData)
    payload.removeListener('end', onEnd)
    payload.removeListener('error', onEnd)
  }
  function onData(chunk: Buffer | string): void {
    const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (body.length + c.length > limit) {
      stop()
      return done(new FST_ERR_CTP_BODY_TOO_LARGE())
    }
    body.add(c)
  }
  function onEnd(err?: Error & { statusCode?: number }): void {
    stop()
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400
      return done(err)
    }
    if (!Number.isNaN(declared) && body.length !== declared)
      return done(new FST_ERR_CTP_INVALID_CONTENT_LENGTH())
    parse(body.bytes().toString('utf8'), done)
  }
  payload.on('data', onData)
  payload.on('end', onEnd)
  payload.on('error', onEnd)
  payload.resume()
}

/** Replaces Fastify's JSON and text readers on `app` with ones that hold a body in one buffer. */
export function readBodiesWhole(app: FastifyInstance, limit: number): void {
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', (req, payload, done) =>
    readBody(req, payload, limit, (text, d) => json(req, text, d), done)
  )
  app.addContentTypeParser('text/plain', (req, payload, done) =>
    readBody(req, payload, limit, (text, d) => d(null, text), done)
  )
}
