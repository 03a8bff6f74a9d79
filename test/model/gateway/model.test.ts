import { describe, expect, it } from 'vitest';
import { SecondsWindow } from '../../../src/model/gateway/window.js';
import { TokenPacer, PACER_WINDOW_MS } from '../../../src/model/gateway/pacer.js';
import { GatewayMeasurements, UNKNOWN_CLIENT } from '../../../src/model/gateway/measurements.js';
import { gatewayFamilies } from '../../../src/sources/gateway/families.js';
import { counter, gauge, histogram } from '../../helpers/families.js';
import { FakeClock } from '../../helpers/clock.js';

describe('SecondsWindow', () => {
  it('counts correctly when it is read long before its first event (its ring is allocated then)', () => {
    const w = new SecondsWindow(300);
    expect(w.total(1_000_000)).toBe(0);
    w.add(1_000_000 + 7_200_000, 2);
    w.add(1_000_000 + 7_201_000);
    expect(w.total(1_000_000 + 7_201_500)).toBe(3);
    expect(w.total(1_000_000 + 7_200_000 + 299_000)).toBe(3);
    expect(w.total(1_000_000 + 7_200_000 + 300_000)).toBe(1);
    expect(w.total(1_000_000 + 7_200_000 + 301_000)).toBe(0);
  });

  it('counts the last 60 whole seconds and forgets older events', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const w = new SecondsWindow(60);
    for (let i = 0; i < 120; i++) {
      w.add(clock.now());
      clock.advance(500);
    }
    // 120 events at 2/s over 60 s; the window holds the last 60 seconds' worth.
    expect(w.total(clock.now() - 500)).toBe(120);
    // 30 s later the window spans seconds 31..90: the 29 newest seconds of events remain.
    clock.advance(30_000);
    expect(w.total(clock.now())).toBe(58);
    clock.advance(31_000);
    expect(w.total(clock.now())).toBe(0);
  });

  it('clears the whole ring after a long gap and tolerates a clock stepping back', () => {
    const w = new SecondsWindow(60);
    w.add(1_000_000, 5);
    expect(w.total(1_000_000 + 3_600_000)).toBe(0);
    w.add(5_000_000);
    w.add(4_000_000);
    expect(w.total(5_000_000)).toBe(2);
  });
});

describe('TokenPacer', () => {
  const params = { budget: 10, maxWaitMs: 10_000, jitterMs: 0, random: () => 0 };

  it('admits up to the budget at once, then delays until a slot leaves the window', () => {
    const p = new TokenPacer();
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) expect(p.decide(t0 + i * 1_000, params)).toEqual({ kind: 'now' });
    // The 11th at t0+55 s must wait for the first admission (t0) to be a window old.
    expect(p.decide(t0 + 55_000, params)).toEqual({ kind: 'delay', waitMs: 5_000 });
    // Next in line waits for the second admission and queues behind the first.
    expect(p.decide(t0 + 55_000, params)).toEqual({ kind: 'delay', waitMs: 6_000 });
  });

  it('rejects with Retry-After when the wait would exceed maxWaitMs', () => {
    const p = new TokenPacer();
    for (let i = 0; i < 10; i++) p.decide(0, params);
    expect(p.decide(1_000, params)).toEqual({ kind: 'reject', retryAfterSeconds: 59 });
  });

  it('never lets any 60 s window hold more than the budget, with jitter', () => {
    const p = new TokenPacer();
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const admitted: number[] = [];
    for (let t = 0; t < 5 * PACER_WINDOW_MS; t += 150) {
      const d = p.decide(t, { budget: 19, maxWaitMs: 10_000, jitterMs: 1_000, random });
      if (d.kind === 'now') admitted.push(t);
      if (d.kind === 'delay') admitted.push(t + d.waitMs);
    }
    admitted.sort((a, b) => a - b);
    for (let i = 19; i < admitted.length; i++)
      expect(admitted[i]! - admitted[i - 19]!).toBeGreaterThanOrEqual(PACER_WINDOW_MS);
    expect(admitted.length).toBeGreaterThan(19 * 4);
  });
});

