import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { call, login } from './helpers.js';
import { fetchTruth } from '../helpers/sim-truth.js';
import { FakeClock } from '../helpers/clock.js';

let sim: RunningSimulator;
let token: string;
const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));

async function addFault(body: unknown): Promise<Response> {
  return fetch(`${sim.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function submitJob(): Promise<string> {
  const r = await call(sim.url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', {
    interval: '2026-01-01/2026-01-14',
    granularity: 'Day',
    groupBy: ['OauthClientId'],
  });
  expect(r.status).toBe(202);
  return r.json().resultsUri as string;
}

beforeAll(async () => {
  sim = await startSimulator({
    clock,
    scenario: {
      org: { id: 'o', name: 'O' },
      agent: { clientId: 'agent', clientSecret: 'secret' },
      clients: [{ id: 'c1', name: 'One', traffic: { profile: 'steady', rpm: 5 } }],
      usage: { historyDays: 20, jobPolls: 0 },
    },
  });
  token = await login(sim.url, 'agent', 'secret');
});
afterAll(async () => sim.close());
beforeEach(async () => {
  expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).toBe(204);
});

describe('faults', () => {
  it('status + retryAfter replaces the answer, and DELETE restores it', async () => {
    const res = await addFault({ route: '/api/v2/oauth/clients', status: 503, retryAfter: 7 });
    expect(res.status).toBe(201);
    expect((await res.json()) as { id: string }).toHaveProperty('id');
    const r = await call(sim.url, token, 'GET', '/api/v2/oauth/clients');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.json()).toMatchObject({ status: 503, code: 'service.unavailable' });
    expect((await call(sim.url, token, 'GET', '/api/v2/usage/events/definitions')).status).toBe(200); // other prefixes untouched
    await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect((await call(sim.url, token, 'GET', '/api/v2/oauth/clients')).status).toBe(200);
  });

  it('method narrows the fault and rate 0 never fires', async () => {
    await addFault({ route: '/api/v2/oauth/clients', method: 'post', status: 500 });
    await addFault({ route: '/api/v2/organizations', status: 500, rate: 0 });
    expect((await call(sim.url, token, 'GET', '/api/v2/oauth/clients')).status).toBe(200);
    expect((await call(sim.url, token, 'GET', '/api/v2/organizations/limits/namespaces')).status).toBe(200);
  });

  it('latencyMs delays the answer', async () => {
    await addFault({ route: '/api/v2/organizations', latencyMs: 150 });
    const t0 = performance.now();
    expect((await call(sim.url, token, 'GET', '/api/v2/organizations/limits/namespaces')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('malformed sends invalid JSON', async () => {
    await addFault({ route: '/api/v2/oauth/clients', malformed: true });
    const r = await call(sim.url, token, 'GET', '/api/v2/oauth/clients');
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it('stuck keeps usage jobs Running', async () => {
    const uri = await submitJob();
    await addFault({ route: '/api/v2/usage', stuck: true });
    for (let i = 0; i < 3; i++) {
      const r = await call(sim.url, token, 'GET', uri);
      expect(r.status).toBe(202);
      expect(r.json()).toEqual({ queryStatus: 'Running' });
    }
    await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect((await call(sim.url, token, 'GET', uri)).json().queryStatus).toBe('Succeeded');
  });

  it('renameField changes the schema', async () => {
    await addFault({
      route: '/api/v2/usage/aggregates',
      renameField: { from: 'requestCount', to: 'requests_total' },
    });
    const page = (await call(sim.url, token, 'GET', await submitJob())).json();
    expect(page.entities[0]).toHaveProperty('requests_total');
    expect(page.entities[0]).not.toHaveProperty('requestCount');
  });

  it('pagingLoop makes nextUri point at the same page', async () => {
    await addFault({ route: '/api/v2/usage/aggregates', pagingLoop: true });
    const uri = `${await submitJob()}?pageSize=2`;
    const page = (await call(sim.url, token, 'GET', uri)).json();
    expect(page.nextUri).toBe(uri);
  });

  it('largeResponseBytes pads the body', async () => {
    await addFault({ route: '/api/v2/oauth/clients', largeResponseBytes: 200_000 });
    const r = await call(sim.url, token, 'GET', '/api/v2/oauth/clients');
    expect(r.text.length).toBeGreaterThan(200_000);
    expect(r.json().entities).toHaveLength(2);
  });

  it('rejects a bad fault with the path of the bad field', async () => {
    const r = await addFault({ route: '/x', rate: 2 });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/^rate: /);
  });
});

describe('control routes', () => {
  it('creates and deletes clients at run time; history stays under the old name', async () => {
    const created = await fetch(`${sim.url}/__sim/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'new-1',
        name: 'Newcomer',
        secret: 'n',
        traffic: { profile: 'steady', rpm: 30 },
      }),
    });
    expect(created.status).toBe(201);
    const t = await login(sim.url, 'new-1', 'n');
    expect((await call(sim.url, t, 'GET', '/api/v2/things')).status).toBe(200);
    clock.advance(3 * 60_000);
    expect((await call(sim.url, token, 'GET', '/api/v2/oauth/clients/new-1')).status).toBe(200);
    expect((await fetch(`${sim.url}/__sim/clients/new-1`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(sim.url, token, 'GET', '/api/v2/oauth/clients/new-1')).status).toBe(404);
    expect((await call(sim.url, t, 'GET', '/api/v2/things')).status).toBe(401); // its tokens die with it
    const truth = await fetchTruth(sim.url);
    const gone = truth.clients.find((c) => c.id === 'new-1')!;
    expect(gone.deleted).toBe(true);
    expect(gone.days['2026-01-15']!.requests).toBeGreaterThan(1);
  });

  it('DELETE /__sim/tokens revokes every token', async () => {
    const t = await login(sim.url, 'agent', 'secret');
    expect((await call(sim.url, t, 'GET', '/api/v2/tokens/me')).json().OAuthClient).toMatchObject({
      id: 'agent',
    });
    await fetch(`${sim.url}/__sim/tokens`, { method: 'DELETE' });
    const r = await call(sim.url, t, 'GET', '/api/v2/tokens/me');
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ status: 401 });
    token = await login(sim.url, 'agent', 'secret');
  });

  it('counts calls per route template, status and caller', async () => {
    const before = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as { total: number };
    await call(sim.url, token, 'GET', '/api/v2/oauth/clients/c1');
    await call(sim.url, token, 'GET', '/api/v2/oauth/clients/nope');
    const after = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as {
      total: number;
      byRoute: { method: string; route: string; status: number; count: number }[];
      byCaller: { clientId: string; count: number }[];
    };
    expect(after.total).toBe(before.total + 2);
    expect(after.byRoute).toContainEqual(
      expect.objectContaining({ method: 'GET', route: '/api/v2/oauth/clients/:clientId', status: 404 }),
    );
    expect(after.byCaller.find((c) => c.clientId === 'agent')!.count).toBeGreaterThan(1);
  });

  it('403s when the scenario omits a needed permission', async () => {
    const limited = await startSimulator({
      clock,
      scenario: {
        org: { id: 'o', name: 'O' },
        agent: { clientId: 'a', clientSecret: 's', permissions: ['oauth:client:view'] },
      },
    });
    try {
      const t = await login(limited.url, 'a', 's');
      expect((await call(limited.url, t, 'GET', '/api/v2/oauth/clients')).status).toBe(200);
      const r = await call(limited.url, t, 'POST', '/api/v2/usage/aggregates/query/jobs', {
        interval: '2026-01-01/2026-01-02',
      });
      expect(r.status).toBe(403);
      expect(r.json().code).toBe('missing.any.permissions');
    } finally {
      await limited.close();
    }
  });
});
