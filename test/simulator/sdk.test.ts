import platformClient from 'purecloud-platform-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { fetchTruth } from '../helpers/sim-truth.js';
import { FakeClock } from '../helpers/clock.js';

// The unchanged official SDK against the simulator. ApiClient is a singleton: configured once for this file.
const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);
const clock = new FakeClock(NOW);
let sim: RunningSimulator;
const client = platformClient.ApiClient.instance;

beforeAll(async () => {
  sim = await startSimulator({
    clock,
    scenario: {
      org: { id: 'org-1', name: 'SDK Org' },
      agent: { clientId: 'simulator-agent', clientSecret: 'simulator-secret' },
      clients: [
        {
          id: 'steady-1',
          name: 'Steady_One',
          secret: 's1',
          traffic: {
            profile: 'steady',
            rpm: 50,
            endpoints: [
              { templateUri: 'api/v2/users', method: 'GET' },
              { templateUri: 'api/v2/routing/queues', method: 'GET' },
            ],
          },
        },
        {
          id: 'runaway-1',
          name: 'Runaway_One',
          secret: 'r1',
          traffic: { profile: 'runaway', rpm: 400, peakRpm: 400 },
        },
        { id: 'small-1', name: 'Small_Limit_Caller', secret: 'small' },
      ],
      usage: { historyDays: 10, jobPolls: 2 },
      limits: { 'client.credentials.token.rate.per.minute': 300 },
    },
  });
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: sim.port });
  client.setReturnExtendedResponses(false);
  await client.loginClientCredentialsGrant('simulator-agent', 'simulator-secret');
});

afterAll(async () => {
  await sim.close();
});

