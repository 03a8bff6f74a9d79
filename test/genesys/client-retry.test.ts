import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExhaustedError, GenesysApiError } from '../../src/genesys/client.js';
import { CLIENT_SECRET, type Fake, startFake } from './fake-genesys.js';

const CLIENTS = 'GET /api/v2/oauth/clients';
const clientsBody = { entities: [{ id: 'c1', name: 'WFM_Sync' }] };
const tooMany = (s: number) => ({
  message: `Rate limit exceeded the maximum. Retry the request in [${s}] seconds`,
  code: 'too.many.requests.retry.after',
  status: 429,
});

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Answers the scripted statuses in order (200 = success), then 200. */
function scripted(statuses: number[], headers: Record<string, string> = {}) {
  let i = 0;
  return async (
    _req: unknown,
    reply: { code(n: number): { headers(h: object): { send(b: unknown): unknown } } },
  ) => {
    const status = statuses[i++];
    if (status === undefined || status === 200) return clientsBody;
    return reply
      .code(status)
      .headers(status === 429 || status === 503 ? headers : {})
      .send(status === 429 ? tooMany(7) : { code: 'err', message: `HTTP ${status}` });
  };
}

describe('GenesysClient retries', () => {
  it('honours Retry-After on 429 as the minimum wait', async () => {
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', scripted([429], { 'retry-after': '7' })),
    );
    const c = fake.client();
    expect(await c.listOAuthClients()).toHaveLength(1);
    // Backoff alone would wait 250 ms (random 0.5 × 500 ms); Retry-After says 7 s.
    expect(fake.waits).toEqual([7000]);
    expect(c.requestCount(CLIENTS, '429')).toBe(1);
    expect(c.requestCount(CLIENTS, '2xx')).toBe(1);
  });

  it('fails instead of sleeping when Retry-After exceeds maxRetryAfterMs', async () => {
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', scripted([429], { 'retry-after': '600' })),
    );
    const c = fake.client();
    const err = (await c.listOAuthClients().catch((e: unknown) => e)) as GenesysApiError;
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err.status).toBe(429);
    expect(err.code).toBe('too.many.requests.retry.after');
    expect(err.message).toMatch(/Retry-After 600 s is too long/);
    expect(fake.waits).toEqual([]);
  });

  it('retries 5xx on GETs with full-jitter backoff and recovers', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', scripted([500, 502, 504])));
    const c = fake.client();
    expect(await c.listOAuthClients()).toHaveLength(1);
    expect(fake.waits).toEqual([250, 500, 1000]);
    expect(c.requestCount(CLIENTS, '5xx')).toBe(3);
  });

  it('bounds attempts and the backoff cap, warning once per failure episode', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', scripted(Array(20).fill(503))));
    const c = fake.client({ maxRetries: 4, retryBaseMs: 1000, retryMaxMs: 3000, random: () => 0.999 });
    const err = (await c.listOAuthClients().catch((e: unknown) => e)) as GenesysApiError;
    expect(err.status).toBe(503);
    expect(fake.waits).toEqual([999, 1998, 2997, 2997]);
    expect(c.requestCount(CLIENTS, '5xx')).toBe(5);
    const clientLogs = fake.logs.filter((l) => (l.obj as { endpoint?: string }).endpoint === CLIENTS);
    expect(clientLogs.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(clientLogs.filter((l) => l.level === 'debug').length).toBeGreaterThanOrEqual(4);
  });

  it('logs recovery at the end of an episode and warns again on the next one', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', scripted([503, 503, 200, 503])));
    const c = fake.client();
    await c.listOAuthClients();
    await c.listOAuthClients();
    await c.listOAuthClients();
    const levels = fake.logs
      .filter((l) => (l.obj as { endpoint?: string }).endpoint === CLIENTS && l.level !== 'debug')
      .map((l) => `${l.level}:${l.msg?.startsWith('recovered') ? 'recovered' : 'fail'}`);
    expect(levels).toEqual(['warn:fail', 'info:recovered', 'warn:fail', 'info:recovered']);
  });

  it('does not retry 500 on read-only POST queries, and never 500/502 on job submits', async () => {
    fake = await startFake((app) => {
      app.post('/api/v2/analytics/ratelimits/aggregates/query', scripted([500]));
      app.post('/api/v2/usage/aggregates/query/jobs', scripted([502]));
      app.post('/api/v2/usage/query', scripted([503]));
    });
    const c = fake.client();
    await expect(
      c.queryRateLimitAggregates({ interval: '2026-01-15T00:00:00Z/2026-01-15T12:00:00Z' }),
    ).rejects.toMatchObject({ status: 500 });
    await expect(c.queryUsageAggregates({ interval: '2026-01-01/2026-01-15' })).rejects.toMatchObject({
      status: 502,
    });
    // 503 on a submit is retried (the server refused it), the next answer is not a job id.
    await expect(c.queryUsageLegacy({ interval: '2026-01-01/2026-01-15' })).rejects.toThrow(
      /unexpected body: field `executionId`/,
    );
    expect(fake.seen.filter((r) => r.url === '/api/v2/analytics/ratelimits/aggregates/query')).toHaveLength(
      1,
    );
    expect(fake.seen.filter((r) => r.url === '/api/v2/usage/aggregates/query/jobs')).toHaveLength(1);
    expect(fake.seen.filter((r) => r.url === '/api/v2/usage/query')).toHaveLength(2);
  });

  it('counts network failures as status_class error and retries them', async () => {
    fake = await startFake(() => {});
    // A port that was just closed: connection refused, nothing was sent.
    const dead = await startFake(() => {});
    const deadUrl = dead.url;
    await dead.close();
    const c = fake.client({ apiBaseUrl: deadUrl, maxRetries: 2 });
    const err = (await c.listOAuthClients().catch((e: unknown) => e)) as GenesysApiError;
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err.status).toBeNull();
    expect(err.message).toMatch(/no response \(ECONNREFUSED\)/);
    expect(c.requestCount(CLIENTS, 'error')).toBe(3);
    expect(fake.waits).toEqual([250, 500]);
  });

  it('times out a hanging attempt', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', () => new Promise(() => {})));
    const c = fake.client({ requestTimeoutMs: 150, maxRetries: 1 });
    await expect(c.listOAuthClients()).rejects.toThrow(/no response \(timeout after 150 ms\)/);
    expect(c.requestCount(CLIENTS, 'error')).toBe(2);
  });

  it('refuses a response larger than maxResponseBytes instead of buffering it', async () => {
    const big = JSON.stringify({ entities: [{ id: 'x'.repeat(200_000), name: 'n' }] });
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', async (_req, reply) => reply.type('application/json').send(big)),
    );
    const c = fake.client({ maxResponseBytes: 100_000, maxRetries: 0 });
    await expect(c.listOAuthClients()).rejects.toThrow(/no response \(response larger than 100000 bytes\)/);
    const ok = fake.client({ maxResponseBytes: 1_000_000, maxRetries: 0 });
    await expect(ok.listOAuthClients()).resolves.toHaveLength(1);
  });

  it('stops retrying when the caller aborts during a backoff wait', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', scripted(Array(10).fill(503))));
    const ac = new AbortController();
    const c = fake.client({
      sleep: async (ms, signal) => {
        fake?.waits.push(ms);
        ac.abort(new Error('shutting down'));
        signal?.throwIfAborted();
      },
    });
    await expect(c.listOAuthClients(ac.signal)).rejects.toThrow('shutting down');
    expect(c.requestCount(CLIENTS, '5xx')).toBe(1);
  });

  it('reports malformed JSON as a one-line invalid_response error', async () => {
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', async (_req, reply) =>
        reply.type('application/json').send('{"entities": ['),
      ),
    );
    const c = fake.client();
    await expect(c.listOAuthClients()).rejects.toMatchObject({
      code: 'invalid_response',
      message: 'GET /api/v2/oauth/clients returned malformed JSON (HTTP 200)',
    });
  });
});

