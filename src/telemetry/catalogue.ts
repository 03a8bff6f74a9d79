/* eslint-disable max-lines -- the metric catalogue: one declaration per family (name, help, unit, labels, docs) in one list on purpose */
/**
 * Every metric family the agent exports, declared once with its documentation. Sources build their
 * families through these entries (`catalogue.usageRequestsLastDay.family(points)`), so a misspelt
 * name or label key does not compile; docs/metrics.md, the contract test and the dashboard
 * generators read the same entries. The only file in src/ that spells a metric name
 * (test/telemetry/catalogue.test.ts checks it).
 *
 * Names are the OTel names without the `_total` suffix of counters (the Prometheus serializer and
 * the Collector add it; `prometheusName` has it). Units are `{...}` annotations, `s`, `1` or empty,
 * chosen so the Collector's unit suffixing yields the same names as /metrics.
 */
import {
  DEFAULT_TOKEN_LIMIT,
  HOT_UTILIZATION,
  NEAR_LIMIT_REQUESTS_PER_MINUTE,
  USAGE_DATA_STALE_SECONDS,
  percent,
} from '../model/thresholds.js';
import { METHODS } from '../genesys/endpoints/index.js';
import { SOURCE_NAMES, type SourceName } from '../sources/source.js';
import { withPoints, type CounterFamily, type HistogramFamily, type MetricFamily } from './families.js';

type MetricKind = 'gauge' | 'counter' | 'histogram';
/** Who fills a family (`agent` = the agent itself, not a Genesys source). */
type MetricSource = SourceName | 'agent';
/** Where a family is listed in docs/metrics.md. */
export type MetricSection = 'usage' | 'signals' | 'gateway' | 'limits' | 'agent';

/** A point's attributes: exactly the declared label keys. */
export type Labels<L extends string> = { readonly [K in L]: string };

interface MetricSpec<K extends MetricKind, L extends string> {
  /** OTel name; counters without `_total`. */
  name: string;
  kind: K;
  help: string;
  /** OTel unit (`{request}`, `s`, `1` or empty). */
  unit: string;
  /** Label keys in the order they appear on /metrics. */
  labels: readonly L[];
  /** The closed set of values of a label, where there is one (documented). */
  labelValues?: { readonly [P in L]?: readonly string[] };
  sources: readonly MetricSource[];
  section: MetricSection;
  /** The unit for people, e.g. `requests per minute`; omitted when there is none. */
  unitText?: string;
  /** How fresh the values are (Markdown). */
  freshness: string;
  /** What it means (Markdown, one sentence). */
  meaning: string;
  /** Anything else an operator should know (Markdown paragraph), after the fields. */
  notes?: string;
  example: { caption: string; promql: string };
}

abstract class MetricDef<K extends MetricKind, L extends string> {
  readonly name: string;
  readonly kind: K;
  /** The family name on /metrics (what `# TYPE` names). */
  readonly prometheusName: string;

  constructor(readonly spec: MetricSpec<K, L>) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.prometheusName = spec.kind === 'counter' ? `${spec.name}_total` : spec.name;
  }

  /** Every series name a query may use (a histogram's `_bucket`, `_sum`, `_count`). */
  get seriesNames(): string[] {
    const name = this.prometheusName;
    return this.spec.kind === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  }

  protected descriptor(): { name: string; help: string; unit: string } {
    return { name: this.spec.name, help: this.spec.help, unit: this.spec.unit };
  }
}

/** A point of a family of the kind, with exactly the entry's label keys. */
type PointOf<F extends { points: object[] }, L extends string> = Omit<F['points'][number], 'attributes'> & {
  attributes: Labels<L>;
};
export type CounterPoint<L extends string> = PointOf<CounterFamily, L>;

/** Points, or how to build them when the family's turn comes (see `withPoints` in ./families.ts). */
type PointsOf<P> = P[] | (() => P[]);

