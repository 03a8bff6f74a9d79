import { afterEach, describe, expect, it } from 'vitest';
import { EndpointUnavailableError } from '../../src/genesys/api.js';
import { type Fake, startFake } from './fake-genesys.js';

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const entity = (date: string, id: string, requests: number, s429 = 0) => ({
  date,
  platform: 'PublicApi',
  oauthClient: { id, name: `name-${id}`, selfUri: `/api/v2/oauth/clients/${id}` },
  requestCount: requests,
  status200: requests - s429,
  status300: 0,
  status400: s429,
  status429: s429,
  status500: 0,
});

describe('queryUsageAggregates', () => {
  it('submits a Day job grouped by client, polls with growing waits while queued/running, and follows nextUri', async () => {
    let polls = 0;
    fake = await startFake((app) => {
      app.post('/api/v2/usage/aggregates/query/jobs', async (_req, reply) =>
        reply.code(202).send({ id: 'job-1', selfUri: '/api/v2/usage/aggregates/query/jobs/job-1' }),
      );
      app.get('/api/v2/usage/aggregates/query/jobs/:id', async (req, reply) => {
        const q = req.query as { after?: string; pageSize?: string };
        if (q.after === 'p2') return { queryStatus: 'Succeeded', entities: [entity('2026-01-14', 'b', 50)] };
        polls += 1;
        if (polls === 1) return reply.code(202).send({ queryStatus: 'Queued' });
        if (polls === 2) return reply.code(202).send({ queryStatus: 'Running' });
        expect(q.pageSize).toBe('1000');
        return {
          queryStatus: 'Succeeded',
          entities: [entity('2026-01-14', 'a', 1520, 31)],
          nextUri: '/api/v2/usage/aggregates/query/jobs/job-1?pageSize=1000&after=p2',
        };
      });
    });
    const c = fake.client();
    const rows = await c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' });
    expect(rows).toEqual([
      {
        date: '2026-01-14',
        clientId: 'a',
        clientName: 'name-a',
        requests: 1520,
        status200: 1489,
        status300: 0,
        status4xx: 0,
        status429: 31,
        status500: 0,
      },
      {
        date: '2026-01-14',
        clientId: 'b',
        clientName: 'name-b',
        requests: 50,
        status200: 50,
        status300: 0,
        status4xx: 0,
        status429: 0,
        status500: 0,
      },
    ]);
    expect(
      fake.seen.find((r) => r.method === 'POST' && r.url === '/api/v2/usage/aggregates/query/jobs')?.body,
    ).toEqual({
      interval: '2026-01-01/2026-01-15',
      granularity: 'Day',
      groupBy: ['OauthClientId', 'OauthClientName'],
      metrics: ['Requests', 'Status200', 'Status300', 'Status400', 'Status429', 'Status500'],
    });
    expect(fake.waits).toEqual([1000, 2000]);
    // Two 202 polls, the first page and the second page.
    expect(c.requestCount('GET /api/v2/usage/aggregates/query/jobs/{jobId}', '2xx')).toBe(4);
  });

  it('fails on a nextUri that repeats instead of paging forever', async () => {
    fake = await startFake((app) => {
      app.post('/api/v2/usage/aggregates/query/jobs', async () => ({ id: 'job-2' }));
      app.get('/api/v2/usage/aggregates/query/jobs/:id', async () => ({
        queryStatus: 'Succeeded',
        entities: [entity('2026-01-14', 'a', 1)],
        nextUri: '/api/v2/usage/aggregates/query/jobs/job-2?pageSize=1000&after=same',
      }));
    });
    const c = fake.client();
    await expect(c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' })).rejects.toMatchObject({
      code: 'paging_loop',
    });
    // The first page and the page behind nextUri, which points at itself again.
    expect(fake.seen.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('fails when the job fails (202 with queryStatus Failed)', async () => {
    fake = await startFake((app) => {
      app.post('/api/v2/usage/aggregates/query/jobs', async () => ({ id: 'job-3' }));
      app.get('/api/v2/usage/aggregates/query/jobs/:id', async (_req, reply) =>
        reply.code(202).send({ queryStatus: 'Failed', errorBody: { message: 'interval too long' } }),
      );
    });
    await expect(fake.client().queryUsageAggregates({ interval: '2025-01-01/2026-01-15' })).rejects.toThrow(
      'usage job failed: interval too long',
    );
  });

  it('gives up polling after the poll timeout', async () => {
    fake = await startFake((app) => {
      app.post('/api/v2/usage/aggregates/query/jobs', async () => ({ id: 'job-4' }));
      app.get('/api/v2/usage/aggregates/query/jobs/:id', async (_req, reply) =>
        reply.code(202).send({ queryStatus: 'Running' }),
      );
    });
    const c = fake.client({ usageJobPoll: { initialMs: 1000, maxMs: 4000, timeoutMs: 12_000 } });
    await expect(c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' })).rejects.toMatchObject({
      code: 'job_timeout',
    });
    expect(fake.waits).toEqual([1000, 2000, 4000, 4000]);
  });

  it.each([404, 403, 410, 501])(
    'throws EndpointUnavailableError on %i from the jobs endpoint',
    async (status) => {
      fake = await startFake((app) =>
        app.post('/api/v2/usage/aggregates/query/jobs', async (_req, reply) =>
          reply.code(status).send({ code: 'not.found', message: 'x' }),
        ),
      );
      const err = await fake
        .client()
        .queryUsageAggregates({ interval: '2026-01-01/2026-01-15' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EndpointUnavailableError);
      expect((err as EndpointUnavailableError).status).toBe(status);
    },
  );

  it('reads absent counters as 0, skips and counts rows without a client, warns once per episode naming the field', async () => {
    let page = 0;
    fake = await startFake((app) => {
      app.post('/api/v2/usage/aggregates/query/jobs', async () => ({ id: 'job-5' }));
      app.get('/api/v2/usage/aggregates/query/jobs/:id', async () => {
        page += 1;
        const { oauthClient: _, ...orphan } = entity('2026-01-14', 'x', 99);
        // Only what the SDK requires (queryStatus) plus the day and the client id; the counters are gone.
        const sparse = { date: '2026-01-14', oauthClient: { id: 'a' } };
        return { queryStatus: 'Succeeded', entities: page === 2 ? [sparse] : [sparse, orphan, orphan] };
      });
    });
    const c = fake.client();
    const rows = await c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' });
    expect(rows).toEqual([
      {
        date: '2026-01-14',
        clientId: 'a',
        clientName: '',
        requests: 0,
        status200: 0,
        status300: 0,
        status4xx: 0,
        status429: 0,
        status500: 0,
      },
    ]);
    expect(c.skips.count('usage', 'missing_oauthClient')).toBe(2);
    const warnings = () => fake!.logs.filter((l) => l.level === 'warn' && /skipped/.test(l.msg ?? ''));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toContain('`oauthClient`');
    await c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' }); // clean: the episode ends
    await c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' }); // a new episode warns again
    expect(c.skips.count('usage', 'missing_oauthClient')).toBe(4);
    expect(warnings()).toHaveLength(2);
    const family = c.collect(0).find((f) => f.name === 'genesys_agent_records_skipped');
    expect(family?.points).toEqual([
      {
        attributes: { org: 'test-org', source: 'usage', reason: 'missing_oauthClient' },
        value: 4,
        startTimeMs: expect.any(Number),
      },
    ]);
  });
});

describe('queryUsageLegacy', () => {
  it('submits grouped by OAuthClientId, polls while Running and turns midnight timestamps into days', async () => {
    let polls = 0;
    fake = await startFake((app) => {
      app.post('/api/v2/usage/query', async (_req, reply) =>
        reply.code(202).send({ executionId: 'ex-1', resultsUri: '/api/v2/usage/query/ex-1/results' }),
      );
      app.get('/api/v2/usage/query/ex-1/results', async () => {
        polls += 1;
        if (polls < 3) return { queryStatus: 'Running' };
        return {
          queryStatus: 'Complete',
          results: [
            {
              clientId: 'a',
              clientName: 'A',
              organizationId: '',
              userId: '',
              templateUri: '',
              httpMethod: '',
              status200: 13,
              status300: 0,
              status400: 2,
              status500: 0,
              status429: 2,
              requests: 15,
              date: '2026-01-14T00:00:00Z',
            },
          ],
        };
      });
    });
    const c = fake.client();
    expect(await c.queryUsageLegacy({ interval: '2026-01-01/2026-01-15' })).toEqual([
      {
        date: '2026-01-14',
        clientId: 'a',
        clientName: 'A',
        requests: 15,
        status200: 13,
        status300: 0,
        status4xx: 0,
        status429: 2,
        status500: 0,
      },
    ]);
    expect(fake.seen.find((r) => r.url === '/api/v2/usage/query')?.body).toMatchObject({
      groupBy: ['OAuthClientId'],
      granularity: 'Day',
    });
    expect(fake.waits).toEqual([1000, 2000]);
  });
});

describe('rate-limit aggregates, limits and operational events', () => {
  it('maps oRateLimitRecorded stats per namespace, limit and entity', async () => {
    fake = await startFake((app) =>
      app.post('/api/v2/analytics/ratelimits/aggregates/query', async () => ({
        results: [
          {
            group: {
              namespace: 'platform.api',
              limitName: 'client.credentials.token.rate.per.minute',
              entityId: 'c1',
            },
            data: [
              {
                interval: '2026-01-15T10:00:00.000Z/2026-01-15T10:01:00.000Z',
                metrics: [{ metric: 'oRateLimitRecorded', stats: { count: 4, max: 300 } }],
              },
              {
                interval: '2026-01-15T10:01:00.000Z/2026-01-15T10:02:00.000Z',
                metrics: [{ metric: 'oRateLimitRecorded', stats: { count: 1 } }],
              },
            ],
          },
        ],
      })),
    );
    const c = fake.client();
    expect(
      await c.queryRateLimitAggregates({
        interval: '2026-01-15T10:00:00Z/2026-01-15T10:02:00Z',
        granularity: 'PT1M',
      }),
    ).toEqual([
      {
        namespace: 'platform.api',
        limitName: 'client.credentials.token.rate.per.minute',
        entityId: 'c1',
        data: [
          { interval: '2026-01-15T10:00:00.000Z/2026-01-15T10:01:00.000Z', count: 4, max: 300 },
          { interval: '2026-01-15T10:01:00.000Z/2026-01-15T10:02:00.000Z', count: 1, max: null },
        ],
      },
    ]);
    expect(fake.seen.at(-1)?.body).toEqual({
      interval: '2026-01-15T10:00:00Z/2026-01-15T10:02:00Z',
      granularity: 'PT1M',
      groupBy: ['namespace', 'limitName', 'entityId'],
      metrics: ['oRateLimitRecorded'],
    });
  });

  it('returns no groups when nothing was recorded', async () => {
    fake = await startFake((app) =>
      app.post('/api/v2/analytics/ratelimits/aggregates/query', async () => ({})),
    );
    expect(
      await fake.client().queryRateLimitAggregates({ interval: '2026-01-15T10:00:00Z/2026-01-15T10:02:00Z' }),
    ).toEqual([]);
  });

  it('lists event definitions and pages through operational events in time order', async () => {
    fake = await startFake((app) => {
      app.get('/api/v2/usage/events/definitions', async () => ({
        entities: [{ id: 'd1', name: 'Rate limit reached', description: 'x' }],
      }));
      app.post('/api/v2/usage/events/query', async (req) => {
        const after = (req.query as { after?: string }).after;
        if (after === 'c2') {
          return {
            entities: [
              {
                eventDefinition: { id: 'd1', selfUri: '/x' },
                entityId: 'c1',
                currentValue: '280',
                dateCreated: '2026-01-15T10:00:00.000Z',
              },
            ],
          };
        }
        return {
          entities: [
            {
              eventDefinition: { id: 'd1' },
              entityId: 'c2',
              entityName: 'Two',
              dateCreated: '2026-01-15T10:05:00.000Z',
            },
          ],
          nextUri: '/api/v2/usage/events/query?after=c2&pageSize=200',
        };
      });
    });
    const c = fake.client();
    expect(await c.listEventDefinitions()).toEqual([
      { id: 'd1', name: 'Rate limit reached', description: 'x' },
    ]);
    const events = await c.queryOperationalEvents({ interval: '2026-01-15T00:00:00Z/2026-01-15T12:00:00Z' });
    expect(events.map((e) => [e.entityId, e.timestamp])).toEqual([
      ['c1', Date.UTC(2026, 0, 15, 10, 0, 0)],
      ['c2', Date.UTC(2026, 0, 15, 10, 5, 0)],
    ]);
    expect(events[0]).toMatchObject({
      eventDefinitionId: 'd1',
      eventDefinitionName: 'd1',
      currentValue: '280',
      previousValue: null,
      entityName: null,
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    const queries = fake.seen.filter(
      (r) => r.method === 'POST' && r.url.startsWith('/api/v2/usage/events/query'),
    );
    expect(queries.map((r) => r.url)).toEqual([
      '/api/v2/usage/events/query?pageSize=200',
      '/api/v2/usage/events/query?after=c2&pageSize=200',
    ]);
    expect(
      queries.every(
        (r) =>
          JSON.stringify(r.body) ===
          JSON.stringify({ interval: '2026-01-15T00:00:00Z/2026-01-15T12:00:00Z' }),
      ),
    ).toBe(true);
  });
});
