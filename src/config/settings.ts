/* eslint-disable max-lines -- the settings table: one entry per setting (env, file key, parser, default, doc) in one list on purpose */
/**
 * The settings table: every setting the agent reads, declared once. The environment schema, the
 * config-file schema, the precedence rule (config.ts), the README's configuration table
 * (env-schema.ts) and the `AgentConfig` type all derive from it. Longer than our usual 300 lines
 * on purpose: it is one table, an entry per setting, and splitting it would undo its point.
 */
import type { z } from 'zod';
import {
  duration,
  host,
  int,
  keyValues,
  millis,
  oneOf,
  perClientLimits,
  pollList,
  region,
  scenario,
  secret,
  shard,
  text,
  url,
} from './kinds.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const WEEK_MS = 7 * 86_400_000;

export interface SettingSpec<
  P extends z.ZodType = z.ZodType,
  D = unknown,
  S extends 'agent' | 'org' = 'agent' | 'org',
> {
  /** Environment variable; null: only in the config file. */
  env: string | null;
  /** Key in the config file (dots nest; `orgs[].` is a key of each org); null: only in the environment. */
  file: string | null;
  /** `org`: the GENESYS_* variables describe the single org; the file keys belong to each `orgs[]` entry. */
  scope: S;
  parse: P;
  /** Used when neither the environment nor the file sets it; absent: the setting stays unset. */
  default?: D;
  /** The default as the README shows it. */
  shownDefault: string;
  /** One line for the README. */
  doc: string;
  /** The value is, or may carry, a credential: configuration errors name the setting, never the value. */
  secret?: boolean;
  /** Also read from a file named by `<env>_FILE` or `<file key>File`, which wins over the value itself. */
  viaFile?: boolean;
}

function setting<P extends z.ZodType, S extends 'agent' | 'org', D = undefined>(
  spec: SettingSpec<P, D, S> & { default?: z.output<P> },
): SettingSpec<P, D, S> & { default: D } {
  return spec as SettingSpec<P, D, S> & { default: D };
}

