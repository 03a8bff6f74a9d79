/** The simulator's Fastify app: hooks (correlation id, faults, auth, call counting) and every route. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import './types.js';
import { errorBody, sendError } from './errors.js';
import { faultMatches, transformBody } from './faults.js';
import { unit } from './rng.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCatchAll } from './routes/catchall.js';
import { registerControlRoutes } from './routes/control.js';
import { registerDirectoryRoutes } from './routes/directory.js';
import { registerRateLimitRoutes } from './routes/ratelimits.js';
import { registerUsageRoutes } from './routes/usage.js';
import type { SimWorld } from './world.js';

export interface AppOptions {
  logger: boolean;
  /** Called after real traffic that may have created an operational event. */
  onTraffic: () => void;
}

const isControl = (url: string) => url.startsWith('/__sim');

export function buildSimulatorApp(world: SimWorld, opts: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger,
    bodyLimit: 10 * 1024 * 1024,
  });
  let faultDraws = 0;

  // The JS SDK posts the token form as a raw string, sometimes without a content type; other APIs accept anything.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.decorateRequest('correlationId', '');
  app.decorateRequest('simToken', undefined);
  app.decorateRequest('simFaults', undefined as never);
  app.decorateRequest('callerClientId', undefined);
  app.decorateRequest('callRoute', undefined);

  app.addHook('onRequest', async (req, reply) => {
    req.correlationId = randomUUID();
    req.simFaults = [];
    reply.header('ININ-Correlation-Id', req.correlationId);
    if (isControl(req.url)) return;
    const path = req.url.split('?')[0] ?? '';
    for (const f of world.faults) {
      if (
        faultMatches(f, req.method, path) &&
        (f.rate >= 1 || unit(world.seed, 0xfa017, faultDraws++) < f.rate)
      )
        req.simFaults.push(f);
    }
    const latency = req.simFaults.reduce((a, f) => Math.max(a, f.latencyMs ?? 0), 0);
    if (latency > 0) await sleep(latency);
    const statusFault = req.simFaults.find((f) => f.status !== undefined);
    if (statusFault?.status !== undefined) {
      const retryAfter = statusFault.retryAfter ?? (statusFault.status === 429 ? 1 : undefined);
      return sendError(req, reply, statusFault.status, retryAfter === undefined ? {} : { retryAfter });
    }
    if (path.startsWith('/api/v2/')) {
      const header = req.headers.authorization ?? '';
      const token = header.toLowerCase().startsWith('bearer ')
        ? world.authenticate(header.slice(7).trim())
        : undefined;
      if (!token)
        return sendError(
          req,
          reply,
          401,
          header ? { code: 'bad.credentials', message: 'Invalid login credentials.' } : {},
        );
      req.simToken = token;
      req.callerClientId = token.clientId;
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    const needed = req.routeOptions.config.permissions;
    if (!needed || !req.simToken) return;
    const held = world.clients.get(req.simToken.clientId)?.permissions;
    if (held === undefined || needed.some((p) => held.includes(p))) return;
    const perms = needed.join(', ');
    return sendError(req, reply, 403, {
      code: 'missing.any.permissions',
      message: `Unable to perform the requested action. You are missing the following permission(s): ${perms}`,
      params: { perms },
    });
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.simFaults.length === 0 || typeof payload !== 'string') return payload;
    const out = transformBody(req.simFaults, payload, req.url);
    if (out.status !== undefined) reply.code(out.status);
    return out.body;
  });

  app.addHook('onResponse', async (req, reply) => {
    if (isControl(req.url)) return;
    world.noteCall(
      req.method,
      req.callRoute ?? req.routeOptions.url ?? (req.url.split('?')[0] as string),
      reply.statusCode,
      req.callerClientId,
      (req.query ?? {}) as Record<string, unknown>,
    );
  });

  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    const message = status === 500 ? undefined : err.message;
    if (isControl(req.url)) return reply.code(status).send({ error: message ?? 'internal error' });
    return reply
      .code(status)
      .send(errorBody(status, req.correlationId, message === undefined ? {} : { message }));
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, 404));

  registerAuthRoutes(app, world);
  registerUsageRoutes(app, { world });
  registerDirectoryRoutes(app, world);
  registerRateLimitRoutes(app, world);
  registerCatchAll(app, world, opts.onTraffic);
  registerControlRoutes(app, world);
  return app;
}
