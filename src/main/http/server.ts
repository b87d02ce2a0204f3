/**
 * The node's HTTP endpoint (PROTOCOL §7) on Fastify: the route table of routes.ts with its JSON
 * schemas (no type coercion: "2" is not 2), a 2 MiB body limit, protocol error bodies for every
 * failure, control routes behind the loopback/token check, X-Node-Url learning, and the OpenAPI
 * document at /openapi.json. The UI transport is added with registerUiRoutes (ui-routes.ts).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { NODE_ID_HEADER, NODE_URL_HEADER } from '../p2p/peer-manager'
import { mayControl } from './auth'
import { errorHandler, sendError } from './errors'
import { openApiDocument } from './openapi'
import { ROUTES, type RouteContext } from './routes'

/** PROTOCOL §7: bodies over 2 MiB get 413. */
export const BODY_LIMIT = 2 * 1024 * 1024

export function createHttpServer(ctx: RouteContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // A client that trickles its request is cut off; answers (and event streams) are not.
    requestTimeout: 30_000,
    ajv: { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false } },
    frameworkErrors: (err, req, reply) => {
      if (err.code === 'FST_ERR_BAD_URL') {
        return sendError(reply, 400, 'invalid_field', `the URL ${req.url.slice(0, 80)} is not valid`)
      }
      return sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.slice(0, 80)}`)
    }
  })
  app.setErrorHandler(errorHandler(ctx.log))
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`)
  )
  app.addHook('onRequest', (req, reply, done) => {
    reply.header(NODE_ID_HEADER, ctx.peers.nodeId)
    const sender = req.headers[NODE_URL_HEADER]
    if (typeof sender === 'string') ctx.peers.learn(sender)
    done()
  })

  const control = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (mayControl(req, ctx.apiToken)) return done()
    void sendError(reply, 403, 'forbidden', 'control routes answer loopback clients, or others with Authorization: Bearer <API token>')
  }
  for (const r of ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      schema: r.schema,
      onRequest: r.control ? control : undefined,
      handler: async (req, reply) => r.handler(ctx, req, reply)
    })
  }
  const doc = openApiDocument(ROUTES)
  app.get('/openapi.json', () => doc)
  return app
}
