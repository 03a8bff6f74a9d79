/**
 * 10 000 requests through the gateway against a slow upstream: every request is answered, nothing
 * stays in flight, and the heap returns to where it was (no per-request state kept); the exported
 * series stay bounded by clients, not by requests or tokens.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FakeClock } from '../../src/util/clock.js';
import { GatewaySource } from '../../src/sources/gateway/index.js';
import { startFakeUpstream, type FakeUpstream, gatewayFor } from '../sources/gateway/helpers.js';
import { pointsOf } from '../helpers/families.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const TOTAL = 10_000;
// Below the listen backlog (511): more simultaneous connects would meet kernel resets, not the gateway.
const CONCURRENCY = 400;
const TOKENS = 200;
const CLIENTS = 10;

// Real-time traffic, but the gateway's windows read this clock, so the test can let a minute pass.
const clock = new FakeClock(Date.now());
let upstream: FakeUpstream;
let gw: GatewaySource;
beforeAll(async () => {
  upstream = await startFakeUpstream((_req, res) => {
    // Slow: every answer takes 25 ms, so requests pile up behind the upstream connections.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"entities":[]}');
    }, 25);
  });
  gw = gatewayFor(upstream.url, {
    resolveToken: async (bearer) => {
      const n = Number(bearer.split('-')[1]) % CLIENTS;
      return { clientId: `client-${n}`, clientName: `Client ${n}` };
    },
    upstreamTimeoutMs: 5_000,
    // One test client is every caller here: lift the per-caller caps to the flood's concurrency.
    limits: { maxConcurrentPerAddress: CONCURRENCY, maxConcurrentPerToken: CONCURRENCY },
    tokenLookupsPerMinute: 10_000,
    clock,
  });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
  await upstream?.close();
});

describe('gateway flood against a slow upstream', () => {
  it(`answers ${TOTAL} requests, ends with nothing in flight, and keeps heap and series bounded`, async () => {
    let peak = 0;
    // Each flood has its own client, closed at the end, so both measurements see no client sockets.
    const flood = async (total: number) => {
      const client = new Agent({ connections: CONCURRENCY });
      let next = 0;
      const statuses = new Map<number, number>();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < total) {
            const i = next++;
            const res = await request(`${gw.url}/api/v2/users?page=${i}`, {
              dispatcher: client,
              headers: { authorization: `Bearer tok-${i % TOKENS}` },
            });
            await res.body.dump();
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          }
        }),
      );
      await client.close();
      await new Promise((r) => setTimeout(r, 100)); // let the gateway see its sockets close
      return statuses;
    };
    // Warm-up at full concurrency: JIT, both pools' sockets and every token identity exist before the baseline.
    await flood(3_000);
    clock.advance(120_000);
    gw.collect(clock.now());
    const baseline = heapMiB();

    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20)), 20);
    const statuses = await flood(TOTAL);
    clearInterval(sampler);

    expect(statuses.get(200)).toBe(TOTAL);
    const families = gw.collect(clock.now());
    const inflight = pointsOf(families, 'genesys_gateway_inflight_requests').reduce(
      (s, p) => s + ('value' in p ? p.value : 0),
      0,
    );
    expect(inflight).toBe(0);
    // Series follow clients (and method/status class), never requests or tokens.
    expect(pointsOf(families, 'genesys_gateway_requests').length).toBe(CLIENTS);
    expect(pointsOf(families, 'genesys_gateway_tokens_active').length).toBeLessThanOrEqual(CLIENTS);
    // Peak working memory of 400 concurrent requests (both ends in this process, garbage included) stays bounded.
    expect(peak - baseline).toBeLessThan(512);
    // Once the sliding 60 s windows have moved past the flood, nothing of it is left.
    clock.advance(120_000);
    gw.collect(clock.now());
    const after = heapMiB();
    expect(after - baseline).toBeLessThan(5);
  });
});