class PointsDef<K extends 'gauge' | 'counter', L extends string> extends MetricDef<K, L> {
  family(points: PointsOf<PointOf<Extract<MetricFamily, { kind: K }>, L>> = []) {
    return withPoints({ ...this.descriptor(), kind: this.kind }, points);
  }
}

class HistogramDef<L extends string> extends MetricDef<'histogram', L> {
  family(boundaries: readonly number[], points: PointsOf<PointOf<HistogramFamily, L>> = []) {
    return withPoints({ ...this.descriptor(), kind: this.kind, boundaries }, points);
  }
}

export type AnyMetricDef = PointsDef<'gauge' | 'counter', string> | HistogramDef<string>;

/** What an entry declares; its section supplies the rest. */
type Entry<K extends MetricKind, L extends string> = Omit<
  MetricSpec<K, L>,
  'kind' | 'section' | 'sources' | 'unit' | 'freshness'
> &
  Partial<Pick<MetricSpec<K, L>, 'sources' | 'unit' | 'freshness'>>;

/** The unit for people, derived from the OTel unit: `{request}` → `requests`, `s` → `seconds`. */
function unitText(name: string, unit: string): string | undefined {
  const plural = unit === 's' ? 'seconds' : /^\{(\w+)\}$/.exec(unit)?.[1]?.concat('s');
  return plural && name.endsWith('_per_minute') ? `${plural} per minute` : plural;
}

/**
 * The constructors of a docs section's entries: their source and freshness default to the
 * section's own, the unit to none and `unitText` to the unit's plural.
 */
function section(section: MetricSection, sources: readonly MetricSource[], freshness?: string) {
  const spec = <K extends MetricKind, L extends string>(kind: K, e: Entry<K, L>): MetricSpec<K, L> => {
    const unit = e.unit ?? '';
    const fresh = e.freshness ?? freshness;
    if (fresh === undefined) throw new Error(`${e.name}: how fresh is it?`);
    return { sources, unitText: unitText(e.name, unit), ...e, freshness: fresh, unit, kind, section };
  };
  return {
    gauge: <const L extends string>(e: Entry<'gauge', L>) => new PointsDef<'gauge', L>(spec('gauge', e)),
    counter: <const L extends string>(e: Entry<'counter', L>) =>
      new PointsDef<'counter', L>(spec('counter', e)),
    histogram: <const L extends string>(e: Entry<'histogram', L>) =>
      new HistogramDef<L>(spec('histogram', e)),
  };
}
const usage = section('usage', ['usage'], 'daily.');
const signals = section('signals', ['ratelimits']);
const gateway = section('gateway', ['gateway'], 'real time.');
const limits = section('limits', ['limits']);
const agent = section('agent', ['agent']);

const CLIENT = ['org', 'client_id', 'client_name'] as const;
const STATUS_CLASS_VALUES = ['2xx', '3xx', '4xx', '429', '5xx'] as const;
/** Why the gateway answered a request itself instead of forwarding it. */
export const REFUSAL_REASONS = [
  'bad_path',
  'body_too_large',
  'body_too_slow',
  'address_concurrency',
  'token_concurrency',
] as const;
const HOT_PERCENT = percent(HOT_UTILIZATION);

