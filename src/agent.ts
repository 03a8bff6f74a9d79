import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig, OrgConfig } from './config/config.js';
import { GenesysClient, type GenesysClientOptions } from './genesys/client.js';
import { buildServer, type Readiness } from './server/app.js';
import { buildSnapshot, type ClientsSnapshot, type OrgView } from './server/snapshot.js';
import type { RunningSimulator } from './simulator/index.js';
import { ClientsRefresher } from './sources/clients/refresher.js';
import { EventLedger } from './sources/events/ledger.js';
import { eventsRoutes } from './sources/events/routes.js';
import { startDemoTraffic } from './sources/gateway/demo-traffic.js';
import { GatewaySource } from './sources/gateway/index.js';
import { LimitsSource } from './sources/limits/index.js';
import { RateLimitsSource } from './sources/ratelimits/index.js';
import type { Source } from './sources/source.js';
import { UsageSource } from './sources/usage/index.js';
import type { MetricFamily } from './telemetry/families.js';
import { Telemetry } from './telemetry/telemetry.js';
import { systemClock, type Clock } from './util/clock.js';
import { agentVersion } from './util/version.js';

/** Everything the agent runs for one org. */
export interface OrgRuntime {
  config: OrgConfig;
  api: GenesysClient;
  clients: ClientsRefresher;
  limits: LimitsSource;
  usage: UsageSource;
  ratelimits: RateLimitsSource;
  ledger: EventLedger;
  gateway: GatewaySource | null;
  /** Sources that must succeed once before /readyz says ready. */
  sources: Source[];
}

export interface RunningAgent {
  url: string;
  gatewayUrl: string | null;
  simulator: RunningSimulator | null;
  orgs: OrgRuntime[];
  snapshot(): ClientsSnapshot;
  telemetry: Telemetry;
  server: FastifyInstance;
  close(): Promise<void>;
}

export interface AgentDeps {
  logger: PinoLogger;
  clock?: Clock;
  /** Start the poll loops (false in tests that drive `runOnce()` by hand). Default true. */
  schedule?: boolean;
}

/** Demo clients whose real HTTP traffic goes through the gateway so the live panels move. */
function demoTrafficClients(sim: RunningSimulator): { id: string; secret: string; rpm: number | 'ramp' }[] {
  const runaway = sim.scenario.clients.find((c) => c.traffic?.profile === 'runaway');
  const steady = sim.scenario.clients.filter((c) => c !== runaway).slice(0, 2);
  return [
    ...steady.map((c, i) => ({ id: c.id, secret: c.secret, rpm: i === 0 ? 120 : 40 })),
    ...(runaway ? [{ id: runaway.id, secret: runaway.secret, rpm: 'ramp' as const }] : []),
  ];
}