export const SETTINGS = {
  region: setting({
    env: 'GENESYS_REGION',
    file: 'orgs[].region',
    scope: 'org',
    parse: region(),
    shownDefault: '—',
    doc: 'Region domain (`mypurecloud.com`) or SDK key (`us_east_1`)',
  }),
  clientId: setting({
    env: 'GENESYS_CLIENT_ID',
    file: 'orgs[].clientId',
    scope: 'org',
    parse: text(),
    shownDefault: '— (none ⇒ demo mode)',
    doc: "The agent's own client-credentials OAuth client id",
  }),
  clientSecret: setting({
    env: 'GENESYS_CLIENT_SECRET',
    file: 'orgs[].clientSecret',
    scope: 'org',
    parse: secret(),
    secret: true,
    viaFile: true,
    shownDefault: '—',
    doc: 'Its secret',
  }),
  apiBaseUrl: setting({
    env: 'GENESYS_API_BASE_URL',
    file: 'orgs[].apiBaseUrl',
    scope: 'org',
    parse: url('https://api.mypurecloud.com'),
    secret: true,
    shownDefault: 'from region',
    doc: 'Override the API host (simulator, proxies)',
  }),
  loginBaseUrl: setting({
    env: 'GENESYS_LOGIN_BASE_URL',
    file: 'orgs[].loginBaseUrl',
    scope: 'org',
    parse: url('https://login.mypurecloud.com'),
    secret: true,
    shownDefault: 'from region',
    doc: 'Override the login host',
  }),
  orgName: setting({
    env: 'GENESYS_ORG_NAME',
    file: 'orgs[].name',
    scope: 'org',
    parse: text(),
    default: 'default',
    shownDefault: '`default`',
    doc: 'Value of the `org` label for this org (unique across `orgs`)',
  }),
  orgCallBudget: setting({
    env: null,
    file: 'orgs[].callBudgetPerMinute',
    scope: 'org',
    parse: int(1, 10_000),
    shownDefault: '`AGENT_CALL_BUDGET`',
    doc: "This org's own call budget",
  }),
  limitsPerClient: setting({
    env: null,
    file: 'orgs[].limits.perClient',
    scope: 'org',
    parse: perClientLimits(),
    default: {},
    shownDefault: 'from the Limits API',
    doc: 'Per-token limit (req/min) of given client ids, where the Limits API is not the truth',
  }),
  configFile: setting({
    env: 'AGENT_CONFIG_FILE',
    file: null,
    scope: 'agent',
    parse: text(),
    shownDefault: '—',
    doc: 'YAML/JSON file that may hold every setting below under its file key, and several orgs',
  }),
  host: setting({
    env: 'AGENT_HOST',
    file: 'host',
    scope: 'agent',
    parse: host('AGENT_PORT'),
    default: '0.0.0.0',
    shownDefault: '`0.0.0.0`',
    doc: 'HTTP listener address (an IP address or host name, no port)',
  }),
  port: setting({
    env: 'AGENT_PORT',
    file: 'port',
    scope: 'agent',
    parse: int(0, 65535),
    default: 9464,
    shownDefault: '`9464`',
    doc: 'HTTP listener port (`/metrics`, status page, API)',
  }),
  writeTimeout: setting({
    env: 'AGENT_WRITE_TIMEOUT',
    file: 'writeTimeout',
    scope: 'agent',
    parse: duration(1000, 3_600_000, 'between 1s and 1h'),
    default: 30_000,
    shownDefault: '`30s`',
    doc: 'Longest an answer on the agent port may take to deliver (a stalled `/metrics` reader is cut off after it)',
  }),
  maxConcurrentScrapes: setting({
    env: 'AGENT_MAX_CONCURRENT_SCRAPES',
    file: 'maxConcurrentScrapes',
    scope: 'agent',
    parse: int(1, 1_000),
    default: 4,
    shownDefault: '`4`',
    doc: 'Most `/metrics` answers in progress at once; more get 503 at once (like node_exporter `--web.max-requests`)',
  }),
  usageInterval: setting({
    env: 'AGENT_USAGE_INTERVAL',
    file: 'usageInterval',
    scope: 'agent',
    parse: duration(1000, WEEK_MS, 'between 1s and 7d'),
    default: 15 * 60_000,
    shownDefault: '`15m`',
    doc: 'Usage API poll cadence (seconds or `15m`)',
  }),
  usageTopEndpoints: setting({
    env: 'AGENT_USAGE_TOP_ENDPOINTS',
    file: 'usageTopEndpoints',
    scope: 'agent',
    parse: int(0, 100),
    default: 10,
    shownDefault: '`10`',
    doc: 'Busiest endpoints per client of the last complete day exported from the Usage API; the rest are summed as `endpoint="other"`; `0`: no per-endpoint usage series and no per-endpoint query',
  }),
  ratelimitsInterval: setting({
    env: 'AGENT_RATELIMITS_INTERVAL',
    file: 'ratelimitsInterval',
    scope: 'agent',
    parse: duration(1000, WEEK_MS, 'between 1s and 7d'),
    default: 60_000,
    shownDefault: '`60s`',
    doc: 'Rate-limit aggregates and operational events poll cadence',
  }),
  poll: setting({
    env: 'AGENT_POLL',
    file: 'poll',
    scope: 'agent',
    parse: pollList(),
    default: { usage: true, ratelimits: true },
    shownDefault: '`usage,ratelimits`',
    doc: 'Polled sources to run: `usage,ratelimits`, one of them, or `none` (gateway-only replicas, so their usage series are not duplicated)',
  }),
  shard: setting({
    env: 'AGENT_SHARD',
    file: 'shard',
    scope: 'agent',
    parse: shard(),
    shownDefault: 'every org',
    doc: 'This replica\'s shard `i/n` (0 ≤ i < n): it polls only the orgs a stable hash of their names gives shard i, out of the same config file every replica reads (docs/deployment.md, "Sharding")',
  }),
  shardTotal: setting({
    env: 'AGENT_SHARD_TOTAL',
    file: 'shardTotal',
    scope: 'agent',
    parse: int(1, 999),
    shownDefault: '—',
    doc: 'Number of shards n when the shard i comes from a StatefulSet ordinal (`AGENT_POD_NAME`) instead of `AGENT_SHARD`',
  }),
  podName: setting({
    env: 'AGENT_POD_NAME',
    file: 'podName',
    scope: 'agent',
    parse: text(),
    shownDefault: '—',
    doc: "This pod's name (downward API `metadata.name`); with `AGENT_SHARD_TOTAL`, its trailing `-<ordinal>` is the shard",
  }),
  callBudget: setting({
    env: 'AGENT_CALL_BUDGET',
    file: 'callBudgetPerMinute',
    scope: 'agent',
    parse: int(1, 10_000),
    default: 60,
    shownDefault: '`60`',
    doc: 'Most Genesys API calls the agent itself makes per minute per org',
  }),
  gatewayPort: setting({
    env: 'AGENT_GATEWAY_PORT',
    file: 'gateway.port',
    scope: 'agent',
    parse: int(0, 65535),
    shownDefault: 'off',
    doc: 'Enable the gateway listener on this port',
  }),
  gatewayHost: setting({
    env: 'AGENT_GATEWAY_HOST',
    file: 'gateway.host',
    scope: 'agent',
    parse: host('AGENT_GATEWAY_PORT'),
    shownDefault: 'the HTTP listener address',
    doc: 'Gateway listener address',
  }),
  gatewayShaping: setting({
    env: 'AGENT_GATEWAY_SHAPING',
    file: 'gateway.shaping',
    scope: 'agent',
    parse: oneOf(['off', 'smooth'] as const),
    default: 'off',
    shownDefault: '`off`',
    doc: '`off` \\| `smooth`',
  }),
  gatewayMaxConcurrentPerAddress: setting({
    env: 'AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS',
    file: 'gateway.maxConcurrentPerAddress',
    scope: 'agent',
    parse: int(1, 100_000),
    default: 64,
    shownDefault: '`64`',
    doc: 'Most gateway requests one source address may have in progress (raise it when a proxy or NAT puts every integration behind one address)',
  }),
  tokenLookupsPerMinute: setting({
    env: 'AGENT_TOKEN_LOOKUPS_PER_MINUTE',
    file: 'tokenLookupsPerMinute',
    scope: 'agent',
    parse: int(1, 10_000),
    default: 30,
    shownDefault: '`30`',
    doc: "Most `GET /api/v2/tokens/me` look-ups per minute per org for gateway tokens minted elsewhere; a budget of their own, never the polls'",
  }),
  maxClients: setting({
    env: 'AGENT_MAX_CLIENTS',
    file: 'maxClients',
    scope: 'agent',
    parse: int(1, 1_000_000),
    default: 2000,
    shownDefault: '`2000`',
    doc: 'Most distinct OAuth clients per org with gateway series of their own; the rest are counted as `client_id="other"`',
  }),
  maxEndpoints: setting({
    env: 'AGENT_MAX_ENDPOINTS',
    file: 'maxEndpoints',
    scope: 'agent',
    parse: int(0, 1_000_000),
    default: 4000,
    shownDefault: '`4000`',
    doc: 'Most distinct (client, endpoint, method) combinations per org with gateway series of their own; the rest are counted as `endpoint="other"`; `0`: no per-endpoint gateway series at all',
  }),
  eventsToken: setting({
    env: 'AGENT_EVENTS_TOKEN',
    file: 'eventsToken',
    scope: 'agent',
    parse: secret(true),
    secret: true,
    viaFile: true,
    shownDefault: 'events endpoint off',
    doc: 'Bearer token required on `POST /v1/events`',
  }),
  eventsRateLimit: setting({
    env: 'AGENT_EVENTS_RATE_LIMIT',
    file: 'eventsRateLimitPerMinute',
    scope: 'agent',
    parse: int(1, 1_000_000),
    default: 600,
    shownDefault: '`600`',
    doc: 'Most `POST /v1/events` requests per minute per caller address (429 beyond)',
  }),
  authToken: setting({
    env: 'AGENT_AUTH_TOKEN',
    file: 'auth.token',
    scope: 'agent',
    parse: secret(true),
    secret: true,
    viaFile: true,
    shownDefault: 'off',
    doc: 'Bearer token required on `/metrics` and `/api/v1/*` (`/healthz`, `/readyz` stay open)',
  }),
  authBasicFile: setting({
    env: 'AGENT_AUTH_BASIC_FILE',
    file: 'auth.basicFile',
    scope: 'agent',
    parse: text(),
    shownDefault: 'off',
    doc: 'File of `user:password` lines accepted as basic auth on the same endpoints',
  }),
  tlsCertFile: setting({
    env: 'AGENT_TLS_CERT_FILE',
    file: 'tls.certFile',
    scope: 'agent',
    parse: text(),
    shownDefault: 'plain HTTP',
    doc: 'PEM certificate (chain): serve the agent and gateway ports over HTTPS',
  }),
  tlsKeyFile: setting({
    env: 'AGENT_TLS_KEY_FILE',
    file: 'tls.keyFile',
    scope: 'agent',
    parse: text(),
    shownDefault: '—',
    doc: 'PEM private key of that certificate',
  }),
  demoScenario: setting({
    env: 'AGENT_DEMO_SCENARIO',
    file: 'demoScenario',
    scope: 'agent',
    parse: scenario(),
    default: 'demo',
    shownDefault: '`demo`',
    doc: 'Simulator scenario used in demo mode: a built-in name or a YAML/JSON file',
  }),
  logLevel: setting({
    env: 'AGENT_LOG_LEVEL',
    file: 'logLevel',
    scope: 'agent',
    parse: oneOf(LOG_LEVELS, true),
    default: 'info',
    shownDefault: '`info`',
    doc: 'pino level (`fatal` … `trace`, `silent`)',
  }),
  otlpEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    file: 'otlp.endpoint',
    scope: 'agent',
    parse: url('http://otel-collector:4318'),
    secret: true,
    shownDefault: 'off',
    doc: 'OTLP/HTTP base URL (`/v1/metrics` is appended); enables the push',
  }),
  otlpMetricsEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    file: 'otlp.metricsEndpoint',
    scope: 'agent',
    parse: url('http://otel-collector:4318/v1/metrics'),
    secret: true,
    shownDefault: 'off',
    doc: 'Full OTLP/HTTP metrics URL (used as is; wins over the base URL)',
  }),
  otlpHeaders: setting({
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    file: 'otlp.headers',
    scope: 'agent',
    parse: keyValues(true),
    secret: true,
    default: {},
    shownDefault: '—',
    doc: 'Headers for the push, `k=v,k2=v2` (in the file also a map)',
  }),
  otlpInterval: setting({
    env: 'OTEL_METRIC_EXPORT_INTERVAL',
    file: 'otlp.intervalMs',
    scope: 'agent',
    parse: millis(100),
    default: 60_000,
    shownDefault: '`60000`',
    doc: 'Push interval in milliseconds',
  }),
  serviceName: setting({
    env: 'OTEL_SERVICE_NAME',
    file: 'resource.serviceName',
    scope: 'agent',
    parse: text(),
    default: 'genesys-usage-agent',
    shownDefault: '`genesys-usage-agent`',
    doc: '`service.name` resource attribute',
  }),
  resourceAttributes: setting({
    env: 'OTEL_RESOURCE_ATTRIBUTES',
    file: 'resource.attributes',
    scope: 'agent',
    parse: keyValues(),
    default: {},
    shownDefault: '—',
    doc: 'Extra resource attributes, `k=v,k2=v2` (in the file also a map)',
  }),
};

type Table = typeof SETTINGS;
export type SettingId = keyof Table;
export type AgentSettingId = { [K in SettingId]: Table[K]['scope'] extends 'agent' ? K : never }[SettingId];
export type OrgSettingId = Exclude<SettingId, AgentSettingId>;

/** A setting's resolved value: its parser's output, or undefined when it has no default. */
export type Value<K extends SettingId> =
  z.output<Table[K]['parse']> | (undefined extends Table[K]['default'] ? undefined : never);

export const SETTING_IDS = Object.keys(SETTINGS) as SettingId[];
export const spec = (id: SettingId): SettingSpec => SETTINGS[id];

/** The variable that names a setting's file variant (`GENESYS_CLIENT_SECRET_FILE`). */
export const envFileName = (id: SettingId) => `${spec(id).env}_FILE`;
/** The file key of a setting's file variant (`orgs[].clientSecretFile`). */
export const fileFileKey = (id: SettingId) => `${spec(id).file}File`;
