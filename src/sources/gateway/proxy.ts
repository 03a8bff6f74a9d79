/* eslint-disable max-lines -- one request's path through the gateway, admission to relay, read in order */
/** The forwarding path: one request in, one to the login or API host out, bodies streamed both ways. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import type { GatewayMeasurements } from '../../model/gateway/measurements.js';
import { errorCode as requestErrorCode } from '../../genesys/http-errors.js';
import type { Clock } from '../../util/clock.js';
import { declaredLength } from '../../util/oversize.js';
import { createListener, type ListenerOptions } from '../../server/listener.js';
import { CaptureStream, decodeBody } from './capture.js';
import { genesysError, hasBody, sendGenesysError, type RefusalReason } from './errors.js';
import { endToEnd, forwarded, type Forwarded } from './headers.js';
import { loginClientId, tokenKey, tokenResponseSchema, type IdentityCache, type Who } from './identity.js';
import { watchBody, type ConcurrencyLimiter, type GatewayLimits } from './limits.js';
import { routeOf, type Route } from './routes.js';
import type { Shaper } from './shaper.js';
import type { Logger } from '../../util/logger.js';

export interface ProxyDeps {
  upstreams: Record<Route['upstream'], ReturnType<typeof upstreamFor>>;
  identity: IdentityCache;
  measurements: GatewayMeasurements;
  shaper: Shaper | null;
  limitPerMinute: (clientId: string) => number;
  noteClient: (clientId: string) => void;
  /** The catalogue endpoint of a request (matchEndpoint; tests count its calls). */
  endpointOf: (method: string, path: string) => string;
  clock: Clock;
  logger: Logger;
  /** An upstream answered (null) or could not be reached (its error code). Local failures never come here. */
  onUpstream: (error: string | null) => void;
  limits: GatewayLimits;
  perAddress: ConcurrencyLimiter;
  perToken: ConcurrencyLimiter;
  onRefused: (reason: RefusalReason) => void;
}

const LOGIN_CAPTURE_BYTES = 64 * 1024;
/** nginx's "client closed request": counted so in-flight drops, never sent to anyone. */
const CLIENT_CLOSED = 499;

declare module 'fastify' {
  interface FastifyRequest {
    /** The gateway's exchange once `onRequest` admitted the request. */
    exchange: Exchange | null;
  }
}

/**
 * The gateway's listener (server/listener.ts): `onRequest` admits a request, the listener then
 * sends any `100 Continue`, and `preParsing` takes the request over before Fastify reads the body.
 * The common request (known token, no body, no shaping) makes no promise of its own on its way
 * (A/B in docs/performance.md); a step that must wait returns one, and the rest follows it.
 */
export function createProxy(
  deps: ProxyDeps,
  listener: Pick<ListenerOptions, 'tls' | 'idleTimeoutMs'>,
): FastifyInstance {
  const app = createListener({
    ...deps.limits, // its deadlines
    ...listener,
    logger: false,
    // Bodies are relayed, never parsed; only logins have a cap (the path guard and 404 go first).
    bodyLimit: deps.limits.loginBodyBytes,
    tooLarge: {
      capOf: (url) => {
        const route = routeOf(url);
        return route !== 'bad_path' && route?.upstream === 'login' ? deps.limits.loginBodyBytes : Infinity;
      },
      refuse: (cap) => {
        deps.onRefused('body_too_large');
        return genesysError(413, 'request.entity.too.large', tooLargeMessage(cap));
      },
    },
    // A relayed stream must not hold stop() up.
    forceCloseConnections: true,
    // A target the router cannot decode is one the path guard refuses.
    frameworkErrors: (_err, _req, reply) => {
      reply.hijack();
      refuse(deps, reply.raw, 'bad_path');
    },
  });
  app.decorateRequest('exchange', null);
  app.addHook('onRequest', (req, reply, done) => {
    const x = admit(deps, req.raw, reply.raw);
    if (x) req.exchange = x;
    else reply.hijack(); // answered already
    done();
  });
  app.addHook('preParsing', (req, reply, payload, done) => {
    const x = req.exchange!;
    reply.hijack();
    try {
      forward(deps, x)?.catch((err: unknown) => failed(deps, x.res, err));
    } catch (err) {
      failed(deps, x.res, err);
    }
    done(null, payload);
  });
  // Every path reaches the hooks above; the request is taken over before this would run.
  app.all('*', () => undefined);
  app.addHook('onClose', async () => {
    await Promise.all([deps.upstreams.login.pool.destroy(), deps.upstreams.api.pool.destroy()]);
  });
  return app;
}

