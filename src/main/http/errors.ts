/**
 * Every error answer is `{"error", "message"}` with a 4xx status (PROTOCOL §7). This maps what
 * Fastify raises (schema failures, body parser errors, the body limit, unknown routes) to the
 * protocol's codes, so a bad request never gets a 5xx or an answer of another shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from '../log'
import type { ApiCode } from '../core'

export interface ErrorBody {
  error: ApiCode | 'internal'
  message: string
}

export function sendError(
  reply: FastifyReply,
  status: number,
  error: ErrorBody['error'],
  message: string
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, message } satisfies ErrorBody)
}

interface AjvIssue {
  keyword: string
  instancePath: string
  message?: string
  params?: Record<string, unknown>
}

/** `transactions[3].amount` from `/transactions/3/amount`. */
function fieldName(issue: AjvIssue): string {
  let path = issue.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : `.${s.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
  const missing = issue.params?.missingProperty
  if (issue.keyword === 'required' && typeof missing === 'string') path += `.${missing}`
  return path.replace(/^\./, '')
}

/** The answer for a failed schema check: invalid_json for a body that is no object at all. */
export function validationError(context: string, issues: AjvIssue[]): ErrorBody {
  const issue = issues[0]
  if (context === 'body' && issue.instancePath === '' && issue.keyword === 'type') {
    return { error: 'invalid_json', message: 'the body must be a JSON object' }
  }
  const field = fieldName(issue)
  const where =
    context === 'querystring' ? 'query parameter ' : context === 'headers' ? 'header ' : ''
  const what = issue.keyword === 'required' ? 'is missing' : (issue.message ?? 'is not valid')
  const shown = field === '' ? context : field
  return { error: 'invalid_field', message: `${where}${shown} ${what}` }
}

const BODY_CODES = new Set([
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_TYPE',
  'FST_ERR_CTP_INVALID_TYPE'
])

/** Fastify's error handler: protocol codes for every client error; 500 only for our own bugs. */
export function errorHandler(log: Logger, storageFault?: (e: unknown) => string | undefined) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err.validation) {
      const body = validationError(err.validationContext ?? 'body', err.validation as AjvIssue[])
      return sendError(reply, 400, body.error, body.message)
    }
    const status = err.statusCode ?? 500
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      return sendError(reply, 413, 'payload_too_large', 'the body is larger than 2 MiB')
    }
    if (BODY_CODES.has(err.code) || err instanceof SyntaxError) {
      return sendError(reply, 400, 'invalid_json', `the body is not a JSON object: ${err.message}`)
    }
    if (status === 404)
      return sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`)
    if (status >= 400 && status < 500) return sendError(reply, 400, 'invalid_json', err.message)
    // A full disk or a damaged database file (in a handler, or in a stream before it answered):
    // 503 naming it, and the node's storage state says so (NodeService).
    const storage = storageFault?.(err)
    if (storage !== undefined) return sendError(reply, 503, 'unavailable', storage)
    // The query is left out: it may carry the API token (`?token=`), and secrets are never logged.
    log.error(
      { err, method: req.method, url: req.url.split('?')[0] },
      'internal error answering a request'
    )
    return sendError(reply, 500, 'internal', 'the node failed to answer this request')
  }
}
