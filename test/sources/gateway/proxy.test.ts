import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, request } from 'undici';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { GatewaySource } from '../../../src/sources/gateway/index.js';
import { pointsOf } from '../../helpers/families.js';
import { captureLogger, startFakeUpstream, type FakeUpstream, gatewayFor } from './helpers.js';
import { wallClock } from '../../helpers/clock.js';

const SECRET = 'sup3r-s3cret-value';
const TOKEN = 'tok-AAAAAAAAAAAAAAAAAAAAAAAA';
const OTHER_TOKEN = 'tok-BBBBBBBBBBBBBBBBBBBBBBBB';

describe('gateway proxy against a fake upstream', () => {
  let upstream: FakeUpstream;
  let gw: GatewaySource;
  const log = captureLogger();
  const resolved: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream(async (req, res, body) => {
      await body();
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json', 'inin-correlation-id': 'login-corr' });
        res.end(JSON.stringify({ access_token: TOKEN, token_type: 'bearer', expires_in: 86399 }));
        return;
      }
      if (req.url?.startsWith('/api/v2/limited')) {
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': '42',
          'inin-correlation-id': 'corr-429',
          connection: 'keep-alive, x-hop',
          'x-hop': 'secret-hop',
        });
        res.end(
          '{"message":"Rate limit exceeded the maximum. Retry the request in [42] seconds","code":"too.many.requests.retry.after","status":429}',
        );
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json; charset=UTF-8',
        'inin-correlation-id': 'corr-1',
        'x-custom': 'kept',
      });
      res.end(JSON.stringify({ echo: req.url, method: req.method }));
    });
    const directory = new MapClientDirectory();
    directory.set('client-1', 'WFM_Sync');
    gw = gatewayFor(upstream.url, {
      org: 'org-1',
      directory,
      logger: log.logger,
      resolveToken: async (bearer) => {
        resolved.push(bearer);
        await new Promise((r) => setTimeout(r, 20));
        if (bearer === OTHER_TOKEN) return { clientId: 'client-2', clientName: 'Reporting' };
        throw new Error(`bad token ${bearer}`);
      },
    });
    await gw.start();
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('exports nothing before start', () => {
    const fresh = gatewayFor('http://127.0.0.1:1');
    expect(fresh.collect(wallClock.now())).toEqual([]);
    expect(fresh.health().up).toBe(false);
  });

  it('learns the client from a login through the SDK prefix and attributes API calls to it', async () => {
    const login = await request(`${gw.url}/login/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`client-1:${SECRET}`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['inin-correlation-id']).toBe('login-corr');
    expect(await login.body.json()).toMatchObject({ access_token: TOKEN });
    expect(upstream.requests.at(-1)!.body.toString()).toBe('grant_type=client_credentials');

    for (let i = 0; i < 5; i++) {
      const r = await request(`${gw.url}/api/api/v2/users?pageSize=${i}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers['x-custom']).toBe('kept');
      expect(r.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(await r.body.text()).toBe(
        JSON.stringify({ echo: `/api/v2/users?pageSize=${i}`, method: 'GET' }),
      );
    }
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(resolved).not.toContain(TOKEN);
    const snap = gw.snapshot(wallClock.now()).find((c) => c.clientId === 'client-1');
    expect(snap).toMatchObject({
      clientName: 'WFM_Sync',
      requestsPerMinute: 5,
      requestsTotal: 5,
      activeTokens: 1,
      inflight: 0,
    });
  });

  it('passes a 429 through unchanged except hop-by-hop headers, and counts it', async () => {
    const r = await request(`${gw.url}/api/v2/limited`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBe('42');
    expect(r.headers['inin-correlation-id']).toBe('corr-429');
    expect(r.headers['x-hop']).toBeUndefined();
    expect(await r.body.text()).toContain('too.many.requests.retry.after');
    const fams = gw.collect(wallClock.now());
    const limited = pointsOf(fams, 'genesys_gateway_rate_limited').find(
      (p) => p.attributes.client_id === 'client-1',
    );
    expect(limited!.value).toBe(1);
    expect(gw.snapshot(wallClock.now()).find((c) => c.clientId === 'client-1')!.rateLimited5m).toBe(1);
  });

  it('resolves an unseen token once even under concurrent first calls', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(`${gw.url}/api/v2/x`, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } }),
      ),
    );
    for (const r of results) await r.body.dump();
    expect(resolved.filter((t) => t === OTHER_TOKEN)).toHaveLength(1);
    const snap = gw.snapshot(wallClock.now()).find((c) => c.clientId === 'client-2');
    expect(snap).toMatchObject({ clientName: 'Reporting', requestsTotal: 8 });
  });

  it('attributes every request to its own token when one connection switches tokens', async () => {
    const total = (id: string) =>
      gw.snapshot(wallClock.now()).find((c) => c.clientId === id)?.requestsTotal ?? 0;
    const before = { one: total('client-1'), two: total('client-2'), unknown: total('unknown') };
    const connection = new Client(gw.url); // one keep-alive connection for every request below
    const sent = [
      `Bearer ${TOKEN}`,
      `Bearer ${OTHER_TOKEN}`,
      `bearer  ${TOKEN}`,
      undefined,
      'Bearer',
      `Bearer ${TOKEN}`,
    ];
    try {
      for (const authorization of sent) {
        const r = await connection.request({
          path: '/api/v2/switch',
          method: 'GET',
          headers: authorization === undefined ? {} : { authorization },
        });
        await r.body.dump();
        expect(upstream.requests.at(-1)!.headers.authorization).toBe(authorization);
      }
    } finally {
      await connection.close();
    }
    expect(total('client-1') - before.one).toBe(3);
    expect(total('client-2') - before.two).toBe(1);
    expect(total('unknown') - before.unknown).toBe(2);
  });

  it('counts tokens it cannot resolve as unknown', async () => {
    const r = await request(`${gw.url}/api/v2/x`, { headers: { authorization: 'Bearer not-a-real-token' } });
    await r.body.dump();
    const reqs = pointsOf(gw.collect(wallClock.now()), 'genesys_gateway_requests');
    expect(
      reqs.some((p) => p.attributes.client_id === 'unknown' && p.attributes.client_name === 'unknown'),
    ).toBe(true);
  });

  it('answers 404 in Genesys shape for paths outside the forwarded trees', async () => {
    const r = await request(`${gw.url}/admin`);
    expect(r.statusCode).toBe(404);
    expect(await r.body.json()).toMatchObject({ status: 404, code: 'not.found' });
  });

  it('refuses a target the router cannot decode as the path guard does: 400 in Genesys shape, counted, not echoed', async () => {
    const refused = () =>
      pointsOf(gw.collect(wallClock.now()), 'genesys_gateway_refused').find(
        (p) => p.attributes.reason === 'bad_path',
      )?.value ?? 0;
    const before = refused();
    const r = await request(`${gw.url}/api/v2/users/%zz%c0%ae`);
    expect(r.statusCode).toBe(400);
    const text = await r.body.text();
    expect(JSON.parse(text)).toMatchObject({ status: 400, code: 'bad.request' });
    expect(text).not.toContain('%zz');
    expect(refused()).toBe(before + 1);
  });

  it('never logs, exports or snapshots secrets or tokens', () => {
    const everything = JSON.stringify([
      log.lines,
      gw.collect(wallClock.now()),
      gw.snapshot(wallClock.now()),
      gw.health(),
    ]);
    for (const s of [SECRET, TOKEN, OTHER_TOKEN, 'not-a-real-token']) expect(everything).not.toContain(s);
  });
});

describe('gateway upstream failures', () => {
  it('answers 502 when the upstream is down and 504 when it does not answer in time', async () => {
    const slow = await startFakeUpstream(() => undefined); // never answers
    const mk = (api: string) =>
      gatewayFor(api, {
        upstreamTimeoutMs: 200,
      });
    const down = mk('http://127.0.0.1:1');
    const stuck = mk(slow.url);
    await down.start();
    await stuck.start();
    try {
      const a = await request(`${down.url}/api/v2/users`);
      expect(a.statusCode).toBe(502);
      expect(a.headers['inin-correlation-id']).toBeTruthy();
      expect(await a.body.json()).toMatchObject({ status: 502, code: 'bad.gateway' });
      expect(down.health().lastError).toContain('api upstream');
      const b = await request(`${stuck.url}/api/v2/users`);
      expect(b.statusCode).toBe(504);
      expect(await b.body.json()).toMatchObject({ status: 504 });
      const reqs = pointsOf(stuck.collect(wallClock.now()), 'genesys_gateway_requests');
      expect(reqs[0]!.attributes.status_class).toBe('5xx');
    } finally {
      await down.stop();
      await stuck.stop();
      await slow.close();
    }
  });
});
