/**
 * Prometheus exposition in chunks, so a 10 000-client scrape (tens of MB) is never one string:
 * concatenated, byte for byte `PrometheusSerializer.serialize` (test/telemetry/exposition.test.ts).
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** Exposition lines per chunk (a histogram point is one per bucket plus three): ~100–300 kB. */
export const LINES_PER_CHUNK = 1_000;

function linesPerPoint(metric: MetricData): number {
  if (metric.dataPointType !== DataPointType.HISTOGRAM) return 1;
  const first = metric.dataPoints[0];
  return first ? first.value.buckets.counts.length + 3 : 1;
}

/** A continuation slice without the `# HELP`/`# UNIT`/`# TYPE` lines already written. */
const withoutMetadata = (text: string): string => text.replace(/^(?:#.*(?:\n|$))*/, '');

/**
 * The exposition of `metrics` (one per name, or its slices in a row); a metric, and whatever builds
 * it, is only taken once the text before it is consumed. target_info comes first.
 */
export function* metricChunks(
  resource: ResourceMetrics['resource'],
  scope: ScopeMetrics['scope'],
  metrics: Iterable<MetricData>,
  opts: { withoutTargetInfo: boolean; withoutScopeInfo: boolean; linesPerChunk?: number },
): Generator<string> {
  const lines = opts.linesPerChunk ?? LINES_PER_CHUNK;
  const serializer = (withoutTargetInfo: boolean) =>
    new PrometheusSerializer('', false, undefined, withoutTargetInfo, opts.withoutScopeInfo);
  const whole = serializer(opts.withoutTargetInfo);
  const bare = serializer(true);
  let first = !opts.withoutTargetInfo;
  /** The name whose metadata was written last: a metric of that name continues it. */
  let written = '';
  for (const metric of metrics) {
    const n = metric.dataPoints.length;
    const per = Math.max(1, Math.floor(lines / linesPerPoint(metric)));
    for (let from = 0; from < Math.max(n, 1); from += per) {
      const part = { ...metric, dataPoints: metric.dataPoints.slice(from, from + per) } as MetricData;
      const text = (first ? whole : bare).serialize({ resource, scopeMetrics: [{ scope, metrics: [part] }] });
      if (text.endsWith('# no registered metrics')) continue;
      first = false;
      const body = written === metric.descriptor.name ? withoutMetadata(text) : text;
      if (body === '') continue;
      written = metric.descriptor.name;
      yield body;
    }
  }
  // Nothing to say: what the serializer says for an empty collection.
  if (written === '') yield whole.serialize({ resource, scopeMetrics: [] });
}
