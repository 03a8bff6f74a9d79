/* eslint-disable max-lines -- grew with issue 16 hardening (limits wiring); split next */
/**
 * Source 4 (docs/gateway.md): the agent as the SDKs' intermediate gateway. Integrations send
 * `/oauth/token` and `/api/v2/**` here; requests are forwarded to the real region (or the
 * simulator) and measured per token and per OAuth client in real time.
 */
import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import {
  DEFAULT_MAX_CLIENTS,
  GatewayMeasurements,
  OTHER_CLIENT,
  UNKNOWN_CLIENT,
  type ClientMeasurement,
} from '../../model/gateway/measurements.js';
import type { ClientDirectory } from '../../model/client-directory.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { realScheduler, type Scheduler } from '../../lifecycle/scheduler.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Source, SourceHealth } from '../source.js';
import { gatewayFamilies } from './families.js';
import { IdentityCache, type LookupFailure, type ResolveToken } from './identity.js';
import { BodyWatchdog, ConcurrencyLimiter, DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './limits.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { createProxyHandler, type RefusalReason, type Upstream } from './proxy.js';
import { realSleep, Shaper, type Sleep } from './shaper.js';

export interface ShapingOptions {
  mode: 'off' | 'smooth';
  /** Fraction of the per-token limit to stay under (default 0.95). */
  share?: number;
  /** Longest a request is held before a local 429 (default 10 s). */
  maxWaitMs?: number;
  maxConcurrencyPerToken?: number;
}

export interface GatewayOptions {
  org: string;
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  apiBaseUrl: string;
  loginBaseUrl: string;
  /** GET /api/v2/tokens/me with that token; undefined = tokens minted elsewhere count as `unknown`. */
  resolveToken?: ResolveToken;
  /** Most `tokens/me` look-ups per minute, outside the org's call budget (default 30). */
  tokenLookupsPerMinute?: number;
  maxTrackedTokens?: number;
  /** Most distinct clients in the exported series (default 2 000); the rest count as `other`. */
  maxClients?: number;
  /** Deadlines and per-caller caps (defaults: DEFAULT_GATEWAY_LIMITS). */
  limits?: Partial<GatewayLimits>;
  directory: ClientDirectory;
  limitPerMinute: (clientId: string) => number;
  shaping?: ShapingOptions;
  upstreamTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** How shaping waits (tests pass one that advances a FakeClock). */
  sleep?: Sleep;
  /** Jitter source for shaping, 0 ≤ x < 1. */
  random?: () => number;
  /** Runs the pruning tick (tests pass a ManualScheduler). */
  scheduler?: Scheduler;
}

export type GatewayClientSnapshot = ClientMeasurement;

/** How often idle state is freed (memory only: reads already leave it out). */
const PRUNE_EVERY_MS = 60_000;

export class GatewaySource implements Source {
  readonly name = 'gateway' as const;
  readonly org: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly measurements: GatewayMeasurements;
  private readonly identity: IdentityCache;
  private readonly shaper: Shaper | null;
  private server: Server | null = null;
  private cancelPrune: (() => void) | null = null;
  private upstreams: Record<'login' | 'api', Upstream> | null = null;
  private address = '';
  private startedMs: number | null = null;
  private lastUpstreamOkMs: number | null = null;
  private lastError: string | null = null;
  private readonly limits: GatewayLimits;
  private watchdog: BodyWatchdog | null = null;
  private readonly refused = new Map<RefusalReason, number>();
  /** Failed token look-ups since the last summary line, by reason. */
  private readonly lookupFailures = new Map<LookupFailure, number>();
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: GatewayOptions) {
    this.org = opts.org;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.limits = { ...DEFAULT_GATEWAY_LIMITS, ...opts.limits };
    const maxTokens = opts.maxTrackedTokens ?? 50_000;
    this.measurements = new GatewayMeasurements(maxTokens, opts.maxClients ?? DEFAULT_MAX_CLIENTS);
    this.identity = new IdentityCache({
      maxEntries: maxTokens,
      clock: this.clock,
      ...(opts.resolveToken ? { resolveToken: opts.resolveToken } : {}),
      ...(opts.tokenLookupsPerMinute === undefined ? {} : { lookupsPerMinute: opts.tokenLookupsPerMinute }),
      // Counted, and logged as one summary a minute: a flood of made-up tokens is one line, not one per token.
      onResolveError: (reason) => this.lookupFailures.set(reason, (this.lookupFailures.get(reason) ?? 0) + 1),
    });
    const shaping = opts.shaping ?? { mode: 'off' };
    this.shaper =
      shaping.mode === 'smooth'
        ? new Shaper({
            share: shaping.share ?? 0.95,
            maxWaitMs: shaping.maxWaitMs ?? 10_000,
            ...(shaping.maxConcurrencyPerToken === undefined
              ? {}
              : { maxConcurrencyPerToken: shaping.maxConcurrencyPerToken }),
            maxTokens,
            clock: this.clock,
            sleep: opts.sleep ?? realSleep,
            random: opts.random ?? Math.random,
          })
        : null;
  }

  /** Base URL of the listener, e.g. `http://127.0.0.1:8080`; empty before start(). */
  get url(): string {
    return this.address;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const timeoutMs = this.opts.upstreamTimeoutMs ?? 60_000;
    const limits = this.limits;
    this.upstreams = {
      login: upstreamFor(this.opts.loginBaseUrl, timeoutMs, limits.upstreamConnections),
      api: upstreamFor(this.opts.apiBaseUrl, timeoutMs, limits.upstreamConnections),
    };
    const watchdog = new BodyWatchdog(limits);
    this.watchdog = watchdog;
    const handler = createProxyHandler({
      upstreams: this.upstreams,
      identity: this.identity,
      measurements: this.measurements,
      shaper: this.shaper,
      limitPerMinute: this.opts.limitPerMinute,
      noteClient: (id) => {
        if (id !== UNKNOWN_CLIENT) this.opts.directory.noteUnknown(id);
      },
      timeoutMs,
      clock: this.clock,
      logger: this.logger,
      onUpstream: (error) => {
        if (error === null) this.lastUpstreamOkMs = this.clock.now();
        this.lastError = error;
      },
      limits,
      perAddress: new ConcurrencyLimiter(limits.maxConcurrentPerAddress),
      perToken: new ConcurrencyLimiter(limits.maxConcurrentPerToken),
      watchdog,
      onRefused: (reason) => this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1),
    });
    const onRequest = (req: IncomingMessage, res: ServerResponse) => handler(req, res);
    const server = this.opts.tls
      ? createHttpsServer(
          { cert: await readFile(this.opts.tls.certFile), key: await readFile(this.opts.tls.keyFile) },
          onRequest,
        )
      : createHttpServer(onRequest);
    // The 100 goes out only once the request is admitted (path, size, caps): a refused client never sends its body.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handler(req, res, true));
    // Deadlines (Node's defaults let a trickling client hold a socket for 5 minutes).
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.requestTimeoutMs;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    // No socket sits idle longer than the longest wait for the upstream.
    server.setTimeout(timeoutMs + limits.keepAliveTimeoutMs);
    this.summaryTimer = setInterval(() => this.logLookupFailures(), 60_000).unref();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept backlog: integrations open many connections at once after a deploy or an outage.
      server.listen({ port: this.opts.port, host: this.opts.host, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const scheduler = this.opts.scheduler ?? realScheduler;
    const tick = () => {
      this.prune(this.clock.now());
      this.cancelPrune = scheduler.after(PRUNE_EVERY_MS, tick);
    };
    this.cancelPrune = scheduler.after(PRUNE_EVERY_MS, tick);
    const addr = server.address() as AddressInfo;
    const host =
      addr.family === 'IPv6'
        ? `[${unspecified(addr.address) ? '::1' : addr.address}]`
        : unspecified(addr.address)
          ? '127.0.0.1'
          : addr.address;
    this.address = `${this.opts.tls ? 'https' : 'http'}://${host}:${addr.port}`;
    this.startedMs = this.clock.now();
    this.logger.info({ url: this.address, shaping: this.shaper ? 'smooth' : 'off' }, 'gateway listening');
  }

  async stop(): Promise<void> {
    this.cancelPrune?.();
    this.cancelPrune = null;
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    this.summaryTimer = null;
    this.logLookupFailures();
    this.watchdog?.stop();
    const server = this.server;
    this.server = null;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    const upstreams = this.upstreams;
    this.upstreams = null;
    if (upstreams) await Promise.all([upstreams.login.pool.destroy(), upstreams.api.pool.destroy()]);
  }

  collect(nowMs: number): MetricFamily[] {
    if (this.startedMs === null) return [];
    const startTimeMs = this.startedMs;
    return [
      ...gatewayFamilies(this.measurements, nowMs, {
        org: this.org,
        nameOf: this.nameOf,
        limitOf: this.opts.limitPerMinute,
      }),
      catalogue.gatewayClientsOverflow.family([
        { attributes: { org: this.org }, value: this.measurements.overflowCount(), startTimeMs },
      ]),
      catalogue.gatewayRefused.family(
        REFUSAL_REASONS.map((reason) => ({
          attributes: { org: this.org, reason },
          value: this.refused.get(reason) ?? 0,
          startTimeMs,
        })),
      ),
    ];
  }

  private logLookupFailures(): void {
    if (this.lookupFailures.size === 0) return;
    const reasons = Object.fromEntries(this.lookupFailures);
    const failed = [...this.lookupFailures.values()].reduce((a, b) => a + b, 0);
    this.lookupFailures.clear();
    this.logger.warn(
      { failed, reasons },
      'token look-ups failed since the last summary; those requests count as unknown',
    );
  }

  /** Frees idle tokens, clients and pacers; reads leave them out already, so this only bounds memory. */
  prune(nowMs: number): void {
    this.measurements.prune(nowMs);
    this.shaper?.prune(nowMs);
  }

  snapshot(nowMs: number): GatewayClientSnapshot[] {
    return this.measurements.snapshot(nowMs, this.nameOf, this.opts.limitPerMinute);
  }

  health(): SourceHealth {
    const lastSuccessMs = this.lastUpstreamOkMs ?? this.startedMs;
    return {
      up: this.server !== null,
      lastSuccessMs,
      lastDurationMs: this.startedMs === null ? null : 0,
      lastError: this.lastError,
    };
  }

  private readonly nameOf = (clientId: string): string => {
    if (clientId === UNKNOWN_CLIENT || clientId === OTHER_CLIENT) return clientId;
    return this.opts.directory.nameOf(clientId) ?? this.identity.nameOf(clientId) ?? clientId;
  };
}

const REFUSAL_REASONS: readonly RefusalReason[] = [
  'bad_path',
  'body_too_large',
  'body_too_slow',
  'address_concurrency',
  'token_concurrency',
];

function upstreamFor(baseUrl: string, timeoutMs: number, connections: number): Upstream {
  const url = new URL(baseUrl);
  return {
    // TLS is verified by undici's defaults; bounded connections keep a flood from exhausting sockets.
    pool: new Pool(url.origin, {
      connections,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 10_000),
    }),
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}

function unspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
