/**
 * The client against the real simulator (src/simulator), sharing one fake clock: the simulator's
 * own call log (`/__sim/calls`) is the witness for logins, retries and the call budget.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExhaustedError, GenesysClient, type GenesysClientOptions } from '../../src/genesys/client.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { MODES, setMode } from '../helpers/sim-mode.js';
import { FakeClock } from '../helpers/clock.js';

interface CallsReport {
  total: number;
  byRoute: { method: string; route: string; status: number; count: number }[];
  byCaller: { clientId: string; count: number }[];
}

const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
let sim: RunningSimulator;
let waits: number[] = [];
/** Runs inside the client's sleep (e.g. to lift a fault once the client has backed off). */
let onSleep: (() => Promise<void>) | undefined;
const clients: GenesysClient[] = [];

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const calls = async () => (await control('GET', '/__sim/calls')) as CallsReport;
const routeCount = (r: CallsReport, method: string, route: string, status?: number) =>
  r.byRoute
    .filter((x) => x.method === method && x.route === route && (status === undefined || x.status === status))
    .reduce((n, x) => n + x.count, 0);
const agentCalls = (r: CallsReport) => r.byCaller.find((c) => c.clientId === 'simulator-agent')?.count ?? 0;

function client(extra: Partial<GenesysClientOptions> = {}): GenesysClient {
  const c = new GenesysClient({
    org: 'demo',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: 'simulator-agent',
    clientSecret: 'simulator-secret',
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
      await onSleep?.();
    },
    ...extra,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'demo', host: '127.0.0.1', port: 0, clock });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.close();
});
beforeEach(async () => {
  waits = [];
  onSleep = undefined;
  await control('DELETE', '/__sim/faults');
});

