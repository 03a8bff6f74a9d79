/** Contract names from DESIGN §5 and §7b, shared by the Prometheus, Grafana and docs tests. */

/** DESIGN §5 metric names as Prometheus sees them, with their type. */
export const DESIGN_METRICS = {
  genesys_usage_requests_last_day: 'gauge',
  genesys_usage_responses_last_day: 'gauge',
  genesys_usage_requests_month_to_date: 'gauge',
  genesys_usage_data_age_seconds: 'gauge',
  genesys_rate_limit_warnings_total: 'counter',
  genesys_operational_events_total: 'counter',
  genesys_gateway_requests_total: 'counter',
  genesys_gateway_requests_per_minute: 'gauge',
  genesys_gateway_token_peak_requests_per_minute: 'gauge',
  genesys_gateway_tokens_active: 'gauge',
  genesys_gateway_inflight_requests: 'gauge',
  genesys_gateway_rate_limited_total: 'counter',
  genesys_gateway_shaped_total: 'counter',
  genesys_gateway_upstream_duration_seconds: 'histogram',
  genesys_limit_requests_per_minute: 'gauge',
  genesys_client_limit_utilization_ratio: 'gauge',
  genesys_agent_source_up: 'gauge',
  genesys_agent_source_last_success_timestamp_seconds: 'gauge',
  genesys_agent_source_duration_seconds: 'gauge',
  genesys_agent_api_requests_total: 'counter',
  genesys_agent_build_info: 'gauge',
} as const;

/** Every series name a query may use: the metrics plus the histogram's series. */
export const QUERYABLE_SERIES = new Set<string>([
  ...Object.keys(DESIGN_METRICS),
  // Exported only where the Usage API publishes intraday data (docs/metrics.md); the month
  // forecast leaves it out of the complete days.
  'genesys_usage_requests_today',
  ...['_bucket', '_sum', '_count'].map((s) => `genesys_gateway_upstream_duration_seconds${s}`),
]);

/** DESIGN §7b, exact names. */
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
] as const;