/** Why a request is refused before it is forwarded (oversized and slow bodies: see their checks). */
const REFUSED = {
  bad_path:
    'The request path is not allowed: encoded slashes or backslashes, dot segments and ";" are refused.',
  address_concurrency: 'Too many requests in progress from this address through the gateway.',
  token_concurrency: 'Too many requests in progress with this token through the gateway.',
};

/** Answers a request the gateway refuses to forward, counted by reason. */
function refuse(deps: ProxyDeps, res: ServerResponse, reason: keyof typeof REFUSED): void {
  deps.onRefused(reason);
  if (reason === 'bad_path') sendGenesysError(res, 400, 'bad.request', REFUSED[reason], {}, true);
  else sendGenesysError(res, 429, 'too.many.requests', REFUSED[reason], { 'retry-after': '1' }, true);
}

const tooLargeMessage = (cap: number) => `The request body is larger than ${cap} bytes.`;

/** The gateway itself failed: a 500, or a cut response once its head is out. */
function failed(deps: ProxyDeps, res: ServerResponse, err: unknown): void {
  deps.logger.error({ err: errorCode(err) }, 'gateway request failed');
  sendGenesysError(res, 500, 'internal.server.error', 'The gateway failed to handle the request.');
}

/** A promise while a step waits (body, token look-up, shaping), rejected if the gateway fails. */
type Pending = Promise<void> | void;

/** The request's exchange once admitted, or null once it is answered. */
function admit(deps: ProxyDeps, req: IncomingMessage, res: ServerResponse): Exchange | null {
  const route = routeOf(req.url ?? '/');
  if (route === 'bad_path') {
    refuse(deps, res, 'bad_path');
    return null;
  }
  if (!route) {
    sendGenesysError(res, 404, 'not.found', 'The requested resource was not found.');
    return null;
  }
  // One caller (address) cannot hold more than its share of the upstream connections.
  const address = req.socket.remoteAddress ?? 'unknown';
  if (!deps.perAddress.tryAcquire(address)) {
    refuse(deps, res, 'address_concurrency');
    return null;
  }
  const x = new Exchange(req, res, route);
  // One listener for everything the request holds.
  res.once('close', () => {
    deps.perAddress.release(address);
    if (x.token !== null) deps.perToken.release(x.token);
    x.unwatch?.();
    if (!res.writableFinished) x.leave();
  });
  if (hasBody(req)) {
    x.unwatch = watchBody(req, deps.limits, () => {
      deps.onRefused('body_too_slow');
      sendGenesysError(res, 408, 'request.timeout', 'The request body arrived too slowly.', {
        connection: 'close',
      });
      x.leave();
    });
  }
  return x;
}

/** The reason an upstream request is aborted when its client leaves (never sent to anyone). */
const CLIENT_LEFT = Object.assign(new Error('the client closed the request'), { name: 'ClientLeft' });

/** One request: what it holds until its response closes, and whether its client left (which aborts its waits). */
class Exchange {
  gone = false;
  /** The upstream request in flight, while there is one. */
  upstream: Dispatcher.DispatchController | null = null;
  /** The token whose per-token slot it took. */
  token: string | null = null;
  unwatch: (() => void) | null = null;
  /** What the upstream receives, and so all the request is identified by. */
  readonly headers: Forwarded;
  private controller: AbortController | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly route: Route,
  ) {
    this.headers = forwarded(req.headers);
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller?.abort();
    this.upstream?.abort(CLIENT_LEFT);
  }

  /** An AbortSignal that follows this one, for APIs that need a real one (the shaper's waits). */
  abortSignal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.gone) this.controller.abort();
    return this.controller.signal;
  }
}

/**
 * The whole body, or null when it grew past `limit` (then answered 413) or broke off. Listeners:
 * `events.on` allocates 35 KiB per request (RSS after 10 000 logins: 277 MiB with it, 171 without).
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: Buffer | null) => {
      req.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onEnd);
      resolve(body);
    };
    // Read flowing, as the watchdog expects.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Keeps reading (and discarding) the rest.
      sendGenesysError(res, 413, 'request.entity.too.large', tooLargeMessage(limit), {}, true);
      done(null);
    };
    // `close` or `error` before `end`: the client left or was cut off (the body is not complete).
    const onEnd = () => done(req.complete ? Buffer.concat(chunks) : null);
    req.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onEnd);
  });
}

/** Bodies within their limit are read whole first, so a slow sender holds no upstream connection. */
function forward(deps: ProxyDeps, x: Exchange): Pending {
  const { req } = x;
  if (!hasBody(req)) return withBody(deps, x, null);
  const limit = x.route.upstream === 'login' ? deps.limits.loginBodyBytes : deps.limits.bufferedBodyBytes;
  // Only API bodies get here: the listener refused a login declared larger.
  if (declaredLength(req) > limit) return withBody(deps, x, req);
  return readBody(req, x.res, limit).then((body) => (body === null ? undefined : withBody(deps, x, body)));
}

