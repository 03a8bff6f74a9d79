/* eslint-disable max-lines -- both Usage APIs with their sparse answers; split per API next */
/** Usage API: the new aggregates jobs (org and client) and the legacy query, client query, summary and simple search. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Models } from 'purecloud-platform-client-v2';
import { z } from 'zod';
import { sendError } from '../errors.js';
import { JobStore } from '../jobs.js';
import { DAY, type Counts } from '../traffic.js';
import {
  aggregate,
  decodeCursor,
  encodeCursor,
  filterFacts,
  parseInterval,
  type AggregateRow,
  type Dimension,
  type FactFilter,
  type Granularity,
  type Interval,
} from '../usage-query.js';
import { isoDay } from '../sim-time.js';
import type { SimWorld } from '../world.js';

const METRICS = ['Requests', 'Status200', 'Status300', 'Status400', 'Status429', 'Status500'] as const;
type Metric = (typeof METRICS)[number];
const granularity = z.enum(['Day', 'Week', 'Month']).optional();
const metrics = z.array(z.enum(METRICS)).optional();
const stringList = z.array(z.string()).optional();

const newOrgQuery = z.object({
  interval: z.string(),
  granularity,
  metrics,
  groupBy: z
    .array(z.enum(['OauthClientName', 'OauthClientId', 'UserId', 'HttpMethod', 'TemplateUri', 'Platform']))
    .optional(),
  oauthClientIds: stringList,
  userIds: stringList,
  templateUris: stringList,
  platforms: stringList,
  httpMethods: stringList,
  sortBy: z.array(z.object({ fieldName: z.string(), order: z.enum(['Asc', 'Desc']).optional() })).optional(),
});
const newClientQuery = newOrgQuery.omit({ groupBy: true, oauthClientIds: true, userIds: true }).extend({
  groupBy: z.array(z.enum(['OrganizationId', 'HttpMethod', 'TemplateUri', 'Platform'])).optional(),
  organizationIds: stringList,
});
const legacyQuery = z.object({
  interval: z.string(),
  granularity,
  metrics,
  groupBy: z
    .array(z.enum(['OAuthClientId', 'OrganizationId', 'UserId', 'TemplateUri', 'HttpMethod']))
    .optional(),
});
const simpleSearch = z.object({
  interval: z.string(),
  metrics: z
    .array(
      z.enum([
        'Date',
        'ClientName',
        'HttpMethod',
        'TemplateUri',
        'Status200',
        'Status300',
        'Status400',
        'Status500',
        'Status429',
      ]),
    )
    .optional(),
  oauthClientNames: stringList,
  httpMethods: stringList,
  templateUris: stringList,
});
const pagingQuery = z.object({ pageSize: z.coerce.number().int().optional(), after: z.string().optional() });

const PLATFORM = 'PublicAPI';
const METRIC_FIELDS: Record<Metric, keyof Counts> = {
  Requests: 'requests',
  Status200: 'status200',
  Status300: 'status300',
  Status400: 'status400',
  Status429: 'status429',
  Status500: 'status500',
};

function badRequest(req: FastifyRequest, reply: FastifyReply, error: z.ZodError | string): FastifyReply {
  const message =
    typeof error === 'string'
      ? error
      : error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return sendError(req, reply, 400, { message });
}

type NewEntity = Models.OrganizationPublicApiUsage & Models.ClientPublicApiUsage;

/**
 * A counter as sent: undefined (left out of the JSON) when the query did not ask for it, or when
 * it is zero in sparse mode (every counter is optional in the SDK's models).
 */
function counter(
  counts: Counts,
  m: Metric,
  selected: readonly Metric[] | undefined,
  sparse: boolean,
): number | undefined {
  if (selected && selected.length > 0 && !selected.includes(m)) return undefined;
  const v = counts[METRIC_FIELDS[m]];
  return sparse && v === 0 ? undefined : v;
}

/** Text the SDK marks optional: left out in sparse mode when empty, else sent (the full mode's `""`). */
const optionalText = (v: string | undefined, sparse: boolean): string | undefined =>
  sparse && !v ? undefined : v;

interface UsageCtx {
  world: SimWorld;
}

/**
 * `perEndpoint`: grouped by TemplateUri. The truth's `lastUsageQuery` stays the latest query of
 * per-client figures: the agent's per-endpoint query follows it and asks only for a complete day.
 */
