import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { call, login, truth, type Loose } from './helpers.js';
import { FakeClock } from '../helpers/clock.js';

let sim: RunningSimulator;
let token: string;
const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));

async function poll(path: string, done: (b: Loose) => boolean): Promise<Loose> {
  for (let i = 0; i < 10; i++) {
    const b = (await call(sim.url, token, 'GET', path)).json();
    if (done(b)) return b;
  }
  throw new Error(`never done: ${path}`);
}

beforeAll(async () => {
  sim = await startSimulator({
    clock,
    scenario: {
      org: { id: 'org-9', name: 'O' },
      agent: { clientId: 'a', clientSecret: 's' },
      clients: [
        {
          id: 'c1',
          name: 'One',
          traffic: {
            profile: 'steady',
            rpm: 20,
            endpoints: [
              { templateUri: 'api/v2/users', method: 'GET', weight: 1 },
              { templateUri: 'api/v2/users', method: 'POST', weight: 1 },
            ],
          },
        },
      ],
      usage: { historyDays: 7 },
    },
  });
  token = await login(sim.url, 'a', 's');
});
afterAll(async () => sim.close());

describe('usage API variants agree with the truth', () => {
  it('client job, legacy client query, summary and simple search', async () => {
    const t = await truth(sim.url);
    const days = t.clients.find((c) => c.id === 'c1')!.days;
    const published = Object.entries(days).filter(([d]) => d < '2026-01-15');
    const total = published.reduce((a, [, v]) => a + v.requests, 0);

    const job = (
      await call(sim.url, token, 'POST', '/api/v2/usage/client/c1/aggregates/query/jobs', {
        interval: '2026-01-01/2026-01-15',
        groupBy: ['HttpMethod', 'OrganizationId'],
      })
    ).json();
    const page = await poll(job.resultsUri, (b) => b.queryStatus === 'Succeeded');
    expect(page.entities.map((e: Loose) => e.httpMethod).sort()).toEqual(['GET', 'POST']);
    expect(page.entities[0].organizationId).toBe('org-9');
    expect(page.entities.reduce((a: number, e: Loose) => a + e.requestCount, 0)).toBe(total);

    const legacy = (
      await call(sim.url, token, 'POST', '/api/v2/oauth/clients/c1/usage/query', {
        interval: '2026-01-01/2026-01-15',
        groupBy: ['TemplateUri'],
      })
    ).json();
    expect(legacy.resultsUri).toBe(`/api/v2/oauth/clients/c1/usage/query/results/${legacy.executionId}`);
    const rows = (await poll(legacy.resultsUri, (b) => b.queryStatus === 'Complete')).results;
    expect(rows).toEqual([
      expect.objectContaining({
        clientId: 'c1',
        clientName: 'One',
        templateUri: 'api/v2/users',
        httpMethod: '',
        requests: total,
      }),
    ]);
    expect(rows[0]).not.toHaveProperty('date');

    const summary = (
      await call(sim.url, token, 'GET', '/api/v2/oauth/clients/c1/usage/summary?days=7')
    ).json();
    const summaryRows = (await poll(summary.resultsUri, (b) => b.queryStatus === 'Complete')).results;
    expect(summaryRows).toHaveLength(7);
    expect(summaryRows.reduce((a: number, r: Loose) => a + r.requests, 0)).toBe(total);

    const search = (
      await call(sim.url, token, 'POST', '/api/v2/usage/simplesearch', {
        interval: '2026-01-01/2026-01-15',
        oauthClientNames: ['One'],
      })
    ).json();
    const first = await poll(`${search.resultsUri}?pageSize=5`, (b) => b.queryStatus === 'Complete');
    expect(first.results).toHaveLength(5);
    const rest = (
      await call(sim.url, token, 'GET', `${search.resultsUri}?pageSize=1000&after=${first.cursors.after}`)
    ).json();
    expect([...first.results, ...rest.results].reduce((a: number, r: Loose) => a + r.requests, 0)).toBe(
      total,
    );
  });

  it('rejects intervals over 90 days or starting more than a year back, and bad page sizes', async () => {
    const long = await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', {
      interval: '2025-09-01/2026-01-10',
    });
    expect(long.status).toBe(400);
    expect(long.json().message).toContain('90 days');
    expect(
      (
        await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', {
          interval: '2024-12-01/2024-12-10',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', { granularity: 'Day' }))
        .status,
    ).toBe(400);
    const job = (
      await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', {
        interval: '2026-01-01/2026-01-10',
      })
    ).json();
    expect((await call(sim.url, token, 'GET', `${job.resultsUri}?pageSize=1001`)).status).toBe(400);
  });
});