function withBody(deps: ProxyDeps, x: Exchange, body: Body): Pending {
  return x.route.upstream === 'login' ? forwardLogin(deps, x, body) : identified(deps, x, body);
}

function forwardLogin(deps: ProxyDeps, x: Exchange, body: Body): void {
  const formText = body instanceof Buffer ? body.toString('utf8') : '';
  // A tap keeps a copy of the token answer to learn token -> client; the answer passes untouched.
  const tapped = (statusCode: number, headers: IncomingHttpHeaders): Writable => {
    const tap = new CaptureStream(LOGIN_CAPTURE_BYTES, async (captured) => {
      if (statusCode !== 200 || !captured) return;
      const text = await decodeBody(captured, headers['content-encoding'], LOGIN_CAPTURE_BYTES);
      const q = x.route.path.indexOf('?');
      const clientId = loginClientId(x.headers, formText, q < 0 ? '' : x.route.path.slice(q + 1));
      if (text === null || !clientId) return;
      // Not JSON or not a token: nothing learnt (the capture stream swallows the throw).
      deps.identity.learn(tokenKey(tokenResponseSchema.parse(JSON.parse(text)).access_token), clientId);
      deps.noteClient(clientId);
    });
    tap.pipe(x.res);
    return tap;
  };
  const done = (outcome: RelayOutcome) => outcome.ok || fail(deps, x, outcome.error);
  relay(deps, x, body, done, tapped);
}

type Body = Readable | Buffer | null;

function identified(deps: ProxyDeps, x: Exchange, body: Body): Pending {
  const known = deps.identity.identify(deps.identity.tokens.of(x.req.socket, x.headers));
  if (known instanceof Promise) return known.then((who) => admitted(deps, x, body, who));
  return admitted(deps, x, body, known);
}

function admitted(deps: ProxyDeps, x: Exchange, body: Body, who: Who): Pending {
  if (!deps.perToken.tryAcquire(who.key)) {
    refuse(deps, x.res, 'token_concurrency');
    return;
  }
  if (x.res.closed) {
    // The client left while its token was looked up: nothing will close the slot later.
    deps.perToken.release(who.key);
    return;
  }
  x.token = who.key;
  deps.noteClient(who.clientId);
  if (deps.shaper) return shaped(deps, deps.shaper, x, body, who);
  return measured(deps, x, body, who);
}

async function shaped(deps: ProxyDeps, shaper: Shaper, x: Exchange, body: Body, who: Who): Promise<void> {
  let admission;
  try {
    admission = await shaper.admit(who.key, deps.limitPerMinute(who.clientId), x.abortSignal());
  } catch {
    return; // the client left while waiting
  }
  if (admission.kind === 'reject') {
    deps.measurements.shaped(who.clientId, 'rejected', deps.clock.now());
    // The normalized Genesys 429 (docs/gateway.md, shaping).
    const seconds = admission.retryAfterSeconds;
    const message = `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`;
    sendGenesysError(x.res, 429, 'too.many.requests.retry.after', message, {
      'retry-after': String(seconds),
    });
    return;
  }
  if (admission.delayed) deps.measurements.shaped(who.clientId, 'delayed', deps.clock.now());
  measured(deps, x, body, who);
}

/** Forwards and measures one admitted request. */
function measured(deps: ProxyDeps, x: Exchange, body: Body, who: Who): void {
  const method = x.req.method ?? 'GET';
  // With the per-endpoint families off (a cap of 0) nothing would count the match.
  const call =
    deps.measurements.endpointCap.max === 0
      ? undefined
      : { endpoint: deps.endpointOf(method, x.route.path), method };
  const handle = deps.measurements.start(who.key, who.clientId, deps.clock.now(), call);
  relay(deps, x, body, (outcome) => {
    const answer = outcome.ok ? outcome : { status: fail(deps, x, outcome.error) };
    deps.measurements.finish(handle, { method, ...answer }, deps.clock.now());
  });
}

type RelayOutcome = { ok: true; status: number; upstreamSeconds: number } | { ok: false; error: unknown };

