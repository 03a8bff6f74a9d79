/**
 * Contract names shared by the Prometheus, Grafana and docs tests. Metric names and types come from
 * the catalogue (src/telemetry/catalogue.ts); the alert names are the shipped alerting contract.
 */
import { METRICS } from '../../src/telemetry/catalogue.js';

/** Every metric as Prometheus sees it (counters with `_total`), with its type. */
export const DESIGN_METRICS: Readonly<Record<string, 'gauge' | 'counter' | 'histogram'>> = Object.fromEntries(
  METRICS.map((m) => [m.prometheusName, m.kind]),
);

/** Every series name a query may use: the metrics plus the histograms' series. */
export const QUERYABLE_SERIES = new Set<string>(METRICS.flatMap((m) => m.seriesNames));

/** The alerts of prometheus/rules/genesys-alerts.yml, exact names. */
export const DESIGN_ALERTS = [
  'GenesysClientNearRateLimit',
  'GenesysClientRateLimited',
  'GenesysClientExhaustionForecast',
  'GenesysRateLimitWarningRecorded',
  'GenesysClientHigh429Share',
  'GenesysMonthlyUsageForecast',
  'GenesysAgentSourceDown',
  'GenesysUsageDataStale',
  'GenesysAgentThrottled',
  'GenesysOrgShardCoverage',
] as const;
