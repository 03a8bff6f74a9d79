import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig, OrgConfig } from '../config/config.js';
import { GenesysClient, type GenesysClientOptions } from '../genesys/client.js';
import type { Scheduler } from '../lifecycle/scheduler.js';
import type { StopStack } from '../lifecycle/stop-stack.js';
import { resolveOrgs, type ResolvedOrgs } from '../demo/index.js';
import type { Readiness } from '../server/app.js';
import { buildSnapshot, type ClientsSnapshot } from '../server/snapshot.js';
import { ClientsRefresher } from '../sources/clients/refresher.js';
import { EventsSource } from '../sources/events/index.js';
import { LimitsSource } from '../sources/limits/index.js';
import { RateLimitsSource } from '../sources/ratelimits/index.js';
import type { Source } from '../sources/source.js';
import { UsageSource } from '../sources/usage/index.js';
import type { Clock } from '../util/clock.js';

/** Everything the agent runs for one org. */
export type OrgRuntime = Awaited<ReturnType<typeof createOrgRuntime>>;

export interface OrgRuntimeDeps {
  config: Pick<AgentConfig, 'usageIntervalMs' | 'ratelimitsIntervalMs'> & Partial<AgentConfig>;
  clock: Clock;
  logger: PinoLogger;
  gateway: AgentConfig['gateway'];
  /** Timers of the poll loops (default: real ones). */
  scheduler?: Scheduler;
  /** POST /v1/events is served (an events token is set). */
  eventsPush?: boolean;
  /** Overrides for the Genesys client: timeouts, retries, sleep (fault tests on a fake clock). */
  client?: Partial<GenesysClientOptions>;
}

/**
 * Builds (but does not start) the client and sources of one org. Async only because the gateway's
 * modules are loaded when a gateway is configured: an agent without one never pays for them.
 */
export async function createOrgRuntime(org: OrgConfig, deps: OrgRuntimeDeps) {
  const { clock, config, logger, scheduler } = deps;
  // The client and the pollers name the org in their own log fields; only the gateway's logger binds it.
  const timing = { org: org.name, clock, logger, scheduler };
  const api = new GenesysClient({ ...org, org: org.name, ...deps.client, clock, logger });
  const clients = new ClientsRefresher(api, { org: org.name, clock, logger });
  const limits = new LimitsSource({ api, overrides: org.limitOverrides, ...timing });
  const usage = new UsageSource({
    api,
    clients,
    intervalMs: config.usageIntervalMs,
    topEndpoints: config.usageTopEndpoints,
    ...timing,
  });
  const events = new EventsSource({ org: org.name, push: deps.eventsPush ?? false, clock });
  const ratelimits = new RateLimitsSource({
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
        clock,
        scheduler,
        logger: logger.child({ org: org.name }),
      })
    : null;
  // Disabled sources still exist (empty figures) but neither run nor count for readiness.
  const poll = config.poll ?? { usage: true, ratelimits: true };
  /** Sources that must succeed once before /readyz says ready (the status page lists them). */
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
    /** Every source that runs, in start order: the ones above, then the events receiver. */
    all: [...sources, events],
  };
}

/**
 * The org runtimes `run` and `once` share: the configured orgs (the embedded simulator's in demo
 * mode), one runtime each, in order; `serve` (run) adds the gateway, on the first org, and accepts
 * pushed events. The simulator and each org's client are closed by `stack`.
 */
export async function openOrgRuntimes(
  config: Parameters<typeof resolveOrgs>[0] & OrgRuntimeDeps['config'],
  deps: Omit<OrgRuntimeDeps, 'config' | 'gateway' | 'eventsPush'> & { serve: boolean },
  stack: StopStack,
): Promise<{ resolved: ResolvedOrgs; runtimes: OrgRuntime[] }> {
  const resolved = await resolveOrgs(config, { clock: deps.clock, pushToAgent: deps.serve });
  stack.push('demo simulator', () => resolved.close());
  const runtimes: OrgRuntime[] = [];
  for (const [i, org] of resolved.orgs.entries()) {
    const r = await createOrgRuntime(org, {
      ...deps,
      config,
      gateway: deps.serve && i === 0 ? resolved.gateway : null,
      eventsPush: deps.serve && resolved.eventsToken !== null,
    });
    stack.push(`genesys client ${org.name}`, () => r.api.close());
    runtimes.push(r);
  }
  return { resolved, runtimes };
}

/** What the status page and `once` show of every org. */
export function orgsSnapshot(runtimes: OrgRuntime[], nowMs: number, demo: boolean): ClientsSnapshot {
  const views = runtimes.map((r) => ({
    org: r.config.name,
    sources: r.sources.map((s) => ({ name: s.name, health: s.health() })),
    usage: r.usage.current(),
    live: r.gateway ? r.gateway.snapshot(nowMs) : null,
    warnings: r.ratelimits.latestWarnings(),
    limitFor: (id: string) => r.limits.limitFor(id),
  }));
  return buildSnapshot(views, nowMs, demo);
}

export function readiness(runtimes: OrgRuntime[]): Readiness {
  const sources = runtimes.flatMap((r) =>
    r.sources.map((s) => {
      const { lastSuccessMs, up, lastError } = s.health();
      return { org: r.config.name, source: s.name, succeeded: lastSuccessMs !== null, up, lastError };
    }),
  );
  return { ready: sources.every((s) => s.succeeded), sources };
}
