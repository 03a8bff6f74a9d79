/**
 * Prometheus exposition in chunks: the OTel serializer's own output, produced a slice of data
 * points at a time so a 10 000-client scrape (tens of MB of text) is never one string in memory.
 * Concatenated, the chunks are byte for byte what `PrometheusSerializer.serialize` returns for
 * the whole collection (test/telemetry/exposition.test.ts), so names and semantics stay OTel's.
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

interface Options {
  withoutTargetInfo: boolean;
  withoutScopeInfo: boolean;
  linesPerChunk?: number;
}

type Member = { metric: MetricData; scope: ScopeMetrics['scope'] };

/** One ResourceMetrics holding one metric's slice of points. */
function slice(rm: ResourceMetrics, m: Member, from: number, to: number): ResourceMetrics {
  const metric = { ...m.metric, dataPoints: m.metric.dataPoints.slice(from, to) } as MetricData;
  return { resource: rm.resource, scopeMetrics: [{ scope: m.scope, metrics: [metric] }] };
}

function linesPerPoint(metric: MetricData): number {
  if (metric.dataPointType !== DataPointType.HISTOGRAM) return 1;
  const first = metric.dataPoints[0];
  return first ? first.value.buckets.counts.length + 3 : 1;
}

/** A family's continuation slice without the `# HELP`/`# UNIT`/`# TYPE` lines already written. */
function withoutMetadata(text: string): string {
  let i = 0;
  while (text.startsWith('#', i)) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return '';
    i = nl + 1;
  }
  return text.slice(i);
}

/**
 * The serializer groups metrics of one name across scopes and writes its metadata once, with
 * target_info first; the chunks follow the same order. A family whose members have different
 * types is dropped by the serializer: such a collection is serialized whole instead.
 */
export function* expositionChunks(rm: ResourceMetrics, opts: Options): Generator<string> {
  const families = new Map<string, Member[]>();
  for (const scope of rm.scopeMetrics)
    for (const metric of scope.metrics) {
      const name = metric.descriptor.name;
      const members = families.get(name) ?? [];
      if (members.some((x) => x.metric.dataPointType !== metric.dataPointType)) {
        yield serializer(opts, opts.withoutTargetInfo).serialize(rm);
        return;
      }
      members.push({ metric, scope: scope.scope });
      families.set(name, members);
    }
  yield* familyChunks(rm.resource, families.values(), opts);
}

/**
 * The exposition of metrics that each have a name of their own, produced one metric at a time as
 * the reader pulls: a metric (and whatever builds it) is only taken from `metrics` once the text
 * before it is consumed, so a collection is never held whole. Equal to `expositionChunks` over
 * the same metrics in one scope.
 */
export function metricChunks(
  resource: ResourceMetrics['resource'],
  scope: ScopeMetrics['scope'],
  metrics: Iterable<MetricData>,
  opts: Options,
): Generator<string> {
  return familyChunks(
    resource,
    mapIterable(metrics, (metric) => [{ metric, scope }]),
    opts,
  );
}

function* mapIterable<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of items) yield f(t);
}

function serializer(opts: Options, withoutTargetInfo: boolean): PrometheusSerializer {
  return new PrometheusSerializer('', false, undefined, withoutTargetInfo, opts.withoutScopeInfo);
}

function* familyChunks(
  resource: ResourceMetrics['resource'],
  families: Iterable<Member[]>,
  opts: Options,
): Generator<string> {
  const lines = opts.linesPerChunk ?? LINES_PER_CHUNK;
  const whole = serializer(opts, opts.withoutTargetInfo);
  const bare = serializer(opts, true);
  const rm = { resource, scopeMetrics: [] };
  let first = !opts.withoutTargetInfo;
  let wrote = false;
  for (const members of families) {
    let metadataWritten = false;
    for (const m of members) {
      const n = m.metric.dataPoints.length;
      const per = Math.max(1, Math.floor(lines / linesPerPoint(m.metric)));
      for (let from = 0; from < Math.max(n, 1); from += per) {
        const part = slice(rm, m, from, from + per);
        const text = (first ? whole : bare).serialize(part);
        if (text.endsWith('# no registered metrics')) continue;
        first = false;
        const body = metadataWritten ? withoutMetadata(text) : text;
        if (body === '') continue;
        metadataWritten = true;
        wrote = true;
        yield body;
      }
    }
  }
  // Nothing to say: what the serializer says for an empty collection.
  if (!wrote) yield whole.serialize(rm);
}
