import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/telemetry/catalogue.js';
import { mergeFamilies, type MetricFamily } from '../../src/telemetry/families.js';
import { toMetricData } from '../../src/telemetry/producer.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { BOUNDARIES } from '../helpers/clock.js';

const NOW = BOUNDARIES.leapDay + 123;

/** Families whose points are built on read; `built` logs each build, by family name. */
function lazyFamilies(clients: number, built: string[]): MetricFamily[] {
  const per = (name: string, value: (i: number) => number) => () => {
    built.push(name);
    return Array.from({ length: clients }, (_, i) => ({
      attributes: { org: 'o', client_id: `c-${i}`, client_name: `Client ${i}` },
      value: value(i),
    }));
  };
  return [
    catalogue.usageRequestsLastDay.family(per('last_day', (i) => i)),
    catalogue.usageRequestsMonthToDate.family(per('mtd', (i) => i * 2)),
    catalogue.gatewayRequestsPerMinute.family(per('rpm', (i) => i % 7)),
  ];
}

function telemetry(families: (nowMs: number) => MetricFamily[]): Telemetry {
  return new Telemetry({
    serviceName: 'lazy-test',
    serviceVersion: '1.0.0',
    instanceId: 'i-1',
    resourceAttributes: {},
    otlp: null,
    families,
    now: () => NOW,
  });
}

describe('families built one at a time', () => {
  it('a scrape builds each family only when the reader reaches it, once', async () => {
    const built: string[] = [];
    const t = telemetry(() => lazyFamilies(3_000, built));
    const chunks = (await t.scrapeChunks())[Symbol.iterator]();
    expect(built).toEqual([]);
    chunks.next();
    expect(built).toEqual(['last_day']);
    // 3 000 points are three chunks: the next family waits until they are read.
    chunks.next();
    chunks.next();
    expect(built).toEqual(['last_day']);
    for (let r = chunks.next(); !r.done; r = chunks.next());
    expect(built).toEqual(['last_day', 'mtd', 'rpm']);
  });

  it("streams exactly the serializer's text for the same collection", async () => {
    const text = await telemetry(() => lazyFamilies(2_500, [])).scrape();
    const resourceless = telemetry(() => []);
    // The same resource as the Telemetry uses: read back from an empty scrape's target_info.
    const target = (await resourceless.scrape()).split('\n').find((l) => l.startsWith('target_info{'));
    expect(text.split('\n').find((l) => l.startsWith('target_info{'))).toBe(target);
    const attrs = Object.fromEntries(
      [...target!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    const endTime: [number, number] = [Math.floor(NOW / 1000), (NOW % 1000) * 1e6];
    const whole = new PrometheusSerializer('', false, undefined, false, true).serialize({
      resource: resourceFromAttributes(attrs),
      scopeMetrics: [
        { scope: { name: 's' }, metrics: lazyFamilies(2_500, []).map((f) => toMetricData(f, endTime)) },
      ],
    });
    expect(text).toBe(whole);
  });

  it('merging families of several orgs reads no points until the merged family is read', () => {
    const built: string[] = [];
    const orgA = lazyFamilies(2, built);
    const orgB = lazyFamilies(3, built);
    const merged = mergeFamilies([...orgA, ...orgB]);
    expect(built).toEqual([]);
    expect(merged.map((f) => f.name)).toEqual(orgA.map((f) => f.name));
    expect(merged[1]!.points).toHaveLength(5);
    expect(built).toEqual(['mtd', 'mtd']);
    expect(merged[1]).toMatchObject({ kind: 'gauge', help: orgA[1]!.help, unit: orgA[1]!.unit });
  });

  it("a scrape of two orgs writes each name once, with both orgs' series", async () => {
    const text = await telemetry(() => [...lazyFamilies(2, []), ...lazyFamilies(3, [])]).scrape();
    expect(text.match(/^# TYPE genesys_usage_requests_month_to_date gauge$/gm)).toHaveLength(1);
    expect(text.match(/^genesys_usage_requests_month_to_date\{/gm)).toHaveLength(5);
  });
});
