/** Issue 24 in the simulator: endpoint mixes, real requests under their template, both 429 conventions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { templateOf } from '../../src/simulator/routes/catchall.js';
import { FakeClock } from '../helpers/clock.js';
import { call, login, truth, type Loose } from './helpers.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('templateOf', () => {
  const templates = ['api/v2/users/{userId}', 'api/v2/users/me', 'api/v2/routing/queues/{queueId}/members'];
  it('prefers the template with the most literal segments, then ids as {id}', () => {
    expect(templateOf('/api/v2/users/me?expand=x', templates)).toBe('api/v2/users/me');
    expect(templateOf('/api/v2/users/abc', templates)).toBe('api/v2/users/{userId}');
    expect(templateOf('/api/v2/routing/queues/q1/members', templates)).toBe(
      'api/v2/routing/queues/{queueId}/members',
    );
    expect(templateOf('/api/v2/groups/42/members', templates)).toBe('api/v2/groups/{id}/members');
  });
});

describe.each(['inStatus400', 'separate'] as const)('usage rows with 429s %s', (status429) => {
  let sim: RunningSimulator;
  let token: string;
  const clock = new FakeClock(START);

  beforeAll(async () => {
    sim = await startSimulator({
      clock,
      scenario: {
        org: { id: 'org-e', name: 'O' },
        agent: { clientId: 'a', clientSecret: 's' },
        clients: [
          {
            id: 'c1',
            name: 'One',
            secret: 'one',
            traffic: {
              rpm: 400,
              endpoints: [
                { templateUri: 'api/v2/users/{userId}', method: 'GET', weight: 3 },
                { templateUri: 'api/v2/users/me', method: 'GET', weight: 1 },
              ],
            },
          },
        ],
        usage: { historyDays: 2, jobPolls: 0, status429, publication: 'intraday' },
      },
    });
    token = await login(sim.url, 'a', 's');
  });
  afterAll(async () => sim.close());

  it('a real request counts under the scenario template; both APIs answer per endpoint from the truth', async () => {
    const own = await login(sim.url, 'c1', 'one');
    expect((await call(sim.url, own, 'GET', '/api/v2/users/me')).status).toBe(200);
    expect((await call(sim.url, own, 'GET', '/api/v2/users/42')).status).toBe(200);
    clock.advance(120_000);
    const t = await truth(sim.url);
    const endpoints = t.clients.find((c) => c.id === 'c1')!.endpointDays['2026-01-15']!;
    const me = endpoints.find((e) => e.templateUri === 'api/v2/users/me' && e.method === 'GET')!;
    expect(me.counts.requests).toBeGreaterThan(0);
    const yesterday = t.clients.find((c) => c.id === 'c1')!.endpointDays['2026-01-14']!;
    expect(yesterday.map((e) => e.templateUri).sort()).toEqual(['api/v2/users/me', 'api/v2/users/{userId}']);
    const ofUser = yesterday.find((e) => e.templateUri === 'api/v2/users/{userId}')!.counts;
    expect(ofUser.status429).toBeGreaterThan(0); // 400 rpm on one token, limit 300

    const interval = '2026-01-14T00:00:00Z/2026-01-14T23:59:59.999Z';
    const job = (
      await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', {
        interval,
        granularity: 'Day',
        groupBy: ['OauthClientId', 'TemplateUri', 'HttpMethod'],
      })
    ).json();
    const page = (await call(sim.url, token, 'GET', `/api/v2/usage/aggregates/query/jobs/${job.id}`)).json();
    const legacy = (
      await call(sim.url, token, 'POST', '/api/v2/usage/query', {
        interval,
        granularity: 'Day',
        groupBy: ['OAuthClientId', 'TemplateUri', 'HttpMethod'],
      })
    ).json();
    const results = (
      await call(sim.url, token, 'GET', `/api/v2/usage/query/${legacy.executionId}/results`)
    ).json();
    const separate = status429 === 'separate' ? ofUser.status429 : 0;
    const entity = page.entities.find((e: Loose) => e.templateUri === 'api/v2/users/{userId}');
    expect(entity).toMatchObject({
      httpMethod: 'GET',
      requestCount: ofUser.requests,
      status400: ofUser.status400 - separate,
      status429: ofUser.status429,
    });
    const row = results.results.find((r: Loose) => r.templateUri === 'api/v2/users/{userId}');
    expect(row).toMatchObject({
      httpMethod: 'GET',
      requests: ofUser.requests,
      status400: ofUser.status400 - separate,
      status429: ofUser.status429,
    });
  });
});
