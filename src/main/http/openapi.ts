/**
 * The OpenAPI 3.1 document of the HTTP API (served at /openapi.json), generated from the route
 * table and its JSON schemas: what is documented is exactly what is validated.
 */
import type { RouteDef } from './routes'
import * as S from './schemas'

type Json = Record<string, unknown>

function parameters(r: RouteDef): Json[] {
  const out: Json[] = []
  for (const [where, schema] of [
    ['path', r.schema?.params],
    ['query', r.schema?.querystring]
  ] as const) {
    const s = schema as { properties?: Record<string, Json>; required?: string[] } | undefined
    for (const [name, p] of Object.entries(s?.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (s?.required ?? []).includes(name),
        description: p.description,
        schema: p
      })
    }
  }
  return out
}

export function openApiDocument(routes: readonly RouteDef[], extra: Json = {}): Json {
  const paths: Record<string, Json> = {}
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}')
    const op: Json = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      tags: [r.control ? 'control' : 'peers'],
      parameters: parameters(r),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([code, a]) => [
          code,
          {
            description: a.description,
            ...(a.schema ? { content: { 'application/json': { schema: a.schema } } } : {})
          }
        ])
      )
    }
    if (r.schema?.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: r.schema.body } }
      }
      ;(op.responses as Json)[413] ??= {
        description: 'payload_too_large (over 2 MiB)',
        content: { 'application/json': { schema: S.error } }
      }
    }
    if (r.control) op.security = [{}, { bearer: [] }]
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Blockforge node',
      version: '1',
      description:
        "The protocol's HTTP API: docs/PROTOCOL.md §7 in the project's repository. " +
        'Errors are {"error", "message"} with a 4xx status (503 unavailable when the disk is ' +
        'full or the store damaged). Control routes answer loopback clients, and others only with ' +
        'Authorization: Bearer <API token>; they refuse a Host the node does not answer to and requests ' +
        'from another site (Origin, Sec-Fetch-Site). Bodies over 2 MiB get 413. See docs/security.md.'
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Block: S.block, Transaction: S.transaction, Error: S.error, Status: S.status }
    },
    ...extra
  }
}
