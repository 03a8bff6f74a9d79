import { ValueType } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { MetricFamily } from './families.js';

/**
 * Builds OTel metric data straight from the agent's current state at every collection. Unlike
 * observable instruments, nothing is remembered between collections, so a client that vanished
 * from the state vanishes from the next scrape and OTLP export (docs/metrics.md says why).
 * The readers add the resource; the producer's own resource is ignored.
 */
export class FamiliesProducer implements MetricProducer {
  constructor(
    private readonly scope: InstrumentationScope,
    private readonly families: (nowMs: number) => MetricFamily[],
    private readonly now: () => number = Date.now,
  ) {}

  async collect(): Promise<CollectionResult> {
    const nowMs = this.now();
    const endTime = millisToHrTime(nowMs);
    const metrics = this.families(nowMs).map((f) => toMetricData(f, endTime));
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.scope, metrics }] },
      errors: [],
    };
  }
}

/** One family as OTel metric data, its points stamped `endTime`. */
export function toMetricData(f: MetricFamily, endTime: [number, number]): MetricData {
  const descriptor = { name: f.name, description: f.help, unit: f.unit, valueType: ValueType.DOUBLE };
  switch (f.kind) {
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: f.points.map((p) => ({
          startTime: endTime,
          endTime,
          attributes: p.attributes,
          value: p.value,
        })),
      };
    case 'counter':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: f.points.map((p) => ({
          startTime: millisToHrTime(p.startTimeMs),
          endTime,
          attributes: p.attributes,
          value: p.value,
        })),
      };
    case 'histogram': {
      // One array for every point: the serializer only reads it (10 000 copies were a megabyte).
      const boundaries = [...f.boundaries];
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: f.points.map((p) => ({
          startTime: millisToHrTime(p.startTimeMs),
          endTime,
          attributes: p.attributes,
          value: {
            buckets: { boundaries, counts: p.bucketCounts },
            sum: p.sum,
            count: p.count,
            ...(p.min !== undefined ? { min: p.min } : {}),
            ...(p.max !== undefined ? { max: p.max } : {}),
          },
        })),
      };
    }
  }
}
