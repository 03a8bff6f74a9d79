import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

const body = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genesys-usage-agent' } }] },
      scopeMetrics: [
        {
          scope: { name: 'genesys-usage-agent', version: '0.1.0' },
          metrics: [
            {
              name: 'genesys_usage_requests_last_day',
              unit: '{request}',
              gauge: { dataPoints: [{ attributes: [], timeUnixNano: '1', asDouble: 3 }] },
            },
            {
              name: 'genesys_gateway_requests',
              unit: '{request}',
              sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [] },
            },
            {
              name: 'genesys_gateway_upstream_duration_seconds',
              unit: 's',
              histogram: { aggregationTemporality: 2, dataPoints: [{ attributes: [] }, { attributes: [] }] },
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP/HTTP test receiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const post = (payload: Buffer | string, headers: Record<string, string>) =>
    fetch(receiver.metricsUrl, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('listens on loopback and decodes plain and gzip JSON bodies', async () => {
    expect(receiver.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const waiting = receiver.waitFor((r) => r.resourceMetrics.length === 1, 5_000);
    expect((await post(JSON.stringify(body), {})).status).toBe(200);
    expect((await post(gzipSync(JSON.stringify(body)), { 'content-encoding': 'gzip' })).status).toBe(200);
    await waiting;
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]).toEqual(receiver.requests[0]);
  });

  it('flattens metrics with their type and data-point count', () => {
    const first = receiver.requests[0];
    if (!first) throw new Error('no request received');
    expect(flattenMetrics(first)).toEqual([
      { name: 'genesys_usage_requests_last_day', unit: '{request}', type: 'gauge', dataPoints: 1 },
      { name: 'genesys_gateway_requests', unit: '{request}', type: 'monotonic-sum', dataPoints: 0 },
      { name: 'genesys_gateway_upstream_duration_seconds', unit: 's', type: 'histogram', dataPoints: 2 },
    ]);
  });

  it('answers 400 to invalid bodies and 404 to other paths', async () => {
    const before = receiver.requests.length;
    expect((await post('{"resourceMetrics": 5}', {})).status).toBe(400);
    expect((await post('not json', {})).status).toBe(400);
    expect(receiver.rejected).toHaveLength(2);
    expect((await fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(receiver.requests).toHaveLength(before);
  });

  it('waitFor resolves on a later export and rejects on timeout', async () => {
    const later = receiver.waitFor((r) => r.resourceMetrics.length === 0, 5_000);
    await post('{}', {});
    await expect(later).resolves.toEqual({ resourceMetrics: [] });
    await expect(receiver.waitFor(() => false, 50)).rejects.toThrow(/no matching OTLP export/);
  });
});
