import type { RateLimitAggregateGroup } from '../../genesys/api.js';

/** One (namespace, limit, entity) group as the tracker reports it. */
export interface RateLimitGroupTotals {
  namespace: string;
  limitName: string;
  entityId: string;
  /** Records counted since the tracker started (only buckets that end after `startedAtMs`). */
  total: number;
  /** Records in the buckets still inside the lookback window, counted or not. */
  recentCount: number;
  /** Highest `max` seen in those buckets; null when the API gave none. */
  recentMax: number | null;
  /** End of the newest bucket with a record, epoch ms; null when none is in the window. */
  lastSeenMs: number | null;
}

type GroupState = Pick<RateLimitGroupTotals, 'namespace' | 'limitName' | 'entityId' | 'total'>;
type BucketState = { group: GroupState; startMs: number; endMs: number; count: number; max: number | null };

/**
 * Counts rate-limit aggregate records exactly once although successive queries overlap.
 *
 * Each bucket is keyed by group + bucket start (not the interval string: the API may truncate the
 * last bucket's end to the query end, which would make the same bucket look new). For every bucket
 * the tracker keeps the highest count seen and adds only increases. Buckets that end before the
 * tracker started were counted by whoever ran before (or happened before anyone watched), so they
 * are shown in `recent*` but never added to `total`: a restarted agent does not re-count the
 * lookback window. Pure: no clock, the caller passes the query window.
 */
export class RateLimitTracker {
  private readonly buckets = new Map<string, BucketState>();
  private readonly groups = new Map<string, GroupState>();

  constructor(private readonly startedAtMs: number) {}

  /**
   * Apply one query result. `windowStartMs` is the (granularity-aligned) start of the queried
   * interval: buckets starting before it can never be returned again and are forgotten.
   * `granularityMs` gives a bucket's end when the API returns an open interval.
   */
  observe(results: readonly RateLimitAggregateGroup[], windowStartMs: number, granularityMs: number): void {
    for (const g of results) {
      const groupKey = JSON.stringify([g.namespace, g.limitName, g.entityId]);
      let group = this.groups.get(groupKey);
      if (!group) {
        group = { namespace: g.namespace, limitName: g.limitName, entityId: g.entityId, total: 0 };
        this.groups.set(groupKey, group);
      }
      for (const point of g.data) {
        const bounds = parseInterval(point.interval, granularityMs);
        if (!bounds || bounds.startMs < windowStartMs) continue;
        const key = `${groupKey}@${bounds.startMs}`;
        const seen = this.buckets.get(key);
        const increase = point.count - (seen?.count ?? 0);
        if (seen && increase <= 0 && (point.max ?? -Infinity) <= (seen.max ?? -Infinity)) continue;
        const endMs = Math.max(bounds.endMs, seen?.endMs ?? 0);
        if (increase > 0 && endMs > this.startedAtMs) group.total += increase;
        this.buckets.set(key, {
          group,
          startMs: bounds.startMs,
          endMs,
          count: Math.max(point.count, seen?.count ?? 0),
          max: maxOf(point.max, seen?.max ?? null),
        });
      }
    }
    this.prune(windowStartMs);
  }

  /** Every group ever seen, with its running total and what the lookback window still holds. */
  snapshot(): RateLimitGroupTotals[] {
    const out = new Map<GroupState, RateLimitGroupTotals>();
    for (const g of this.groups.values())
      out.set(g, { ...g, recentCount: 0, recentMax: null, lastSeenMs: null });
    for (const b of this.buckets.values()) {
      const r = out.get(b.group)!;
      r.recentCount += b.count;
      r.recentMax = maxOf(r.recentMax, b.max);
      if (b.count > 0) r.lastSeenMs = Math.max(r.lastSeenMs ?? 0, b.endMs);
    }
    return [...out.values()];
  }

  private prune(windowStartMs: number): void {
    for (const [key, b] of this.buckets) if (b.startMs < windowStartMs) this.buckets.delete(key);
  }
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** `start/end` (ISO instants) -> epoch ms; an end that is missing or not an instant becomes start + granularity. */
function parseInterval(
  interval: string,
  granularityMs: number,
): { startMs: number; endMs: number } | undefined {
  const [start, end] = interval.split('/');
  const startMs = Date.parse(start ?? '');
  if (Number.isNaN(startMs)) return undefined;
  const parsedEnd = end === undefined ? NaN : Date.parse(end);
  return { startMs, endMs: Number.isNaN(parsedEnd) ? startMs + granularityMs : parsedEnd };
}
