/**
 * What a source hands to telemetry at each collection: complete, current families built from
 * in-memory state through ./catalogue.ts, so a series not in the latest ones is gone from the next
 * scrape and OTLP export (no cumulative memo, no stale series). Points may be built only when read,
 * afresh at every read (`withPoints` with a function), so a 10 000-client scrape holds one family's
 * points, not all of them (docs/performance.md, "Container"). Read `points` once per collection.
 */
export type Attributes = Readonly<Record<string, string>>;

interface FamilyBase {
  /** As declared in the catalogue (./catalogue.ts): counters without `_total`. */
  name: string;
  help: string;
  unit: string;
}

export interface GaugeFamily extends FamilyBase {
  kind: 'gauge';
  points: { attributes: Attributes; value: number }[];
}

export interface CounterFamily extends FamilyBase {
  kind: 'counter';
  /** startTimeMs: when this series started counting (resets are visible to the backend). */
  points: { attributes: Attributes; value: number; startTimeMs: number }[];
}

export interface HistogramFamily extends FamilyBase {
  kind: 'histogram';
  /** Upper bounds, ascending; bucketCounts has boundaries.length + 1 entries (last is +Inf). */
  boundaries: readonly number[];
  points: {
    attributes: Attributes;
    startTimeMs: number;
    count: number;
    sum: number;
    bucketCounts: number[];
    min?: number;
    max?: number;
  }[];
}

export type MetricFamily = GaugeFamily | CounterFamily | HistogramFamily;

/**
 * `meta` with `points`: the array itself, or a getter that builds them at each read. Spreading
 * such a family (`{ ...f }`) reads them: keep families as they are, or use `mergeFamilies`.
 */
export function withPoints<M extends object, P>(meta: M, points: P[] | (() => P[])): M & { points: P[] } {
  if (typeof points !== 'function') return { ...meta, points };
  return Object.defineProperty({ ...meta }, 'points', { get: points, enumerable: true }) as M & {
    points: P[];
  };
}

/**
 * Families with the same name (from several orgs or sources) as one family each, in first-seen
 * order; a merged family's points are read from its members only when it is read itself.
 */
export function mergeFamilies(families: Iterable<MetricFamily>): MetricFamily[] {
  return [...Map.groupBy(families, (f) => f.name).values()].map((members) => {
    const [first] = members as [MetricFamily, ...MetricFamily[]];
    if (members.length === 1) return first;
    const { points: _points, ...meta } = Object.getOwnPropertyDescriptors(first);
    return withPoints(Object.defineProperties({}, meta) as Omit<MetricFamily, 'points'>, () =>
      members.flatMap((m) => m.points as unknown[]),
    ) as MetricFamily;
  });
}
