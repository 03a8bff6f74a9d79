import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemClock, type Clock } from '../../util/clock.js';
import { type JsonBodyError, parseJsonLimited } from './json-body.js';
import type { EventLedger } from './ledger.js';
import { PayloadError, parsePushBody } from './push-payload.js';

const EVENTS_BODY_LIMIT = 1024 * 1024;

export interface EventsRoutesOptions {
  /** Bearer token required on POST /v1/events; undefined registers only GET /api/v1/events. */
  token: string | undefined;
  /** The ledger of a Genesys org id (undefined: the only/default org), or undefined when unknown. */
  ledgerFor: (orgId: string | undefined) => EventLedger | undefined;
  /** Most POST /v1/events per minute per caller address (default 600). */
  rateLimitPerMinute?: number;
  clock?: Clock;
}

const eventsQuerySchema = z.object({ org: z.string().min(1).optional() });

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * POST /v1/events (EventBridge API destination / notification push) and GET /api/v1/events (latest
 * events for the status page). Register without fastify-plugin: the JSON parser and error handler
 * set here must stay inside this scope.
 */
export function eventsRoutes(opts: EventsRoutesOptions): FastifyPluginAsync {
  if (opts.token === '') throw new Error('events token must not be empty');
  const expected = opts.token === undefined ? undefined : digest(opts.token);
  const clock = opts.clock ?? systemClock;

  return async (app) => {
    // Only JSON is accepted here; any other content type gets Fastify's 415.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseJsonLimited(body as string));
      } catch (err) {
        done(Object.assign(err as JsonBodyError, { statusCode: 400 }), undefined);
      }
    });

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) {
        req.log.error({ err }, 'events route failed');
        return reply.code(500).send({ error: 'Internal Server Error', message: 'event handling failed' });
      }
      return reply.code(status).send({ error: errorName(status), message: messageFor(err, status) });
    });

    app.get('/api/v1/events', async (req, reply) => {
      const q = eventsQuerySchema.safeParse(req.query);
      if (!q.success)
        return reply.code(400).send({ error: 'Bad Request', message: 'org must be a non-empty string' });
      const ledger = opts.ledgerFor(q.data.org);
      if (!ledger)
        return reply
          .code(404)
          .send({ error: 'Not Found', message: `unknown org ${q.data.org ?? '(default)'}` });
      return { org: ledger.org, events: ledger.latest() };
    });

    if (!expected) return;

    // Only the push endpoint is throttled, and only when it is served: the limiter is registered in
    // this scope, after GET /api/v1/events, so it covers exactly the matched POST route (any
    // spelling of its path) and scrapes or the status page never wait; an agent without the push
    // endpoint never loads it.
    const { default: rateLimit } = await import('@fastify/rate-limit');
    await app.register(rateLimit, { max: opts.rateLimitPerMinute ?? 600, timeWindow: 60_000 });

    const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
      const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
      // Compare digests: equal length for timingSafeEqual, and no early exit on the token's content.
      if (m?.[1] && timingSafeEqual(digest(m[1]), expected)) return;
      return reply
        .code(401)
        .header('www-authenticate', m ? 'Bearer error="invalid_token"' : 'Bearer')
        .send({
          error: 'Unauthorized',
          message: m ? 'wrong bearer token' : 'missing header Authorization: Bearer <AGENT_EVENTS_TOKEN>',
        });
    };

    app.post('/v1/events', { bodyLimit: EVENTS_BODY_LIMIT, onRequest: authenticate }, async (req, reply) => {
      const isBatch = Array.isArray(req.body);
      let events;
      try {
        events = parsePushBody(req.body);
      } catch (err) {
        if (!(err instanceof PayloadError)) throw err;
        return reply.code(400).send({ error: 'Bad Request', message: err.message, path: err.path });
      }
      // Resolve every org before counting anything: a batch is accepted or rejected as a whole.
      const ledgers: EventLedger[] = [];
      for (const [i, e] of events.entries()) {
        const ledger = opts.ledgerFor(e.orgId);
        if (!ledger) {
          const path = isBatch ? `$[${i}].source` : '$.source';
          const message =
            e.orgId === undefined
              ? 'cannot tell the org of a bare notification here; send EventBridge envelopes, whose source names the org'
              : `org ${e.orgId} is not configured in this agent`;
          return reply.code(400).send({ error: 'Bad Request', message: `${path}: ${message}`, path });
        }
        ledgers.push(ledger);
      }
      let accepted = 0;
      for (const [i, e] of events.entries()) {
        const ledger = ledgers[i]!;
        const fresh = ledger.record({
          id: e.id,
          eventDefinitionId: e.eventDefinitionId,
          // The definitions list names an event the same way for both paths (the pulled event has
          // only the id, and the list's name is optional too: then both fall back to the id).
          eventDefinitionName:
            ledger.definitionName(e.eventDefinitionId) ?? e.eventDefinitionName ?? e.eventDefinitionId,
          entityId: e.entityId,
          entityName: e.entityName,
          previousValue: e.previousValue,
          currentValue: e.currentValue,
          errorCode: e.errorCode,
          timestamp: e.timestamp ?? clock.now(),
          source: 'push',
        });
        if (fresh) accepted++;
      }
      return reply.code(200).send({ accepted, duplicates: events.length - accepted });
    });
  };
}

function errorName(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
    }[status] ?? 'Error'
  );
}

function messageFor(err: FastifyError, status: number): string {
  if (status === 413) return `body larger than ${EVENTS_BODY_LIMIT} bytes (1 MiB); send smaller batches`;
  if (status === 415) return 'Content-Type must be application/json';
  return err.message;
}
