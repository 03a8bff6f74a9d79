/**
 * Source 4 (DESIGN §1): the agent as the SDKs' intermediate gateway. Integrations send
 * `/oauth/token` and `/api/v2/**` here; requests are forwarded to the real region (or the
 * simulator) and measured per token and per OAuth client in real time.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Pool } from 'undici';
import {
  GatewayMeasurements,
  UNKNOWN_CLIENT,
  type ClientMeasurement,
} from '../../model/gateway/measurements.js';
import type { ClientDirectory } from '../../model/client-directory.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Source, SourceHealth } from '../source.js';
import { IdentityCache, type ResolveToken } from './identity.js';
import type { GatewayLogger } from './logger.js';
import { createProxyHandler, type Upstream } from './proxy.js';
import { realSleep, Shaper, type Sleep } from './shaper.js';

export type { GatewayLogger } from './logger.js';

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
  maxTrackedTokens?: number;
  directory: ClientDirectory;
  limitPerMinute: (clientId: string) => number;
  shaping?: ShapingOptions;
  upstreamTimeoutMs?: number;
  clock?: Clock;
  logger?: GatewayLogger;
  /** How shaping waits (tests pass one that advances a FakeClock). */
  sleep?: Sleep;
  /** Jitter source for shaping, 0 ≤ x < 1. */
  random?: () => number;
}

export type GatewayClientSnapshot = ClientMeasurement;

export class GatewaySource implements Source {
  readonly name = 'gateway' as const;
  readonly org: string;
  private readonly clock: Clock;
  private readonly logger: GatewayLogger;
  private readonly measurements: GatewayMeasurements;
  private readonly identity: IdentityCache;
  private readonly shaper: Shaper | null;
  private server: Server | null = null;
  private upstreams: Record<'login' | 'api', Upstream> | null = null;
  private address = '';
  private startedMs: number | null = null;
  private lastUpstreamOkMs: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly opts: GatewayOptions) {
    this.org = opts.org;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? pino({ level: 'silent' });
    const maxTokens = opts.maxTrackedTokens ?? 50_000;
    this.measurements = new GatewayMeasurements(maxTokens);
    this.identity = new IdentityCache({
      maxEntries: maxTokens,
      clock: this.clock,
      ...(opts.resolveToken ? { resolveToken: opts.resolveToken } : {}),
      onResolveError: (err) =>
        this.logger.warn(
          { err: (err as { name?: string }).name ?? 'error' },
          'token look-up failed; counting as unknown',
        ),
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
    this.upstreams = {
      login: upstreamFor(this.opts.loginBaseUrl, timeoutMs),
      api: upstreamFor(this.opts.apiBaseUrl, timeoutMs),
    };
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
    });
    const server = this.opts.tls
      ? createHttpsServer(
          { cert: await readFile(this.opts.tls.certFile), key: await readFile(this.opts.tls.keyFile) },
          handler,
        )
      : createHttpServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept backlog: integrations open many connections at once after a deploy or an outage.
      server.listen({ port: this.opts.port, host: this.opts.host, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
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
    this.shaper?.prune(nowMs);
    return this.measurements.families(nowMs, {
      org: this.org,
      nameOf: this.nameOf,
      limitOf: this.opts.limitPerMinute,
    });
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
    if (clientId === UNKNOWN_CLIENT) return UNKNOWN_CLIENT;
    return this.opts.directory.nameOf(clientId) ?? this.identity.nameOf(clientId) ?? clientId;
  };
}

function upstreamFor(baseUrl: string, timeoutMs: number): Upstream {
  const url = new URL(baseUrl);
  return {
    // TLS is verified by undici's defaults; bounded connections keep a flood from exhausting sockets.
    pool: new Pool(url.origin, {
      connections: 256,
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