/**
 * Sends the request upstream and streams the answer into the response (or `sink`'s tap in front of
 * it) through undici's dispatch handler API: none of stream()'s per-request resources,
 * listeners or promises (A/B in docs/performance.md); backpressure pauses the upstream. `done` gets
 * the outcome once (not ok: nothing came back), and a throw in it is the gateway failing.
 */
function relay(
  deps: ProxyDeps,
  x: Exchange,
  body: Body,
  done: (outcome: RelayOutcome) => void,
  sink?: (statusCode: number, headers: IncomingHttpHeaders) => Writable,
): void {
  const { req, res, route } = x;
  const upstream = deps.upstreams[route.upstream];
  const t0 = performance.now();
  let settled = false;
  // Exactly once, whichever way undici reports the end (or refuses the request outright).
  const resolve = (outcome: RelayOutcome): void => {
    if (settled) return;
    settled = true;
    try {
      done(outcome);
    } catch (err) {
      failed(deps, res, err);
    }
  };
  let status = 0;
  let upstreamSeconds = 0;
  let out: Writable | null = null;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(controller) {
      if (x.gone) controller.abort(CLIENT_LEFT);
      else x.upstream = controller;
    },
    onResponseStart(controller, statusCode, headers) {
      if (statusCode < 200) return; // informational: Node answers the client's own Expect
      status = statusCode;
      upstreamSeconds = (performance.now() - t0) / 1000;
      deps.onUpstream(null);
      res.writeHead(statusCode, endToEnd(headers));
      out = sink?.(statusCode, headers) ?? res;
    },
    onResponseData(controller, chunk) {
      // Chunks already parsed may still arrive while paused: one drain listener per pause.
      if (out && !out.write(chunk) && !controller.paused) {
        controller.pause();
        out.once('drain', () => controller.resume());
      }
    },
    onResponseEnd() {
      x.upstream = null;
      out?.end();
      resolve({ ok: true, status, upstreamSeconds });
    },
    onResponseError(_controller, error) {
      x.upstream = null;
      if (status === 0) resolve({ ok: false, error });
      else {
        res.destroy();
        resolve({ ok: true, status, upstreamSeconds });
      }
    },
  };
  try {
    upstream.pool.dispatch(
      {
        path: upstream.basePath + route.path,
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: x.headers,
        body,
      },
      handler,
    );
  } catch (error) {
    resolve({ ok: false, error }); // refused before it was sent (an argument undici will not take)
  }
}

/** Answers an upstream failure; returns the status it stands for in the measurements. */
function fail(deps: ProxyDeps, x: Exchange, err: unknown): number {
  const { res, route } = x;
  if (x.gone) {
    res.destroy();
    return CLIENT_CLOSED;
  }
  const code = errorCode(err);
  if (!UPSTREAM_ERROR.test(code)) {
    // Ours, not the upstream's: never reported as the upstream's health.
    deps.logger.warn({ upstream: route.upstream, err: code }, 'gateway could not forward the request');
    sendGenesysError(res, 500, 'internal.server.error', 'The gateway failed to forward the request.');
    return 500;
  }
  const [status, genesysCode, message] =
    code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
      ? [504, 'gateway.timeout', 'The upstream Genesys Cloud API did not answer in time.']
      : [502, 'bad.gateway', 'The gateway could not reach the upstream Genesys Cloud API.'];
  deps.onUpstream(`${route.upstream} upstream: ${code}`);
  deps.logger.warn({ upstream: route.upstream, err: code, status }, 'upstream request failed');
  sendGenesysError(res, status, genesysCode, message);
  return status;
}

/**
 * Failures of the connection to the upstream or of its answer: undici's, system errors (ECONNREFUSED,
 * ENOTFOUND, …), an answer that did not parse (HPE_*), TLS. Any other code is the gateway's own.
 */
const UPSTREAM_ERROR =
  /^(?:UND_ERR_(?:CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|SOCKET|CLOSED|RES_CONTENT_LENGTH_MISMATCH|RES_EXCEEDED_MAX_SIZE|INFO)|E[A-Z]+|HPE_.*)$|CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_/;

/** An error's code (shared with the Genesys client) or class name only: messages may quote URLs or headers. */
function errorCode(err: unknown): string {
  return requestErrorCode(err) ?? (err instanceof Error ? err.name : 'unknown error');
}

export function upstreamFor(baseUrl: string, timeoutMs: number, connections: number) {
  const url = new URL(baseUrl);
  return {
    // TLS is verified by undici's defaults; bounded connections keep a flood from exhausting sockets.
    pool: new Pool(url.origin, {
      connections,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 10_000),
    }),
    /** Path prefix of the configured base URL (usually empty). */
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}