describe('official SDK against the simulator', () => {
  it('rejects a wrong secret with invalid_client', async () => {
    await expect(client.loginClientCredentialsGrant('simulator-agent', 'wrong')).rejects.toMatchObject({
      response: {
        status: 400,
        data: { error: 'invalid_client', error_description: 'authentication failed' },
      },
    });
    await client.loginClientCredentialsGrant('simulator-agent', 'simulator-secret');
  });

  it('submits a usage aggregates job and pages through every result', async () => {
    const usage = new platformClient.UsageApi();
    const job = await usage.postUsageAggregatesQueryJobs({
      interval: '2026-01-05/2026-01-14',
      granularity: 'Day',
      groupBy: ['OauthClientId', 'TemplateUri'],
    });
    expect(job.id).toBeTruthy();
    const statuses: string[] = [];
    let page = await usage.getUsageAggregatesQueryJob(job.id, { pageSize: 7 });
    while (page.queryStatus !== 'Succeeded') {
      statuses.push(page.queryStatus);
      page = await usage.getUsageAggregatesQueryJob(job.id, { pageSize: 7 });
    }
    expect(statuses).toEqual(['Queued', 'Running']);
    const entities = [...(page.entities ?? [])];
    while (page.nextUri) {
      const after = new URL(page.nextUri, sim.url).searchParams.get('after') ?? undefined;
      page = await usage.getUsageAggregatesQueryJob(job.id, { pageSize: 7, after });
      entities.push(...(page.entities ?? []));
    }
    // 10 days × (2 endpoints of Steady_One + 1 of Runaway_One)
    expect(entities).toHaveLength(30);
    const steady = entities
      .filter((e) => e.oauthClient?.id === 'steady-1')
      .reduce((a, e) => a + (e.requestCount ?? 0), 0);
    const truth = await fetchTruth(sim.url);
    const days = truth.clients.find((c) => c.id === 'steady-1')!.days;
    const expected = Object.entries(days)
      .filter(([d]) => d >= '2026-01-05' && d <= '2026-01-14')
      .reduce((a, [, v]) => a + v.requests, 0);
    expect(steady).toBe(expected);
  });

  it('runs a legacy usage query to completion', async () => {
    const usage = new platformClient.UsageApi();
    const exec = await usage.postUsageQuery({ interval: '2026-01-10/2026-01-12', granularity: 'Day' });
    let result = await usage.getUsageQueryExecutionIdResults(exec.executionId!);
    expect(result.queryStatus).toBe('Running');
    while (result.queryStatus === 'Running')
      result = await usage.getUsageQueryExecutionIdResults(exec.executionId!);
    expect(result.queryStatus).toBe('Complete');
    const row = result.results!.find((r) => r.clientId === 'steady-1')!;
    expect(row.date).toMatch(/T00:00:00Z$/);
    expect(row.templateUri).toBe('');
    expect(result.results!.filter((r) => r.clientId === 'steady-1')).toHaveLength(3);
  });

  it('lists clients, gets one, and 404s a deleted one', async () => {
    const oauth = new platformClient.OAuthApi();
    const list = await oauth.getOauthClients();
    expect(list.entities!.map((c) => c.name)).toContain('Steady_One');
    expect(
      list.entities!.every((c) => c.authorizedGrantType === 'CLIENT-CREDENTIALS' && c.state === 'active'),
    ).toBe(true);
    expect((await oauth.getOauthClient('steady-1')).name).toBe('Steady_One');
    const del = await fetch(`${sim.url}/__sim/clients/small-1`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    await expect(oauth.getOauthClient('small-1')).rejects.toMatchObject({ status: 404, code: 'not.found' });
    expect((await oauth.getOauthClients()).entities!.map((c) => c.id)).not.toContain('small-1');
  });

  it('reads platform.api limits', async () => {
    const org = new platformClient.OrganizationApi();
    const limits = await org.getOrganizationsLimitsNamespace('platform.api');
    expect(limits.entities).toContainEqual({
      key: 'client.credentials.token.rate.per.minute',
      namespace: 'platform.api',
      value: 300,
    });
    const namespaces = (await org.getOrganizationsLimitsNamespaces()) as { entities: { name: string }[] };
    expect(namespaces.entities.map((n) => n.name)).toEqual(['platform.api']);
  });

  it('answers rate-limit aggregates and operational events for the runaway client', async () => {
    const analytics = new platformClient.AnalyticsApi();
    const agg = await analytics.postAnalyticsRatelimitsAggregatesQuery({
      interval: '2026-01-15T11:00:00.000Z/2026-01-15T12:00:00.000Z',
      granularity: 'PT1M',
      groupBy: ['entityId'],
      metrics: ['oRateLimitRecorded'],
    });
    const group = agg.results!.find((r) => r.group?.entityId === 'runaway-1')!;
    expect(group.data).toHaveLength(60);
    expect(group.data![0]!.metrics![0]!.stats).toEqual({ count: 1, max: 300 });
    await expect(
      analytics.postAnalyticsRatelimitsAggregatesQuery({
        interval: '2026-01-15T11:00:00.000Z/2026-01-15T12:00:00.000Z',
        granularity: 'PT30S',
        metrics: ['oRateLimitRecorded'],
      }),
    ).rejects.toMatchObject({ status: 400 });

    const events = new platformClient.OperationalEventsApi();
    const page = await events.postUsageEventsQuery({
      body: { interval: '2026-01-15T11:00:00.000Z/2026-01-15T12:00:00.000Z' },
      pageSize: '50',
    });
    expect(page.entities).toHaveLength(50);
    expect(page.entities![0]).toMatchObject({
      entityId: 'runaway-1',
      entityName: 'Runaway_One',
      previousValue: '300',
    });
    expect(page.nextUri).toContain('after=');
  });

  it('answers 429 with Retry-After once a token exceeds its limit', async () => {
    const users = new platformClient.UsersApi();
    for (let i = 0; i < 300; i++) await users.getUsers();
    client.setReturnExtendedResponses(true);
    try {
      const err = (await users.getUsers().then(
        () => undefined,
        (e: unknown) => e,
      )) as { status: number; headers: Record<string, string>; body: { code: string } };
      expect(err.status).toBe(429);
      expect(err.headers['retry-after']).toBe('30'); // FakeClock sits 30 s into the minute
      expect(err.headers['inin-correlation-id']).toBeTruthy();
      expect(err.body.code).toBe('too.many.requests.retry.after');
    } finally {
      client.setReturnExtendedResponses(false);
    }
    const truth = await fetchTruth(sim.url);
    const agent = truth.clients.find((c) => c.id === 'simulator-agent')!;
    expect(agent.lastMinute).toEqual({ requests: 301, status429: 1 });
    expect(agent.days['2026-01-15']).toMatchObject({ requests: 301, status429: 1 });
  });
});
