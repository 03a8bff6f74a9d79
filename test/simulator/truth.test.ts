import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, startSimulator } from '../../src/simulator/index.js';
import type { Counts as DayCounts } from '../../src/simulator/traffic.js';
import { call, login, runLegacyQuery, runUsageJob, truth } from './helpers.js';
import { FakeClock } from '../helpers/clock.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const LATER = Date.UTC(2026, 0, 16, 0, 30, 0);
const MIN = 60_000;

type Totals = Map<string, DayCounts>;
const key = (clientId: string, day: string) => `${clientId}|${day}`;

function add(m: Totals, k: string, c: DayCounts): void {
  const t = m.get(k) ?? { requests: 0, status200: 0, status300: 0, status400: 0, status429: 0, status500: 0 };
  for (const f of Object.keys(t) as (keyof DayCounts)[]) t[f] += c[f];
  m.set(k, t);
}

describe.each(BUILTIN_SCENARIOS)('scenario %s: Usage API totals equal the truth', (name) => {
  it.each([1, 7, 42])('seed %i', async (seed) => {
    const clock = new FakeClock(START);
    const sim = await startSimulator({ scenario: name, seed, clock });
    try {
      const client = sim.scenario.clients[0]!;
      const token = await login(sim.url, client.id, client.secret);
      for (let i = 0; i < 5; i++)
        expect((await call(sim.url, token, 'GET', `/api/v2/users/${i}`)).status).toBe(200);
      clock.advance(20 * MIN); // churn: clients appear and disappear while running
      await call(sim.url, token, 'POST', '/api/v2/conversations/messages');
      clock.set(LATER);

      // What the Usage API may show now is the truth as it stood when publication stopped.
      const lag = sim.scenario.usage.lagSeconds * 1000;
      const published = sim.scenario.usage.publication === 'daily' ? Date.UTC(2026, 0, 16) : LATER - lag;
      clock.set(published);
      const t = await truth(sim.url);
      clock.set(LATER);

      const expected: Totals = new Map();
      for (const c of t.clients)
        for (const [day, counts] of Object.entries(c.days))
          if (counts.requests > 0) add(expected, key(c.id, day), counts);
      expect(expected.size).toBeGreaterThan(0);

      const agent = await login(sim.url, 'simulator-agent', 'simulator-secret');
      const entities = await runUsageJob(sim.url, agent, {
        interval: '2025-11-20/2026-01-16',
        granularity: 'Day',
        groupBy: ['OauthClientId'],
      });
      const actual: Totals = new Map();
      for (const e of entities) {
        add(actual, key(e.oauthClient.id, e.date), {
          requests: e.requestCount,
          status200: e.status200,
          status300: e.status300,
          status400: e.status400,
          status429: e.status429,
          status500: e.status500,
        });
      }
      expect(actual).toEqual(expected);

      const rows = await runLegacyQuery(sim.url, agent, {
        interval: '2025-11-20/2026-01-16',
        granularity: 'Day',
      });
      const legacy: Totals = new Map();
      for (const r of rows)
        add(legacy, key(r.clientId, r.date.slice(0, 10)), {
          requests: r.requests,
          status200: r.status200,
          status300: r.status300,
          status400: r.status400,
          status429: r.status429,
          status500: r.status500,
        });
      expect(legacy).toEqual(expected);
    } finally {
      await sim.close();
    }
  });
});

describe('publication', () => {
  it('daily never shows today and shows yesterday only after lagSeconds past midnight', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 16, 0, 0, 30));
    const sim = await startSimulator({
      scenario: {
        org: { id: 'o', name: 'O' },
        agent: { clientId: 'a', clientSecret: 's' },
        clients: [{ name: 'C', traffic: { profile: 'steady', rpm: 10 } }],
        usage: { historyDays: 3, lagSeconds: 60 },
      },
      clock,
    });
    try {
      const agent = await login(sim.url, 'a', 's');
      const days = async () => [
        ...new Set(
          (await runUsageJob(sim.url, agent, { interval: '2026-01-10/2026-01-16', granularity: 'Day' })).map(
            (e) => e.date,
          ),
        ),
      ];
      expect(await days()).toEqual(['2026-01-13', '2026-01-14']);
      clock.advance(60_000);
      expect(await days()).toEqual(['2026-01-13', '2026-01-14', '2026-01-15']);
    } finally {
      await sim.close();
    }
  });

  it('intraday shows today up to now minus lagSeconds', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 16, 10, 0, 0));
    const sim = await startSimulator({ scenario: 'intraday', clock });
    try {
      const agent = await login(sim.url, 'simulator-agent', 'simulator-secret');
      const today = async () =>
        (
          await runUsageJob(sim.url, agent, { interval: '2026-01-16/2026-01-16', groupBy: ['OauthClientId'] })
        ).reduce((a, e) => a + e.requestCount, 0);
      const before = await today();
      clock.advance(10 * MIN);
      expect(await today()).toBeGreaterThan(before);
      expect(before).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