function facts(ctx: UsageCtx, interval: Interval, filter: FactFilter, perEndpoint = false) {
  const until = ctx.world.publishedUntil();
  if (!perEndpoint) ctx.world.lastUsageQuery = { at: ctx.world.clock.now(), publishedUntil: until };
  return filterFacts(ctx.world.usageFacts(interval.start, interval.end, until), filter);
}

function newEntity(
  row: AggregateRow,
  selected: readonly Metric[] | undefined,
  withClient: boolean,
  extra: { platform?: string; organizationId?: string },
  sparse: boolean,
): NewEntity {
  const hasClient = withClient && (row.clientId !== undefined || row.clientName !== undefined);
  return {
    date: row.bucket === undefined ? undefined : isoDay(row.bucket),
    oauthClient: hasClient
      ? {
          id: row.clientId,
          name: sparse ? undefined : row.clientName,
          selfUri: row.clientId === undefined || sparse ? undefined : `/api/v2/oauth/clients/${row.clientId}`,
        }
      : undefined,
    templateUri: row.templateUri,
    httpMethod: row.method,
    platform: extra.platform,
    organizationId: extra.organizationId,
    requestCount: counter(row.counts, 'Requests', selected, sparse),
    status200: counter(row.counts, 'Status200', selected, sparse),
    status300: counter(row.counts, 'Status300', selected, sparse),
    status400: counter(row.counts, 'Status400', selected, sparse),
    status429: counter(row.counts, 'Status429', selected, sparse),
    status500: counter(row.counts, 'Status500', selected, sparse),
  };
}

function sortEntities(
  entities: NewEntity[],
  sortBy: { fieldName: string; order?: 'Asc' | 'Desc' | undefined }[] | undefined,
): void {
  for (const s of [...(sortBy ?? [])].reverse()) {
    const dir = s.order === 'Desc' ? -1 : 1;
    entities.sort((a, b) => {
      const x = (a as Record<string, unknown>)[s.fieldName];
      const y = (b as Record<string, unknown>)[s.fieldName];
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x ?? '').localeCompare(String(y ?? '')) * dir;
    });
  }
}

function legacyRow(
  row: AggregateRow,
  orgId: string | undefined,
  selected: readonly Metric[] | undefined,
  sparse: boolean,
): Models.ApiUsageRow {
  const perClient = row.clientId !== undefined || row.clientName !== undefined;
  return {
    clientId: optionalText(row.clientId ?? '', sparse),
    clientName: sparse ? undefined : perClient ? (row.clientName ?? '') : '',
    organizationId: optionalText(orgId ?? '', sparse),
    userId: optionalText('', sparse),
    templateUri: optionalText(row.templateUri ?? '', sparse),
    httpMethod: optionalText(row.method ?? '', sparse),
    requests: counter(row.counts, 'Requests', selected, sparse),
    status200: counter(row.counts, 'Status200', selected, sparse),
    status300: counter(row.counts, 'Status300', selected, sparse),
    status400: counter(row.counts, 'Status400', selected, sparse),
    status429: counter(row.counts, 'Status429', selected, sparse),
    status500: counter(row.counts, 'Status500', selected, sparse),
    date: row.bucket === undefined ? undefined : new Date(row.bucket).toISOString().replace('.000Z', 'Z'),
  };
}

