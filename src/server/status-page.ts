import type { FastifyPluginAsync } from 'fastify';

/** Placeholder status page; replaced by the full page (issue 9). */
export const statusPageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><title>genesys-usage-agent</title><p>See <a href="/api/v1/clients">/api/v1/clients</a> and <a href="/metrics">/metrics</a>.</p>'),
  );
};
