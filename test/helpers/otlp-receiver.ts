/**
 * A tiny OTLP/HTTP JSON metrics receiver for tests, standing in for the Collector's otlp receiver:
 * POST /v1/metrics on 127.0.0.1 (port 0), gzip or plain JSON bodies, each validated with zod and
 * kept in arrival order. Anything else gets 404 so a wrong exporter path shows up in the test.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { OtlpMetricType } from './otlp-naming.js';

const anyValue = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.number().optional(),
});
const keyValue = z.object({ key: z.string(), value: anyValue });
// Values and times pass through untouched so tests can compare them.
const dataPoint = z.looseObject({ attributes: z.array(keyValue).default([]) });
const points = z.object({ dataPoints: z.array(dataPoint).default([]) });

const metric = z.object({
  name: z.string(),
  description: z.string().optional(),
  unit: z.string().default(''),
  gauge: points.optional(),
  sum: points
    .extend({ isMonotonic: z.boolean().default(false), aggregationTemporality: z.number().int().optional() })
    .optional(),
  histogram: points.extend({ aggregationTemporality: z.number().int().optional() }).optional(),
});

const exportMetricsRequestSchema = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: z.object({ attributes: z.array(keyValue).default([]) }).optional(),
        scopeMetrics: z
          .array(
            z.object({
              scope: z.object({ name: z.string(), version: z.string().optional() }).optional(),
              metrics: z.array(metric).default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
export type ExportMetricsRequest = z.infer<typeof exportMetricsRequestSchema>;

export interface ReceivedMetric {
  name: string;
  unit: string;
  type: OtlpMetricType;
  dataPoints: number;
}

function metricType(m: z.infer<typeof metric>): OtlpMetricType {
  if (m.gauge) return 'gauge';
  if (m.sum) return m.sum.isMonotonic ? 'monotonic-sum' : 'non-monotonic-sum';
  if (m.histogram) return 'histogram';
  throw new Error(`OTLP metric ${m.name} has no gauge, sum or histogram data`);
}

/** Every metric of one export request with its type and data-point count. */
export function flattenMetrics(body: ExportMetricsRequest): ReceivedMetric[] {
  return body.resourceMetrics.flatMap((rm) =>
    rm.scopeMetrics.flatMap((sm) =>
      sm.metrics.map((m) => ({
        name: m.name,
        unit: m.unit,
        type: metricType(m),
        dataPoints: (m.gauge ?? m.sum ?? m.histogram)?.dataPoints.length ?? 0,
      })),
    ),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

export interface OtlpReceiver {
  /** Base URL, as OTEL_EXPORTER_OTLP_ENDPOINT expects it (the exporter appends /v1/metrics). */
  endpoint: string;
  /** Full metrics URL, as OTEL_EXPORTER_OTLP_METRICS_ENDPOINT expects it. */
  metricsUrl: string;
  /** Valid export requests, in arrival order. */
  requests: ExportMetricsRequest[];
  /** Bodies that were not valid OTLP JSON (answered 400), with the reason. */
  rejected: string[];
  /** Answer every export with this HTTP status instead of accepting it (null: accept). */
  failWith(status: number | null): void;
  /** Resolves with the first request (already received or future) that satisfies the predicate. */
  waitFor(
    predicate: (req: ExportMetricsRequest) => boolean,
    timeoutMs: number,
  ): Promise<ExportMetricsRequest>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ExportMetricsRequest[] = [];
  const rejected: string[] = [];
  const waiters = new Set<() => void>();
  let failStatus: number | null = null;

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (failStatus !== null) {
      req.resume();
      res
        .writeHead(failStatus, { 'content-type': 'application/json' })
        .end('{"message":"receiver told to fail"}');
      return;
    }
    readBody(req)
      .then((text) => {
        const parsed = exportMetricsRequestSchema.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(parsed.error.message);
        requests.push(parsed.data);
        for (const wake of waiters) wake();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch((err: unknown) => {
        rejected.push(err instanceof Error ? err.message : String(err));
        res.writeHead(400, { 'content-type': 'application/json' }).end('{}');
      });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    metricsUrl: `${endpoint}/v1/metrics`,
    requests,
    rejected,
    failWith(status) {
      failStatus = status;
    },
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = requests.find(predicate);
          if (!hit) return false;
          cleanup();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching OTLP export within ${timeoutMs} ms (${requests.length} received)`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => void check();
        if (!check()) waiters.add(wake);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
