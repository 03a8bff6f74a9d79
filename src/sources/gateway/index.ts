/**
 * Source 4 (docs/gateway.md): the SDKs' gateway. `/oauth/token` and `/api/v2/**` are forwarded to
 * the real region (or the simulator) and measured per token and per OAuth client in real time.
 */
import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_MAX_CLIENTS,
  GatewayMeasurements,
  OTHER_CLIENT,
  UNKNOWN_CLIENT,
  type ClientMeasurement,
} from '../../model/gateway/measurements.js';
import type { ClientDirectory } from '../../model/client-directory.js';
import { EndpointCap } from '../../model/gateway/endpoints.js';
import { matchEndpoint } from '../../genesys/endpoints/index.js';
import { catalogue, REFUSAL_REASONS } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { realScheduler, type Scheduler } from '../../lifecycle/scheduler.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Source, SourceHealth } from '../source.js';
import { gatewayFamilies } from './families.js';
import { IdentityCache, type LookupFailure, type ResolveToken } from './identity.js';
import { ConcurrencyLimiter, DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './limits.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { listen } from '../../server/listener.js';
import { createProxy, upstreamFor } from './proxy.js';
import type { RefusalReason } from './errors.js';
import { realSleep, Shaper, type ShapingOptions, type Sleep } from './shaper.js';

export type { ShapingOptions } from './shaper.js';

export interface GatewayOptions {
  org: string;
  host: string;
  port: number;
  /** PEM certificate and key, as configuration read them (bounded, regular files). */
  tls?: { cert: string; key: string };
  apiBaseUrl: string;
  loginBaseUrl: string;
  /** GET /api/v2/tokens/me with that token; undefined = tokens minted elsewhere count as `unknown`. */
  resolveToken?: ResolveToken;
  /** Most `tokens/me` look-ups per minute, outside the org's call budget (default 30). */
  tokenLookupsPerMinute?: number;
  maxTrackedTokens?: number;
  /** Most distinct clients in the exported series (default 2 000); the rest count as `other`. */
  maxClients?: number;
  /** Most (client, endpoint, method) combinations in the series (default 4 000); the rest: endpoint `other`. */
  maxEndpoints?: number;
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
  /** Attributes a request to its catalogue endpoint (default matchEndpoint; tests count its calls). */
  endpointOf?: (method: string, path: string) => string;
}

export type GatewayClientSnapshot = ClientMeasurement;

/** How often idle state is freed (memory only: reads already leave it out) and failed look-ups are summed up. */
const PRUNE_EVERY_MS = 60_000;

export class GatewaySource implements Source {
  readonly name = 'gateway' as const;
  readonly org: string;
  /** Base URL of the listener, e.g. `http://127.0.0.1:8080`; empty before start(). */
  url = '';
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly limits: GatewayLimits;
  private readonly measurements: GatewayMeasurements;
  private readonly identity: IdentityCache;
  private readonly shaper: Shaper | null;
  private server: FastifyInstance | null = null;
  private cancelPrune: (() => void) | null = null;
  private startedMs: number | null = null;
  private lastUpstreamOkMs: number | null = null;
  private lastError: string | null = null;
  private readonly refused = new Map<RefusalReason, number>();
  /** Failed token look-ups since the last summary line, by reason. */
  private readonly lookupFailures = new Map<LookupFailure, number>();

  constructor(private readonly opts: GatewayOptions) {
    this.org = opts.org;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.limits = { ...DEFAULT_GATEWAY_LIMITS, ...opts.limits };
    const maxTokens = opts.maxTrackedTokens ?? 50_000;
    this.measurements = new GatewayMeasurements(
      maxTokens,
      opts.maxClients ?? DEFAULT_MAX_CLIENTS,
      new EndpointCap(opts.maxEndpoints),
    );
    this.identity = new IdentityCache({
      maxEntries: maxTokens,
      clock: this.clock,
      resolveToken: opts.resolveToken,
      lookupsPerMinute: opts.tokenLookupsPerMinute,
      // Counted, and logged as one summary a minute: a flood of made-up tokens is one line, not one per token.
      onResolveError: (reason) => count(this.lookupFailures, reason),
    });
    const { shaping, sleep = realSleep, random = Math.random } = opts;
    this.shaper =
      shaping?.mode === 'smooth'
        ? new Shaper(shaping, { maxTokens, clock: this.clock, sleep, random })
        : null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const timeoutMs = this.opts.upstreamTimeoutMs ?? 60_000;
    const limits = this.limits;
    const app = createProxy(
      {
        upstreams: {
          login: upstreamFor(this.opts.loginBaseUrl, timeoutMs, limits.upstreamConnections),
          api: upstreamFor(this.opts.apiBaseUrl, timeoutMs, limits.upstreamConnections),
        },
        identity: this.identity,
        measurements: this.measurements,
        shaper: this.shaper,
        limitPerMinute: this.opts.limitPerMinute,
        noteClient: (id) => {
          if (id !== UNKNOWN_CLIENT) this.opts.directory.noteUnknown(id);
        },
        endpointOf: this.opts.endpointOf ?? matchEndpoint,
        clock: this.clock,
        logger: this.logger,
        onUpstream: (error) => {
          if (error === null) this.lastUpstreamOkMs = this.clock.now();
          this.lastError = error;
        },
        limits,
        perAddress: new ConcurrencyLimiter(limits.maxConcurrentPerAddress),
        perToken: new ConcurrencyLimiter(limits.maxConcurrentPerToken),
        onRefused: (reason) => count(this.refused, reason),
      },
      // No socket sits idle longer than the longest wait for the upstream.
      { tls: this.opts.tls ?? null, idleTimeoutMs: timeoutMs + limits.keepAliveTimeoutMs },
    );
    this.url = await listen(app, this.opts.host, this.opts.port);
    this.server = app;
    const scheduler = this.opts.scheduler ?? realScheduler;
    const tick = () => {
      this.prune(this.clock.now());
      this.logLookupFailures();
      this.cancelPrune = scheduler.after(PRUNE_EVERY_MS, tick);
    };
    this.cancelPrune = scheduler.after(PRUNE_EVERY_MS, tick);
    this.startedMs = this.clock.now();
    this.logger.info({ url: this.url, shaping: this.shaper ? 'smooth' : 'off' }, 'gateway listening');
  }

  async stop(): Promise<void> {
    this.cancelPrune?.();
    this.cancelPrune = null;
    this.logLookupFailures();
    const server = this.server;
    this.server = null;
    await server?.close(); // and its upstream pools
  }

  collect(nowMs: number): MetricFamily[] {
    if (this.startedMs === null) return [];
    const startTimeMs = this.startedMs;
    const attributes = { org: this.org };
    return [
      ...gatewayFamilies(this.measurements, nowMs, {
        org: this.org,
        nameOf: this.nameOf,
        limitOf: this.opts.limitPerMinute,
      }),
      catalogue.gatewayClientsOverflow.family([
        { attributes, value: this.measurements.overflowCount(), startTimeMs },
      ]),
      catalogue.gatewayEndpointsOverflow.family([
        { attributes, value: this.measurements.endpointCap.overflowed, startTimeMs },
      ]),
      catalogue.gatewayRefused.family(
        REFUSAL_REASONS.map((reason) => ({
          attributes: { ...attributes, reason },
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
    this.shaper?.prune();
  }

  snapshot(nowMs: number): GatewayClientSnapshot[] {
    return this.measurements.snapshot(nowMs, this.nameOf, this.opts.limitPerMinute);
  }

  health(): SourceHealth {
    return {
      up: this.server !== null,
      lastSuccessMs: this.lastUpstreamOkMs ?? this.startedMs,
      lastDurationMs: this.startedMs === null ? null : 0,
      lastError: this.lastError,
    };
  }

  private readonly nameOf = (clientId: string): string => {
    if (clientId === UNKNOWN_CLIENT || clientId === OTHER_CLIENT) return clientId;
    return this.opts.directory.nameOf(clientId) ?? this.identity.nameOf(clientId) ?? clientId;
  };
}

function count<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
