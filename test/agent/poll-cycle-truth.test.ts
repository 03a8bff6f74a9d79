/**
 * Issue 15's bar: a full poll cycle of every source against the simulator exports exactly the
 * figures of the simulator's truth, every source up — with full answers and with sparse ones (only
 * what the SDK's models require). The org is shaped to touch every tolerance: more OAuth clients
 * than one page of the client list, a deleted client, Genesys' built-in clients, and a runaway
 * client whose tokens pass 90 % of the limit every minute (rate-limit records and events).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/simulator/index.js';
import type { MetricFamily } from '../../src/telemetry/families.js';
import { fetchTruth, type Truth } from '../helpers/sim-truth.js';
import { pointValue } from '../helpers/families.js';
import { MODES, startHarness, type Harness } from '../resilience/harness.js';

const START = Date.UTC(2026, 0, 15, 12, 0, 0); // a minute boundary: records and events count alike from here
const LIMIT_KEY = 'client.credentials.token.rate.per.minute';
const RATE_LIMIT_DEFINITION = '5b0b5b6e-2f4a-4f38-9c1e-7a1d3c9e0a01';
const RATE_LIMIT_NAME = 'Rate limit warning: client.credentials.token.rate.per.minute';

/** Twelve endpoints: two more than the agent's default top 10, so the rest is summed as `other`. */
const MANY = Array.from({ length: 12 }, (_, i) => ({
  templateUri: i === 0 ? 'api/v2/users/me' : `api/v2/routing/queues/{queueId}/members/${i}`,
  method: i % 2 === 0 ? ('GET' as const) : ('POST' as const),
  weight: 12 - i,
}));
const MIX = [
  { templateUri: 'api/v2/users/{userId}', method: 'GET' as const, weight: 3 },
  { templateUri: 'api/v2/analytics/conversations/details/query', method: 'POST' as const, weight: 1 },
];

/** Full answers count 429s inside status400, sparse ones beside it: the agent must read both right. */
const scenarioFor = (mode: string): ScenarioInput => ({
  ...scenario,
  usage: { ...scenario.usage, status429: mode === 'sparse' ? 'separate' : 'inStatus400' },
});

const scenario: ScenarioInput = {
  org: { id: 'org-truth', name: 'Truth Org' },
  agent: { clientId: 'simulator-agent', clientSecret: 'simulator-secret' },
  clients: [
    ...Array.from({ length: 30 }, (_, i) => ({
      id: `quiet-${String(i).padStart(2, '0')}`,
      name: `Quiet_${i}`,
      traffic: {
        rpm: 1 + (i % 4),
        errorRate4xx: 0.05,
        errorRate5xx: 0.01,
        ...(i % 3 === 0 ? { endpoints: MIX } : {}),
      },
    })),
    {
      id: 'runaway',
      name: 'Runaway_Job',
      tokens: 2,
      traffic: { profile: 'runaway', rpm: 700, peakRpm: 700, endpoints: MANY },
    },
    { id: 'gone', name: 'Deleted_Integration', deletedDaysAgo: 3, traffic: { rpm: 20 } },
  ],
  usage: { historyDays: 40, jobPolls: 1, builtinClientsRpm: 3 },
  limits: { [LIMIT_KEY]: 300 },
};

const value = (fams: MetricFamily[], name: string, attrs: Record<string, string>) =>
  pointValue(fams, name, { org: 'test', ...attrs });
const points = (fams: MetricFamily[], name: string) => fams.find((f) => f.name === name)?.points ?? [];

