/**
 * Storage faults during a request (PROTOCOL §7 is silent; docs/protocol-notes.md): a full disk or
 * a damaged database file is not the client's fault and not a bug, so instead of a bare 500 the
 * answer is 503 `unavailable` naming the problem, and the fault becomes the node's storage state
 * (mining and catching up pause or stop on it). Other errors stay 500s for our own bugs.
 */
import { StorageUnavailableError, type NodeFacade } from '../node/facade'
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

const unavailable = {
  description: 'unavailable: the disk is full or the database file is damaged',
  schema: S.error
}

/**
 * The 503 answer's message when `e` is a storage fault (reported to the node, which then pauses
 * or stops mining and catching up), or undefined for anything else. The server's error handler
 * calls it for every error a request raises, in a handler or in a stream before it answered.
 */
export function storageFaultMessage(
  service: Pick<NodeFacade, 'reportStorageError' | 'storageHealth'>,
  e: unknown
): string | undefined {
  if (e instanceof StorageUnavailableError) return e.message
  if (!service.reportStorageError(e)) return undefined
  return service.storageHealth().message ?? 'the node cannot use its data dir'
}

/**
 * Every route documents the 503 a storage fault answers (the error handler gives it). Generic over
 * the route type so that this file need not import routes.ts, which imports it: the type comes
 * from where the result goes (`ROUTES: RouteDef[]`), and the routes are checked against it.
 */
export function guardStorage<
  R extends { responses: Record<number, { description: string; schema?: object }> }
>(routes: NoInfer<R>[]): R[] {
  return routes.map((r) => ({
    ...r,
    responses: { ...r.responses, 503: r.responses[503] ?? unavailable }
  }))
}
