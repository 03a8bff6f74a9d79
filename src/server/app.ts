import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { PROMETHEUS_CONTENT_TYPE, type Telemetry } from '../telemetry/telemetry.js';
import { describeError } from '../util/logger.js';
import type { ClientsSnapshot } from './snapshot.js';
import { statusPageRoutes } from './status-page.js';

export interface Readiness {
  ready: boolean;
  sources: { org: string; source: string; succeeded: boolean; up: boolean; lastError: string | null }[];
}

export interface ServerOptions {
  logger: PinoLogger | false;
  telemetry: Pick<Telemetry, 'scrape'>;
  snapshot: () => ClientsSnapshot;
  readiness: () => Readiness;
  /** Extra routes (e.g. `POST /v1/events`), registered in their own encapsulated context. */
  plugins?: FastifyPluginAsync[];
}

/** The agent's own HTTP surface (DESIGN §6). */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // Per-request logs would drown the signal at a few scrapes a second; failures are logged by hand.
  const common = { logController: new LogController({ disableRequestLogging: true }), bodyLimit: 1024 * 1024 };
  const app: FastifyInstance = opts.logger
    ? (Fastify({ ...common, loggerInstance: opts.logger }) as unknown as FastifyInstance)
    : Fastify({ ...common, logger: false });

  app.get('/metrics', async (req, reply) => {
    try {
      const text = await opts.telemetry.scrape();
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
    } catch (err) {
      req.log.error({ err: describeError(err) }, 'metric collection failed');
      return reply.code(500).type('text/plain; charset=utf-8').send(`# metric collection failed: ${describeError(err)}\n`);
    }
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const r = opts.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', sources: r.sources });
  });

  app.get('/api/v1/clients', async (_req, reply) => reply.header('cache-control', 'no-store').send(opts.snapshot()));

  await app.register(statusPageRoutes);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
