import { ValueType, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import type { Attributes, MetricFamily } from './families.js';

/** One family as OTel metric data, its points stamped `endTime`. */
export function toMetricData(f: MetricFamily, endTime: HrTime): MetricData {
  const common = {
    descriptor: { name: f.name, description: f.help, unit: f.unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
  };
  const point = (p: { attributes: Attributes }, startTime = endTime) => ({
    startTime,
    endTime,
    attributes: p.attributes,
  });
  switch (f.kind) {
    case 'gauge':
      return {
        ...common,
        dataPointType: DataPointType.GAUGE,
        dataPoints: f.points.map((p) => ({ ...point(p), value: p.value })),
      };
    case 'counter':
      return {
        ...common,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: f.points.map((p) => ({ ...point(p, millisToHrTime(p.startTimeMs)), value: p.value })),
      };
    case 'histogram': {
      // One array for every point: the serializer only reads it (10 000 copies were a megabyte).
      const boundaries = [...f.boundaries];
      return {
        ...common,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: f.points.map((p) => ({
          ...point(p, millisToHrTime(p.startTimeMs)),
          value: {
            buckets: { boundaries, counts: p.bucketCounts },
            sum: p.sum,
            count: p.count,
            min: p.min,
            max: p.max,
          },
        })),
      };
    }
  }
}
