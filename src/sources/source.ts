import type { Service } from '../lifecycle/service.js';
import type { MetricFamily } from '../telemetry/families.js';

export const SOURCE_NAMES = ['usage', 'ratelimits', 'events', 'gateway', 'limits'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceHealth {
  /** Last attempt succeeded (for listeners: the listener is serving). */
  up: boolean;
  /** Epoch ms of the last success; null if it never succeeded. */
  lastSuccessMs: number | null;
  /** Duration of the last attempt in ms; null before the first attempt. */
  lastDurationMs: number | null;
  /** One-line description of the last failure, never containing secrets. */
  lastError: string | null;
}

/**
 * A source of observations for one org; started (schedules or listeners), not waited for its first
 * success. Sources never talk to OTel: `collect` returns the current families from memory and must
 * be cheap (it runs on every scrape and OTLP export); a source that never succeeded returns none.
 */
export interface Source extends Service {
  readonly name: SourceName;
  readonly org: string;
  /** One collection now (`once`, tests); rejects on failure. */
  runOnce?(): Promise<void>;
  collect(nowMs: number): MetricFamily[];
  health(): SourceHealth;
}
