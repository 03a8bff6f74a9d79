/**
 * Thresholds shared by the status page, `once`, the dashboards and the Prometheus rules. The rule
 * files are static YAML; test/prometheus/thresholds.test.ts evaluates them with promtool and checks
 * they equal these values, so neither side can drift.
 */

/** Genesys' default per-token limit of client-credentials tokens (requests per minute). */
export const DEFAULT_TOKEN_LIMIT = 300;

/** Requests per minute of a token at the default limit above which a client counts as "near its limit". */
export const NEAR_LIMIT_REQUESTS_PER_MINUTE = 250;

/** "Hot": the busiest token at or above this share of its limit (250 of 300, 83 %; GenesysClientNearRateLimit). */
export const HOT_UTILIZATION = NEAR_LIMIT_REQUESTS_PER_MINUTE / DEFAULT_TOKEN_LIMIT;

/** Share of a client's last-day requests answered 429 above which it is flagged (GenesysClientHigh429Share). */
export const HIGH_429_SHARE = 0.01;

/** Usage data older than this is stale (GenesysUsageDataStale): one missed daily refresh plus slack. */
export const USAGE_DATA_STALE_SECONDS = 36 * 3600;

/** A share as a whole percentage for people: 0.8333 → "83". */
export function percent(share: number): string {
  return (share * 100).toFixed(0);
}