describe('GatewayMeasurements', () => {
  const ctx = { org: 'o1', nameOf: (id: string) => (id === 'c1' ? 'WFM Sync' : id), limitOf: () => 300 };

  it('aggregates tokens per client: rate, busiest token, active tokens, utilisation', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    for (let i = 0; i < 90; i++) {
      const h = m.start(i % 3 === 0 ? 'tokA' : 'tokB', 'c1', clock.now());
      m.finish(h, { method: 'get', status: i === 0 ? 429 : 200, upstreamSeconds: 0.03 }, clock.now());
      clock.advance(300);
    }
    const [snap] = m.snapshot(clock.now(), ctx.nameOf, ctx.limitOf);
    expect(snap).toMatchObject({
      clientId: 'c1',
      clientName: 'WFM Sync',
      requestsPerMinute: 90,
      peakTokenRequestsPerMinute: 60,
      activeTokens: 2,
      inflight: 0,
      rateLimited5m: 1,
      limit: 300,
      requestsTotal: 90,
    });
    expect(snap!.utilization).toBeCloseTo(0.2);
    const fams = gatewayFamilies(m, clock.now(), ctx);
    const reqs = counter(fams, 'genesys_gateway_requests');
    expect(reqs.unit).toBe('{request}');
    expect(reqs.points.map((p) => [p.attributes.method, p.attributes.status_class, p.value]).sort()).toEqual([
      ['GET', '2xx', 89],
      ['GET', '429', 1],
    ]);
    expect(reqs.points[0]!.attributes).toMatchObject({ org: 'o1', client_id: 'c1', client_name: 'WFM Sync' });
    expect(counter(fams, 'genesys_gateway_rate_limited').points[0]!.value).toBe(1);
    const hist = histogram(fams, 'genesys_gateway_upstream_duration_seconds');
    expect(hist.unit).toBe('s');
    expect(hist.points[0]!.count).toBe(90);
    expect(hist.points[0]!.bucketCounts[hist.boundaries.indexOf(0.05)]).toBe(90);
    expect(gauge(fams, 'genesys_client_limit_utilization_ratio').points[0]!.value).toBeCloseTo(0.2);
  });

  it('tracks in-flight requests and shaped outcomes', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    const h1 = m.start('t', 'c1', clock.now());
    m.start('t', 'c1', clock.now());
    m.shaped('c1', 'delayed', clock.now());
    m.shaped('c1', 'rejected', clock.now());
    m.shaped('c1', 'rejected', clock.now());
    m.finish(h1, { method: 'POST', status: 200 }, clock.now());
    const fams = gatewayFamilies(m, clock.now(), ctx);
    expect(gauge(fams, 'genesys_gateway_inflight_requests').points[0]!.value).toBe(1);
    const shaped = counter(fams, 'genesys_gateway_shaped').points;
    expect(Object.fromEntries(shaped.map((p) => [p.attributes.outcome, p.value]))).toEqual({
      delayed: 1,
      rejected: 2,
    });
  });

  it('drops an idle client from the gauges after 10 min and forgets it after an hour', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    m.finish(m.start('t', 'c1', clock.now()), { method: 'GET', status: 200 }, clock.now());
    clock.advance(6 * 60_000);
    let fams = gatewayFamilies(m, clock.now(), ctx);
    expect(gauge(fams, 'genesys_gateway_tokens_active').points[0]!.value).toBe(0);
    expect(gauge(fams, 'genesys_gateway_requests_per_minute').points).toHaveLength(1);
    clock.advance(5 * 60_000);
    fams = gatewayFamilies(m, clock.now(), ctx);
    expect(gauge(fams, 'genesys_gateway_requests_per_minute').points).toHaveLength(0);
    expect(counter(fams, 'genesys_gateway_requests').points).toHaveLength(1);
    clock.advance(60 * 60_000);
    fams = gatewayFamilies(m, clock.now(), ctx);
    expect(counter(fams, 'genesys_gateway_requests').points).toHaveLength(0);
  });

  it('reads change nothing: snapshot and families free no state, prune() does', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    m.finish(m.start('t', 'c1', clock.now()), { method: 'GET', status: 200 }, clock.now());
    clock.advance(2 * 60 * 60_000);
    expect(m.snapshot(clock.now(), ctx.nameOf, ctx.limitOf)).toEqual([]);
    expect(counter(gatewayFamilies(m, clock.now(), ctx), 'genesys_gateway_requests').points).toEqual([]);
    expect(m.trackedTokens()).toBe(1);
    expect(m.counters(clock.now())).toEqual([]);
    m.prune(clock.now());
    expect(m.trackedTokens()).toBe(0);
    // A returning client starts counting afresh, as after a forget.
    m.finish(m.start('t', 'c1', clock.now()), { method: 'GET', status: 200 }, clock.now());
    expect(m.counters(clock.now())).toMatchObject([{ clientId: 'c1', startTimeMs: clock.now() }]);
  });

  it('bounds tracked tokens, evicting the least recently seen idle ones', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements(100);
    for (let i = 0; i < 1_000; i++)
      m.finish(m.start(`t${i}`, UNKNOWN_CLIENT, clock.now()), { method: 'GET', status: 200 }, clock.now());
    expect(m.trackedTokens()).toBe(100);
    expect(m.tokenRate('t999', clock.now())).toBe(1);
    expect(m.tokenRate('t0', clock.now())).toBe(0);
  });

  it('normalises unusual methods so clients cannot create unbounded label values', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    m.finish(m.start('t', 'c1', clock.now()), { method: 'BREW', status: 200 }, clock.now());
    const reqs = counter(gatewayFamilies(m, clock.now(), ctx), 'genesys_gateway_requests');
    expect(reqs.points[0]!.attributes.method).toBe('other');
  });
});