describe.each(MODES)('GenesysClient against the simulator (%s answers)', (mode) => {
  beforeAll(() => setMode(sim.url, mode));

  it('refreshes its token before expiry', async () => {
    const c = client();
    const before = await calls();
    await c.listOAuthClients();
    const lifetimeMs = sim.scenario.agent.tokenValiditySeconds * 1000;
    clock.advance(lifetimeMs * 0.9 - 1000);
    await c.listOAuthClients();
    expect(
      routeCount(await calls(), 'POST', '/oauth/token') - routeCount(before, 'POST', '/oauth/token'),
    ).toBe(1);
    clock.advance(2000); // past 90 %, still well before expiry
    await c.listOAuthClients();
    const after = await calls();
    expect(routeCount(after, 'POST', '/oauth/token') - routeCount(before, 'POST', '/oauth/token')).toBe(2);
    expect(routeCount(after, 'GET', '/api/v2/oauth/clients', 401)).toBe(
      routeCount(before, 'GET', '/api/v2/oauth/clients', 401),
    );
  });

  it('logs in again after its token is revoked (401) and the call still succeeds', async () => {
    const c = client();
    await c.listOAuthClients();
    const before = await calls();
    await control('DELETE', '/__sim/tokens');
    expect((await c.listOAuthClients()).length).toBeGreaterThan(0);
    const after = await calls();
    expect(
      routeCount(after, 'GET', '/api/v2/oauth/clients', 401) -
        routeCount(before, 'GET', '/api/v2/oauth/clients', 401),
    ).toBe(1);
    expect(routeCount(after, 'POST', '/oauth/token') - routeCount(before, 'POST', '/oauth/token')).toBe(1);
    expect(c.requestCount('GET /api/v2/oauth/clients', '4xx')).toBe(1);
  });

  it('honours Retry-After from a 429', async () => {
    const c = client();
    await c.listOAuthClients();
    await control('POST', '/__sim/faults', { route: '/api/v2/oauth/clients', status: 429, retryAfter: 9 });
    onSleep = async () => {
      await control('DELETE', '/__sim/faults');
    };
    expect((await c.listOAuthClients()).length).toBeGreaterThan(0);
    expect(waits).toEqual([9000]);
    expect(c.requestCount('GET /api/v2/oauth/clients', '429')).toBe(1);
  });

  it('never sends more than its call budget (as counted by the simulator)', async () => {
    clock.advance(120_000); // a fresh window for this client's budget
    const c = client({ callBudgetPerMinute: 5, callDeadlineMs: 1000 });
    const before = agentCalls(await calls());
    let sent = 0;
    let exhausted: unknown;
    for (let i = 0; i < 10 && !exhausted; i += 1) {
      try {
        await c.getLimits('platform.api');
        sent += 1;
      } catch (err) {
        exhausted = err;
      }
    }
    expect(exhausted).toBeInstanceOf(BudgetExhaustedError);
    expect(sent).toBe(4); // + the login = 5
    expect(agentCalls(await calls()) - before).toBe(5);
    clock.advance(60_000);
    await c.getLimits('platform.api');
    expect(agentCalls(await calls()) - before).toBe(6);
  });

  it('returns the same per-client daily usage from the jobs API and the legacy API', async () => {
    const c = client();
    const interval = '2026-01-01/2026-01-14';
    const sort = (rows: Awaited<ReturnType<GenesysClient['queryUsageLegacy']>>) =>
      [...rows].sort((a, b) => a.date.localeCompare(b.date) || a.clientId.localeCompare(b.clientId));
    const [jobs, legacy] = await Promise.all([
      c.queryUsageAggregates({ interval }),
      c.queryUsageLegacy({ interval }),
    ]);
    expect(jobs.length).toBeGreaterThan(0);
    expect(sort(jobs)).toEqual(sort(legacy));
  });

  it('returns the same per-endpoint rows from both APIs, each endpoint with its leading slash', async () => {
    const c = client();
    const q = { interval: '2026-01-13T00:00:00Z/2026-01-13T23:59:59.999Z', byEndpoint: true };
    const key = (r: { clientId: string; endpoint?: string; method?: string }) =>
      `${r.clientId} ${r.method} ${r.endpoint}`;
    const sort = (rows: Awaited<ReturnType<GenesysClient['queryUsageLegacy']>>) =>
      [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    const [jobs, legacy] = await Promise.all([c.queryUsageAggregates(q), c.queryUsageLegacy(q)]);
    expect(new Set(jobs.map((r) => r.clientId)).size).toBeLessThan(jobs.length); // several endpoints a client
    expect(jobs.every((r) => r.endpoint!.startsWith('/api/v2/') && r.method === 'GET')).toBe(false);
    expect(jobs.every((r) => r.endpoint!.startsWith('/api/v2/'))).toBe(true);
    // The legacy API hides Genesys' built-in clients; the rest is the same.
    expect(sort(jobs.filter((r) => !r.clientId.startsWith('purecloud')))).toEqual(sort(legacy));
  });

  it("turns the simulator's schema, paging and stuck-job faults into clear errors", async () => {
    const c = client({ usageJobPoll: { initialMs: 1000, maxMs: 2000, timeoutMs: 10_000 } });
    const interval = '2026-01-01/2026-01-14';
    // A renamed client reference leaves no usable row: a schema change, named, counted.
    await control('POST', '/__sim/faults', {
      route: '/api/v2/usage/aggregates',
      renameField: { from: 'oauthClient', to: 'client' },
    });
    await expect(c.queryUsageAggregates({ interval })).rejects.toThrow(
      /no record has a usable `oauthClient`/,
    );
    expect(c.skips.count('usage', 'missing_oauthClient')).toBeGreaterThan(0);
    await control('DELETE', '/__sim/faults');
    await control('POST', '/__sim/faults', {
      route: '/api/v2/usage/aggregates',
      renameField: { from: 'queryStatus', to: 'status' },
    });
    await expect(c.queryUsageAggregates({ interval })).rejects.toThrow(/field `queryStatus`/);
    await control('DELETE', '/__sim/faults');
    await control('POST', '/__sim/faults', { route: '/api/v2/usage/aggregates', pagingLoop: true });
    await expect(c.queryUsageAggregates({ interval })).rejects.toMatchObject({ code: 'paging_loop' });
    await control('DELETE', '/__sim/faults');
    await control('POST', '/__sim/faults', { route: '/api/v2/usage/aggregates', stuck: true });
    await expect(c.queryUsageAggregates({ interval })).rejects.toMatchObject({ code: 'job_timeout' });
    await control('DELETE', '/__sim/faults');
    await control('POST', '/__sim/faults', { route: '/api/v2/oauth/clients', malformed: true });
    await expect(c.listOAuthClients()).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
