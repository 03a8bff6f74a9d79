/**
 * What a source hands to telemetry at each collection: complete, current metric families built from
 * in-memory state. Telemetry turns them into OTel data points through a MetricProducer, so a series
 * that is not in the latest families is gone from the next scrape and the next OTLP export (no
 * cumulative memo, no stale series).
 *
 * Sources build families through the metric catalogue (./catalogue.ts), which holds every name,
 * help text, unit and label key.
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
