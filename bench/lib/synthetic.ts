/**
 * Synthetic state for the `/metrics` benchmark: N OAuth clients as the gateway and usage sources
 * would report them (requests by method × status class, rates, tokens, a latency histogram, daily
 * usage by status class), rendered two ways from the same state at every scrape: the agent's
 * families → OTel → Prometheus text path, and prom-client.
 */
import { Counter, Gauge, Histogram as PromHistogram, Registry } from 'prom-client';
import { Histogram, LATENCY_BOUNDARIES_S } from '../../src/model/gateway/histogram.js';
import type { MetricFamily } from '../../src/telemetry/families.js';

const ORG = 'bench';
const REQUEST_SERIES = [
  ['GET', '2xx'],
  ['GET', '4xx'],
  ['GET', '429'],
  ['GET', '5xx'],
  ['POST', '2xx'],
] as const;
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '429', '5xx'] as const;

export interface SyntheticClient {
  id: string;
  name: string;
  requests: number[];
  rpm: number;
  peakTokenRpm: number;
  tokens: number;
  inflight: number;
  rateLimited: number;
  utilization: number;
  latencySamples: number[];
  latency: Histogram;
  lastDay: number;
  monthToDate: number;
  responses: number[];
}

/** Deterministic pseudo-random in [0, 1). */
function unit(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

export function syntheticClients(n: number): SyntheticClient[] {
  return Array.from({ length: n }, (_, i) => {
    const r = (k: number) => unit(i * 31 + k);
    const latencySamples = Array.from({ length: 6 }, (_, k) => 0.002 + r(k + 10) * 0.8);
    const latency = new Histogram(LATENCY_BOUNDARIES_S);
    for (const s of latencySamples) latency.record(s);
    return {
      id: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${(i * 7919).toString(16).padStart(12, '0')}`,
      name: `Integration ${i}`,
      requests: REQUEST_SERIES.map((_, k) => Math.floor(r(k) * 100_000)),
      rpm: Math.floor(r(20) * 300),
      peakTokenRpm: Math.floor(r(21) * 300),
      tokens: 1 + Math.floor(r(22) * 10),
      inflight: Math.floor(r(23) * 5),
      rateLimited: Math.floor(r(24) * 50),
      utilization: r(25),
      latencySamples,
      latency,
      lastDay: Math.floor(r(26) * 400_000),
      monthToDate: Math.floor(r(27) * 9_000_000),
      responses: STATUS_CLASSES.map((_, k) => Math.floor(r(k + 30) * 100_000)),
    };
  });
}

const labelsOf = (c: SyntheticClient) => ({ org: ORG, client_id: c.id, client_name: c.name });

function gauge(
  name: string,
  help: string,
  unit: string,
  clients: SyntheticClient[],
  value: (c: SyntheticClient) => number,
): MetricFamily {
  return {
    name,
    help,
    unit,
    kind: 'gauge',
    points: clients.map((c) => ({ attributes: labelsOf(c), value: value(c) })),
  };
}

/** What the agent's sources hand to telemetry for this state (built anew at every collection, as the agent does). */
export function syntheticFamilies(clients: SyntheticClient[], startTimeMs: number): MetricFamily[] {
  return [
    {
      name: 'genesys_gateway_requests',
      help: 'Requests forwarded by the gateway',
      unit: '{request}',
      kind: 'counter',
      points: clients.flatMap((c) =>
        REQUEST_SERIES.map(([method, statusClass], k) => ({
          attributes: { ...labelsOf(c), method, status_class: statusClass },
          value: c.requests[k]!,
          startTimeMs,
        })),
      ),
    },
    gauge(
      'genesys_gateway_requests_per_minute',
      'Requests in the last 60 s',
      '{request}',
      clients,
      (c) => c.rpm,
    ),
    gauge(
      'genesys_gateway_token_peak_requests_per_minute',
      'Busiest token, last 60 s',
      '{request}',
      clients,
      (c) => c.peakTokenRpm,
    ),
    gauge('genesys_gateway_tokens_active', 'Active tokens', '{token}', clients, (c) => c.tokens),
    gauge('genesys_gateway_inflight_requests', 'In-flight requests', '{request}', clients, (c) => c.inflight),
    {
      name: 'genesys_gateway_rate_limited',
      help: 'Upstream 429s',
      unit: '{request}',
      kind: 'counter',
      points: clients.map((c) => ({ attributes: labelsOf(c), value: c.rateLimited, startTimeMs })),
    },
    gauge(
      'genesys_client_limit_utilization_ratio',
      'Busiest token ÷ limit',
      '1',
      clients,
      (c) => c.utilization,
    ),
    {
      name: 'genesys_gateway_upstream_duration_seconds',
      help: 'Upstream latency',
      unit: 's',
      kind: 'histogram',
      boundaries: LATENCY_BOUNDARIES_S,
      points: clients.map((c) => ({
        attributes: labelsOf(c),
        startTimeMs,
        count: c.latency.count,
        sum: c.latency.sum,
        bucketCounts: [...c.latency.bucketCounts],
      })),
    },
    gauge(
      'genesys_usage_requests_last_day',
      'Requests on the last complete day',
      '{request}',
      clients,
      (c) => c.lastDay,
    ),
    {
      name: 'genesys_usage_responses_last_day',
      help: 'Responses on the last complete day by status class',
      unit: '{response}',
      kind: 'gauge',
      points: clients.flatMap((c) =>
        STATUS_CLASSES.map((statusClass, k) => ({
          attributes: { ...labelsOf(c), status_class: statusClass },
          value: c.responses[k]!,
        })),
      ),
    },
    gauge(
      'genesys_usage_requests_month_to_date',
      'Requests this month',
      '{request}',
      clients,
      (c) => c.monthToDate,
    ),
  ];
}

/**
 * The same series in prom-client. Gauges and counters are refreshed from the state in `collect`
 * at every scrape (the agent's model: state read at collection time); the histogram keeps its
 * observations, as prom-client histograms are meant to (it cannot import bucket counts).
 */
export function promClientRegistry(clients: SyntheticClient[]): Registry {
  const registry = new Registry();
  const base = ['org', 'client_id', 'client_name'] as const;
  const gaugeOf = (name: string, help: string, value: (c: SyntheticClient) => number) =>
    new Gauge({
      name,
      help,
      labelNames: base,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of clients) this.set(labelsOf(c), value(c));
      },
    });
  new Counter({
    name: 'genesys_gateway_requests_total',
    help: 'Requests forwarded by the gateway',
    labelNames: [...base, 'method', 'status_class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clients)
        REQUEST_SERIES.forEach(([method, statusClass], k) =>
          this.inc({ ...labelsOf(c), method, status_class: statusClass }, c.requests[k]!),
        );
    },
  });
  gaugeOf('genesys_gateway_requests_per_minute', 'Requests in the last 60 s', (c) => c.rpm);
  gaugeOf(
    'genesys_gateway_token_peak_requests_per_minute',
    'Busiest token, last 60 s',
    (c) => c.peakTokenRpm,
  );
  gaugeOf('genesys_gateway_tokens_active', 'Active tokens', (c) => c.tokens);
  gaugeOf('genesys_gateway_inflight_requests', 'In-flight requests', (c) => c.inflight);
  new Counter({
    name: 'genesys_gateway_rate_limited_total',
    help: 'Upstream 429s',
    labelNames: base,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clients) this.inc(labelsOf(c), c.rateLimited);
    },
  });
  gaugeOf('genesys_client_limit_utilization_ratio', 'Busiest token ÷ limit', (c) => c.utilization);
  const latency = new PromHistogram({
    name: 'genesys_gateway_upstream_duration_seconds',
    help: 'Upstream latency',
    labelNames: base,
    buckets: [...LATENCY_BOUNDARIES_S],
    registers: [registry],
  });
  for (const c of clients) for (const s of c.latencySamples) latency.observe(labelsOf(c), s);
  gaugeOf('genesys_usage_requests_last_day', 'Requests on the last complete day', (c) => c.lastDay);
  new Gauge({
    name: 'genesys_usage_responses_last_day',
    help: 'Responses on the last complete day by status class',
    labelNames: [...base, 'status_class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clients)
        STATUS_CLASSES.forEach((statusClass, k) =>
          this.set({ ...labelsOf(c), status_class: statusClass }, c.responses[k]!),
        );
    },
  });
  gaugeOf('genesys_usage_requests_month_to_date', 'Requests this month', (c) => c.monthToDate);
  return registry;
}

/** Sample lines (not comments) of an exposition, to check both renderings carry the same series. */
export function sampleCount(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line && !line.startsWith('#')) n += 1;
  return n;
}
