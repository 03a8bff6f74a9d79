import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { metricChunks } from '../../src/telemetry/exposition.js';

/** A real collection: counters, gauges, a histogram and an empty family, over many series. */
async function collection(clients: number) {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'exposition-test' }),
    readers: [exporter],
  });
  const meter = provider.getMeter('scope-a', '1.0.0');
  const requests = meter.createCounter('genesys_test_requests', { unit: '{request}', description: 'r' });
  const rpm = meter.createGauge('genesys_test_rpm', { description: 'per "minute"\nnewline' });
  const latency = meter.createHistogram('genesys_test_latency', { unit: 's', description: 'l' });
  meter.createUpDownCounter('genesys_test_never_recorded', { description: 'no points' });
  for (let i = 0; i < clients; i++) {
    const attrs = { client_id: `c-${i}`, client_name: `Client "${i}" \\ x` };
    requests.add(i + 1, { ...attrs, status_class: '2xx' });
    requests.add(i % 3, { ...attrs, status_class: '429' });
    rpm.record(i / 7, attrs);
    latency.record((i % 50) / 100, attrs);
  }
  const { resourceMetrics } = await exporter.collect();
  await provider.shutdown();
  return resourceMetrics;
}

describe('chunked Prometheus exposition', () => {
  for (const [withoutTargetInfo, withoutScopeInfo] of [
    [false, true],
    [false, false],
    [true, true],
  ] as const)
    it(`concatenates to exactly the serializer's text (target_info ${!withoutTargetInfo}, scope info ${!withoutScopeInfo})`, async () => {
      const rm = await collection(600);
      const whole = new PrometheusSerializer(
        '',
        false,
        undefined,
        withoutTargetInfo,
        withoutScopeInfo,
      ).serialize(rm);
      const [scope] = rm.scopeMetrics;
      const chunks = [
        ...metricChunks(rm.resource, scope!.scope, scope!.metrics, {
          withoutTargetInfo,
          withoutScopeInfo,
          linesPerChunk: 25,
        }),
      ];
      expect(chunks.length).toBeGreaterThan(40);
      expect(chunks.join('')).toBe(whole);
      // No chunk repeats a family's metadata: one HELP and one TYPE line per family in all.
      const text = chunks.join('');
      expect(text.match(/^# TYPE genesys_test_requests_total /gm)).toHaveLength(1);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(whole.length / 10);
      // Chunks are cut by lines: a histogram point is many lines, so its slices hold fewer points.
      for (const c of chunks.slice(1))
        expect(c.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBeLessThanOrEqual(25);
    });

  it('an empty collection is what the serializer says for it', () => {
    const rm = { resource: resourceFromAttributes({}), scopeMetrics: [] };
    const whole = new PrometheusSerializer('', false, undefined, false, true).serialize(rm);
    expect(
      [
        ...metricChunks(rm.resource, { name: 's' }, [], { withoutTargetInfo: false, withoutScopeInfo: true }),
      ].join(''),
    ).toBe(whole);
  });
});