export function registerUsageRoutes(app: FastifyInstance, ctx: UsageCtx): void {
  const { world } = ctx;
  const polls = world.scenario.usage.jobPolls;
  const newJobs = new JobStore<NewEntity[]>(polls);
  const legacyJobs = new JobStore<Models.ApiUsageRow[]>(polls);
  const orgPerm = { permissions: ['usage:organization:view'] };
  const clientPerm = { permissions: ['usage:client:view'] };
  const legacyOrgPerm = { permissions: ['oauth:client:view', 'usage:organization:view'] };
  const legacyClientPerm = { permissions: ['oauth:client:view', 'usage:client:view'] };
  const simplePerm = { permissions: ['oauth:client:view', 'usage:simpleSearch:view'] };

  /**
   * New-API interval rules: ≤ 90 days long, start within a year, and (as Genesys documents) the end
   * inclusive: a date-time end includes the day it falls on.
   */
  function newInterval(raw: string): Interval | string {
    const parsed = parseInterval(raw);
    if (typeof parsed === 'string') return parsed;
    const endText = raw.split('/')[1] ?? '';
    const iv = /^\d{4}-\d{2}(?:-\d{2})?$/.test(endText) ? parsed : { ...parsed, end: parsed.end + 1 };
    if (iv.end - iv.start > 90 * DAY + DAY) return `interval "${raw}" is longer than 90 days`;
    if (iv.start < world.clock.now() - 365 * DAY) return `interval "${raw}" starts more than one year ago`;
    return iv;
  }

  /** Rows as the scenario's Usage API counts them: 429s inside status400 (the facts' form) or beside it. */
  function served(...args: Parameters<typeof aggregate>): AggregateRow[] {
    const rows = aggregate(...args);
    if (world.scenario.usage.status429 === 'inStatus400') return rows;
    return rows.map((r) => ({
      ...r,
      counts: { ...r.counts, status400: r.counts.status400 - r.counts.status429 },
    }));
  }

  function liveClient(id: string) {
    const c = world.clients.get(id);
    return c && world.exists(c) ? c : undefined;
  }

  app.post('/api/v2/usage/aggregates/query/jobs', { config: orgPerm }, async (req, reply) => {
    const q = newOrgQuery.safeParse(req.body);
    if (!q.success) return badRequest(req, reply, q.error);
    const iv = newInterval(q.data.interval);
    if (typeof iv === 'string') return badRequest(req, reply, iv);
    const g = new Set(q.data.groupBy ?? []);
    const dims = new Set<Dimension>();
    if (g.has('OauthClientId')) dims.add('clientId');
    if (g.has('OauthClientName')) dims.add('clientName');
    if (g.has('TemplateUri')) dims.add('templateUri');
    if (g.has('HttpMethod')) dims.add('method');
    const f =
      q.data.userIds?.length || (q.data.platforms?.length && !q.data.platforms.includes(PLATFORM))
        ? []
        : facts(
            ctx,
            iv,
            {
              clientIds: q.data.oauthClientIds,
              methods: q.data.httpMethods,
              templateUris: q.data.templateUris,
            },
            g.has('TemplateUri'),
          );
    const entities = served(f, dims, q.data.granularity as Granularity | undefined).map((r) =>
      newEntity(r, q.data.metrics, true, g.has('Platform') ? { platform: PLATFORM } : {}, world.sparse),
    );
    sortEntities(entities, q.data.sortBy);
    const job = newJobs.add('', entities);
    const uri = `/api/v2/usage/aggregates/query/jobs/${job.id}`;
    return reply.code(202).send(submitted(job.id, uri));
  });

  app.post<{ Params: { clientId: string } }>(
    '/api/v2/usage/client/:clientId/aggregates/query/jobs',
    { config: clientPerm },
    async (req, reply) => {
      const client = world.clients.get(req.params.clientId);
      if (!client) return sendError(req, reply, 404);
      const q = newClientQuery.safeParse(req.body);
      if (!q.success) return badRequest(req, reply, q.error);
      const iv = newInterval(q.data.interval);
      if (typeof iv === 'string') return badRequest(req, reply, iv);
      const g = new Set(q.data.groupBy ?? []);
      const dims = new Set<Dimension>();
      if (g.has('TemplateUri')) dims.add('templateUri');
      if (g.has('HttpMethod')) dims.add('method');
      const orgMatch =
        !q.data.organizationIds?.length || q.data.organizationIds.includes(world.scenario.org.id);
      const f = orgMatch
        ? facts(ctx, iv, {
            clientIds: [client.id],
            methods: q.data.httpMethods,
            templateUris: q.data.templateUris,
          })
        : [];
      const entities = served(f, dims, q.data.granularity as Granularity | undefined).map((r) =>
        newEntity(
          r,
          q.data.metrics,
          false,
          {
            ...(g.has('OrganizationId') ? { organizationId: world.scenario.org.id } : {}),
            ...(g.has('Platform') ? { platform: PLATFORM } : {}),
          },
          world.sparse,
        ),
      );
      sortEntities(entities, q.data.sortBy);
      const job = newJobs.add(client.id, entities);
      const uri = `/api/v2/usage/client/${client.id}/aggregates/query/jobs/${job.id}`;
      return reply.code(202).send(submitted(job.id, uri));
    },
  );

  function submitted(
    id: string,
    uri: string,
  ): Models.OrganizationUsageQueryResponse & Models.ClientUsageQueryResponse {
    return world.sparse ? { id } : { id, resultsUri: uri, selfUri: uri };
  }

  function jobPage(req: FastifyRequest, reply: FastifyReply, scope: string, jobId: string, base: string) {
    const p = pagingQuery.safeParse(req.query);
    if (!p.success) return badRequest(req, reply, p.error);
    const pageSize = p.data.pageSize ?? 100;
    if (pageSize < 1 || pageSize > 1000) return badRequest(req, reply, 'pageSize must be between 1 and 1000');
    const offset = p.data.after === undefined ? 0 : decodeCursor(p.data.after);
    if (offset === undefined) return badRequest(req, reply, 'after: not a cursor from this API');
    const polled = newJobs.poll(jobId, scope);
    if (!polled) return sendError(req, reply, 404);
    const selfUri = `${base}/${jobId}`;
    const sparse = world.sparse;
    if (!polled.done) {
      const running: Models.OrganizationPublicApiUsageResultsResponse = {
        queryStatus: polled.polls === 1 ? 'Queued' : 'Running',
        selfUri: sparse ? undefined : selfUri,
      };
      return reply.code(202).send(running);
    }
    const all = polled.job.result;
    const entities = all.slice(offset, offset + pageSize);
    const body: Models.OrganizationPublicApiUsageResultsResponse &
      Models.ClientPublicApiUsageResultsResponse = {
      queryStatus: 'Succeeded',
      entities: sparse && entities.length === 0 ? undefined : entities,
      selfUri: sparse ? undefined : selfUri,
    };
    if (offset + pageSize < all.length)
      body.nextUri = `${selfUri}?pageSize=${pageSize}&after=${encodeCursor(offset + pageSize)}`;
    return reply.code(200).send(body);
  }

  app.get<{ Params: { jobId: string } }>(
    '/api/v2/usage/aggregates/query/jobs/:jobId',
    { config: orgPerm },
    async (req, reply) => jobPage(req, reply, '', req.params.jobId, '/api/v2/usage/aggregates/query/jobs'),
  );
  app.get<{ Params: { clientId: string; jobId: string } }>(
    '/api/v2/usage/client/:clientId/aggregates/query/jobs/:jobId',
    { config: clientPerm },
    async (req, reply) =>
      jobPage(
        req,
        reply,
        req.params.clientId,
        req.params.jobId,
        `/api/v2/usage/client/${req.params.clientId}/aggregates/query/jobs`,
      ),
  );

  // Legacy API ------------------------------------------------------------------------------------

  function legacyRows(
    body: unknown,
    clientId: string | undefined,
  ): Models.ApiUsageRow[] | string | z.ZodError {
    const q = legacyQuery.safeParse(body);
    if (!q.success) return q.error;
    const iv = parseInterval(q.data.interval);
    if (typeof iv === 'string') return iv;
    const g = new Set(q.data.groupBy ?? (clientId ? [] : ['OAuthClientId']));
    const dims = new Set<Dimension>();
    if (g.has('OAuthClientId') || clientId) dims.add('clientId');
    if (g.has('TemplateUri')) dims.add('templateUri');
    if (g.has('HttpMethod')) dims.add('method');
    // The legacy API leaves out Genesys' built-in clients (the new one reports them).
    const f = g.has('UserId')
      ? []
      : facts(ctx, iv, clientId ? { clientIds: [clientId] } : {}, g.has('TemplateUri')).filter(
          (x) => world.clients.get(x.clientId)?.builtin !== true,
        );
    const orgId = g.has('OrganizationId') ? world.scenario.org.id : undefined;
    return served(f, dims, q.data.granularity as Granularity | undefined).map((r) =>
      legacyRow(r, orgId, q.data.metrics, world.sparse),
    );
  }

  app.post('/api/v2/usage/query', { config: legacyOrgPerm }, async (req, reply) => {
    const rows = legacyRows(req.body, undefined);
    if (!Array.isArray(rows)) return badRequest(req, reply, rows);
    const job = legacyJobs.add('', rows);
    return reply.code(202).send(executed(job.id, `/api/v2/usage/query/${job.id}/results`));
  });

  function executed(executionId: string, resultsUri: string): Models.UsageExecutionResult {
    return world.sparse ? { executionId } : { executionId, resultsUri };
  }

  function legacyResults(req: FastifyRequest, reply: FastifyReply, scope: string, id: string) {
    const polled = legacyJobs.poll(id, scope);
    if (!polled) return sendError(req, reply, 404);
    if (!polled.done)
      return reply.code(200).send({ queryStatus: 'Running' } satisfies Models.ApiUsageQueryResult);
    const results = polled.job.result;
    const body: Models.ApiUsageQueryResult = {
      results: world.sparse && results.length === 0 ? undefined : results,
      queryStatus: 'Complete',
    };
    return reply.code(200).send(body);
  }

  app.get<{ Params: { executionId: string } }>(
    '/api/v2/usage/query/:executionId/results',
    { config: legacyOrgPerm },
    async (req, reply) => legacyResults(req, reply, '', req.params.executionId),
  );

  app.post<{ Params: { clientId: string } }>(
    '/api/v2/oauth/clients/:clientId/usage/query',
    { config: legacyClientPerm },
    async (req, reply) => {
      const c = liveClient(req.params.clientId);
      if (!c) return sendError(req, reply, 404);
      const rows = legacyRows(req.body, c.id);
      if (!Array.isArray(rows)) return badRequest(req, reply, rows);
      const job = legacyJobs.add(c.id, rows);
      return reply
        .code(202)
        .send(executed(job.id, `/api/v2/oauth/clients/${c.id}/usage/query/results/${job.id}`));
    },
  );

  app.get<{ Params: { clientId: string }; Querystring: { days?: string } }>(
    '/api/v2/oauth/clients/:clientId/usage/summary',
    { config: legacyClientPerm },
    async (req, reply) => {
      const c = liveClient(req.params.clientId);
      if (!c) return sendError(req, reply, 404);
      const days = Number(req.query.days ?? '7');
      if (!Number.isInteger(days) || days < 1 || days > 365)
        return badRequest(req, reply, 'days must be a whole number from 1 to 365');
      const end = world.publishedUntil();
      world.lastUsageQuery = { at: world.clock.now(), publishedUntil: end };
      const interval = `${new Date(end - days * DAY).toISOString()}/${new Date(end).toISOString()}`;
      const rows = legacyRows({ interval, granularity: 'Day' }, c.id);
      if (!Array.isArray(rows)) return badRequest(req, reply, rows);
      const job = legacyJobs.add(c.id, rows);
      return reply
        .code(202)
        .send(executed(job.id, `/api/v2/oauth/clients/${c.id}/usage/query/results/${job.id}`));
    },
  );

  app.get<{ Params: { clientId: string; executionId: string } }>(
    '/api/v2/oauth/clients/:clientId/usage/query/results/:executionId',
    { config: legacyClientPerm },
    async (req, reply) => legacyResults(req, reply, req.params.clientId, req.params.executionId),
  );

  app.post('/api/v2/usage/simplesearch', { config: simplePerm }, async (req, reply) => {
    const q = simpleSearch.safeParse(req.body);
    if (!q.success) return badRequest(req, reply, q.error);
    const iv = parseInterval(q.data.interval);
    if (typeof iv === 'string') return badRequest(req, reply, iv);
    const m = new Set<string>(q.data.metrics ?? ['Date', 'ClientName', 'HttpMethod', 'TemplateUri']);
    const dims = new Set<Dimension>();
    if (m.has('ClientName')) dims.add('clientName');
    if (m.has('TemplateUri')) dims.add('templateUri');
    if (m.has('HttpMethod')) dims.add('method');
    const f = facts(ctx, iv, {
      clientNames: q.data.oauthClientNames,
      methods: q.data.httpMethods,
      templateUris: q.data.templateUris,
    });
    const selected = METRICS.filter((x) => x === 'Requests' || m.has(x) || !q.data.metrics);
    const rows = served(f, dims, m.has('Date') ? 'Day' : undefined)
      .slice(0, 20_000)
      .map((r) => legacyRow(r, undefined, selected, world.sparse));
    const job = legacyJobs.add('simple', rows);
    return reply.code(202).send(executed(job.id, `/api/v2/usage/simplesearch/${job.id}/results`));
  });

  app.get<{ Params: { executionId: string } }>(
    '/api/v2/usage/simplesearch/:executionId/results',
    { config: simplePerm },
    async (req, reply) => {
      const p = pagingQuery.safeParse(req.query);
      if (!p.success) return badRequest(req, reply, p.error);
      const pageSize = p.data.pageSize ?? 100;
      if (pageSize < 1 || pageSize > 1000)
        return badRequest(req, reply, 'pageSize must be between 1 and 1000');
      const offset = p.data.after === undefined ? 0 : decodeCursor(p.data.after);
      if (offset === undefined) return badRequest(req, reply, 'after: not a cursor from this API');
      const polled = legacyJobs.poll(req.params.executionId, 'simple');
      if (!polled) return sendError(req, reply, 404);
      if (!polled.done) return reply.send({ queryStatus: 'Running' });
      const all = polled.job.result;
      const body: Models.ApiUsageQueryResult = {
        results: all.slice(offset, offset + pageSize),
        queryStatus: 'Complete',
      };
      if (offset + pageSize < all.length) body.cursors = { after: encodeCursor(offset + pageSize) };
      return reply.send(body);
    },
  );
}
