/** Analytics rate-limit aggregates and operational events (assumed shapes: docs/simulator.md). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Models } from 'purecloud-platform-client-v2';
import { z } from 'zod';
import { sendError } from '../errors.js';
import { LIMIT_KEY } from '../scenario.js';
import { decodeCursor, encodeCursor } from '../usage-query.js';
import { RATE_LIMIT_EVENT_DEFINITION, type HotMinute } from '../hot-minutes.js';
import type { SimWorld } from '../world.js';
import { LIMITS_NAMESPACE } from './directory.js';

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO-8601 duration in ms (weeks, days, hours, minutes, seconds), undefined if unsupported. */
function parseDuration(s: string): number | undefined {
  const m = DURATION.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) return undefined;
  const [w, d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60_000 + sec * 1000;
}

const GROUP_DIMS = [
  'namespace',
  'limitName',
  'entityId',
  'correlationId',
  'max',
  'timeUnit',
  'userId',
] as const;
const predicate = z.object({
  type: z.string().optional(),
  dimension: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
});
const rateLimitQuery = z.object({
  interval: z.string(),
  granularity: z.string().optional(),
  timeZone: z.string().optional(),
  groupBy: z.array(z.enum(GROUP_DIMS)).optional(),
  filter: z
    .object({ type: z.enum(['and', 'or']).optional(), predicates: z.array(predicate).optional() })
    .optional(),
  metrics: z.array(z.literal('oRateLimitRecorded')).min(1),
});

const eventQuery = z.object({
  interval: z.string(),
  eventDefinitionIds: z.array(z.string()).optional(),
  searchTerm: z.string().optional(),
  sortOrder: z.enum(['ASC', 'DESC', 'asc', 'desc']).optional(),
});

/** Other definitions the platform lists; the simulator only ever emits the rate-limit one. */
const OTHER_DEFINITIONS = [
  {
    id: '0a5c7b1e-9d6f-4e0a-8d2b-3c4e5f6a7b01',
    name: 'Data action execution failed',
    description: 'A data action failed to execute.',
  },
  {
    id: '0a5c7b1e-9d6f-4e0a-8d2b-3c4e5f6a7b02',
    name: 'Architect flow error',
    description: 'A flow hit an error.',
  },
];
const DEFINITIONS = [RATE_LIMIT_EVENT_DEFINITION, ...OTHER_DEFINITIONS];

function parseIsoInterval(s: string): { start: number; end: number } | undefined {
  const [a, b, ...rest] = s.split('/');
  if (!a || !b || rest.length > 0) return undefined;
  const start = Date.parse(a);
  const end = Date.parse(b);
  return Number.isNaN(start) || Number.isNaN(end) || end <= start ? undefined : { start, end };
}

function dimValue(h: HotMinute, dim: (typeof GROUP_DIMS)[number]): string {
  switch (dim) {
    case 'namespace':
      return LIMITS_NAMESPACE;
    case 'limitName':
      return LIMIT_KEY;
    case 'entityId':
      return h.clientId;
    case 'max':
      return String(h.limit);
    case 'timeUnit':
      return 'minute';
    default:
      return '';
  }
}

/**
 * Operational event (SDK `OperationalEvent`) for a hot minute. Which fields Genesys fills for a
 * rate-limit warning is undocumented (docs/simulator.md); sparse mode keeps only the definition id,
 * the client id and the time.
 */
export function operationalEvent(h: HotMinute, sparse = false): Models.OperationalEvent {
  const id = RATE_LIMIT_EVENT_DEFINITION.id;
  if (sparse)
    return { eventDefinition: { id }, entityId: h.clientId, dateCreated: new Date(h.at).toISOString() };
  return {
    eventDefinition: { id, selfUri: `/api/v2/usage/events/definitions/${id}` },
    entityId: h.clientId,
    entityName: h.clientName,
    previousValue: String(h.limit),
    currentValue: String(h.requests),
    dateCreated: new Date(h.at).toISOString(),
  };
}

/** A definition as listed; sparse mode leaves out its name and description (both optional in the SDK). */
const definition = (d: (typeof DEFINITIONS)[number], sparse: boolean): Models.EventDefinition =>
  sparse ? { id: d.id } : { id: d.id, name: d.name, description: d.description };

/** A query body checked against its schema and its ISO interval, or the message for a 400. */
function parseQuery<T extends { interval: string }>(
  schema: z.ZodType<T>,
  body: unknown,
): { success: true; data: T; iv: { start: number; end: number } } | { success: false; message: string } {
  const q = schema.safeParse(body);
  if (!q.success)
    return {
      success: false,
      message: q.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    };
  const iv = parseIsoInterval(q.data.interval);
  if (!iv)
    return {
      success: false,
      message: `interval "${q.data.interval}" must be <start>/<end> ISO-8601 date-times`,
    };
  return { success: true, data: q.data, iv };
}

function bad(req: FastifyRequest, reply: FastifyReply, message: string) {
  return sendError(req, reply, 400, { message });
}

