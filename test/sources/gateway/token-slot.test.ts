import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewaySource } from '../../../src/sources/gateway/index.js';
import { startFakeUpstream, type FakeUpstream, gatewayFor } from './helpers.js';

/**
 * A client that leaves while its token is still being looked up must not keep its per-token slot:
 * with one slot per token, a leaked slot answers every later request of that token with 429.
 */
describe('per-token slot of a client that left during the token look-up', () => {
  let upstream: FakeUpstream;
  let gw: GatewaySource;
  let lookups = 0;

  beforeAll(async () => {
    upstream = await startFakeUpstream((_req, res) => void res.end('{}'));
    gw = gatewayFor(upstream.url, {
      limits: { maxConcurrentPerToken: 1 },
      // Never answers: each request waits its bounded look-up time, then goes on as unknown.
      resolveToken: () => {
        lookups += 1;
        return new Promise(() => undefined);
      },
    });
    await gw.start();
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('is given back, so the next request with the token is forwarded', async () => {
    const ac = new AbortController();
    const first = request(`${gw.url}/api/v2/users/me`, {
      headers: { authorization: 'Bearer slot-token' },
      signal: ac.signal,
    }).catch((e: unknown) => e);
    while (lookups === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await first;
    // Past the look-up wait (250 ms): the gateway has decided about the first request by now.
    await new Promise((r) => setTimeout(r, 400));
    const second = await request(`${gw.url}/api/v2/users/me`, {
      headers: { authorization: 'Bearer slot-token' },
    });
    await second.body.text();
    expect(second.statusCode).toBe(200);
  });
});
