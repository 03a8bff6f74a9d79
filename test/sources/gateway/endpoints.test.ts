/**
 * Endpoint attribution through the real gateway: known calls, sent with the prefixes the SDKs
 * use, land under their catalogue template and method on /metrics; hostile paths land under
 * `other` only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { OTHER_ENDPOINT } from '../../../src/genesys/endpoints/index.js';
import type { GatewaySource } from '../../../src/sources/gateway/index.js';
import { catalogue } from '../../../src/telemetry/catalogue.js';
import { Telemetry } from '../../../src/telemetry/telemetry.js';
import { wallClock } from '../../helpers/clock.js';
import { hostilePaths } from '../../helpers/hostile-paths.js';
import { parseProm, samplesOf, valueOf, type Sample } from '../../helpers/prom-text.js';
import { startFakeUpstream, type FakeUpstream, gatewayFor } from './helpers.js';
import templates from '../../../src/genesys/endpoints/catalogue.json' with { type: 'json' };

const REQUESTS = catalogue.gatewayEndpointRequests.prometheusName;
const PER_MINUTE = catalogue.gatewayEndpointRequestsPerMinute.prometheusName;
const CLIENTS: Record<string, string> = { 'tok-known': 'client-known', 'tok-hostile': 'client-hostile' };

describe('gateway endpoint attribution', () => {
  let upstream: FakeUpstream;
  let gw: GatewaySource;
  let telemetry: Telemetry;
  const scrape = async (): Promise<Sample[]> => parseProm(await telemetry.scrape());

  beforeAll(async () => {
    // Answers every path; `?status=` picks the status, so the query string must not change the endpoint.
    upstream = await startFakeUpstream(async (req, res, body) => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      await body(); // recorded: the hostile test counts what was forwarded
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const directory = new MapClientDirectory();
    directory.set('client-known', 'Known');
    gw = gatewayFor(upstream.url, {
      directory,
      resolveToken: async (bearer) => {
        const clientId = CLIENTS[bearer];
        if (!clientId) throw new Error('unknown token');
        return { clientId, clientName: clientId };
      },
    });
    await gw.start();
    telemetry = new Telemetry({
      serviceName: 'endpoints-test',
      serviceVersion: '1.0.0',
      instanceId: 'i-1',
      resourceAttributes: {},
      otlp: null,
      families: (nowMs) => gw.collect(nowMs),
      now: () => wallClock.now(),
    });
  });
  afterAll(async () => {
    await telemetry.shutdown();
    await gw.stop();
    await upstream.close();
  });

  const send = async (token: string, method: string, path: string): Promise<number> => {
    const r = await request(gw.url + path, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    await r.body.dump();
    return r.statusCode;
  };

  it('counts known calls under their template and method, whatever SDK prefix they came with', async () => {
    const calls: [method: string, path: string, endpoint: string, statusClass: string][] = [
      ['GET', '/api/v2/users/me', '/api/v2/users/me', '2xx'],
      ['GET', '/api/v2/users/8f2c-11ee?expand=presence', '/api/v2/users/{userId}', '2xx'],
      // setGateway's `path_params_api`: any leading segments, or even `api/v2` itself.
      ['GET', '/genesys/api/api/v2/users/other-user', '/api/v2/users/{userId}', '2xx'],
      ['GET', '/api/v2/api/v2/users/me', '/api/v2/users/me', '2xx'],
      ['PATCH', '/api/v2/users/u1', '/api/v2/users/{userId}', '2xx'],
      [
        'POST',
        '/api/v2/analytics/conversations/details/query?status=429',
        '/api/v2/analytics/conversations/details/query',
        '429',
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/details/query',
        '/api/v2/analytics/conversations/details/query',
        '2xx',
      ],
      [
        'DELETE',
        '/api/v2/routing/queues/q-1/members/u-2?status=404',
        '/api/v2/routing/queues/{queueId}/members/{memberId}',
        '4xx',
      ],
      ['GET', '/api/v2/no/such/endpoint', OTHER_ENDPOINT, '2xx'],
    ];
    for (const [method, path] of calls) await send('tok-known', method, path);
    const samples = await scrape();
    const expected = new Map<string, number>();
    for (const [method, , endpoint, statusClass] of calls) {
      const key = JSON.stringify({ endpoint, method, status_class: statusClass });
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const found = new Map(
      samplesOf(samples, REQUESTS, { client_id: 'client-known' }).map((s) => [
        JSON.stringify({
          endpoint: s.labels.endpoint,
          method: s.labels.method,
          status_class: s.labels.status_class,
        }),
        s.value,
      ]),
    );
    expect(found).toEqual(expected);
    expect(
      valueOf(samples, PER_MINUTE, {
        client_id: 'client-known',
        endpoint: '/api/v2/users/{userId}',
        method: 'GET',
      }),
    ).toBe(2);
    expect(
      valueOf(samples, PER_MINUTE, {
        client_id: 'client-known',
        endpoint: '/api/v2/users/me',
        method: 'GET',
      }),
    ).toBe(2);
    const live = gw.snapshot(wallClock.now()).find((c) => c.clientId === 'client-known')!.endpoints;
    expect(live).toContainEqual({
      endpoint: '/api/v2/analytics/conversations/details/query',
      method: 'POST',
      perMinute: 2,
      requests: 2,
      rateLimited: 1,
    });
  });

  it('counts 1 000 hostile paths under the single value `other`, creating no other label value', async () => {
    const endpointsBefore = new Set(samplesOf(await scrape(), REQUESTS).map((s) => s.labels.endpoint));
    const forwardedBefore = upstream.requests.length;
    const paths = hostilePaths(1000);
    let forwarded = 0;
    for (const [i, path] of paths.entries()) {
      const before = upstream.requests.length;
      // undici may refuse to send a path, and the gateway refuses some (400, 431): neither is forwarded.
      await send('tok-hostile', ['GET', 'POST', 'PUT', 'DELETE'][i % 4]!, path).catch(() => 0);
      if (upstream.requests.length > before) forwarded += 1;
    }
    expect(forwarded).toBeGreaterThan(500);
    const samples = await scrape();
    const hostile = samplesOf(samples, REQUESTS, { client_id: 'client-hostile' });
    expect(new Set(hostile.map((s) => s.labels.endpoint))).toEqual(new Set([OTHER_ENDPOINT]));
    expect(hostile.reduce((sum, s) => sum + s.value, 0)).toBe(upstream.requests.length - forwardedBefore);
    const endpointsAfter = new Set(
      samples.filter((s) => s.labels.endpoint !== undefined).map((s) => s.labels.endpoint),
    );
    expect(endpointsAfter).toEqual(new Set([...endpointsBefore, OTHER_ENDPOINT]));
    for (const endpoint of endpointsAfter)
      expect(endpoint === OTHER_ENDPOINT || endpoint! in templates.paths).toBe(true);
  });
});

describe('gateway with the per-endpoint families off (AGENT_MAX_ENDPOINTS=0)', () => {
  it('never matches a request to an endpoint, and still forwards and counts it', async () => {
    const upstream = await startFakeUpstream((_req, res) => void res.end('{}'));
    const matched: string[] = [];
    const match = (method: string, path: string): string => {
      matched.push(`${method} ${path}`);
      return OTHER_ENDPOINT;
    };
    for (const maxEndpoints of [1, 0]) {
      matched.length = 0;
      const gw = gatewayFor(upstream.url, { maxEndpoints, endpointOf: match });
      await gw.start();
      try {
        for (let i = 0; i < 3; i++) {
          const r = await request(`${gw.url}/api/v2/users/me`);
          await r.body.dump();
          expect(r.statusCode).toBe(200);
        }
        const [client] = gw.snapshot(wallClock.now());
        expect(client?.requestsTotal).toBe(3);
        // The control run (a cap of 1) shows the injected matcher is the one the gateway uses.
        expect(matched).toHaveLength(maxEndpoints === 0 ? 0 : 3);
        expect(client?.endpoints).toHaveLength(maxEndpoints === 0 ? 0 : 1);
      } finally {
        await gw.stop();
      }
    }
    await upstream.close();
  });
});