describe('GenesysClient call budget', () => {
  it('never sends more than callBudgetPerMinute requests in any rolling 60 s (logins and retries included)', async () => {
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', scripted([503, 429, 503], { 'retry-after': '1' })),
    );
    const c = fake.client({ callBudgetPerMinute: 5 });
    for (let i = 0; i < 12; i += 1) await c.listOAuthClients();
    const times = fake.seen.map((r) => r.atMs);
    expect(times).toHaveLength(1 + 3 + 12);
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
    // It waited for free slots rather than failing.
    expect(fake.clock.now() - (times[0] ?? 0)).toBeGreaterThanOrEqual(3 * 60_000);
  });

  it('fails with BudgetExhaustedError when the next free slot is past the call deadline', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', async () => clientsBody));
    const c = fake.client({ callBudgetPerMinute: 3, callDeadlineMs: 10_000 });
    await c.listOAuthClients();
    await c.listOAuthClients();
    const err = await c.listOAuthClients().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExhaustedError);
    expect(fake.seen).toHaveLength(3);
  });
});

describe('GenesysClient request stats', () => {
  it('exports genesys_agent_api_requests by endpoint template and status class', async () => {
    fake = await startFake((app) => {
      app.get('/api/v2/oauth/clients', scripted([429], { 'retry-after': '1' }));
      app.get('/api/v2/organizations/limits/namespaces/:ns', async () => ({
        entities: [{ key: 'client.credentials.token.rate.per.minute', value: 300 }],
      }));
    });
    const c = fake.client();
    expect(c.collect(fake.clock.now())).toEqual([]);
    await c.listOAuthClients();
    expect(await c.getLimits('platform.api')).toEqual([
      { key: 'client.credentials.token.rate.per.minute', namespace: 'platform.api', value: 300 },
    ]);
    const [family] = c.collect(fake.clock.now());
    expect(family).toMatchObject({ kind: 'counter', name: 'genesys_agent_api_requests', unit: '{request}' });
    if (family?.kind !== 'counter') throw new Error('expected a counter family');
    const points = family.points.map((p) => ({ ...p.attributes, value: p.value }));
    expect(points).toEqual(
      expect.arrayContaining([
        { org: 'test-org', endpoint: 'POST /oauth/token', status_class: '2xx', value: 1 },
        { org: 'test-org', endpoint: CLIENTS, status_class: '429', value: 1 },
        { org: 'test-org', endpoint: CLIENTS, status_class: '2xx', value: 1 },
        {
          org: 'test-org',
          endpoint: 'GET /api/v2/organizations/limits/namespaces/{namespaceName}',
          status_class: '2xx',
          value: 1,
        },
      ]),
    );
    expect(points).toHaveLength(4);
    expect(JSON.stringify(family)).not.toContain('tok-1');
    expect(JSON.stringify(fake.logs)).not.toContain('tok-1');
    expect(JSON.stringify(fake.logs)).not.toContain(CLIENT_SECRET);
  });
});
