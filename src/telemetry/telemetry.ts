import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricFamily } from './families.js';
import { expositionChunks } from './exposition.js';
import { FamiliesProducer } from './producer.js';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  instanceId: string;
  resourceAttributes: Record<string, string>;
  otlp: { url: string; headers: Record<string, string>; intervalMs: number } | null;
  families: (nowMs: number) => MetricFamily[];
  now?: () => number;
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

  constructor(opts: TelemetryOptions) {
    const resource = defaultResource().merge(
      resourceFromAttributes({
        ...opts.resourceAttributes,
        'service.name': opts.serviceName,
        'service.version': opts.serviceVersion,
        'service.instance.id': opts.instanceId,
      }),
    );
    const producer = new FamiliesProducer(
      { name: 'genesys-usage-agent', version: opts.serviceVersion },
      opts.families,
      opts.now,
    );
    this.prometheus = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [producer],
    });
    const readers: MetricReader[] = [this.prometheus];
    this.otlpReader = opts.otlp
      ? new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: opts.otlp.url, headers: opts.otlp.headers }),
          exportIntervalMillis: opts.otlp.intervalMs,
          exportTimeoutMillis: Math.min(opts.otlp.intervalMs, 10_000),
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

  /** Pushes one OTLP export now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.otlpReader?.forceFlush();
  }

  /** Final OTLP flush, then stop. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