export function registerRateLimitRoutes(app: FastifyInstance, world: SimWorld): void {
  app.post(
    '/api/v2/analytics/ratelimits/aggregates/query',
    { config: { permissions: ['analytics:rateLimitAggregate:view'] } },
    async (req, reply) => {
      const q = parseQuery(rateLimitQuery, req.body);
      if (!q.success) return bad(req, reply, q.message);
      const { iv } = q;
      let step = iv.end - iv.start;
      if (q.data.granularity !== undefined) {
        const g = parseDuration(q.data.granularity);
        if (g === undefined)
          return bad(req, reply, `granularity "${q.data.granularity}" is not a supported ISO-8601 duration`);
        if (g < 60_000) return bad(req, reply, `granularity "${q.data.granularity}" is finer than PT1M`);
        step = g;
      }
      const predicates = q.data.filter?.predicates ?? [];
      const matches = (h: HotMinute) => {
        const results = predicates.map((p) => {
          const dim = p.dimension as (typeof GROUP_DIMS)[number] | undefined;
          if (!dim || !GROUP_DIMS.includes(dim)) return true;
          return p.operator === 'exists'
            ? dimValue(h, dim) !== ''
            : p.operator === 'notExists'
              ? dimValue(h, dim) === ''
              : dimValue(h, dim) === p.value;
        });
        if (results.length === 0) return true;
        return q.data.filter?.type === 'or' ? results.some(Boolean) : results.every(Boolean);
      };
      const hot = world
        .hotMinutes(iv.start, iv.end - 1)
        .filter((h) => h.minute * 60_000 >= iv.start && matches(h));
      const dims = q.data.groupBy ?? [];
      const groups = new Map<
        string,
        { group: Record<string, string>; buckets: Map<number, { count: number; max: number }> }
      >();
      for (const h of hot) {
        const group = Object.fromEntries(dims.map((d) => [d, dimValue(h, d)]));
        const key = JSON.stringify(group);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { group, buckets: new Map() }));
        const bucket = iv.start + Math.floor((h.minute * 60_000 - iv.start) / step) * step;
        const b = g.buckets.get(bucket) ?? { count: 0, max: 0 };
        b.count += 1;
        b.max = Math.max(b.max, h.limit);
        g.buckets.set(bucket, b);
      }
      const sparse = world.sparse;
      const results = [...groups.values()].map((g): Models.RateLimitAggregateDataContainer => ({
        group: g.group,
        data: [...g.buckets]
          .sort((a, b) => a[0] - b[0])
          .map(([start, b]) => ({
            interval: `${new Date(start).toISOString()}/${new Date(Math.min(start + step, iv.end)).toISOString()}`,
            metrics: [
              { metric: 'oRateLimitRecorded', stats: { count: b.count, max: sparse ? undefined : b.max } },
            ],
          })),
      }));
      const body: Models.RateLimitAggregateQueryResponse = results.length > 0 ? { results } : {};
      return reply.send(body);
    },
  );

  const eventsPerm = { config: { permissions: ['usage:events:view'] } };
  app.get('/api/v2/usage/events/definitions', eventsPerm, async (_req, reply) => {
    const body: Models.EventDefinitionListing = {
      entities: DEFINITIONS.map((d) => definition(d, world.sparse)),
    };
    return reply.send(body);
  });
  app.get<{ Params: { id: string } }>(
    '/api/v2/usage/events/definitions/:id',
    eventsPerm,
    async (req, reply) => {
      const d = DEFINITIONS.find((x) => x.id === req.params.id);
      return d ? reply.send(definition(d, world.sparse)) : sendError(req, reply, 404);
    },
  );

  app.post<{ Querystring: { pageSize?: string; after?: string; before?: string } }>(
    '/api/v2/usage/events/query',
    eventsPerm,
    async (req, reply) => {
      const q = parseQuery(eventQuery, req.body);
      if (!q.success) return bad(req, reply, q.message);
      const { iv } = q;
      const pageSize = Number(req.query.pageSize ?? '25');
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200)
        return bad(req, reply, 'pageSize must be between 1 and 200');
      const cursor = req.query.after ?? req.query.before;
      const offset = cursor === undefined ? 0 : decodeCursor(cursor);
      if (offset === undefined) return bad(req, reply, 'after/before: not a cursor from this API');
      const ids = q.data.eventDefinitionIds;
      const term = q.data.searchTerm?.toLowerCase();
      let events =
        ids && ids.length > 0 && !ids.includes(RATE_LIMIT_EVENT_DEFINITION.id)
          ? []
          : world.hotMinutes(iv.start, iv.end - 1).map((h) => operationalEvent(h, world.sparse));
      if (term) events = events.filter((e) => JSON.stringify(e).toLowerCase().includes(term));
      if (q.data.sortOrder?.toUpperCase() === 'DESC') events.reverse();
      const base = '/api/v2/usage/events/query';
      const page = events.slice(offset, offset + pageSize);
      const body: Models.EventQueryResponse = world.sparse
        ? { entities: page.length > 0 ? page : undefined }
        : { entities: page, selfUri: `${base}?pageSize=${pageSize}${cursor ? `&after=${cursor}` : ''}` };
      if (offset + pageSize < events.length)
        body.nextUri = `${base}?pageSize=${pageSize}&after=${encodeCursor(offset + pageSize)}`;
      if (offset > 0 && !world.sparse)
        body.previousUri = `${base}?pageSize=${pageSize}&before=${encodeCursor(Math.max(0, offset - pageSize))}`;
      return reply.send(body);
    },
  );
}