describe.each(MODES)('one poll cycle against %s answers exports the truth', (mode) => {
  let h: Harness;
  let fams: MetricFamily[];
  let truth: Truth;

  beforeAll(async () => {
    // A cold simulator sums 40 days of 35 clients' minutes on the first query: more than the fault matrix's 800 ms.
    h = await startHarness({
      scenario: scenarioFor(mode),
      mode,
      startMs: START,
      budgetPerMinute: 60,
      requestTimeoutMs: 30_000,
    });
    await h.pollAll();
    // Ten minutes of rate-limit polls, so records and events after the start are seen and counted.
    for (let i = 0; i < 10; i++) {
      h.clock.advance(60_000);
      await h.runtime.ratelimits.runOnce();
    }
    fams = h.families();
    truth = await fetchTruth(h.sim.url);
  });
  afterAll(async () => h?.close());

  it('every source is up and no record was skipped', () => {
    for (const source of ['usage', 'limits', 'ratelimits'])
      expect(value(fams, 'genesys_agent_source_up', { source }), source).toBe(1);
    expect(points(fams, 'genesys_agent_records_skipped')).toEqual([]);
  });

  it('usage: last day, status classes and month to date per client equal the truth', () => {
    const yesterday = '2026-01-14';
    const live = truth.clients.filter((c) => !c.deleted && c.days[yesterday]);
    expect(live.length).toBe(30 + 1 + 2); // the quiet ones, the runaway, the two built-ins
    for (const c of live) {
      const y = c.days[yesterday]!;
      const labels = {
        client_id: c.id,
        // Genesys' own clients under one stable name, never in the deleted series.
        client_name: c.builtin ? 'Genesys Cloud (built-in)' : c.name,
      };
      expect(value(fams, 'genesys_usage_requests_last_day', labels), c.id).toBe(y.requests);
      const byClass = (k: string) =>
        value(fams, 'genesys_usage_responses_last_day', { ...labels, status_class: k });
      expect(byClass('2xx')).toBe(y.status200);
      expect(byClass('3xx')).toBe(y.status300);
      expect(byClass('4xx')).toBe(y.status400 - y.status429);
      expect(byClass('429')).toBe(y.status429);
      expect(byClass('5xx')).toBe(y.status500);
      const mtd = Object.entries(c.days)
        .filter(([d]) => d >= '2026-01-01' && d <= yesterday)
        .reduce((sum, [, v]) => sum + v.requests, 0);
      expect(value(fams, 'genesys_usage_requests_month_to_date', labels), c.id).toBe(mtd);
    }
    expect(truth.clients.filter((c) => c.builtin).map((c) => c.id)).toEqual([
      'purecloud',
      'purecloud-builtin',
    ]);
  });

  it('usage: per-endpoint requests and 429s of the last day equal the truth, the rest beyond the top 10 as other', () => {
    const yesterday = '2026-01-14';
    const requests = points(fams, 'genesys_usage_endpoint_requests_last_day');
    const limited = points(fams, 'genesys_usage_endpoint_responses_last_day');
    const live = truth.clients.filter((c) => !c.deleted && c.endpointDays[yesterday]);
    let checked = 0;
    for (const c of live) {
      const endpoints = [...c.endpointDays[yesterday]!]
        .sort((a, b) => b.counts.requests - a.counts.requests || a.templateUri.localeCompare(b.templateUri))
        .map((e) => ({
          endpoint: `/${e.templateUri}`,
          method: e.method,
          requests: e.counts.requests,
          s429: e.counts.status429,
        }));
      const expected = endpoints.slice(0, 10);
      const rest = endpoints.slice(10);
      if (rest.length > 0)
        expected.push({
          endpoint: 'other',
          method: 'other',
          requests: rest.reduce((s, e) => s + e.requests, 0),
          s429: rest.reduce((s, e) => s + e.s429, 0),
        });
      const own = (list: typeof requests) =>
        list
          .filter((p) => p.attributes.client_id === c.id)
          .map((p) => [p.attributes.method, p.attributes.endpoint, 'value' in p ? p.value : NaN])
          .sort(
            (a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])),
          );
      const want = (pick: (e: (typeof expected)[number]) => number) =>
        expected
          .filter((e) => pick(e) > 0)
          .map((e) => [e.method, e.endpoint, pick(e)])
          .sort(
            (a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])),
          );
      expect(own(requests), c.id).toEqual(want((e) => e.requests));
      expect(own(limited), c.id).toEqual(want((e) => e.s429));
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(live.length); // the runaway's 11 and the mixes' 2 each
    const runaway = requests.filter((p) => p.attributes.client_id === 'runaway');
    expect(runaway.map((p) => p.attributes.endpoint)).toContain('other');
    expect(runaway).toHaveLength(11);
    expect(
      limited.some(
        (p) => p.attributes.client_id === 'runaway' && p.attributes.endpoint === '/api/v2/users/me',
      ),
    ).toBe(true);
  });

  it("usage: deleted clients' requests are in the deleted series, so org totals add up", () => {
    const deleted = truth.clients.filter((c) => c.deleted);
    expect(deleted.map((c) => c.id)).toEqual(['gone']);
    const mtd = Object.entries(deleted[0]!.days)
      .filter(([d]) => d >= '2026-01-01' && d < '2026-01-15')
      .reduce((sum, [, v]) => sum + v.requests, 0);
    expect(mtd).toBeGreaterThan(0);
    expect(value(fams, 'genesys_usage_requests_month_to_date', { client_id: 'deleted' })).toBe(mtd);
    const orgTotal = points(fams, 'genesys_usage_requests_month_to_date').reduce(
      (sum, p) => sum + ('value' in p ? p.value : 0),
      0,
    );
    const truthTotal = truth.clients
      .flatMap((c) => Object.entries(c.days))
      .filter(([d]) => d >= '2026-01-01' && d < '2026-01-15')
      .reduce((sum, [, v]) => sum + v.requests, 0);
    expect(orgTotal).toBe(truthTotal);
  });

  it('limits: the per-token limit equals the truth', () => {
    expect(value(fams, 'genesys_limit_requests_per_minute', { limit_key: LIMIT_KEY })).toBe(truth.limit);
  });

  it('rate-limit records and operational events since the start equal the truth', () => {
    const counted = truth.rateLimitRecords.filter((r) => Date.parse(r.minute) >= START);
    const total = counted.reduce((sum, r) => sum + r.count, 0);
    expect(total).toBeGreaterThanOrEqual(2 * 10); // two tokens, every minute
    expect(new Set(counted.map((r) => r.entityId))).toEqual(new Set(['runaway']));
    expect(
      value(fams, 'genesys_rate_limit_warnings', {
        namespace: 'platform.api',
        limit_key: LIMIT_KEY,
        entity_id: 'runaway',
        entity_name: 'Runaway_Job',
      }),
    ).toBe(total);
    // Sparse definitions carry no name: the id stands in.
    const definition = mode === 'sparse' ? RATE_LIMIT_DEFINITION : RATE_LIMIT_NAME;
    expect(value(fams, 'genesys_operational_events', { event_definition: definition, source: 'pull' })).toBe(
      total,
    );
    expect(truth.operationalEvents.byDefinition[RATE_LIMIT_DEFINITION]).toBe(truth.operationalEvents.count);
  });

  it('the client list was read across pages (nextUri followed)', async () => {
    const calls = (await (await fetch(`${h.sim.url}/__sim/requests`)).json()) as {
      requests: { route: string; query: Record<string, string> }[];
    };
    const pages = calls.requests
      .filter((r) => r.route === '/api/v2/oauth/clients')
      .map((r) => r.query.pageNumber);
    expect(pages).toContain('2');
  });
});
