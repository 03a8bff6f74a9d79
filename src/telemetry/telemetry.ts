import type { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { defaultResource, emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { millisToHrTime } from '@opentelemetry/core';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { mergeFamilies, type MetricFamily } from './families.js';
import { LINES_PER_CHUNK, metricChunks } from './exposition.js';
import { loggableEndpoint, observeExports, OtlpExportLedger, type OtlpExportStatus } from './otlp-export.js';
import { toMetricData } from './producer.js';
import { silentLogger, type Logger } from '../util/logger.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  instanceId: string;
  resourceAttributes: Record<string, string>;
  /** The OTLP push (see otlpPush), or null: /metrics only. */
  otlp: OtlpPush | null;
  /** Every family now; several with one name (one per org) are merged. */
  families: (nowMs: number) => MetricFamily[];
  now?: () => number;
  /** Where OTLP export failures are reported (once per failure episode). */
  logger?: Logger;
}

export interface OtlpEndpoint {
  url: string;
  headers: Record<string, string>;
  intervalMs: number;
}

export type OtlpPush = OtlpEndpoint & { Exporter: typeof OTLPMetricExporter };

/**
 * The endpoint with its exporter, imported only when an endpoint is configured: an agent without
 * OTLP never loads the exporter and its protobuf transformer (test/agent/optional-modules.test.ts).
 */
export async function otlpPush(endpoint: OtlpEndpoint | null): Promise<OtlpPush | null> {
  if (!endpoint) return null;
  const { OTLPMetricExporter: Exporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
  return { ...endpoint, Exporter };
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The families on two paths: /metrics (the OTel Prometheus serializer's text, a slice at a time as
 * the socket drains) and, with an endpoint, a MeterProvider's periodic OTLP/HTTP reader through a
 * MetricProducer. Names and values are identical on both (test/telemetry/telemetry.test.ts).
 */
export class Telemetry {
  private readonly provider: MeterProvider | null = null;
  private readonly otlpLedger: OtlpExportLedger | null = null;
  private readonly resource: ReturnType<typeof defaultResource>;
  private readonly scope: { name: string; version: string };
  private readonly families: (nowMs: number) => MetricFamily[];
  private readonly now: () => number;

  constructor(opts: TelemetryOptions) {
    this.now = opts.now ?? Date.now;
    this.resource = defaultResource().merge(
      resourceFromAttributes({
        ...opts.resourceAttributes,
        'service.name': opts.serviceName,
        'service.version': opts.serviceVersion,
        'service.instance.id': opts.instanceId,
      }),
    );
    this.scope = { name: 'genesys-usage-agent', version: opts.serviceVersion };
    const ledger = opts.otlp && new OtlpExportLedger(loggableEndpoint(opts.otlp.url), this.now());
    // One family per name on both paths: the exposition writes each name's metadata once.
    this.families = (nowMs) => mergeFamilies([...opts.families(nowMs), ...(ledger?.family() ?? [])]);
    if (!opts.otlp || !ledger) return;
    this.otlpLedger = ledger;
    const exportTimeoutMs = Math.min(opts.otlp.intervalMs, 10_000);
    // Its retries end within the reader's export deadline, so each outcome is reported.
    const exporter = new opts.otlp.Exporter({
      url: opts.otlp.url,
      headers: opts.otlp.headers,
      timeoutMillis: exportTimeoutMs,
    });
    // The families as they are now at every collection (./families.ts); the reader adds the resource.
    const producer: MetricProducer = {
      collect: async () => ({
        resourceMetrics: {
          resource: emptyResource(),
          scopeMetrics: [{ scope: this.scope, metrics: [...this.collect()] }],
        },
        errors: [],
      }),
    };
    const reader = new PeriodicExportingMetricReader({
      exporter: observeExports(exporter, ledger, opts.logger ?? silentLogger, this.now),
      exportIntervalMillis: opts.otlp.intervalMs,
      exportTimeoutMillis: exportTimeoutMs,
      metricProducers: [producer],
    });
    this.provider = new MeterProvider({ resource: this.resource, readers: [reader] });
  }

  /** Every family now as OTel data: listed at once, each built when taken, converted `lines` at a time. */
  private collect(lines = Infinity): Iterable<MetricData> {
    const nowMs = this.now();
    const endTime = millisToHrTime(nowMs);
    const families = this.families(nowMs);
    return (function* () {
      for (const f of families) {
        const points: unknown[] = f.points;
        const per = Math.floor(lines / (f.kind === 'histogram' ? f.boundaries.length + 4 : 1)) || 1;
        // The slice shadows the family's `points` getter, which would build them all again.
        for (let i = 0; i === 0 || i < points.length; i += per)
          yield toMetricData(Object.create(f, { points: { value: points.slice(i, i + per) } }), endTime);
      }
    })();
  }

  /** /metrics as the reader drains it: rejects if the families cannot be listed, ends if one fails. */
  async scrapeChunks(): Promise<Iterable<string>> {
    return metricChunks(this.resource, this.scope, this.collect(LINES_PER_CHUNK), {
      withoutTargetInfo: false,
      withoutScopeInfo: true,
    });
  }

  /** The same exposition as one string (tests, `once`). */
  async scrape(): Promise<string> {
    return [...(await this.scrapeChunks())].join('');
  }

  /** The OTLP push's last outcome (null when OTLP is off), for /readyz. */
  otlpStatus(): OtlpExportStatus | null {
    return this.otlpLedger?.current() ?? null;
  }

  /** Pushes one OTLP export now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  /** Final OTLP flush, then stop. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
