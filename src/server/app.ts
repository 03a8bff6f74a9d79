import { Readable } from 'node:stream';
import helmet from '@fastify/helmet';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerFactoryHandler,
} from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { OtlpExportStatus } from '../telemetry/otlp-export.js';
import { PROMETHEUS_CONTENT_TYPE, type Telemetry } from '../telemetry/telemetry.js';
import { describeError } from '../util/logger.js';
import { answerAndDiscard, declaredLength } from '../util/oversize.js';
import { registerAuth, type AuthConfig } from './auth.js';
import { clientErrorHandler } from './client-error.js';
import type { ClientsSnapshot } from './snapshot.js';
import { statusPageRoutes } from './status-page.js';

export interface Readiness {
  ready: boolean;
  sources: { org: string; source: string; succeeded: boolean; up: boolean; lastError: string | null }[];
  /** The OTLP push's last outcome: detail only, never a reason to be unready (absent: OTLP off). */
  otlp?: OtlpExportStatus | null;
}

export interface ServerOptions {
  logger: PinoLogger | false;
  telemetry: Pick<Telemetry, 'scrapeChunks'>;
  snapshot: () => ClientsSnapshot;
  readiness: () => Readiness;
  /** Extra routes (e.g. `POST /v1/events`), registered in their own encapsulated context. */
  plugins?: FastifyPluginAsync[];
  /** Credentials for /metrics and /api/v1/* (null or absent: open). */
  auth?: AuthConfig | null;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string } | null;
}

/** No route of the agent port takes more (POST /v1/events has the same limit). */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** A client that trickles its request must not hold a socket for ever. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The agent port's HTTP(S) server. A request that declares a body over the limit is answered 413
 * here, before any route, and before `100 Continue` when it asked for one (so the client never
 * sends the body); the answer is delivered even while the client is still sending (util/oversize.ts).
 */
function listener(handler: FastifyServerFactoryHandler, tls: { cert: string; key: string } | null): Server {
  const guarded = (req: IncomingMessage, res: ServerResponse): void => {
    if (declaredLength(req) > BODY_LIMIT_BYTES) {
      answerAndDiscard(
        req,
        res,
        413,
        { 'content-type': 'application/json; charset=utf-8' },
        JSON.stringify({
          error: 'Payload Too Large',
          message: `body larger than ${BODY_LIMIT_BYTES} bytes (1 MiB); send smaller batches`,
        }),
      );
      return;
    }
    handler(req, res);
  };
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, guarded)
    : createHttpServer(guarded);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredLength(req) <= BODY_LIMIT_BYTES) res.writeContinue();
    guarded(req, res);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

/** The same policy as the status page's own: nothing but this origin's script, style and API. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** The agent's own HTTP surface (routes and their protection: docs/security.md, network exposure). */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // Per-request logs would drown the signal at a few scrapes a second; failures are logged by hand.
  const common = {
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    clientErrorHandler,
    serverFactory: (handler: FastifyServerFactoryHandler) => listener(handler, opts.tls ?? null),
    // The server above speaks TLS itself; Fastify reads this only to print https:// addresses.
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
  };
  const app: FastifyInstance = opts.logger
    ? (Fastify({ ...common, loggerInstance: opts.logger }) as unknown as FastifyInstance)
    : (Fastify({ ...common, logger: false }) as unknown as FastifyInstance);

  // Hooks first, so they cover every route below, including the plugins' ones.
  if (opts.auth && (opts.auth.bearerTokens.length > 0 || opts.auth.basicUsers.length > 0))
    registerAuth(app, opts.auth);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // HSTS only means something over HTTPS.
    strictTransportSecurity: opts.tls ? { maxAge: 15_552_000 } : false,
  });

  app.get('/metrics', async (req, reply) => {
    try {
      const chunks = await opts.telemetry.scrapeChunks();
      // Streamed: the text is serialized as the socket drains, never held whole.
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(Readable.from(chunks, { objectMode: false }));
    } catch (err) {
      req.log.error({ err: describeError(err) }, 'metric collection failed');
      return reply
        .code(500)
        .type('text/plain; charset=utf-8')
        .send(`# metric collection failed: ${describeError(err)}\n`);
    }
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const r = opts.readiness();
    return reply.code(r.ready ? 200 : 503).send({
      status: r.ready ? 'ready' : 'not ready',
      sources: r.sources,
      ...(r.otlp ? { otlp: otlpDetail(r.otlp) } : {}),
    });
  });

  app.get('/api/v1/clients', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send(opts.snapshot()),
  );

  await app.register(statusPageRoutes);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}

/** Times as ISO strings, like the rest of the JSON the agent serves. */
function otlpDetail(s: OtlpExportStatus) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    endpoint: s.endpoint,
    lastAttempt: iso(s.lastAttemptMs),
    lastSuccess: iso(s.lastSuccessMs),
    lastError: s.lastError,
    consecutiveFailures: s.consecutiveFailures,
  };
}
