/**
 * The node's HTTP endpoint (PROTOCOL §7) on Fastify: the route table of routes.ts with its JSON
 * schemas (no type coercion: "2" is not 2), a 2 MiB body limit, protocol error bodies for every
 * failure, control routes behind the name, site and loopback/token checks (origins.ts, auth.ts),
 * X-Node-Url learning of senders the node may contact (sender.ts), the lab's link faults on
 * requests from a faulted peer (holdFor, PeerManager.incoming), and the OpenAPI
 * document at /openapi.json. The UI transport is added with registerUiRoutes (ui-routes.ts).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions
} from 'fastify'
import { NODE_ID_HEADER, NODE_URL_HEADER } from '../p2p/types'
import { controlRefusal, currentToken } from './auth'
import { limitConnections } from './connections'
import { errorHandler, sendError } from './errors'
import { openApiDocument } from './openapi'
import { attachOrigins, hostHeaderProblem } from './origins'
import { prepareReads, ROUTES, type RouteContext } from './routes'
import { trustedSender } from './sender'
import { storageFaultMessage } from './storage-guard'
import { answerTooLargeInFull } from './too-large'
import { readBodiesWhole } from './body'

/** PROTOCOL §7: bodies over 2 MiB get 413. */
export const BODY_LIMIT = 2 * 1024 * 1024

type Compilers = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>
type ValidatorFactory = NonNullable<Compilers['buildValidator']>
type SerializerFactory = NonNullable<Compilers['buildSerializer']>

/** Fastify's own compiler packages, as Fastify would load them (its dependencies, not ours). */
function fastifyDependency<T>(name: string): T {
  const req = createRequire(import.meta.url)
  return createRequire(req.resolve('fastify'))(name) as T
}

/** Ajv's options for every route's schema: no type coercion ("2" is not 2), nothing removed. */
export const AJV_OPTIONS = {
  customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false }
} as const

/** One route's validator: `POST /nodes/register body`. */
export function validatorKey(route: { method?: string; url?: string; httpPart?: string }): string {
  return `${route.method ?? ''} ${route.url ?? ''} ${route.httpPart ?? ''}`
}

type Validate = ReturnType<ReturnType<ValidatorFactory>>

/**
 * The validators compiled when the node was built: scripts/build-headless.mjs writes them to
 * out/node/validators.cjs with Ajv's standalone code, from this file's AJV_OPTIONS and the route
 * schemas, and builds the entry with the file's SHA-256.
 */
export interface PrecompiledValidators {
  path: string
  sha256: string
}

/**
 * The precompiled validators by validatorKey, or undefined: from source, or a file that is not
 * the one built with this node (another build replaced it while the node ran, or it is
 * damaged). The node then compiles them as it would from source.
 */
function loadPrecompiled(
  v: PrecompiledValidators | undefined
): Record<string, Validate> | undefined {
  if (v === undefined) return undefined
  try {
    const code = readFileSync(v.path)
    if (createHash('sha256').update(code).digest('hex') !== v.sha256) return undefined
    return createRequire(import.meta.url)(v.path) as Record<string, Validate>
  } catch {
    return undefined
  }
}

/**
 * Fastify's validators (Ajv) and serializers (fast-json-stringify), loaded and compiled on first
 * use instead of before the node listens (issue 12: start to first answer, idle memory). Fastify
 * loads both packages and compiles every route's schema at start; a CPU profile of the built
 * headless node starting put ~15% of its start in Ajv, and a node that is only asked GET /status
 * never needs either. Each route's validator is compiled the first time a request reaches it,
 * by the same compiler with the same options (so the same checks and the same error messages);
 * response schemas are not given to Fastify, so the serializer compiler is never needed.
 *
 * The built node has them compiled already (`precompiled`: the path of validators.cjs): loading
 * Ajv and compiling the first schema took 90-130 ms of the first request with a body or a query
 * (the first POST /nodes/register of a fresh node, a peer's first GET /blocks), against a few ms
 * to load that file. A route missing from it is compiled as above.
 */
