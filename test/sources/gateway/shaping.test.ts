import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';

import { GatewaySource, type ShapingOptions } from '../../../src/sources/gateway/index.js';
import { counter } from '../../helpers/families.js';
import { startFakeUpstream, type FakeUpstream, gatewayFor } from './helpers.js';
import { FakeClock } from '../../helpers/clock.js';

const LIMIT = 300;

/** An upstream that enforces LIMIT requests per token in any 60 s (on the shared fake clock). */
async function limitedUpstream(
  clock: FakeClock,
): Promise<FakeUpstream & { accepted: number[]; rejected: () => number }> {
  const accepted: number[] = [];
  let rejected = 0;
  const up = await startFakeUpstream(async (_req, res, body) => {
    await body();
    const now = clock.now();
    const inWindow = accepted.filter((t) => t > now - 60_000).length;
    if (inWindow >= LIMIT) {
      rejected += 1;
      res.writeHead(429, { 'retry-after': '5', 'content-type': 'application/json' });
      res.end('{"status":429,"code":"too.many.requests.retry.after"}');
      return;
    }
    accepted.push(now);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  return Object.assign(up, { accepted, rejected: () => rejected });
}

/** Offers 400 req/min from one token for `minutes` of fake time, one request at a time. */
async function offer(gw: GatewaySource, clock: FakeClock, minutes: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const end = clock.now() + minutes * 60_000;
  while (clock.now() < end) {
    const r = await request(`${gw.url}/api/v2/users`, { headers: { authorization: 'Bearer only-token' } });
    await r.body.dump();
    statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    clock.advance(150);
  }
  return statuses;
}

function maxPerWindow(times: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 60_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('gateway shaping', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup) await c();
    cleanup = [];
  });

  async function setup(shaping: ShapingOptions) {
    const clock = new FakeClock();
    const upstream = await limitedUpstream(clock);
    const gw = gatewayFor(upstream.url, {
      limitPerMinute: () => LIMIT,
      shaping,
      clock,
      // Shaping waits in fake time: the clock jumps instead of the test sleeping.
      sleep: async (ms) => clock.advance(ms),
      random: () => 0.5,
    });
    await gw.start();
    cleanup.push(
      () => gw.stop(),
      () => upstream.close(),
    );
    return { clock, upstream, gw };
  }

  const shaped = (gw: GatewaySource, clock: FakeClock) =>
    Object.fromEntries(
      counter(gw.collect(clock.now()), 'genesys_gateway_shaped').points.map((p) => [
        p.attributes.outcome,
        p.value,
      ]),
    );

  it('smooth: 400 req/min offered → no upstream 429s, upstream rate within share of the limit', async () => {
    const { clock, upstream, gw } = await setup({ mode: 'smooth', share: 0.95, maxWaitMs: 10_000 });
    const statuses = await offer(gw, clock, 2);
    expect(upstream.rejected()).toBe(0);
    expect(maxPerWindow(upstream.accepted)).toBeLessThanOrEqual(Math.floor(0.95 * LIMIT));
    expect(maxPerWindow(upstream.accepted)).toBeGreaterThan(250);
    const outcome = shaped(gw, clock);
    expect(outcome.delayed).toBeGreaterThan(0);
    // Every 429 the client saw was the gateway's own (when a wait would exceed maxWaitMs).
    expect(statuses.get(429) ?? 0).toBe(outcome.rejected);
    expect(statuses.get(200)).toBe(upstream.accepted.length);
  });

  it('smooth with a short max wait → local normalized 429s with Retry-After, counted as rejected', async () => {
    const { clock, upstream, gw } = await setup({ mode: 'smooth', share: 0.95, maxWaitMs: 50 });
    const end = clock.now() + 60_000;
    let local: { status: number; retryAfter: unknown; body: string } | null = null;
    while (clock.now() < end) {
      const r = await request(`${gw.url}/api/v2/users`, { headers: { authorization: 'Bearer only-token' } });
      const body = await r.body.text();
      if (r.statusCode === 429 && !local) local = { status: 429, retryAfter: r.headers['retry-after'], body };
      clock.advance(150);
    }
    expect(upstream.rejected()).toBe(0);
    expect(local).not.toBeNull();
    expect(Number(local!.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(local!.body)).toMatchObject({
      status: 429,
      code: 'too.many.requests.retry.after',
      message: `Rate limit exceeded the maximum. Retry the request in [${String(local!.retryAfter)}] seconds`,
    });
    expect(shaped(gw, clock).rejected).toBeGreaterThan(0);
    // Local rejections never reached Genesys, so they are not upstream 429s.
    const limited = counter(gw.collect(clock.now()), 'genesys_gateway_rate_limited');
    expect(limited.points[0]!.value).toBe(0);
  });

  it('off: the upstream 429s pass through and are counted', async () => {
    const { clock, upstream, gw } = await setup({ mode: 'off' });
    const statuses = await offer(gw, clock, 2);
    expect(upstream.rejected()).toBeGreaterThan(0);
    expect(statuses.get(429)).toBe(upstream.rejected());
    const limited = counter(gw.collect(clock.now()), 'genesys_gateway_rate_limited');
    expect(limited.points[0]!.value).toBe(upstream.rejected());
    expect(shaped(gw, clock)).toEqual({ delayed: 0, rejected: 0 });
  });
});