export interface OrgRuntimeDeps {
  config: Pick<AgentConfig, 'usageIntervalMs' | 'ratelimitsIntervalMs'> &
    Partial<Pick<AgentConfig, 'poll' | 'tls'>>;
  clock: Clock;
  logger: PinoLogger;
  gateway: AgentConfig['gateway'];
  /** Receives the close functions of what it creates. */
  cleanups: (() => Promise<unknown>)[];
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

/** Builds (but does not start) the client and sources of one org. */
export function createOrgRuntime(org: OrgConfig, deps: OrgRuntimeDeps): OrgRuntime {
  const { clock, config } = deps;
  const log = deps.logger.child({ org: org.name });
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
  deps.cleanups.push(() => api.close());
  const clients = new ClientsRefresher(api, { org: org.name, clock, logger: log });
  const limits = new LimitsSource({ org: org.name, api, overrides: org.limitOverrides, clock, logger: log });
  const usage = new UsageSource({
    org: org.name,
    api,
    clients,
    intervalMs: config.usageIntervalMs,
    clock,
    logger: log,
  });
  const ledger = new EventLedger({ org: org.name, clock });
  const ratelimits = new RateLimitsSource({
    org: org.name,
    api,
    intervalMs: config.ratelimitsIntervalMs,
    directory: clients.directory,
    ledger,
    clock,
    logger: log,
  });
  const gw = deps.gateway;
  const gateway = gw
    ? new GatewaySource({
        org: org.name,
        host: gw.host,
        port: gw.port,
        apiBaseUrl: org.apiBaseUrl,
        loginBaseUrl: org.loginBaseUrl,
        resolveToken: async (bearer, signal) => {
          const info = await api.getTokenInfo(bearer, signal);
          return { clientId: info.clientId, clientName: info.clientName };
        },
        directory: clients.directory,
        limitPerMinute: (clientId) => limits.limitFor(clientId),
        shaping: { mode: gw.shaping },
        // Integrations send their client secrets and tokens through the gateway: same TLS as the agent port.
        ...(config.tls ? { tls: { certFile: config.tls.certFile, keyFile: config.tls.keyFile } } : {}),
        clock,
        logger: log,
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
  return { config: org, api, clients, limits, usage, ratelimits, ledger, gateway, sources };
}

/** The demo org: the embedded simulator with its built-in agent credentials. */
export function demoOrg(sim: RunningSimulator): OrgConfig {
  return {
    name: 'demo',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: sim.scenario.agent.clientId,
    clientSecret: sim.scenario.agent.clientSecret,
    callBudgetPerMinute: 60,
    limitOverrides: {},
  };
}

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<RunningAgent> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger;
  const schedule = deps.schedule ?? true;
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };

  try {
    let simulator: RunningSimulator | null = null;
    let orgs = config.orgs;
    let gatewayConfig = config.gateway;
    let eventsToken = config.eventsToken;
    if (config.mode === 'demo') {
      eventsToken ??= randomBytes(24).toString('base64url');
      // The simulator pushes EventBridge envelopes to the agent's own /v1/events, so the push path moves too
      // (not over HTTPS: the embedded simulator would not trust the operator's certificate).
      const push =
        config.port !== 0 && !config.tls
          ? { url: `http://127.0.0.1:${config.port}/v1/events`, token: eventsToken }
          : undefined;
      // Loaded only in demo mode: a production agent never carries the simulator.
      const { startSimulator } = await import('./simulator/index.js');
      simulator = await startSimulator({
        scenario: config.demoScenario,
        host: '127.0.0.1',
        port: 0,
        clock,
        ...(push ? { push } : {}),
      });
      cleanups.push(() => simulator!.close());
      orgs = [demoOrg(simulator)];
      // The gateway is what makes the demo live; on a free loopback port unless configured.
      gatewayConfig ??= { port: 0, host: '127.0.0.1', shaping: 'off' };
      logger.warn(
        { scenario: config.demoScenario, simulator: simulator.url },
        'DEMO MODE: no Genesys credentials configured (GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET); running against the embedded simulator with generated traffic',
      );
    }

    const runtimes: OrgRuntime[] = orgs.map((org, i) =>
      createOrgRuntime(org, {
        config,
        clock,
        logger,
        gateway: i === 0 ? gatewayConfig : null,
        cleanups,
      }),
    );

    const families = (nowMs: number): MetricFamily[] => agentFamilies(runtimes, nowMs);
    const telemetry = new Telemetry({
      serviceName: config.resource.serviceName,
      serviceVersion: agentVersion(),
      instanceId: randomUUID(),
      resourceAttributes: config.resource.attributes,
      otlp: config.otlp,
      families,
      now: () => clock.now(),
    });
    cleanups.push(() => telemetry.shutdown());

    const snapshot = () => {
      const now = clock.now();
      return buildSnapshot(
        runtimes.map((r) => orgView(r, now)),
        now,
        config.mode === 'demo',
      );
    };
    const byOrg = new Map(runtimes.map((r) => [r.config.name, r.ledger]));
    // GET /api/v1/events always; POST /v1/events only with a token. Lookups by org label; pushed
    // envelopes carry a Genesys org id the config does not know, so a single org takes them all.
    const plugins: FastifyPluginAsync[] = [
      eventsRoutes({
        token: eventsToken ?? undefined,
        ledgerFor: (key) =>
          (key !== undefined ? byOrg.get(key) : undefined) ??
          (byOrg.size === 1 ? runtimes[0]!.ledger : undefined),
      }),
    ];
    const server = await buildServer({
      logger: logger.child({ component: 'http' }),
      telemetry,
      snapshot,
      readiness: () => readiness(runtimes),
      plugins,
      auth: config.auth ?? null,
      tls: config.tls ?? null,
      ...(config.eventsRateLimitPerMinute
        ? { eventsRateLimitPerMinute: config.eventsRateLimitPerMinute }
        : {}),
    });
    cleanups.push(() => server.close());
    const address = await server.listen({ host: config.host, port: config.port });
    const url = address.replace('[::]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');

    for (const r of runtimes) {
      if (r.gateway) await r.gateway.start();
      if (schedule) {
        for (const s of r.sources) {
          if (s === r.gateway) continue;
          await s.start();
        }
      }
      cleanups.push(() => Promise.all(r.sources.map((s) => s.stop())));
    }
    const gateway = runtimes[0]?.gateway ?? null;

    if (simulator && gateway && schedule) {
      const traffic = startDemoTraffic({
        gatewayUrl: gateway.url,
        clients: demoTrafficClients(simulator),
        clock,
        logger,
      });
      cleanups.push(() => traffic.stop());
    }

    logger.info(
      {
        url,
        gateway: gateway?.url ?? null,
        orgs: runtimes.map((r) => r.config.name),
        otlp: config.otlp ? 'on' : 'off',
      },
      'agent listening',
    );
    return {
      url,
      gatewayUrl: gateway?.url ?? null,
      simulator,
      orgs: runtimes,
      snapshot,
      telemetry,
      server,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
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

function readiness(runtimes: OrgRuntime[]): Readiness {
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

/** Every family the agent exports: each source's data plus per-source health and build info. */
export function agentFamilies(runtimes: OrgRuntime[], nowMs: number): MetricFamily[] {
  const up: MetricFamily = {
    name: 'genesys_agent_source_up',
    help: '1 if the last poll of the source succeeded (listeners: serving), else 0',
    unit: '',
    kind: 'gauge',
    points: [],
  };
  const last: MetricFamily = {
    name: 'genesys_agent_source_last_success_timestamp_seconds',
    help: 'Unix time of the last successful poll of the source',
    unit: 's',
    kind: 'gauge',
    points: [],
  };
  const duration: MetricFamily = {
    name: 'genesys_agent_source_duration_seconds',
    help: 'Duration of the last poll of the source',
    unit: 's',
    kind: 'gauge',
    points: [],
  };
  const out: MetricFamily[] = [];
  for (const r of runtimes) {
    out.push(...r.api.collect(nowMs));
    // RateLimitsSource.collect() includes its event ledger; pushed events count without it too.
    if (!r.sources.includes(r.ratelimits)) out.push(...r.ledger.collect(nowMs));
    for (const s of r.sources) {
      out.push(...s.collect(nowMs));
      const h = s.health();
      const attrs = { org: r.config.name, source: s.name };
      if (h.lastDurationMs !== null || h.up) up.points.push({ attributes: attrs, value: h.up ? 1 : 0 });
      if (h.lastSuccessMs !== null) last.points.push({ attributes: attrs, value: h.lastSuccessMs / 1000 });
      if (h.lastDurationMs !== null)
        duration.points.push({ attributes: attrs, value: h.lastDurationMs / 1000 });
    }
  }
  out.push(...[up, last, duration].filter((f) => f.points.length > 0));
  out.push({
    name: 'genesys_agent_build_info',
    help: 'Build information; always 1',
    unit: '',
    kind: 'gauge',
    points: [{ attributes: { version: agentVersion() }, value: 1 }],
  });
  return mergeFamilies(out);
}

/** Families with the same name from several orgs become one family. */
function mergeFamilies(families: MetricFamily[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const f of families) {
    const seen = byName.get(f.name);
    if (!seen) byName.set(f.name, { ...f, points: [...f.points] } as MetricFamily);
    else (seen.points as unknown[]).push(...f.points);
  }
  return [...byName.values()];
}
