import { describe, expect, it } from 'vitest';
import { trafficSchema } from '../../src/simulator/scenario.js';
import {
  COUNT_KEYS,
  DAY,
  MINUTE,
  splitCounts,
  sumMinutes,
  tokenMinuteCounts,
  type TrafficClient,
} from '../../src/simulator/traffic.js';

const base = (over: Partial<TrafficClient> & { traffic: TrafficClient['traffic'] }): TrafficClient => ({
  key: 12345,
  tokens: 1,
  fromMinute: 0,
  untilMinute: Number.MAX_SAFE_INTEGER,
  runawayStartMinute: -Infinity,
  ...over,
});
const m0 = Date.UTC(2026, 0, 15) / MINUTE;

describe('traffic model', () => {
  it('is a pure function of (seed, client, token, minute)', () => {
    const c = base({ traffic: trafficSchema.parse({ profile: 'steady', rpm: 100 }) });
    expect(tokenMinuteCounts(1, c, 0, m0, 300)).toEqual(tokenMinuteCounts(1, c, 0, m0, 300));
    const a = sumMinutes(1, c, m0, m0 + 600, 300).requests;
    expect(sumMinutes(2, c, m0, m0 + 600, 300).requests).not.toBe(a);
    expect(a).toBeGreaterThan(600 * 90);
    expect(a).toBeLessThan(600 * 110);
  });

  it('turns requests above the per-token limit into 429s, inside status400', () => {
    const c = base({
      traffic: trafficSchema.parse({
        profile: 'runaway',
        rpm: 400,
        peakRpm: 400,
        jitter: 0,
        errorRate4xx: 0,
        errorRate5xx: 0,
      }),
    });
    expect(tokenMinuteCounts(1, c, 0, m0, 300)).toEqual({
      requests: 400,
      status200: 300,
      status300: 0,
      status400: 100,
      status429: 100,
      status500: 0,
    });
    const two = { ...c, tokens: 2 };
    expect(tokenMinuteCounts(1, two, 0, m0, 300).status429).toBe(0); // 200 per token
  });

  it('bursts and runaway change the rate at the configured minutes', () => {
    const runaway = base({
      runawayStartMinute: m0 + 10,
      traffic: trafficSchema.parse({ profile: 'runaway', rpm: 10, peakRpm: 1000, jitter: 0 }),
    });
    expect(tokenMinuteCounts(1, runaway, 0, m0 + 9, 300).requests).toBe(10);
    expect(tokenMinuteCounts(1, runaway, 0, m0 + 10, 300).requests).toBe(1000);
    const burst = base({
      traffic: trafficSchema.parse({
        profile: 'burst',
        rpm: 0,
        peakRpm: 100,
        burstEveryMinutes: 60,
        burstMinutes: 5,
        jitter: 0,
      }),
    });
    expect(sumMinutes(1, burst, m0, m0 + 60, 300).requests).toBe(500);
  });

  it('sends nothing outside the client window', () => {
    const c = base({
      fromMinute: m0 + 5,
      untilMinute: m0 + 10,
      traffic: trafficSchema.parse({ profile: 'steady', rpm: 60, jitter: 0 }),
    });
    expect(sumMinutes(1, c, m0, m0 + 60, 300).requests).toBe(300);
  });

  it('splits counters over endpoints with exact integer sums', () => {
    const total = {
      requests: 1003,
      status200: 900,
      status300: 3,
      status400: 97,
      status429: 41,
      status500: 3,
    };
    const parts = splitCounts(total, [1, 2, 3]);
    for (const k of COUNT_KEYS) expect(parts.reduce((a, p) => a + p[k], 0)).toBe(total[k]);
    for (const p of parts) expect(p.status400).toBeGreaterThanOrEqual(p.status429);
  });

  it('45 days of a 10-client org is a sum of minutes', () => {
    const clients = Array.from({ length: 10 }, (_, i) =>
      base({ key: i, traffic: trafficSchema.parse({ profile: 'steady', rpm: 60, jitter: 0 }) }),
    );
    const from = m0 - (45 * DAY) / MINUTE;
    const total = clients.reduce((a, c) => a + sumMinutes(1, c, from, m0, 300).requests, 0);
    expect(total).toBe(10 * 60 * 45 * 1440);
  });
});
