/**
 * The gateway between real clients (the official SDK, plain HTTP) and the Genesys simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import platformClient from 'purecloud-platform-client-v2';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { GatewaySource } from '../../../src/sources/gateway/index.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { steady } from '../../../src/simulator/scenarios/others.js';
import { pointsOf } from '../../helpers/families.js';
import { captureLogger, gatewayFor } from './helpers.js';
import { fetchTruth } from '../../helpers/sim-truth.js';
import { wallClock, FakeClock } from '../../helpers/clock.js';

const CLIENTS = steady.clients ?? [];
const WFM = CLIENTS[0]!; // WFM_Sync_Script
const ETL = CLIENTS[1]!;
const CRM = CLIENTS[2]!;
/** Only real traffic: background traffic would make the truth depend on the minute. */
const QUIET = CLIENTS.map(({ traffic: _t, ...c }) => c);
const LIMIT = 300;

async function login(base: string, id: string, secret: string): Promise<string> {
  const r = await request(`${base}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(r.statusCode).toBe(200);
  return ((await r.body.json()) as { access_token: string }).access_token;
}

async function get(base: string, path: string, token: string) {
  const r = await request(base + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
}

describe('gateway in front of the simulator (real clock)', () => {
  let sim: RunningSimulator;
  let gw: GatewaySource;
  const log = captureLogger();
  const tokens: string[] = [];
  const scenario = { ...steady, clients: QUIET };

  beforeAll(async () => {
    sim = await startSimulator({ scenario });
    const directory = new MapClientDirectory();
    gw = gatewayFor(sim.url, {
      org: steady.org.id,
      directory,
      limitPerMinute: () => LIMIT,
      logger: log.logger,
      resolveToken: async (bearer, signal) => {
        const r = await request(`${sim.url}/api/v2/tokens/me`, {
          headers: { authorization: `Bearer ${bearer}` },
          signal,
        });
        const body = (await r.body.json()) as { OAuthClient?: { id: string; name: string } };
        if (r.statusCode !== 200 || !body.OAuthClient) throw new Error(`tokens/me ${r.statusCode}`);
        return { clientId: body.OAuthClient.id, clientName: body.OAuthClient.name };
      },
    });
    await gw.start();
  });
  afterAll(async () => {
    await gw.stop();
    await sim.close();
  });

  it('serves the unchanged official SDK through setGateway, with the same answers as direct', async () => {
    const client = platformClient.ApiClient.instance;
    const { port } = new URL(gw.url);
    client.setGateway({
      host: '127.0.0.1',
      protocol: 'http',
      port: Number(port),
      path_params_login: 'login',
      path_params_api: 'api',
    });
    client.setReturnExtendedResponses(true);
    const auth = await client.loginClientCredentialsGrant(WFM.id!, WFM.secret!);
    tokens.push(auth.accessToken);
    const users = new platformClient.UsersApi();
    // Extended responses (status, headers, body) are on, which the SDK's typings do not model.
    const viaGateway = (await users.getUsers({ pageSize: 1 })) as unknown as {
      status: number;
      headers: Record<string, string>;
      body: unknown;
    };
    const direct = await get(sim.url, '/api/v2/users?pageSize=1', auth.accessToken);
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.body).toEqual(JSON.parse(direct.text));
    expect(viaGateway.headers['content-type']).toBe(direct.headers['content-type']);
    expect(viaGateway.headers['inin-correlation-id']).toMatch(/\S+/);
    const snap = gw.snapshot(wallClock.now()).find((c) => c.clientId === WFM.id);
    expect(snap).toMatchObject({ clientName: WFM.id, requestsTotal: 1 });

    // Exhaust the token's minute, then the SDK sees the simulator's 429 exactly as sent.
    let direct429 = await get(gw.url, '/api/v2/users?pageSize=1', auth.accessToken);
    while (direct429.status !== 429)
      direct429 = await get(gw.url, '/api/v2/users?pageSize=1', auth.accessToken);
    const rejected = (await users.getUsers({ pageSize: 1 }).then(
      () => null,
      (e: unknown) => e,
    )) as { status: number; headers: Record<string, string>; body: { code: string; status: number } } | null;
    expect(rejected?.status).toBe(429);
    expect(Number(rejected!.headers['retry-after'])).toBeGreaterThan(0);
    expect(rejected!.headers['content-type']).toBe(direct429.headers['content-type']);
    expect(rejected!.headers['inin-correlation-id']).toMatch(/\S+/);
    expect(rejected!.body).toMatchObject({ status: 429, code: 'too.many.requests.retry.after' });
  });

  it('passes the simulator 429 (status, Retry-After, body shape) through unchanged and counts it', async () => {
    const token = await login(gw.url, ETL.id!, ETL.secret!);
    tokens.push(token);
    // Until the first 429 (bounded: a minute boundary may fall inside the loop).
    let last = await get(gw.url, '/api/v2/routing/queues', token);
    for (let i = 1; i <= 2 * LIMIT && last.status !== 429; i++)
      last = await get(gw.url, '/api/v2/routing/queues', token);
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.headers['content-type']).toMatch(/application\/json/);
    expect(last.headers['inin-correlation-id']).toMatch(/\S+/);
    expect(JSON.parse(last.text)).toMatchObject({ status: 429, code: 'too.many.requests.retry.after' });
    const limited = pointsOf(gw.collect(wallClock.now()), 'genesys_gateway_rate_limited').find(
      (p) => p.attributes.client_id === ETL.id,
    );
    expect(limited!.value).toBeGreaterThanOrEqual(1);
    const truth = await fetchTruth(sim.url);
    const etl = truth.clients.find((c) => c.id === ETL.id)!;
    expect(limited!.value).toBe(etl.lastMinute.status429);
  });

  it('counts N requests exactly and matches the simulator truth per minute; two tokens show peak and active', async () => {
    const crm = CRM;
    const a = await login(gw.url, crm.id!, crm.secret!);
    const b = await login(gw.url, crm.id!, crm.secret!);
    tokens.push(a, b);
    for (let i = 0; i < 45; i++) await get(gw.url, '/api/v2/users', a);
    for (let i = 0; i < 15; i++) await get(gw.url, '/api/v2/groups', b);
    const now = wallClock.now();
    const truth = await fetchTruth(sim.url);
    const t = truth.clients.find((c) => c.id === crm.id)!;
    const snap = gw.snapshot(now).find((c) => c.clientId === crm.id)!;
    const reqs = pointsOf(gw.collect(now), 'genesys_gateway_requests').filter(
      (p) => p.attributes.client_id === crm.id,
    );
    expect(reqs.reduce((s, p) => s + p.value, 0)).toBe(60);
    expect(Math.abs(snap.requestsPerMinute - t.lastMinute.requests)).toBeLessThanOrEqual(
      0.02 * t.lastMinute.requests,
    );
    expect(snap.peakTokenRequestsPerMinute).toBe(Math.max(...t.tokens.map((x) => x.lastMinute.requests)));
    expect(snap.peakTokenRequestsPerMinute).toBe(45);
    expect(snap.activeTokens).toBe(2);
    expect(snap.utilization).toBeCloseTo(45 / LIMIT);
    const fams = gw.collect(now);
    const util = pointsOf(fams, 'genesys_client_limit_utilization_ratio').find(
      (p) => p.attributes.client_id === crm.id,
    );
    expect(util!.value).toBeCloseTo(45 / LIMIT);
    expect(
      pointsOf(fams, 'genesys_gateway_tokens_active').find((p) => p.attributes.client_id === crm.id)!.value,
    ).toBe(2);
  });

  it('attributes a token minted elsewhere through GET /api/v2/tokens/me', async () => {
    const direct = await login(sim.url, WFM.id!, WFM.secret!);
    tokens.push(direct);
    await get(gw.url, '/api/v2/users', direct);
    const snap = gw.snapshot(wallClock.now()).find((c) => c.clientId === WFM.id)!;
    expect(snap.clientName).toBe(WFM.name);
    expect(snap.activeTokens).toBe(2);
  });

  it('never puts secrets or tokens in logs, metrics, snapshot or health', () => {
    expect(tokens.length).toBeGreaterThan(3);
    const everything = JSON.stringify([
      log.lines,
      gw.collect(wallClock.now()),
      gw.snapshot(wallClock.now()),
      gw.health(),
    ]);
    for (const s of [...tokens, ...CLIENTS.map((c) => c.secret!)]) expect(everything).not.toContain(s);
  });
});

describe('gateway shaping in front of the simulator (fake clock, limit 20/min)', () => {
  const SMALL = 20;
  const scenario = {
    ...steady,
    clients: QUIET,
    limits: { 'client.credentials.token.rate.per.minute': SMALL },
  };

  async function run(mode: 'off' | 'smooth') {
    const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    const sim = await startSimulator({ scenario, clock });
    const gw = gatewayFor(sim.url, {
      org: steady.org.id,
      limitPerMinute: () => SMALL,
      shaping: { mode, share: 0.95, maxWaitMs: 10_000 },
      clock,
      sleep: async (ms) => clock.advance(ms),
      random: () => 0.5,
    });
    await gw.start();
    try {
      const token = await login(gw.url, WFM.id!, WFM.secret!);
      let upstreamRateMax = 0;
      let seen429 = 0;
      // 400 req/min offered (one every 150 ms) for 3 minutes of fake time.
      for (const end = clock.now() + 3 * 60_000; clock.now() < end; clock.advance(150)) {
        const r = await get(gw.url, '/api/v2/users', token);
        if (r.status === 429) seen429 += 1;
        upstreamRateMax = Math.max(
          upstreamRateMax,
          gw.snapshot(clock.now())[0]?.peakTokenRequestsPerMinute ?? 0,
        );
      }
      const fams = gw.collect(clock.now());
      const truth = await fetchTruth(sim.url);
      return {
        upstream429: truth.clients
          .find((c) => c.id === WFM.id)!
          .tokens.reduce((s, t) => s + t.lastMinute.status429, 0),
        rateLimited: pointsOf(fams, 'genesys_gateway_rate_limited')[0]!.value,
        shaped: Object.fromEntries(
          pointsOf(fams, 'genesys_gateway_shaped').map((p) => [p.attributes.outcome, p.value]),
        ),
        upstreamRateMax,
        seen429,
      };
    } finally {
      await gw.stop();
      await sim.close();
    }
  }

  it('smooth: no upstream 429s and the token stays within share of its limit', async () => {
    const r = await run('smooth');
    expect(r.rateLimited).toBe(0);
    expect(r.upstream429).toBe(0);
    expect(r.upstreamRateMax).toBeLessThanOrEqual(Math.floor(0.95 * SMALL));
    expect(r.shaped.delayed).toBeGreaterThan(0);
    expect(r.seen429).toBe(r.shaped.rejected);
  });

  it('off: the simulator 429s reach the client and are counted', async () => {
    const r = await run('off');
    expect(r.rateLimited).toBeGreaterThan(0);
    expect(r.seen429).toBe(r.rateLimited);
    expect(r.shaped).toEqual({ delayed: 0, rejected: 0 });
  });
});
