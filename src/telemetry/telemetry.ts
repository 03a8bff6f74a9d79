import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricFamily } from './families.js';
import { expositionChunks } from './exposition.js';
import {
  loggableEndpoint,
  ObservedExporter,
  OtlpExportLedger,
  type OtlpExportStatus,
} from './otlp-export.js';
import { FamiliesProducer } from './producer.js';
import { silentLogger, type Logger } from '../util/logger.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  instanceId: string;
  resourceAttributes: Record<string, string>;
  otlp: { url: string; headers: Record<string, string>; intervalMs: number } | null;
  families: (nowMs: number) => MetricFamily[];
  now?: () => number;
  /** Where OTLP export failures are reported (once per failure episode). */
  logger?: Logger;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * One MeterProvider with two readers: a Prometheus reader collected on demand by the /metrics
 * route, and a periodic OTLP/HTTP reader when an endpoint is configured. Both read the same
 * families producer, so names and values are identical on both paths.
 */
export class Telemetry {
  private readonly provider: MeterProvider;
  private readonly prometheus: PrometheusExporter;
  private readonly otlpReader: PeriodicExportingMetricReader | null;
  private readonly otlpLedger: OtlpExportLedger | null;

  constructor(opts: TelemetryOptions) {
    const now = opts.now ?? Date.now;
    const resource = defaultResource().merge(
      resourceFromAttributes({
        ...opts.resourceAttributes,
        'service.name': opts.serviceName,
        'service.version': opts.serviceVersion,
        'service.instance.id': opts.instanceId,
      }),
    );
    this.otlpLedger = opts.otlp ? new OtlpExportLedger(loggableEndpoint(opts.otlp.url), now()) : null;
    const ledger = this.otlpLedger;
    const producer = new FamiliesProducer(
      { name: 'genesys-usage-agent', version: opts.serviceVersion },
      ledger ? (nowMs) => [...opts.families(nowMs), ...ledger.family()] : opts.families,
      now,
    );
    this.prometheus = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [producer],
    });
    const readers: MetricReader[] = [this.prometheus];
    const exportTimeoutMs = Math.min(opts.otlp?.intervalMs ?? 10_000, 10_000);
    this.otlpReader =
      opts.otlp && ledger
        ? new PeriodicExportingMetricReader({
            exporter: new ObservedExporter(
              new OTLPMetricExporter({
                url: opts.otlp.url,
                headers: opts.otlp.headers,
                // Its retries end within the reader's export deadline, so each outcome is reported.
                timeoutMillis: exportTimeoutMs,
              }),
              ledger,
              opts.logger ?? silentLogger,
              now,
            ),
            exportIntervalMillis: opts.otlp.intervalMs,
            exportTimeoutMillis: exportTimeoutMs,
            metricProducers: [producer],
          })
        : null;
    if (this.otlpReader) readers.push(this.otlpReader);
    this.provider = new MeterProvider({ resource, readers });
  }

  /**
   * Prometheus exposition, collected now and serialized a slice at a time as the reader drains
   * it (a 10 000-client scrape is tens of MB); rejects when any source's collection fails.
   */
  async scrapeChunks(): Promise<Iterable<string>> {
    const { resourceMetrics, errors } = await this.prometheus.collect({ timeoutMillis: 5_000 });
    if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    return expositionChunks(resourceMetrics, { withoutTargetInfo: false, withoutScopeInfo: true });
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
    await this.otlpReader?.forceFlush();
  }

  /** Final OTLP flush, then stop. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
