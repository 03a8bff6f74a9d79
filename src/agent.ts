/**
 * The composition root of `run`: configuration → orgs (src/demo/ in demo mode) → one runtime per
 * org (src/runtime/org.ts) → telemetry and the HTTP server → every source started, each running
 * part on one stop stack that `close()` unwinds in reverse.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig } from './config/config.js';
import { resolveOrgs } from './demo/index.js';
import type { Scheduler } from './lifecycle/scheduler.js';
import { StopStack } from './lifecycle/stop-stack.js';
import { startHttp } from './runtime/http.js';
import { createOrgRuntimes, type OrgRuntime, type OrgRuntimeDeps } from './runtime/org.js';
import { agentTelemetry } from './runtime/telemetry.js';
import type { ClientsSnapshot } from './server/snapshot.js';
import type { RunningSimulator } from './simulator/index.js';
import type { Telemetry } from './telemetry/telemetry.js';
import { systemClock, type Clock } from './util/clock.js';

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
  /** Timers of the poll loops and the demo traffic (tests pass a ManualScheduler). Default: real timers. */
  scheduler?: Scheduler;
  /** Genesys client overrides (tests: usage jobs polled without the 1 s first wait). */
  client?: OrgRuntimeDeps['client'];
}

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<RunningAgent> {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  const timers = deps.scheduler ? { scheduler: deps.scheduler } : {};
  const stack = new StopStack(logger);
  const close = async () => void (await stack.close());
  try {
    const resolved = await resolveOrgs(config, { clock, pushToAgent: true });
    stack.push('demo simulator', () => resolved.close());
    const { eventsToken } = resolved;
    const runtimes = await createOrgRuntimes(
      resolved.orgs,
      {
        config,
        clock,
        logger,
        gateway: resolved.gateway,
        eventsPush: eventsToken !== null,
        ...timers,
        ...(deps.client ? { client: deps.client } : {}),
      },
      stack,
    );

    const telemetry = await agentTelemetry(config, runtimes, clock, logger.child({ component: 'otlp' }));
    stack.push('telemetry', () => telemetry.shutdown());
    const http = await startHttp({ config, runtimes, telemetry, eventsToken, clock, logger, stack });

    for (const r of runtimes)
      for (const s of r.all) await stack.start(s, `${s.name} source of ${r.config.name}`);
    const gatewayUrl = runtimes[0]?.gateway?.url ?? null;
    const traffic = resolved.traffic(gatewayUrl, { logger, ...timers });
    if (traffic) await stack.start(traffic);

    const orgs = runtimes.map((r) => r.config.name);
    logger.info(
      {
        url: http.url,
        gateway: gatewayUrl,
        orgs,
        shard: `${config.shard.index}/${config.shard.total}`,
        otlp: config.otlp ? 'on' : 'off',
      },
      'agent listening',
    );
    // Announced once listening: a port found busy at start-up stays the only line on stderr.
    if (resolved.simulator)
      logger.warn(
        { scenario: config.demoScenario, simulator: resolved.simulator.url },
        'DEMO MODE: no Genesys credentials configured (GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET); running against the embedded simulator with generated traffic',
      );
    const { server, url, snapshot } = http;
    return {
      url,
      gatewayUrl,
      simulator: resolved.simulator,
      orgs: runtimes,
      snapshot,
      telemetry,
      server,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
