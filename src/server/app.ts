import { Readable } from 'node:stream';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { OtlpExportStatus } from '../telemetry/otlp-export.js';
import { PROMETHEUS_CONTENT_TYPE, type Telemetry } from '../telemetry/telemetry.js';
import { describeError } from '../util/logger.js';
import { registerAuth, type AuthConfig } from './auth.js';
import { createListener } from './listener.js';
import { guardReaders, type ReaderLimits } from './readers.js';
import { sharedScrapes } from './shared-scrape.js';
import { iso, type ClientsSnapshot } from './snapshot.js';
import { STATUS_PAGE_CSP, statusPageRoutes } from './status-page.js';

export interface Readiness {
  ready: boolean;
  sources: { org: string; source: string; succeeded: boolean; up: boolean; lastError: string | null }[];
  /** The OTLP push's last outcome: detail only, never a reason to be unready (absent: OTLP off). */
  otlp?: OtlpExportStatus | null;
}

export interface ServerOptions {
  logger: PinoLogger | false;
  telemetry: Pick<Telemetry, 'scrapeChunks'>;
  snapshot: () => ClientsSnapshot;
  readiness: () => Readiness;
  /** Extra routes (e.g. `POST /v1/events`), registered in their own encapsulated context. */
  plugins?: FastifyPluginAsync[];
  /** Credentials for /metrics and /api/v1/* (null or absent: open). */
  auth?: AuthConfig | null;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string } | null;
  /** Write deadline and scrape cap (default: the settings' defaults). */
  readers?: ReaderLimits;
}

/** No route of the agent port takes more (POST /v1/events has the same limit). */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** The agent's own HTTP surface (routes and their protection: docs/security.md, network exposure). */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = createListener({
    logger: opts.logger,
    tls: opts.tls ?? null,
    // A client that trickles its request must not hold a socket for ever.
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    bodyLimit: BODY_LIMIT_BYTES,
    tooLarge: {
      refuse: () => ({
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          error: 'Payload Too Large',
          message: `body larger than ${BODY_LIMIT_BYTES} bytes (1 MiB); send smaller batches`,
        }),
      }),
    },
  });

  // Hooks first, so they cover every route below, including the plugins' ones.
  if (opts.auth && (opts.auth.bearerTokens.length > 0 || opts.auth.basicUsers.length > 0))
    registerAuth(app, opts.auth);
  const scrapeSlot = guardReaders(app, opts.readers);
  await app.register(helmet, {
    // The status page's policy on every route of the port.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        STATUS_PAGE_CSP.split('; ').map((d) => [d.replace(/ .*/, ''), d.split(' ').slice(1)]),
      ),
    },
    // HSTS only means something over HTTPS.
    strictTransportSecurity: opts.tls ? { maxAge: 15_552_000 } : false,
  });

  const scrape = sharedScrapes(() => opts.telemetry.scrapeChunks());
  app.get('/metrics', { onRequest: scrapeSlot }, async (req, reply) => {
    try {
      const chunks = await scrape();
      // Streamed from the rendering concurrent scrapes share (shared-scrape.ts).
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(Readable.from(chunks, { objectMode: false }));
    } catch (err) {
      req.log.error({ err: describeError(err) }, 'metric collection failed');
      return reply
        .code(500)
        .type('text/plain; charset=utf-8')
        .send(`# metric collection failed: ${describeError(err)}\n`);
    }
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const r = opts.readiness();
    return reply.code(r.ready ? 200 : 503).send({
      status: r.ready ? 'ready' : 'not ready',
      sources: r.sources,
      ...(r.otlp ? { otlp: otlpDetail(r.otlp) } : {}),
    });
  });

  app.get('/api/v1/clients', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send(opts.snapshot()),
  );

  await app.register(statusPageRoutes);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}

/** Times as ISO strings, like the rest of the JSON the agent serves. */
function otlpDetail({ lastAttemptMs, lastSuccessMs, ...rest }: OtlpExportStatus) {
  return { ...rest, lastAttempt: iso(lastAttemptMs), lastSuccess: iso(lastSuccessMs) };
}
