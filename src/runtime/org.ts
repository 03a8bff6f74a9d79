import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig, OrgConfig } from '../config/config.js';
import { GenesysClient, type GenesysClientOptions } from '../genesys/client.js';
import type { Scheduler } from '../lifecycle/scheduler.js';
import type { StopStack } from '../lifecycle/stop-stack.js';
import type { Readiness } from '../server/app.js';
import type { OrgView } from '../server/snapshot.js';
import { ClientsRefresher } from '../sources/clients/refresher.js';
import { EventsSource } from '../sources/events/index.js';
import type { GatewaySource } from '../sources/gateway/index.js';
import { LimitsSource } from '../sources/limits/index.js';
import { RateLimitsSource } from '../sources/ratelimits/index.js';
import type { Source } from '../sources/source.js';
import { UsageSource } from '../sources/usage/index.js';
import type { Clock } from '../util/clock.js';

/** Everything the agent runs for one org. */
export interface OrgRuntime {
  config: OrgConfig;
  api: GenesysClient;
  clients: ClientsRefresher;
  limits: LimitsSource;
  usage: UsageSource;
  ratelimits: RateLimitsSource;
  events: EventsSource;
  gateway: GatewaySource | null;
  /** Sources that must succeed once before /readyz says ready (the status page lists them). */
  sources: Source[];
  /** Every source that runs, in start order: the ones above, then the events receiver. */
  all: Source[];
}

export interface OrgRuntimeDeps {
  config: Pick<AgentConfig, 'usageIntervalMs' | 'ratelimitsIntervalMs'> &
    Partial<
      Pick<
        AgentConfig,
        'poll' | 'tls' | 'tokenLookupsPerMinute' | 'maxClients' | 'maxEndpoints' | 'usageTopEndpoints'
      >
    >;
  clock: Clock;
  logger: PinoLogger;
  gateway: AgentConfig['gateway'];
  /** Timers of the poll loops (default: real ones). */
  scheduler?: Scheduler;
  /** POST /v1/events is served (an events token is set). */
  eventsPush?: boolean;
  /** Timeouts, retry and sleep overrides for the Genesys client (fault tests on a fake clock). */
  client?: Pick<
    GenesysClientOptions,
    | 'requestTimeoutMs'
    | 'maxRetries'
    | 'retryBaseMs'
    | 'retryMaxMs'
    | 'maxRetryAfterMs'
    | 'callDeadlineMs'
    | 'sleep'
    | 'usageJobPoll'
  >;
}

/**
 * Builds (but does not start) the client and sources of one org. Async only because the gateway's
 * modules are loaded when a gateway is configured: an agent without one never pays for them.
 */
export async function createOrgRuntime(org: OrgConfig, deps: OrgRuntimeDeps): Promise<OrgRuntime> {
  const { clock, config } = deps;
  // The client and the pollers put `org` in their own log fields; binding it here as well printed it
  // twice in every JSON line. Only the gateway logs without naming the org, so only it gets the binding.
  const log = deps.logger;
  const timing = { clock, logger: log, ...(deps.scheduler ? { scheduler: deps.scheduler } : {}) };
  const api = new GenesysClient({
    org: org.name,
    apiBaseUrl: org.apiBaseUrl,
    loginBaseUrl: org.loginBaseUrl,
    clientId: org.clientId,
    clientSecret: org.clientSecret,
    callBudgetPerMinute: org.callBudgetPerMinute,
    ...deps.client,
    clock,
    logger: log,
  });
  const clients = new ClientsRefresher(api, { org: org.name, clock, logger: log });
  const limits = new LimitsSource({ org: org.name, api, overrides: org.limitOverrides, ...timing });
  const usage = new UsageSource({
    org: org.name,
    api,
    clients,
    intervalMs: config.usageIntervalMs,
    topEndpoints: config.usageTopEndpoints,
    ...timing,
  });
  const events = new EventsSource({ org: org.name, push: deps.eventsPush ?? false, clock });
  const ratelimits = new RateLimitsSource({
    org: org.name,
    api,
    intervalMs: config.ratelimitsIntervalMs,
    directory: clients.directory,
    ledger: events.ledger,
    ...timing,
  });
  const gw = deps.gateway;
  const gateway = gw
    ? new (await import('../sources/gateway/index.js')).GatewaySource({
        org: org.name,
        host: gw.host,
        port: gw.port,
        apiBaseUrl: org.apiBaseUrl,
        loginBaseUrl: org.loginBaseUrl,
        resolveToken: async (bearer, signal) => {
          const info = await api.getTokenInfo(bearer, signal);
          return { clientId: info.clientId, clientName: info.clientName };
        },
        ...(config.tokenLookupsPerMinute ? { tokenLookupsPerMinute: config.tokenLookupsPerMinute } : {}),
        ...(config.maxClients ? { maxClients: config.maxClients } : {}),
        maxEndpoints: config.maxEndpoints,
        directory: clients.directory,
        limitPerMinute: (clientId) => limits.limitFor(clientId),
        shaping: { mode: gw.shaping },
        ...(gw.maxConcurrentPerAddress
          ? { limits: { maxConcurrentPerAddress: gw.maxConcurrentPerAddress } }
          : {}),
        // Integrations send their client secrets and tokens through the gateway: same TLS as the agent port.
        ...(config.tls ? { tls: { cert: config.tls.cert, key: config.tls.key } } : {}),
        ...timing,
        // The gateway's own lines carry the org once (its logger is not the one the org binding wraps).
        logger: deps.logger.child({ org: org.name }),
      })
    : null;
  // Disabled sources still exist (empty figures) but neither run nor count for readiness.
  const poll = config.poll ?? { usage: true, ratelimits: true };
  const sources: Source[] = [
    ...(poll.usage ? [usage] : []),
    limits,
    ...(poll.ratelimits ? [ratelimits] : []),
    ...(gateway ? [gateway] : []),
  ];
  return {
    config: org,
    api,
    clients,
    limits,
    usage,
    ratelimits,
    events,
    gateway,
    sources,
    all: [...sources, events],
  };
}

/**
 * The runtimes of `run` and `once`: one per org, in order, the gateway (when configured) on the
 * first; each org's client is closed by `stack`.
 */
export async function createOrgRuntimes(
  orgs: OrgConfig[],
  deps: OrgRuntimeDeps,
  stack: StopStack,
): Promise<OrgRuntime[]> {
  const runtimes: OrgRuntime[] = [];
  for (const [i, org] of orgs.entries()) {
    const r = await createOrgRuntime(org, { ...deps, gateway: i === 0 ? deps.gateway : null });
    stack.push(`genesys client ${org.name}`, () => r.api.close());
    runtimes.push(r);
  }
  return runtimes;
}

export function orgView(r: OrgRuntime, nowMs: number): OrgView {
  return {
    org: r.config.name,
    sources: r.sources.map((s) => ({ name: s.name, health: s.health() })),
    usage: r.usage.current(),
    live: r.gateway ? r.gateway.snapshot(nowMs) : null,
    warnings: r.ratelimits.latestWarnings(),
    limitFor: (id) => r.limits.limitFor(id),
  };
}

export function readiness(runtimes: OrgRuntime[]): Readiness {
  const sources = runtimes.flatMap((r) =>
    r.sources.map((s) => {
      const h = s.health();
      return {
        org: r.config.name,
        source: s.name,
        succeeded: h.lastSuccessMs !== null,
        up: h.up,
        lastError: h.lastError,
      };
    }),
  );
  return { ready: sources.every((s) => s.succeeded), sources };
}
