import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { catalogue } from './catalogue.js';
import type { CounterFamily } from './families.js';
import { describeError, type Logger } from '../util/logger.js';

/** What /readyz shows about the OTLP push (null fields: not happened yet). */
export interface OtlpExportStatus {
  endpoint: string;
  lastAttemptMs: number | null;
  lastSuccessMs: number | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/**
 * Outcome bookkeeping of the OTLP push, without I/O: counts every export by outcome and says when
 * a failure episode starts or ends, so the log gets one line per episode (not one per interval).
 */
export class OtlpExportLedger {
  private readonly counts = { success: 0, failure: 0 };
  private readonly status: OtlpExportStatus;

  constructor(
    endpoint: string,
    private readonly startMs: number,
  ) {
    this.status = {
      endpoint,
      lastAttemptMs: null,
      lastSuccessMs: null,
      lastError: null,
      consecutiveFailures: 0,
    };
  }

  /** Records one export; returns the episode edge it crossed, if any. */
  record(nowMs: number, error: string | null): 'failing' | 'recovered' | null {
    const s = this.status;
    const before = s.consecutiveFailures;
    s.lastAttemptMs = nowMs;
    s.lastError = error;
    this.counts[error === null ? 'success' : 'failure']++;
    if (error === null) {
      s.lastSuccessMs = nowMs;
      s.consecutiveFailures = 0;
      return before > 0 ? 'recovered' : null;
    }
    s.consecutiveFailures = before + 1;
    return before === 0 ? 'failing' : null;
  }

  current(): OtlpExportStatus {
    return { ...this.status };
  }

  /** The exports counter by outcome; nothing before the first export. */
  family(): CounterFamily[] {
    if (this.status.lastAttemptMs === null) return [];
    return [
      catalogue.agentOtlpExports.family(
        (['success', 'failure'] as const).map((outcome) => ({
          attributes: { outcome },
          value: this.counts[outcome],
          startTimeMs: this.startMs,
        })),
      ),
    ];
  }
}

/** The endpoint as it may be logged: no credentials, query or fragment. */
export function loggableEndpoint(url: string): string {
  const u = URL.parse(url);
  return u ? `${u.protocol}//${u.host}${u.pathname}` : '(unparsable URL)';
}

/**
 * Why an export failed, one line: the collector's HTTP status (OTLPExporterError.code), or the
 * socket error the exporter wraps as `cause`. The response body is never included.
 */
function exportError(result: ExportResult): string {
  const err = result.error;
  if (!err) return 'export failed';
  const own = describeError(err);
  const status = (err as { code?: unknown }).code;
  if (typeof status === 'number') return `HTTP ${status} ${own}`;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && !own.includes(describeError(cause)) ? `${own}: ${describeError(cause)}` : own;
}

/** `exporter`, with every export's outcome reported to the ledger and, once per episode, the log. */
export function observeExports(
  exporter: PushMetricExporter,
  ledger: OtlpExportLedger,
  logger: Logger,
  now: () => number,
): PushMetricExporter {
  const send = exporter.export.bind(exporter);
  exporter.export = (metrics, resultCallback) =>
    send(metrics, (result) => {
      const error = result.code === ExportResultCode.SUCCESS ? null : exportError(result);
      const edge = ledger.record(now(), error);
      const { endpoint } = ledger.current();
      if (edge === 'failing')
        logger.warn({ endpoint, cause: error }, 'OTLP export failing; retrying every interval');
      if (edge === 'recovered') logger.info({ endpoint }, 'OTLP export recovered');
      resultCallback(result);
    });
  return exporter;
}
