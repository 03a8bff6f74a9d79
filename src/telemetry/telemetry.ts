import type { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { millisToHrTime } from '@opentelemetry/core';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { mergeFamilies, type MetricFamily } from './families.js';
import { metricChunks } from './exposition.js';
import {
  loggableEndpoint,
  ObservedExporter,
  OtlpExportLedger,
  type OtlpExportStatus,
} from './otlp-export.js';
import { FamiliesProducer, toMetricData } from './producer.js';
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

export interface OtlpPush extends OtlpEndpoint {
  Exporter: typeof OTLPMetricExporter;
}

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
 * The families on two paths: /metrics serializes them with the OTel Prometheus serializer one
 * family at a time as the socket drains (a 10 000-client scrape is tens of MB), and, when an
 * endpoint is configured, a MeterProvider's periodic OTLP/HTTP reader collects them through a
 * MetricProducer. Names and values are identical on both paths (test/telemetry/telemetry.test.ts).
 */
export class Telemetry {
  private readonly provider: MeterProvider | null;
  private readonly otlpReader: PeriodicExportingMetricReader | null;
  private readonly otlpLedger: OtlpExportLedger | null;
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
    this.otlpLedger = opts.otlp ? new OtlpExportLedger(loggableEndpoint(opts.otlp.url), this.now()) : null;
    const ledger = this.otlpLedger;
    // One family per name on both paths: the exposition writes each name's metadata once.
    this.families = (nowMs) =>
      mergeFamilies(ledger ? [...opts.families(nowMs), ...ledger.family()] : opts.families(nowMs));
    const exportTimeoutMs = Math.min(opts.otlp?.intervalMs ?? 10_000, 10_000);
    this.otlpReader =
      opts.otlp && ledger
        ? new PeriodicExportingMetricReader({
            exporter: new ObservedExporter(
              new opts.otlp.Exporter({
                url: opts.otlp.url,
                headers: opts.otlp.headers,
                // Its retries end within the reader's export deadline, so each outcome is reported.
                timeoutMillis: exportTimeoutMs,
              }),
              ledger,
              opts.logger ?? silentLogger,
              this.now,
            ),
            exportIntervalMillis: opts.otlp.intervalMs,
            exportTimeoutMillis: exportTimeoutMs,
            metricProducers: [new FamiliesProducer(this.scope, this.families, this.now)],
          })
        : null;
    this.provider = this.otlpReader
      ? new MeterProvider({ resource: this.resource, readers: [this.otlpReader] })
      : null;
  }

  /**
   * Prometheus exposition of the families as they are now, serialized a slice at a time as the
   * reader drains it; each family's points are built only when its turn comes. Rejects when the
   * families cannot be listed; a family that fails to build ends the stream.
   */
  async scrapeChunks(): Promise<Iterable<string>> {
    const nowMs = this.now();
    const endTime = millisToHrTime(nowMs);
    const families = this.families(nowMs);
    const metrics = (function* () {
      for (const f of families) yield toMetricData(f, endTime);
    })();
    return metricChunks(this.resource, this.scope, metrics, {
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
    await this.otlpReader?.forceFlush();
  }

  /** Final OTLP flush, then stop. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