function lazyCompilers(precompiled?: PrecompiledValidators) {
  let table: Record<string, Validate> | undefined | null = null
  const buildValidator = ((externalSchemas, options) => {
    let compiler: ReturnType<ValidatorFactory> | undefined
    return (route) => {
      let real: Validate | undefined
      const validate = ((data: unknown) => {
        if (real === undefined) {
          if (table === null) table = loadPrecompiled(precompiled)
          real = table?.[validatorKey(route)]
        }
        if (real === undefined) {
          compiler ??= fastifyDependency<() => ValidatorFactory>('@fastify/ajv-compiler')()(
            externalSchemas,
            options
          )
          real = compiler(route)
        }
        const ok = real(data)
        // Fastify reads a failed check's errors from the function it was given.
        ;(validate as { errors?: unknown }).errors = (real as { errors?: unknown }).errors
        return ok
      }) as Validate
      return validate
    }
  }) as ValidatorFactory
  return {
    buildValidator,
    buildSerializer: ((externalSchemas, options) => {
      let compiler: ReturnType<SerializerFactory> | undefined
      return (route) => {
        compiler ??= fastifyDependency<() => SerializerFactory>(
          '@fastify/fast-json-stringify-compiler'
        )()(externalSchemas, options)
        return compiler(route)
      }
    }) as SerializerFactory
  }
}

/**
 * Go on with a request after `ms` (a link fault's latency), unless its connection closes first:
 * then it is never handled, as a request lost on the way.
 */
function holdFor(req: FastifyRequest, ms: number, done: () => void): void {
  const socket = req.socket
  const onClose = (): void => clearTimeout(timer)
  const timer = setTimeout(() => {
    socket.off('close', onClose)
    done()
  }, ms)
  socket.once('close', onClose)
}

/**
 * `listenHost`: the --host value, a name the node answers to besides its address (origins.ts).
 * `validators`: the built node's precompiled validators (validators.cjs; see lazyCompilers).
 */
export function createHttpServer(
  ctx: RouteContext,
  opts: { listenHost?: string; validators?: PrecompiledValidators } = {}
): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // A client that trickles its request is cut off; answers (and event streams) are not.
    requestTimeout: 30_000,
    // Idle and half-sent connections are closed (connections.ts covers the first request).
    keepAliveTimeout: 5_000,
    // A missing Host is answered below in the protocol's error shape, not by Node's bare 400.
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 1_000, requireHostHeader: false },
    ajv: AJV_OPTIONS,
    schemaController: { compilersFactory: lazyCompilers(opts.validators) },
    frameworkErrors: (err, req, reply) => {
      if (err.code === 'FST_ERR_BAD_URL') {
        return sendError(
          reply,
          400,
          'invalid_field',
          `the URL ${req.url.slice(0, 80)} is not valid`
        )
      }
      return sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.slice(0, 80)}`)
    }
  })
  app.setErrorHandler(errorHandler(ctx.log, (e) => storageFaultMessage(ctx.service, e)))
  limitConnections(app.server, ctx.limits?.connections)
  readBodiesWhole(app, BODY_LIMIT)
  answerTooLargeInFull(app)
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      404,
      'not_found',
      `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`
    )
  )
  app.addHook('onRequest', (req, reply, done) => {
    // The lab's link faults (p2p/faults.ts) on a request whose X-Node-Url names a faulted peer:
    // a paused, cut-off or lost one gets no answer at all, its connection destroyed, so the peer
    // sees an unreachable node as in a real partition; latency holds it. A request naming no
    // peer (a person's curl, the UI) is never touched.
    const fault = ctx.peers.incoming(req.headers[NODE_URL_HEADER])
    if (fault.drop) {
      reply.hijack()
      req.socket.destroy()
      return
    }
    reply.header(NODE_ID_HEADER, ctx.peers.nodeId)
    const badHost = hostHeaderProblem(req)
    if (badHost !== undefined) return void sendError(reply, 400, 'invalid_field', badHost)
    const sender = trustedSender(req)
    if (sender !== undefined) ctx.peers.learn(sender)
    if (fault.delayMs > 0) return holdFor(req, fault.delayMs, done)
    done()
  })

  // Every answer at debug level, for a developer following a session: never the query string
  // (the UI's ?token=) nor any header.
  app.addHook('onResponse', (req, reply, done) => {
    if (ctx.log.isLevelEnabled('debug')) {
      ctx.log.debug(
        {
          method: req.method,
          url: req.url.split('?')[0].slice(0, 200),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime)
        },
        'answered'
      )
    }
    done()
  })

  const origins = attachOrigins(app, opts.listenHost)
  const control = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    // Host and Origin checks first (controlRefusal), then the token in force right now.
    const why = controlRefusal(req, currentToken(ctx.apiToken), origins)
    if (why === undefined) return done()
    void sendError(reply, 403, 'forbidden', why)
  }
  prepareReads(ctx)
  for (const r of ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      schema: r.schema,
      onRequest: r.control ? control : undefined,
      handler: async (req, reply) => r.handler(ctx, req, reply)
    })
  }
  // Built when first asked for, not at every start.
  let doc: ReturnType<typeof openApiDocument> | undefined
  app.get('/openapi.json', () => (doc ??= openApiDocument(ROUTES)))
  return app
}
