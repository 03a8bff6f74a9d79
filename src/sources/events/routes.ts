import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireCredentials } from '../../server/auth.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { type JsonBodyError, parseJsonLimited } from './json-body.js';
import type { EventLedger } from './ledger.js';
import { PayloadError, parsePushBody } from './push-payload.js';

const EVENTS_BODY_LIMIT = 1024 * 1024;
/**
 * A pushed timestamp is kept only within this window around the agent's clock (EventBridge retries
 * for 24 h; a sender's clock may run a little fast); outside it the arrival time stands in.
 */
const PUSHED_TIMESTAMP_WINDOW = { pastMs: 7 * 86_400_000, futureMs: 5 * 60_000 };

export interface EventsRoutesOptions {
  /** Bearer token required on POST /v1/events; without one only GET /api/v1/events is registered. */
  token: string | null | undefined;
  /** The ledger of a pushed event's Genesys org id (undefined: a bare notification), or undefined when unknown. */
  ledgerFor: (orgId: string | undefined) => EventLedger | undefined;
  /** The ledger of an org label, for GET (undefined: the only org), or undefined when there is no such org. */
  ledgerOf: (org: string | undefined) => EventLedger | undefined;
  /** Most POST /v1/events per minute per caller address (default 600). */
  rateLimitPerMinute?: number;
  clock?: Clock;
}

const eventsQuerySchema = z.object({ org: z.string().min(1).optional() });

/**
 * POST /v1/events (EventBridge API destination / notification push) and GET /api/v1/events (latest
 * events, which the status page lists). Register without fastify-plugin: the JSON parser and error handler
 * set here must stay inside this scope.
 */
export function eventsRoutes(opts: EventsRoutesOptions): FastifyPluginAsync {
  if (opts.token === '') throw new Error('events token must not be empty');
  const authenticate = opts.token
    ? requireCredentials(
        { bearerTokens: [opts.token], basicUsers: [] },
        { missing: 'missing header Authorization: Bearer <AGENT_EVENTS_TOKEN>', wrong: 'wrong bearer token' },
      )
    : undefined;
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
      return reply
        .code(status)
        .send({ error: STATUS_CODES[status] ?? 'Error', message: messageFor(err, status) });
    });

    app.get('/api/v1/events', async (req, reply) => {
      const q = eventsQuerySchema.safeParse(req.query);
      if (!q.success)
        return reply.code(400).send({ error: 'Bad Request', message: 'org must be a non-empty string' });
      const ledger = opts.ledgerOf(q.data.org);
      // The name is not echoed: it is the caller's text, of any length.
      if (!ledger)
        return reply
          .code(404)
          .send({ error: 'Not Found', message: 'no such org here; /api/v1/clients lists the orgs' });
      return { org: ledger.org, events: ledger.latest(), truncatedEvents: ledger.truncatedEvents };
    });

    if (!authenticate) return;

    // Registered after GET /api/v1/events, the limiter throttles only the matched POST route (any
    // spelling of its path), never scrapes or the status page; without the push endpoint it never loads.
    const { default: rateLimit } = await import('@fastify/rate-limit');
    await app.register(rateLimit, { max: opts.rateLimitPerMinute ?? 600, timeWindow: 60_000 });

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
      const nowMs = clock.now();
      const plausible = (t: number | undefined): t is number =>
        t !== undefined &&
        t >= nowMs - PUSHED_TIMESTAMP_WINDOW.pastMs &&
        t <= nowMs + PUSHED_TIMESTAMP_WINDOW.futureMs;
      for (const [i, { orgId: _, ...e }] of events.entries()) {
        const ledger = ledgers[i]!;
        const fresh = ledger.record({
          ...e,
          // The definitions list names an event the same way for both paths (the pulled event has
          // only the id, and the list's name is optional too: then both fall back to the id).
          eventDefinitionName:
            ledger.definitionName(e.eventDefinitionId) ?? e.eventDefinitionName ?? e.eventDefinitionId,
          timestamp: plausible(e.timestamp) ? e.timestamp : nowMs,
          source: 'push',
        });
        if (fresh) accepted++;
      }
      return reply.code(200).send({ accepted, duplicates: events.length - accepted });
    });
  };
}

function messageFor(err: FastifyError, status: number): string {
  if (status === 413) return `body larger than ${EVENTS_BODY_LIMIT} bytes (1 MiB); send smaller batches`;
  if (status === 415) return 'Content-Type must be application/json';
  return err.message;
}
