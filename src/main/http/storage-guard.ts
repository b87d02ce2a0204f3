/**
 * Storage faults during a request (PROTOCOL §7 is silent; docs/protocol-notes.md): a full disk or
 * a damaged database file is not the client's fault and not a bug, so instead of a bare 500 the
 * answer is 503 `unavailable` naming the problem, and the fault becomes the node's storage state
 * (mining and catching up pause or stop on it). Other errors go on to the error handler.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { StorageUnavailableError } from '../store/faults'
import { sendError } from './errors'
import type { RouteContext, RouteDef } from './routes'
import * as S from './schemas'

/** GET /status with the storage field (docs/protocol-notes.md). */
export const statusWithStorage = {
  ...S.status,
  properties: {
    ...S.status.properties,
    storage: {
      type: 'object',
      required: ['state', 'message', 'since'],
      properties: {
        state: { type: 'string', enum: ['ok', 'full', 'damaged'] },
        message: { type: ['string', 'null'] },
        since: { type: ['integer', 'null'], description: 'ms since 1970 when this state began' }
      }
    }
  }
} as const

const unavailable = { description: 'unavailable: the disk is full or the database file is damaged', schema: S.error }

function guard(r: RouteDef): RouteDef {
  return {
    ...r,
    responses: { ...r.responses, 503: r.responses[503] ?? unavailable },
    handler: async (ctx: RouteContext, req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await r.handler(ctx, req, reply)
      } catch (e) {
        const storage = e instanceof StorageUnavailableError || ctx.service.reportStorageError(e)
        // An answer already under way (a stream) cannot change its status: let it fail as it is.
        if (!storage || reply.sent) throw e
        const message = e instanceof StorageUnavailableError ? e.message : ctx.service.storageHealth().message
        return sendError(reply, 503, 'unavailable', message ?? 'the node cannot use its data dir')
      }
    }
  }
}

export function guardStorage(routes: RouteDef[]): RouteDef[] {
  return routes.map(guard)
}
