import { describe, expect, it } from 'vitest';
import type { RateLimitAggregateGroup } from '../../../src/genesys/api.js';
import { RateLimitTracker } from '../../../src/model/signals/rate-limit-tracker.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Ground truth: records per (entity, minute index relative to T0). */
type Truth = Record<string, Record<number, number>>;

/** What the API returns for a window over the truth known at `nowMs` (buckets of the window only). */
function apiAnswer(truth: Truth, windowStartMs: number, nowMs: number): RateLimitAggregateGroup[] {
  return Object.entries(truth).map(([entityId, minutes]) => ({
    namespace: 'platform.api',
    limitName: 'client.credentials.token.rate.per.minute',
    entityId,
    data: Object.entries(minutes)
      .map(([m, count]) => ({ startMs: T0 + Number(m) * MIN, count }))
      .filter((b) => b.startMs >= windowStartMs && b.startMs < nowMs)
      // The last bucket is cut at the query end, as the API may do: the key must not depend on it.
      .map((b) => ({
        interval: `${iso(b.startMs)}/${iso(Math.min(b.startMs + MIN, nowMs))}`,
        count: b.count,
        max: 300,
      })),
  }));
}

const totalOf = (t: RateLimitTracker, entityId: string) =>
  t.snapshot().find((g) => g.entityId === entityId)?.total;

describe('RateLimitTracker', () => {
  it('counts every record once across overlapping 10-minute windows while buckets still grow', () => {
    const tracker = new RateLimitTracker(T0);
    const truth: Truth = { a: {}, b: {} };
    const lookback = 10 * MIN;
    // Poll every minute for 30 minutes; client a is hot every minute (its current bucket grows
    // between polls), client b only now and then.
    for (let poll = 0; poll <= 30; poll++) {
      const now = T0 + poll * MIN + 30_000;
      truth.a![poll] = (truth.a![poll] ?? 0) + 1;
      if (poll > 0) truth.a![poll - 1]! += 1; // a late record for the previous minute
      if (poll % 7 === 3) truth.b![poll] = 2;
      const start = Math.floor((now - lookback) / MIN) * MIN;
      tracker.observe(apiAnswer(truth, start, now), start, MIN);
    }
    const sum = (m: Record<number, number>) => Object.values(m).reduce((x, y) => x + y, 0);
    expect(totalOf(tracker, 'a')).toBe(sum(truth.a!));
    expect(totalOf(tracker, 'b')).toBe(sum(truth.b!));
    expect(sum(truth.a!)).toBeGreaterThan(31); // windows really overlapped growing buckets
  });

  it('does not re-count the lookback window after a restart (a new tracker), but counts buckets still open', () => {
    const truth: Truth = { a: { 0: 3, 1: 2, 2: 1 } };
    const first = new RateLimitTracker(T0 - MIN);
    first.observe(apiAnswer(truth, T0 - MIN, T0 + 2 * MIN + 20_000), T0 - MIN, MIN);
    expect(totalOf(first, 'a')).toBe(6);

    // Restart at 12:02:30: minutes 0 and 1 ended before it and were counted by the previous run.
    const restartedAt = T0 + 2 * MIN + 30_000;
    const second = new RateLimitTracker(restartedAt);
    truth.a![2] = 4;
    truth.a![3] = 5;
    second.observe(apiAnswer(truth, T0 - MIN, T0 + 3 * MIN + 40_000), T0 - MIN, MIN);
    expect(totalOf(second, 'a')).toBe(4 + 5);
    // ...and the lookback still shows them for the status page.
    expect(second.snapshot()[0]).toMatchObject({
      recentCount: 3 + 2 + 4 + 5,
      recentMax: 300,
      lastSeenMs: T0 + 3 * MIN + 40_000,
    });
  });

  it('forgets buckets that left the window, and a shrinking count never subtracts', () => {
    const tracker = new RateLimitTracker(T0);
    tracker.observe(apiAnswer({ a: { 0: 2 } }, T0, T0 + MIN), T0, MIN);
    tracker.observe(apiAnswer({ a: { 0: 1 } }, T0, T0 + MIN), T0, MIN);
    expect(totalOf(tracker, 'a')).toBe(2);
    tracker.observe([], T0 + 20 * MIN, MIN);
    expect(tracker.snapshot()[0]).toMatchObject({ total: 2, recentCount: 0, lastSeenMs: null });
  });

  it('uses the granularity for a bucket without an end', () => {
    const tracker = new RateLimitTracker(T0 + 30_000);
    tracker.observe(
      [{ namespace: 'n', limitName: 'l', entityId: 'e', data: [{ interval: iso(T0), count: 2, max: null }] }],
      T0,
      MIN,
    );
    expect(tracker.snapshot()[0]).toMatchObject({ total: 2, recentMax: null, lastSeenMs: T0 + MIN });
  });
});
