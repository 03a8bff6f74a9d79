/**
 * The composition root of `run`: configuration → orgs (src/demo/ in demo mode) → one runtime per
 * org (src/runtime/org.ts) → telemetry and the HTTP server → every source started, each running
 * part on one stop stack that `close()` unwinds in reverse.
 */
import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig } from './config/config.js';
import type { Scheduler } from './lifecycle/scheduler.js';
import { StopStack } from './lifecycle/stop-stack.js';
import { buildServer } from './server/app.js';
import { listen } from './server/listener.js';
import { eventsEndpoint } from './sources/events/index.js';
import { openOrgRuntimes, orgsSnapshot, readiness, type OrgRuntimeDeps } from './runtime/org.js';
import { agentTelemetry } from './runtime/telemetry.js';
import { systemClock, type Clock } from './util/clock.js';

export type RunningAgent = Awaited<ReturnType<typeof startAgent>>;

export interface AgentDeps {
  logger: PinoLogger;
  clock?: Clock;
  /** Timers of the poll loops and the demo traffic (tests pass a ManualScheduler). Default: real timers. */
  scheduler?: Scheduler;
  /** Genesys client overrides (tests: usage jobs polled without the 1 s first wait). */
  client?: OrgRuntimeDeps['client'];
}

export async function startAgent(config: AgentConfig, deps: AgentDeps) {
  const { logger, scheduler } = deps;
  const clock = deps.clock ?? systemClock;
  const stack = new StopStack(logger);
  const close = async () => void (await stack.close());
  try {
    const { resolved, runtimes } = await openOrgRuntimes(
      config,
      { clock, logger, scheduler, client: deps.client, serve: true },
      stack,
    );

    const telemetry = await agentTelemetry(config, runtimes, clock, logger.child({ component: 'otlp' }));
    stack.push('telemetry', () => telemetry.shutdown());
    const snapshot = () => orgsSnapshot(runtimes, clock.now(), config.mode === 'demo');
    const server = await buildServer({
      logger: logger.child({ component: 'http' }),
      telemetry,
      snapshot,
      readiness: () => ({ ...readiness(runtimes), otlp: telemetry.otlpStatus() }),
      plugins: [
        eventsEndpoint(
          runtimes.map((r) => r.events),
          resolved.eventsToken,
          config.eventsRateLimitPerMinute,
        ),
      ],
      auth: config.auth ?? null,
      tls: config.tls ?? null,
      readers: { writeTimeoutMs: config.writeTimeoutMs, maxConcurrentScrapes: config.maxConcurrentScrapes },
    });
    stack.push('http server', () => server.close());
    const url = await listen(server, config.host, config.port);

    for (const r of runtimes)
      for (const s of r.all) await stack.start(s, `${s.name} source of ${r.config.name}`);
    const gatewayUrl = runtimes[0]?.gateway?.url ?? null;
    const traffic = resolved.traffic(gatewayUrl, { logger, scheduler });
    if (traffic) stack.push('demo traffic', () => traffic.stop());

    logger.info(
      {
        url,
        gateway: gatewayUrl,
        orgs: runtimes.map((r) => r.config.name),
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
    return {
      url,
      server,
      snapshot,
      gatewayUrl,
      simulator: resolved.simulator,
      orgs: runtimes,
      telemetry,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
