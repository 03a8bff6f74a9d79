/**
 * Bounds on the readers of the agent port. A reader that stops reading holds its answer (for
 * /metrics, the family being written: it grows with the org) until its connection goes, so every
 * answer must be delivered within a deadline or the connection is cut; and at most a few /metrics
 * answers are in progress at once (node_exporter's `--web.max-requests`), more get 503 at once.
 * /healthz and the other routes never wait for a scrape slot.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { SETTINGS } from '../config/settings.js';

const DEFAULTS = {
  writeTimeoutMs: SETTINGS.writeTimeout.default,
  maxConcurrentScrapes: SETTINGS.maxConcurrentScrapes.default,
};
export type ReaderLimits = typeof DEFAULTS;

/** Arms the deadline on every answer of `app`; returns the onRequest hook that admits a scrape. */
export function guardReaders(app: FastifyInstance, limits: ReaderLimits = DEFAULTS): onRequestHookHandler {
  app.addHook('onRequest', (_req, reply, done) => {
    const res = reply.raw;
    const timer = setTimeout(() => res.destroy(), limits.writeTimeoutMs).unref();
    res.once('close', () => clearTimeout(timer));
    done();
  });
  let inProgress = 0;
  return (_req, reply, done) => {
    if (inProgress >= limits.maxConcurrentScrapes) {
      void reply
        .code(503)
        .header('retry-after', '1')
        .type('text/plain; charset=utf-8')
        .send(`# ${inProgress} scrapes in progress, the most AGENT_MAX_CONCURRENT_SCRAPES allows; retry\n`);
      return;
    }
    inProgress += 1;
    reply.raw.once('close', () => (inProgress -= 1));
    done();
  };
}
