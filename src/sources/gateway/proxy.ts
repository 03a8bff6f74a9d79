/**
 * The forwarding path: one request in, one request to the login or API host out, bodies streamed
 * both ways (nothing buffered except small login bodies, copied on the side to learn identities).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline as pipelineCb, type Readable, type Writable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import type { GatewayMeasurements, RequestHandle } from '../../model/gateway/measurements.js';
import type { Clock } from '../../util/clock.js';
import { CaptureStream, decodeBody } from './capture.js';
import { sendGenesysError, sendRateLimited } from './errors.js';
import { endToEnd } from './headers.js';
import { bearerOf, loginClientId, tokenKey, tokenResponseSchema, type IdentityCache } from './identity.js';
import { routeOf, type Route } from './routes.js';
import type { Shaper } from './shaper.js';
import type { Logger } from '../../util/logger.js';

export interface Upstream {
  pool: Pool;
  /** Path prefix of the configured base URL (usually empty). */
  basePath: string;
}

export interface ProxyDeps {
  upstreams: Record<Route['upstream'], Upstream>;
  identity: IdentityCache;
  measurements: GatewayMeasurements;
  shaper: Shaper | null;
  limitPerMinute: (clientId: string) => number;
  noteClient: (clientId: string) => void;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  onUpstream: (error: string | null) => void;
}

const LOGIN_CAPTURE_BYTES = 64 * 1024;
/** nginx's "client closed request": counted so in-flight drops, never sent to anyone. */
const CLIENT_CLOSED = 499;

export function createProxyHandler(deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err: errorCode(err) }, 'gateway request failed');
      if (!res.headersSent)
        sendGenesysError(res, 500, 'internal.server.error', 'The gateway failed to handle the request.');
      else res.destroy();
    });
  };
}

async function handle(deps: ProxyDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = routeOf(req.url ?? '/');
  if (!route) {
    sendGenesysError(res, 404, 'not.found', 'The requested resource was not found.');
    return;
  }
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  if (route.upstream === 'login') await forwardLogin(deps, route, req, res, ac.signal);
  else await forwardApi(deps, route, req, res, ac.signal);
}

async function forwardLogin(
  deps: ProxyDeps,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const form = new CaptureStream(LOGIN_CAPTURE_BYTES);
  const body = hasBody(req) ? pipelineCb(req, form, () => undefined) : null;
  const outcome = await relay(deps, route, req, body, signal, res, (statusCode, headers) => {
    // A tap in front of the response keeps a copy of the token answer to learn token -> client.
    const tap = new CaptureStream(LOGIN_CAPTURE_BYTES, (captured) => {
      if (statusCode !== 200 || !captured) return;
      const text = decodeBody(captured, headers['content-encoding']);
      const parsed = tokenResponseSchema.safeParse(safeJson(text));
      const clientId = loginClientId(req.headers.authorization, form.captured()?.toString('utf8') ?? '');
      if (!parsed.success || !clientId) return;
      deps.identity.learn(tokenKey(parsed.data.access_token), clientId);
      deps.noteClient(clientId);
    });
    tap.pipe(res);
    return tap;
  });
  if (!outcome.ok) fail(deps, route, res, signal, outcome.error);
}

async function forwardApi(
  deps: ProxyDeps,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const who = await deps.identity.identify(bearerOf(req.headers.authorization));
  deps.noteClient(who.clientId);
  let release = (): void => undefined;
  if (deps.shaper) {
    let admission;
    try {
      admission = await deps.shaper.admit(who.key, deps.limitPerMinute(who.clientId), signal);
    } catch {
      return; // the client left while waiting
    }
    if (admission.kind === 'reject') {
      deps.measurements.shaped(who.clientId, 'rejected', deps.clock.now());
      sendRateLimited(res, admission.retryAfterSeconds);
      return;
    }
    if (admission.delayed) deps.measurements.shaped(who.clientId, 'delayed', deps.clock.now());
    release = admission.release;
  }
  const handle = deps.measurements.start(who.key, who.clientId, deps.clock.now());
  const method = req.method ?? 'GET';
  try {
    const outcome = await relay(deps, route, req, hasBody(req) ? req : null, signal, res, () => res);
    if (!outcome.ok) finish(deps, handle, method, fail(deps, route, res, signal, outcome.error));
    else finish(deps, handle, method, outcome.status, outcome.upstreamSeconds);
  } finally {
    release();
  }
}

type RelayOutcome = { ok: true; status: number; upstreamSeconds: number } | { ok: false; error: unknown };

/**
 * Sends the request upstream and streams the answer into the writable `sink` returns (the client
 * response, or a tap in front of it). undici's stream() writes the body straight into it: no
 * per-request promise pipeline (which costs an AbortController and a DOMException each time).
 * Not ok means nothing came back; a body that breaks off after the headers destroys the response.
 */
async function relay(
  deps: ProxyDeps,
  route: Route,
  req: IncomingMessage,
  body: Readable | null,
  signal: AbortSignal,
  res: ServerResponse,
  sink: (statusCode: number, headers: IncomingHttpHeaders) => Writable,
): Promise<RelayOutcome> {
  const upstream = deps.upstreams[route.upstream];
  const t0 = performance.now();
  let status = 0;
  let upstreamSeconds = 0;
  try {
    await upstream.pool.stream(
      {
        path: upstream.basePath + route.path,
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: endToEnd(req.headers, ['host']),
        body,
        signal,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
      },
      ({ statusCode, headers }) => {
        status = statusCode;
        upstreamSeconds = (performance.now() - t0) / 1000;
        deps.onUpstream(null);
        res.writeHead(statusCode, endToEnd(headers));
        return sink(statusCode, headers);
      },
    );
  } catch (error) {
    if (status === 0) return { ok: false, error };
    res.destroy();
  }
  return { ok: true, status, upstreamSeconds };
}

function finish(
  deps: ProxyDeps,
  handle: RequestHandle,
  method: string,
  status: number,
  upstreamSeconds?: number,
): void {
  deps.measurements.finish(
    handle,
    { method, status, ...(upstreamSeconds === undefined ? {} : { upstreamSeconds }) },
    deps.clock.now(),
  );
}

/** Answers an upstream failure; returns the status it stands for in the measurements. */
function fail(deps: ProxyDeps, route: Route, res: ServerResponse, signal: AbortSignal, err: unknown): number {
  if (signal.aborted) {
    res.destroy();
    return CLIENT_CLOSED;
  }
  const code = errorCode(err);
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  const status = timedOut ? 504 : 502;
  deps.onUpstream(`${route.upstream} upstream: ${code}`);
  deps.logger.warn({ upstream: route.upstream, err: code, status }, 'upstream request failed');
  if (timedOut)
    sendGenesysError(res, 504, 'gateway.timeout', 'The upstream Genesys Cloud API did not answer in time.');
  else
    sendGenesysError(res, 502, 'bad.gateway', 'The gateway could not reach the upstream Genesys Cloud API.');
  return status;
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

function safeJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** An error's code or class name only: messages may quote URLs or headers. */
function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}
