import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../src/telemetry/families.js';
import { otlpPush, Telemetry } from '../../src/telemetry/telemetry.js';
import { buildServer } from '../../src/server/app.js';
import { requireBinary } from '../helpers/binaries.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

let clients = ['a', 'b'];
let failing = false;
const families = (): MetricFamily[] => {
  if (failing) throw new Error('source exploded');
  return [
    {
      name: 'genesys_usage_requests_last_day',
      help: 'requests',
      unit: '{request}',
      kind: 'gauge',
      points: clients.map((c) => ({
        attributes: { org: 'o', client_id: c, client_name: `n-${c}` },
        value: 10,
      })),
    },
    {
      name: 'genesys_gateway_requests',
      help: 'requests through the gateway',
      unit: '{request}',
      kind: 'counter',
      points: clients.map((c) => ({
        attributes: { org: 'o', client_id: c },
        value: 3,
        startTimeMs: 1_700_000_000_000,
      })),
    },
    {
      name: 'genesys_gateway_upstream_duration_seconds',
      help: 'latency',
      unit: 's',
      kind: 'histogram',
      boundaries: [0.1, 1],
      points: [
        {
          attributes: { org: 'o', client_id: 'a' },
          startTimeMs: 1_700_000_000_000,
          count: 3,
          sum: 1.3,
          bucketCounts: [1, 1, 1],
        },
      ],
    },
  ];
};

let receiver: OtlpReceiver;
let telemetry: Telemetry;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  telemetry = new Telemetry({
    serviceName: 'test-agent',
    serviceVersion: '1.2.3',
    instanceId: 'i-1',
    resourceAttributes: {},
    otlp: await otlpPush({ url: receiver.metricsUrl, headers: { 'x-tenant': 't1' }, intervalMs: 60_000 }),
    families,
  });
});
afterAll(async () => {
  await telemetry.shutdown();
  await receiver.close();
});

function otlpSeries(req: (typeof receiver.requests)[number]) {
  return req.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)));
}

describe('telemetry', () => {
  it('serves Prometheus names with _total on counters and histogram series', async () => {
    const text = await telemetry.scrape();
    expect(text).toContain('genesys_usage_requests_last_day{org="o",client_id="a",client_name="n-a"} 10');
    expect(text).toContain('genesys_gateway_requests_total{org="o",client_id="b"} 3');
    expect(text).toContain(
      'genesys_gateway_upstream_duration_seconds_bucket{org="o",client_id="a",le="0.1"} 1',
    );
    expect(text).toContain('target_info{');
    expect(text).not.toContain('otel_scope_name');
  });

  it('passes promtool check metrics', { tags: ['system'] }, async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    const r = spawnSync(promtool, ['check', 'metrics'], {
      input: await telemetry.scrape(),
      encoding: 'utf8',
    });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('a client that vanished from the state vanishes from the next scrape and OTLP export', async () => {
    clients = ['a', 'b'];
    await telemetry.flush();
    const before = receiver.requests.at(-1)!;
    expect(JSON.stringify(before)).toContain('"stringValue":"b"');
    expect(otlpSeries(before)).toEqual(
      expect.arrayContaining([
        'genesys_usage_requests_last_day',
        'genesys_gateway_requests',
        'genesys_gateway_upstream_duration_seconds',
      ]),
    );

    clients = ['a'];
    expect(await telemetry.scrape()).not.toContain('client_id="b"');
    const count = receiver.requests.length;
    await telemetry.flush();
    expect(receiver.requests.length).toBe(count + 1);
    expect(JSON.stringify(receiver.requests.at(-1))).not.toContain('"stringValue":"b"');
  });

  it('/metrics answers 500 when collection fails, and recovers', async () => {
    const app = await buildServer({
      logger: false,
      telemetry,
      snapshot: () => ({ generatedAt: '', demo: false, orgs: [] }),
      readiness: () => ({ ready: true, sources: [] }),
    });
    failing = true;
    const bad = await app.inject('/metrics');
    expect(bad.statusCode).toBe(500);
    expect(bad.body).toContain('source exploded');
    failing = false;
    const good = await app.inject('/metrics');
    expect(good.statusCode).toBe(200);
    expect(good.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    await app.close();
  });
});