export const catalogue = {
  // ---- usage source (Usage API, daily) ----
  usageRequestsLastDay: usage.gauge({
    name: 'genesys_usage_requests_last_day',
    help: 'Requests of the OAuth client on the last complete UTC day (Usage API, daily buckets)',
    unit: '{request}',
    labels: CLIENT,
    freshness: 'daily; see `genesys_usage_data_age_seconds`.',
    meaning: 'requests the OAuth client made during the last complete UTC day.',
    example: { caption: 'top 10 clients yesterday', promql: 'topk(10, genesys_usage_requests_last_day)' },
  }),
  usageResponsesLastDay: usage.gauge({
    name: 'genesys_usage_responses_last_day',
    help: 'Responses on the last complete UTC day by status class (429 is not counted in 4xx)',
    unit: '{response}',
    labels: [...CLIENT, 'status_class'],
    labelValues: { status_class: STATUS_CLASS_VALUES },
    meaning: 'responses to those requests per status class during the last complete UTC day.',
    notes:
      "The `4xx` status class excludes 429s, so the five classes add up to the requests. Whether a row's `status400` holds its 429s is read from the row's own arithmetic (docs/simulator.md, assumptions).",
    example: {
      caption: '429 share per client',
      promql:
        'sum by (org, client_name) (genesys_usage_responses_last_day{status_class="429"}) / sum by (org, client_name) (genesys_usage_requests_last_day)',
    },
  }),
  usageEndpointRequestsLastDay: usage.gauge({
    name: 'genesys_usage_endpoint_requests_last_day',
    help: 'Requests on the last complete UTC day per endpoint (path template and method) of the OAuth client',
    unit: '{request}',
    labels: [...CLIENT, 'endpoint', 'method'],
    meaning: "requests on each of the client's busiest endpoints during the last complete UTC day.",
    notes:
      'Each existing client\'s `AGENT_USAGE_TOP_ENDPOINTS` (default 10) busiest (`endpoint`, `method`) pairs; the rest are summed as `endpoint="other"`, `method="other"`. `endpoint` is the Usage API\'s `templateUri` with a leading slash, the same value as in the gateway\'s per-endpoint families. Deleted clients have none. No month-to-date figure per endpoint: it would multiply the month query\'s pages by the endpoints per client.',
    example: {
      caption: "a client's busiest endpoints yesterday",
      promql: 'topk(5, genesys_usage_endpoint_requests_last_day{client_name="Reporting_ETL"})',
    },
  }),
  usageEndpointResponsesLastDay: usage.gauge({
    name: 'genesys_usage_endpoint_responses_last_day',
    help: 'HTTP 429 responses on the last complete UTC day per endpoint (path template and method)',
    unit: '{response}',
    labels: [...CLIENT, 'endpoint', 'method', 'status_class'],
    labelValues: { status_class: ['429'] },
    meaning: "429 responses on each of the client's busiest endpoints during the last complete UTC day.",
    notes:
      'The endpoints of `genesys_usage_endpoint_requests_last_day`, only where there were 429s. Other status classes per endpoint are left out to keep the series within the cardinality budget (docs/performance.md); the per-client `genesys_usage_responses_last_day` has them all.',
    example: {
      caption: 'the endpoints that were rate-limited yesterday',
      promql: 'topk(10, genesys_usage_endpoint_responses_last_day{status_class="429"})',
    },
  }),
  usageRequestsMonthToDate: usage.gauge({
    name: 'genesys_usage_requests_month_to_date',
    help: 'Requests of the OAuth client this UTC month, as published by the Usage API',
    unit: '{request}',
    labels: CLIENT,
    freshness:
      'daily (today is usually not included yet). On the 1st no complete day of the month exists, so it is 0: the status page and `once` then say "no complete day yet this month" with the previous month\'s total, and `genesys:org_requests_month:forecast` has no series until the 1st is complete.',
    meaning: 'requests of the client since the first day of the current UTC month.',
    example: { caption: 'org total', promql: 'sum by (org) (genesys_usage_requests_month_to_date)' },
  }),
  usageRequestsToday: usage.gauge({
    name: 'genesys_usage_requests_today',
    help: "Today's partial request count, only where the Usage API publishes intraday data",
    unit: '{request}',
    labels: CLIENT,
    freshness: 'intraday, only where the Usage API publishes intraday data; absent elsewhere.',
    meaning: "today's partial request count of the client (UTC day so far).",
    example: { caption: 'busiest clients today', promql: 'topk(5, genesys_usage_requests_today)' },
  }),
  usageRequestsPerMinute: usage.gauge({
    name: 'genesys_usage_requests_per_minute',
    help: 'Requests/min derived from successive intraday Usage API snapshots (coarse; the gateway is exact)',
    unit: '{request}',
    labels: CLIENT,
    freshness: 'intraday only, one value per usage poll; coarse (the gateway figures are exact).',
    meaning: 'a velocity derived from successive intraday Usage API snapshots of the client.',
    example: {
      caption: 'coarse velocity per client',
      promql: 'max by (client_name) (genesys_usage_requests_per_minute)',
    },
  }),
  usageDataAge: usage.gauge({
    name: 'genesys_usage_data_age_seconds',
    help: 'Age of the usage data: seconds since the end of the last complete UTC day in it',
    unit: 's',
    labels: ['org'],
    freshness: 'recomputed on every scrape; normally between 0 and about 30 h.',
    meaning: 'age of the usage data: seconds since the end of the last complete UTC day it holds.',
    notes:
      'Clients deleted from the org (no longer in `GET /api/v2/oauth/clients`) lose their own series at the next poll; their usage still counts, summed into one series `client_id="deleted"`, `client_name="(deleted clients)"`, so org totals and the monthly forecast stay right. The status page and `/api/v1/clients` keep each deleted client\'s figures under the name the Usage API returned.\n\n' +
      'Genesys\' own clients `purecloud` and `purecloud-builtin` appear in the **new** Usage API (the aggregates jobs) but are never listed by `GET /api/v2/oauth/clients`; they are exported under their ids with `client_name="Genesys Cloud (built-in)"`, never as deleted. The **legacy** Usage API (`POST /api/v2/usage/query`, used only when the jobs API answers 403/404/410/501) leaves them out: after such a fallback org totals drop by their share, and the agent says so in its log once.',
    example: {
      caption: 'stale data (alert GenesysUsageDataStale)',
      promql: `genesys_usage_data_age_seconds > ${USAGE_DATA_STALE_SECONDS / 3600} * 3600`,
    },
  }),

  // ---- ratelimits and events sources (platform signals) ----
  rateLimitWarnings: signals.counter({
    name: 'genesys_rate_limit_warnings',
    help: 'Rate-limit records the platform made when a trackable limit reached 90 % (analytics rate-limit aggregates), counted since the agent started.',
    unit: '{warning}',
    labels: ['org', 'namespace', 'limit_key', 'entity_id', 'entity_name'],
    freshness: 'rate-limit aggregates API, polled every 60 s, best effort.',
    meaning: 'rate-limit records Genesys made because a trackable limit reached 90 % for an entity.',
    example: {
      caption: 'warnings in the last 15 minutes',
      promql: 'sum by (org, limit_key, entity_name) (increase(genesys_rate_limit_warnings_total[15m]))',
    },
  }),
  operationalEvents: signals.counter({
    name: 'genesys_operational_events',
    help: 'Genesys Cloud operational events received, per event definition and path (pull = events API, push = EventBridge).',
    unit: '{event}',
    labels: ['org', 'event_definition', 'source'],
    labelValues: { source: ['pull', 'push'] },
    sources: ['ratelimits', 'events'],
    freshness: '`pull` (events API) every 60 s, `push` (EventBridge) within seconds.',
    meaning: 'Genesys operational events received, per event definition.',
    notes:
      "`event_definition` is the name the org's definitions list (`GET /api/v2/usage/events/definitions`) gives the event's definition id; an id the list does not know is counted as `other` (and makes the ratelimits source reload the list, at most once a minute), so a pushed body cannot mint labels.",
    example: {
      caption: 'events per hour',
      promql: 'sum by (event_definition) (increase(genesys_operational_events_total[1h]))',
    },
  }),

  // ---- gateway source (real time, clients routed through the agent) ----
  gatewayRequests: gateway.counter({
    name: 'genesys_gateway_requests',
    help: 'Requests forwarded through the gateway, by method and response status class.',
    unit: '{request}',
    labels: [...CLIENT, 'method', 'status_class'],
    labelValues: { status_class: STATUS_CLASS_VALUES },
    meaning: 'requests forwarded to Genesys per client, method and response status class.',
    notes:
      'Bounded: at most `AGENT_MAX_CLIENTS` (default 2 000) distinct clients per org have series of their own in every gateway family; requests of further clients are counted under `client_id="other"` (see `genesys_gateway_clients_overflow_total`).',
    example: {
      caption: 'requests/min per client',
      promql: 'sum by (client_name) (rate(genesys_gateway_requests_total[5m])) * 60',
    },
  }),
  gatewayRequestsPerMinute: gateway.gauge({
    name: 'genesys_gateway_requests_per_minute',
    help: 'Requests a client sent upstream in the last 60 s (all its tokens).',
    unit: '{request}',
    labels: CLIENT,
    meaning: 'requests of the client over all its tokens in the last 60 s (sliding window).',
    example: { caption: 'busiest clients now', promql: 'topk(5, genesys_gateway_requests_per_minute)' },
  }),
  gatewayTokenPeakRequestsPerMinute: gateway.gauge({
    name: 'genesys_gateway_token_peak_requests_per_minute',
    help: "Requests in the last 60 s of the client's busiest token.",
    unit: '{request}',
    labels: CLIENT,
    freshness: 'real time. Drives the headline alert GenesysClientNearRateLimit.',
    meaning: "requests in the last 60 s of the client's busiest token — what the per-token limit applies to.",
    example: {
      caption: `above ${NEAR_LIMIT_REQUESTS_PER_MINUTE}/min`,
      promql: `genesys_gateway_token_peak_requests_per_minute > ${NEAR_LIMIT_REQUESTS_PER_MINUTE}`,
    },
  }),
  gatewayTokensActive: gateway.gauge({
    name: 'genesys_gateway_tokens_active',
    help: 'Tokens of the client that sent a request in the last 5 minutes.',
    unit: '{token}',
    labels: CLIENT,
    meaning: 'tokens of the client that carried requests in the last 5 minutes.',
    example: {
      caption: 'clients spreading load over several tokens',
      promql: 'genesys_gateway_tokens_active > 1',
    },
  }),
  gatewayInflightRequests: gateway.gauge({
    name: 'genesys_gateway_inflight_requests',
    help: 'Requests of the client currently waiting for the upstream.',
    unit: '{request}',
    labels: CLIENT,
    meaning: 'requests of the client forwarded and not yet answered (concurrency).',
    example: { caption: 'peak concurrency', promql: 'max_over_time(genesys_gateway_inflight_requests[5m])' },
  }),
  gatewayRateLimited: gateway.counter({
    name: 'genesys_gateway_rate_limited',
    help: 'Upstream 429 responses passed back to the client.',
    unit: '{request}',
    labels: CLIENT,
    meaning: "`429` answers Genesys gave to the client's forwarded requests (upstream 429s).",
    example: {
      caption: '429s in the last 5 minutes',
      promql: 'sum by (client_name) (increase(genesys_gateway_rate_limited_total[5m]))',
    },
  }),
  gatewayShaped: gateway.counter({
    name: 'genesys_gateway_shaped',
    help: 'Requests the gateway shaped: delayed under the limit, or rejected locally with 429.',
    unit: '{request}',
    labels: [...CLIENT, 'outcome'],
    labelValues: { outcome: ['delayed', 'rejected'] },
    freshness:
      'real time. While shaping is off (`AGENT_GATEWAY_SHAPING=off`) every client routed through the gateway still has both series, at 0.',
    meaning: "requests the gateway's optional shaping delayed or rejected to keep a token under its limit.",
    example: {
      caption: 'shaped requests/min',
      promql: 'sum by (client_name, outcome) (rate(genesys_gateway_shaped_total[5m])) * 60',
    },
  }),
  gatewayUpstreamDuration: gateway.histogram({
    name: 'genesys_gateway_upstream_duration_seconds',
    help: 'Time from sending a request upstream to its response headers.',
    unit: 's',
    labels: CLIENT,
    meaning: 'time Genesys took to answer forwarded requests.',
    example: {
      caption: 'p95 per client',
      promql:
        'histogram_quantile(0.95, sum by (le, client_name) (rate(genesys_gateway_upstream_duration_seconds_bucket[5m])))',
    },
  }),

  gatewayEndpointRequests: gateway.counter({
    name: 'genesys_gateway_endpoint_requests',
    help: 'Requests forwarded through the gateway, by Genesys endpoint (path template), method and response status class.',
    unit: '{request}',
    labels: [...CLIENT, 'endpoint', 'method', 'status_class'],
    labelValues: { method: [...METHODS, 'other'], status_class: STATUS_CLASS_VALUES },
    freshness: 'real time; a status class has a series once it was seen.',
    meaning:
      "requests of the client per endpoint — the path template of the official SDK's catalogue, e.g. `/api/v2/users/{userId}` — method and response status class.",
    notes:
      'Label values come from the catalogue, never from the request: a path no template matches counts under `endpoint="other"`, and so do new (client, endpoint, method) combinations once the org has `AGENT_MAX_ENDPOINTS` (default 4 000) of them (see `genesys_gateway_endpoints_overflow_total`). Literal segments win over parameters (`/api/v2/users/me` is its own endpoint). A combination keeps its series while its client does.',
    example: {
      caption: "a client's busiest endpoints",
      promql:
        'topk(5, sum by (endpoint, method) (rate(genesys_gateway_endpoint_requests_total{client_name="WFM_Sync_Script"}[5m])) * 60)',
    },
  }),
  gatewayEndpointRequestsPerMinute: gateway.gauge({
    name: 'genesys_gateway_endpoint_requests_per_minute',
    help: 'Requests a client sent upstream to one endpoint and method in the last 60 s.',
    unit: '{request}',
    labels: [...CLIENT, 'endpoint', 'method'],
    labelValues: { method: [...METHODS, 'other'] },
    freshness: 'real time; an endpoint unused for 10 minutes drops out.',
    meaning:
      'per-endpoint velocity: requests of the client to the endpoint and method in the last 60 s (sliding window).',
    example: {
      caption: 'busiest endpoints now',
      promql: 'topk(3, genesys_gateway_endpoint_requests_per_minute)',
    },
  }),
  gatewayClientsOverflow: gateway.counter({
    name: 'genesys_gateway_clients_overflow',
    help: 'Requests counted under client_id="other" because the org already had the most distinct clients allowed (AGENT_MAX_CLIENTS).',
    unit: '{request}',
    labels: ['org'],
    freshness: 'real time; present (at 0) while the gateway runs.',
    meaning:
      'requests counted under `client_id="other"` because the org already had `AGENT_MAX_CLIENTS` distinct clients in the gateway\'s series.',
    example: {
      caption: 'is the cap hiding clients?',
      promql: 'increase(genesys_gateway_clients_overflow_total[1h]) > 0',
    },
  }),
  gatewayEndpointsOverflow: gateway.counter({
    name: 'genesys_gateway_endpoints_overflow',
    help: 'Requests counted under endpoint="other" because the org already had the most distinct (client, endpoint, method) combinations allowed (AGENT_MAX_ENDPOINTS).',
    unit: '{request}',
    labels: ['org'],
    freshness: 'real time; present (at 0) while the gateway runs.',
    meaning:
      'requests counted under `endpoint="other"` because the org already had `AGENT_MAX_ENDPOINTS` (client, endpoint, method) combinations in the gateway\'s series.',
    example: {
      caption: 'is the cap hiding endpoints?',
      promql: 'increase(genesys_gateway_endpoints_overflow_total[1h]) > 0',
    },
  }),
  gatewayRefused: gateway.counter({
    name: 'genesys_gateway_refused',
    help: 'Requests the gateway answered itself instead of forwarding: bad path, body too large or too slow, too many in progress per address or token.',
    unit: '{request}',
    labels: ['org', 'reason'],
    labelValues: { reason: REFUSAL_REASONS },
    freshness: 'real time; present (at 0) while the gateway runs.',
    meaning:
      'requests the gateway answered itself instead of forwarding (docs/security.md lists the limits).',
    notes:
      'The answers: `bad_path` 400, `body_too_large` 413, `body_too_slow` 408, `address_concurrency` 429, `token_concurrency` 429.',
    example: {
      caption: 'refusals per minute',
      promql: 'sum by (reason) (rate(genesys_gateway_refused_total[5m])) * 60',
    },
  }),

  // ---- limits ----
  limitRequestsPerMinute: limits.gauge({
    name: 'genesys_limit_requests_per_minute',
    help: "The org's effective per-minute request limits (Limits API, namespace platform.api)",
    unit: '{request}',
    labels: ['org', 'limit_key'],
    freshness:
      'limits API, read every hour; static values. Absent until read: the recording rules then assume ' +
      `${DEFAULT_TOKEN_LIMIT}.`,
    meaning:
      "the org's effective value of a per-minute limit, e.g. `client.credentials.token.rate.per.minute` (default " +
      `${DEFAULT_TOKEN_LIMIT}).`,
    example: {
      caption: 'the per-token limit',
      promql: 'genesys_limit_requests_per_minute{limit_key="client.credentials.token.rate.per.minute"}',
    },
  }),
  clientLimitUtilization: limits.gauge({
    name: 'genesys_client_limit_utilization_ratio',
    help: "Busiest token's requests in the last 60 s divided by the per-token limit.",
    unit: '1',
    labels: CLIENT,
    sources: ['gateway', 'limits'],
    unitText: 'ratio (0–1+)',
    freshness:
      'real time. The recording rule `genesys:client_limit_utilization:ratio` computes the same with the default limit as fallback.',
    meaning: "busiest token's requests/min ÷ the per-token limit (1 = at the limit).",
    example: {
      caption: `clients above ${HOT_PERCENT} %`,
      promql: `genesys_client_limit_utilization_ratio > ${NEAR_LIMIT_REQUESTS_PER_MINUTE} / ${DEFAULT_TOKEN_LIMIT}`,
    },
  }),

  // ---- the agent itself ----
  agentSourceUp: agent.gauge({
    name: 'genesys_agent_source_up',
    help: '1 if the last poll of the source succeeded (listeners: serving), else 0',
    labels: ['org', 'source'],
    labelValues: { source: SOURCE_NAMES },
    freshness: 'on every scrape.',
    meaning: '1 if the last collection of the source succeeded (listeners: serving), else 0.',
    example: { caption: 'failing sources', promql: 'genesys_agent_source_up == 0' },
  }),
  agentSourceLastSuccess: agent.gauge({
    name: 'genesys_agent_source_last_success_timestamp_seconds',
    help: 'Unix time of the last successful poll of the source',
    unit: 's',
    labels: ['org', 'source'],
    unitText: 'seconds since the epoch',
    freshness: 'on every scrape.',
    meaning: "Unix time of the source's last successful collection.",
    example: {
      caption: 'seconds since the last success',
      promql: 'time() - genesys_agent_source_last_success_timestamp_seconds',
    },
  }),
  agentSourceDuration: agent.gauge({
    name: 'genesys_agent_source_duration_seconds',
    help: 'Duration of the last poll of the source',
    unit: 's',
    labels: ['org', 'source'],
    freshness: 'on every scrape.',
    meaning: "how long the source's last collection took.",
    example: { caption: 'slowest source', promql: 'max by (source) (genesys_agent_source_duration_seconds)' },
  }),
  agentApiRequests: agent.counter({
    name: 'genesys_agent_api_requests',
    help: 'Requests the agent itself sent to Genesys Cloud, by endpoint template and status class (error = no response).',
    unit: '{request}',
    labels: ['org', 'endpoint', 'status_class'],
    labelValues: { status_class: [...STATUS_CLASS_VALUES, 'error'] },
    freshness: 'real time.',
    meaning:
      "the agent's own calls to the Genesys API (its call budget), per endpoint template and outcome; `error` = no HTTP response (timeout, connection failure).",
    example: {
      caption: "the agent's own 429s (alert GenesysAgentThrottled)",
      promql: 'sum by (endpoint) (increase(genesys_agent_api_requests_total{status_class="429"}[15m]))',
    },
  }),
  agentRecordsSkipped: agent.counter({
    name: 'genesys_agent_records_skipped',
    help: 'Records a Genesys response carried that the agent could not use (a required field missing or invalid), by source and reason.',
    unit: '{record}',
    labels: ['org', 'source', 'reason'],
    freshness: 'real time; absent until a record was skipped.',
    labelValues: { source: ['usage', 'limits', 'ratelimits', 'events'] },
    meaning:
      'records a Genesys response carried that the agent could not use — a field it needs was missing or invalid (a usage row without a client reference or day, an event without a definition id, an OAuth client without an id …). The rest of the response is used; a response with no usable record at all fails the source instead (a schema change). One warning per episode names the field.',
    notes: '`reason` is `missing_<field>` or `invalid_<field>`, e.g. `missing_oauthClient.id`.',
    example: {
      caption: 'skipped records in the last hour',
      promql: 'sum by (org, source, reason) (increase(genesys_agent_records_skipped_total[1h]))',
    },
  }),
  agentOtlpExports: agent.counter({
    name: 'genesys_agent_otlp_exports',
    help: 'OTLP metric exports the agent attempted, by outcome (success, failure)',
    unit: '{export}',
    labels: ['outcome'],
    labelValues: { outcome: ['success', 'failure'] },
    freshness:
      'one export per `OTEL_METRIC_EXPORT_INTERVAL`; absent until the first export (and while OTLP is off).',
    meaning:
      'OTLP/HTTP pushes of the metrics by outcome (`failure`: the endpoint did not accept the export — no answer, an error status or a timeout).',
    example: {
      caption: 'failed pushes in the last 15 minutes',
      promql: 'increase(genesys_agent_otlp_exports_total{outcome="failure"}[15m])',
    },
  }),
  agentShardInfo: agent.gauge({
    name: 'genesys_agent_shard_info',
    help: "This replica's shard of the configured orgs; always 1",
    labels: ['shard', 'shards'],
    freshness: 'constant.',
    meaning:
      "always 1; `shard` is this replica's shard i, `shards` the number of shards n (`AGENT_SHARD=i/n`; `0` of `1` when unsharded).",
    example: {
      caption: 'replicas per shard (2 = a shard claimed twice)',
      promql: 'count by (shards, shard) (genesys_agent_shard_info)',
    },
  }),
  agentOrgConfigured: agent.gauge({
    name: 'genesys_agent_org_configured',
    help: "An org of the agent's configuration, whichever replica polls it; always 1",
    labels: ['org'],
    freshness: 'constant.',
    meaning:
      'always 1, for every org of the configuration (the shared config file), owned by this replica or not: the set of orgs the replicas together must poll.',
    example: {
      caption: 'orgs no replica polls (alert GenesysOrgShardCoverage)',
      promql: 'group by (org) (genesys_agent_org_configured) unless on (org) genesys_agent_org_owned',
    },
  }),
  agentOrgOwned: agent.gauge({
    name: 'genesys_agent_org_owned',
    help: 'An org this replica polls (its shard owns it); always 1',
    labels: ['org', 'shard'],
    freshness: 'constant.',
    meaning:
      'always 1, for each org whose usage and rate-limit sources this replica runs (absent on gateway-only replicas, `AGENT_POLL=none`).',
    example: {
      caption: 'replicas polling each org (should be 1)',
      promql: 'count by (org) (genesys_agent_org_owned)',
    },
  }),
  agentBuildInfo: agent.gauge({
    name: 'genesys_agent_build_info',
    help: 'Build information; always 1',
    labels: ['version'],
    freshness: 'constant.',
    meaning: 'always 1; carries the agent version.',
    example: { caption: 'versions running', promql: 'count by (version) (genesys_agent_build_info)' },
  }),
} as const;

/** Every entry, in catalogue (and docs) order. */
export const METRICS: readonly AnyMetricDef[] = Object.values(catalogue);

/** The entry of an OTel or Prometheus family name, if it is one of ours. */
export function metricNamed(name: string): AnyMetricDef | undefined {
  return METRICS.find((m) => m.name === name || m.prometheusName === name);
}
