import { describe, expect, it } from 'vitest';
import { prometheusFamilyName, prometheusSeriesNames } from '../helpers/otlp-naming.js';

describe('prometheusFamilyName (Collector OTLP → Prometheus names)', () => {
  it('sanitizes: dots and other characters become single underscores', () => {
    expect(prometheusFamilyName({ name: 'http.server..active-requests', unit: '', type: 'gauge' })).toBe(
      'http_server_active_requests',
    );
  });

  it('keeps colons and prefixes a leading digit', () => {
    expect(prometheusFamilyName({ name: 'job:rate5m', unit: '', type: 'gauge' })).toBe('job:rate5m');
    expect(prometheusFamilyName({ name: '5xx.responses', unit: '', type: 'gauge' })).toBe('_5xx_responses');
  });

  it('appends unit words', () => {
    expect(prometheusFamilyName({ name: 'client.usage', unit: 's', type: 'gauge' })).toBe(
      'client_usage_seconds',
    );
    expect(prometheusFamilyName({ name: 'payload', unit: 'By', type: 'gauge' })).toBe('payload_bytes');
    expect(prometheusFamilyName({ name: 'cpu', unit: '%', type: 'gauge' })).toBe('cpu_percent');
    expect(prometheusFamilyName({ name: 'lag', unit: 'ms', type: 'histogram' })).toBe('lag_milliseconds');
  });

  it('keeps unknown units as words and translates per-units', () => {
    expect(prometheusFamilyName({ name: 'io', unit: 'By/s', type: 'gauge' })).toBe('io_bytes_per_second');
    expect(prometheusFamilyName({ name: 'calls', unit: '{call}/min', type: 'gauge' })).toBe('calls_per_min');
    expect(prometheusFamilyName({ name: 'flow', unit: 'packets', type: 'gauge' })).toBe('flow_packets');
  });

  it('drops {annotation} units entirely', () => {
    expect(
      prometheusFamilyName({ name: 'genesys_usage_requests_last_day', unit: '{request}', type: 'gauge' }),
    ).toBe('genesys_usage_requests_last_day');
  });

  it('does not repeat a unit word already among the name tokens', () => {
    expect(prometheusFamilyName({ name: 'genesys_usage_data_age_seconds', unit: 's', type: 'gauge' })).toBe(
      'genesys_usage_data_age_seconds',
    );
    expect(prometheusFamilyName({ name: 'seconds_in_queue', unit: 's', type: 'gauge' })).toBe(
      'seconds_in_queue',
    );
  });

  it('adds _total to monotonic sums only, moving an existing total token to the end', () => {
    expect(
      prometheusFamilyName({ name: 'genesys_gateway_requests', unit: '{request}', type: 'monotonic-sum' }),
    ).toBe('genesys_gateway_requests_total');
    expect(prometheusFamilyName({ name: 'total.requests', unit: '', type: 'monotonic-sum' })).toBe(
      'requests_total',
    );
    expect(prometheusFamilyName({ name: 'queue.depth', unit: '', type: 'non-monotonic-sum' })).toBe(
      'queue_depth',
    );
    expect(prometheusFamilyName({ name: 'busy', unit: 's', type: 'monotonic-sum' })).toBe(
      'busy_seconds_total',
    );
  });

  it('adds _ratio for unit 1 on gauges only', () => {
    expect(prometheusFamilyName({ name: 'genesys_client_limit_utilization', unit: '1', type: 'gauge' })).toBe(
      'genesys_client_limit_utilization_ratio',
    );
    expect(
      prometheusFamilyName({ name: 'genesys_client_limit_utilization_ratio', unit: '1', type: 'gauge' }),
    ).toBe('genesys_client_limit_utilization_ratio');
    expect(prometheusFamilyName({ name: 'objects', unit: '1', type: 'monotonic-sum' })).toBe('objects_total');
    expect(prometheusFamilyName({ name: 'fill', unit: '1', type: 'non-monotonic-sum' })).toBe('fill');
  });

  it('rejects a name with no valid characters', () => {
    expect(() => prometheusFamilyName({ name: '...', unit: '', type: 'gauge' })).toThrow(/empty name/);
  });
});

describe('prometheusSeriesNames', () => {
  it('expands histograms to _bucket, _sum and _count', () => {
    expect(
      prometheusSeriesNames({
        name: 'genesys_gateway_upstream_duration_seconds',
        unit: 's',
        type: 'histogram',
      }),
    ).toEqual([
      'genesys_gateway_upstream_duration_seconds_bucket',
      'genesys_gateway_upstream_duration_seconds_sum',
      'genesys_gateway_upstream_duration_seconds_count',
    ]);
  });

  it('names other types once', () => {
    expect(
      prometheusSeriesNames({
        name: 'genesys_rate_limit_warnings',
        unit: '{warning}',
        type: 'monotonic-sum',
      }),
    ).toEqual(['genesys_rate_limit_warnings_total']);
  });
});
