import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AgentConfig } from '../config/config.js';
import type { StopStack } from '../lifecycle/stop-stack.js';
import { buildServer } from '../server/app.js';
import { listen } from '../server/listener.js';
import { buildSnapshot, type ClientsSnapshot } from '../server/snapshot.js';
import { eventsEndpoint } from '../sources/events/index.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { Clock } from '../util/clock.js';
import { orgView, readiness, type OrgRuntime } from './org.js';

export interface RunningHttp {
  server: FastifyInstance;
  /** Base URL, with a wildcard listen address shown as loopback. */
  url: string;
  snapshot(): ClientsSnapshot;
}

/** The agent's own HTTP server (metrics, status page, readiness, events), listening and on the stop stack. */
export async function startHttp(opts: {
  config: Pick<
    AgentConfig,
    | 'host'
    | 'port'
    | 'mode'
    | 'auth'
    | 'tls'
    | 'eventsRateLimitPerMinute'
    | 'writeTimeoutMs'
    | 'maxConcurrentScrapes'
  >;
  runtimes: OrgRuntime[];
  telemetry: Telemetry;
  eventsToken: string | null;
  clock: Clock;
  logger: PinoLogger;
  stack: StopStack;
}): Promise<RunningHttp> {
  const { config, runtimes, clock } = opts;
  const snapshot = () => {
    const now = clock.now();
    return buildSnapshot(
      runtimes.map((r) => orgView(r, now)),
      now,
      config.mode === 'demo',
    );
  };
  const server = await buildServer({
    logger: opts.logger.child({ component: 'http' }),
    telemetry: opts.telemetry,
    snapshot,
    readiness: () => ({ ...readiness(runtimes), otlp: opts.telemetry.otlpStatus() }),
    plugins: [
      eventsEndpoint(
        runtimes.map((r) => r.events),
        opts.eventsToken,
        config.eventsRateLimitPerMinute,
      ),
    ],
    auth: config.auth ?? null,
    tls: config.tls ?? null,
    readers: { writeTimeoutMs: config.writeTimeoutMs, maxConcurrentScrapes: config.maxConcurrentScrapes },
  });
  opts.stack.push('http server', () => server.close());
  const url = await listen(server, config.host, config.port);
  return { server, url, snapshot };
}
