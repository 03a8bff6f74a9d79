/**
 * The one HTTP(S) listener both ports are built on (the agent port, server/app.ts; the gateway,
 * sources/gateway): deadlines, keep-alive, TLS, parser errors, the 413 for a declared body over the
 * cap and `Expect: 100-continue` admission.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { answerAndDiscard, declaredLength } from '../util/oversize.js';
import { clientErrorHandler } from './client-error.js';

/** A client that trickles its request must not hold a socket for ever. */
interface Deadlines {
  /** All request headers must arrive within this (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (Node's requestTimeout). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export interface ListenerOptions extends Deadlines {
  logger: PinoLogger | false;
  tls: { cert: string | Buffer; key: string | Buffer } | null;
  /** No socket sits idle longer than this (0: no limit beyond the above). */
  idleTimeoutMs?: number;
  /** Largest body a route parses (routes that stream their bodies themselves ignore it). */
  bodyLimit: number;
  /**
   * A declared body over `capOf(url)` (default: bodyLimit) gets `refuse(cap)`'s 413 before any
   * route and before `100 Continue`, delivered even while the client is still sending (util/oversize.ts).
   */
  tooLarge: {
    capOf?: (url: string) => number;
    refuse: (cap: number) => { headers: Record<string, string>; body: string };
  };
  /** Answers a request whose URL the router cannot decode (default: Fastify's 400). */
  frameworkErrors?: FastifyServerOptions['frameworkErrors'];
  /** close() cuts the connections still open (default: only idle ones; in-flight requests finish). */
  forceCloseConnections?: boolean;
}

/**
 * A Fastify instance on a hardened server. A request asking for `100 Continue` gets it only once
 * every `onRequest` hook has let it through (path, size, caps, credentials): a refused client never
 * sends its body. Node would send the 100 before any hook; the server here leaves that to the
 * `preParsing` hook, which runs right after admission and before any body is read.
 */
export function createListener(opts: ListenerOptions): FastifyInstance {
  const tls = opts.tls;
  const app = Fastify({
    // Per-request logs would drown the signal; failures are logged by hand.
    logController: new LogController({ disableRequestLogging: true }),
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimit,
    clientErrorHandler,
    ...(opts.frameworkErrors ? { frameworkErrors: opts.frameworkErrors } : {}),
    ...(opts.forceCloseConnections ? { forceCloseConnections: true } : {}),
    serverFactory: (handler) => {
      const server = tls
        ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler)
        : createHttpServer(handler);
      server.on('checkContinue', handler);
      // Node's defaults let a trickling client hold a socket for 5 minutes.
      server.headersTimeout = opts.headersTimeoutMs;
      server.requestTimeout = opts.requestTimeoutMs;
      server.keepAliveTimeout = opts.keepAliveTimeoutMs;
      if (opts.idleTimeoutMs) server.setTimeout(opts.idleTimeoutMs);
      return server;
    },
    // The server above speaks TLS itself; Fastify reads this only to print https:// addresses.
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  }) as unknown as FastifyInstance;
  const { capOf = () => opts.bodyLimit, refuse } = opts.tooLarge;
  app.addHook('onRequest', (req, reply, done) => {
    const length = declaredLength(req.raw);
    // Only a declared length asks for the cap: a bodiless request costs one header look-up.
    if (!(length > 0)) return done();
    const cap = capOf(req.url);
    if (length <= cap) return done();
    reply.hijack();
    const { headers, body } = refuse(cap);
    answerAndDiscard(req.raw, reply.raw, 413, headers, body);
    done();
  });
  app.addHook('preParsing', (req, reply, payload, done) => {
    if (expectsContinue(req.raw) && !reply.raw.headersSent) reply.raw.writeContinue();
    done(null, payload);
  });
  return app;
}

/** Node hands only exactly this expectation to `checkContinue`; any other gets its 417. */
function expectsContinue(req: IncomingMessage): boolean {
  return req.headers.expect?.toLowerCase() === '100-continue';
}

/**
 * Listens (with a deep accept backlog: integrations open many connections at once after a deploy
 * or an outage) and returns the base URL, a wildcard address shown as loopback.
 */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port, backlog: 4096 });
  const a = app.server.address() as AddressInfo;
  const any = a.address === '0.0.0.0' || a.address === '::';
  const ip = a.family === 'IPv6' ? `[${any ? '::1' : a.address}]` : any ? '127.0.0.1' : a.address;
  return `${app.initialConfig.https ? 'https' : 'http'}://${ip}:${a.port}`;
}
