/* eslint-disable max-lines -- the settings table: one entry per setting (env, file key, parser, default, doc) in one list on purpose */
/**
 * The settings table: every setting the agent reads, declared once. The environment and file
 * schemas, the precedence rule (resolve.ts), the README's configuration table (env-schema.ts) and
 * the `AgentConfig` type all derive from it.
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

export interface SettingSpec {
  /** Environment variable; null: only in the config file. */
  env: string | null;
  /** Key in the config file (dots nest; `orgs[].` is a key of each org); null: only in the environment. */
  file: string | null;
  /** `org`: the GENESYS_* variables describe the single org; the file keys belong to each `orgs[]` entry. */
  scope: 'agent' | 'org';
  parse: z.ZodType;
  /** Used when neither the environment nor the file sets it; absent: the setting stays unset. */
  default?: unknown;
  /** The default as the README shows it; absent: the default in backticks, or `—` if not a number or text. */
  shownDefault: string;
  /** One line for the README. */
  doc: string;
  /** The value is, or may carry, a credential: configuration errors name the setting, never the value. */
  secret?: boolean;
  /** Also read from a file named by `<env>_FILE` or `<file key>File`, which wins over the value itself. */
  viaFile?: boolean;
}

type Entry = Omit<SettingSpec, 'scope' | 'shownDefault'> & { shownDefault?: string };

const scoped =
  <S extends SettingSpec['scope']>(scope: S) =>
  <E extends Entry>(entry: E & { default?: z.output<E['parse']> }) => {
    const d: unknown = entry.default;
    const shown = typeof d === 'string' || typeof d === 'number' ? `\`${d}\`` : '—';
    return { shownDefault: shown, ...entry, scope };
  };
const org = scoped('org');
const agent = scoped('agent');

export const SETTINGS = {
  region: org({
    env: 'GENESYS_REGION',
    file: 'orgs[].region',
    parse: region(),
    doc: 'Region domain (`mypurecloud.com`) or SDK key (`us_east_1`)',
  }),
  clientId: org({
    env: 'GENESYS_CLIENT_ID',
    file: 'orgs[].clientId',
    parse: text(),
    shownDefault: '— (none ⇒ demo mode)',
    doc: "The agent's own client-credentials OAuth client id",
  }),
  clientSecret: org({
    env: 'GENESYS_CLIENT_SECRET',
    file: 'orgs[].clientSecret',
    parse: secret(),
    secret: true,
    viaFile: true,
    doc: 'Its secret',
  }),
  apiBaseUrl: org({
    env: 'GENESYS_API_BASE_URL',
    file: 'orgs[].apiBaseUrl',
    parse: url('https://api.mypurecloud.com'),
    secret: true,
    shownDefault: 'from region',
    doc: 'Override the API host (simulator, proxies)',
  }),
  loginBaseUrl: org({
    env: 'GENESYS_LOGIN_BASE_URL',
    file: 'orgs[].loginBaseUrl',
    parse: url('https://login.mypurecloud.com'),
    secret: true,
    shownDefault: 'from region',
    doc: 'Override the login host',
  }),
  orgName: org({
    env: 'GENESYS_ORG_NAME',
    file: 'orgs[].name',
    parse: text(),
    default: 'default',
    doc: 'Value of the `org` label for this org (unique across `orgs`)',
  }),
  orgCallBudget: org({
    env: null,
    file: 'orgs[].callBudgetPerMinute',
    parse: int(1, 10_000),
    shownDefault: '`AGENT_CALL_BUDGET`',
    doc: "This org's own call budget",
  }),
  limitsPerClient: org({
    env: null,
    file: 'orgs[].limits.perClient',
    parse: perClientLimits(),
    default: {},
    shownDefault: 'from the Limits API',
    doc: 'Per-token limit (req/min) of given client ids, where the Limits API is not the truth',
  }),
  configFile: agent({
    env: 'AGENT_CONFIG_FILE',
    file: null,
    parse: text(),
    doc: 'YAML/JSON file that may hold every setting below under its file key, and several orgs',
  }),
  host: agent({
    env: 'AGENT_HOST',
    file: 'host',
    parse: host('AGENT_PORT'),
    default: '0.0.0.0',
    doc: 'HTTP listener address (an IP address or host name, no port)',
  }),
  port: agent({
    env: 'AGENT_PORT',
    file: 'port',
    parse: int(0, 65535),
    default: 9464,
    doc: 'HTTP listener port (`/metrics`, status page, API)',
  }),
  writeTimeout: agent({
    env: 'AGENT_WRITE_TIMEOUT',
    file: 'writeTimeout',
    parse: duration(1000, 3_600_000, 'between 1s and 1h'),
    default: 30_000,
    shownDefault: '`30s`',
    doc: 'Longest an answer on the agent port may take to deliver (a stalled `/metrics` reader is cut off after it)',
  }),
  maxConcurrentScrapes: agent({
    env: 'AGENT_MAX_CONCURRENT_SCRAPES',
    file: 'maxConcurrentScrapes',
    parse: int(1, 1_000),
    default: 4,
    doc: 'Most `/metrics` answers in progress at once; more get 503 at once (like node_exporter `--web.max-requests`)',
  }),
  usageInterval: agent({
    env: 'AGENT_USAGE_INTERVAL',
    file: 'usageInterval',
    parse: duration(1000, WEEK_MS, 'between 1s and 7d'),
    default: 15 * 60_000,
    shownDefault: '`15m`',
    doc: 'Usage API poll cadence (seconds or `15m`)',
  }),
  usageTopEndpoints: agent({
    env: 'AGENT_USAGE_TOP_ENDPOINTS',
    file: 'usageTopEndpoints',
    parse: int(0, 100),
    default: 10,
    doc: 'Busiest endpoints per client of the last complete day exported from the Usage API; the rest are summed as `endpoint="other"`; `0`: no per-endpoint usage series and no per-endpoint query',
  }),
  ratelimitsInterval: agent({
    env: 'AGENT_RATELIMITS_INTERVAL',
    file: 'ratelimitsInterval',
    parse: duration(1000, WEEK_MS, 'between 1s and 7d'),
    default: 60_000,
    shownDefault: '`60s`',
    doc: 'Rate-limit aggregates and operational events poll cadence',
  }),
  poll: agent({
    env: 'AGENT_POLL',
    file: 'poll',
    parse: pollList(),
    default: { usage: true, ratelimits: true },
    shownDefault: '`usage,ratelimits`',
    doc: 'Polled sources to run: `usage,ratelimits`, one of them, or `none` (gateway-only replicas, so their usage series are not duplicated)',
  }),
  shard: agent({
    env: 'AGENT_SHARD',
    file: 'shard',
    parse: shard(),
    shownDefault: 'every org',
    doc: 'This replica\'s shard `i/n` (0 ≤ i < n): it polls only the orgs a stable hash of their names gives shard i, out of the same config file every replica reads (docs/deployment.md, "Sharding")',
  }),
  shardTotal: agent({
    env: 'AGENT_SHARD_TOTAL',
    file: 'shardTotal',
    parse: int(1, 999),
    doc: 'Number of shards n when the shard i comes from a StatefulSet ordinal (`AGENT_POD_NAME`) instead of `AGENT_SHARD`',
  }),
  podName: agent({
    env: 'AGENT_POD_NAME',
    file: 'podName',
    parse: text(),
    doc: "This pod's name (downward API `metadata.name`); with `AGENT_SHARD_TOTAL`, its trailing `-<ordinal>` is the shard",
  }),
  callBudget: agent({
    env: 'AGENT_CALL_BUDGET',
    file: 'callBudgetPerMinute',
    parse: int(1, 10_000),
    default: 60,
    doc: 'Most Genesys API calls the agent itself makes per minute per org',
  }),
  gatewayPort: agent({
    env: 'AGENT_GATEWAY_PORT',
    file: 'gateway.port',
    parse: int(0, 65535),
    shownDefault: 'off',
    doc: 'Enable the gateway listener on this port',
  }),
  gatewayHost: agent({
    env: 'AGENT_GATEWAY_HOST',
    file: 'gateway.host',
    parse: host('AGENT_GATEWAY_PORT'),
    shownDefault: 'the HTTP listener address',
    doc: 'Gateway listener address',
  }),
  gatewayShaping: agent({
    env: 'AGENT_GATEWAY_SHAPING',
    file: 'gateway.shaping',
    parse: oneOf(['off', 'smooth'] as const),
    default: 'off',
    doc: '`off` \\| `smooth`',
  }),
  gatewayMaxConcurrentPerAddress: agent({
    env: 'AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS',
    file: 'gateway.maxConcurrentPerAddress',
    parse: int(1, 100_000),
    default: 64,
    doc: 'Most gateway requests one source address may have in progress (raise it when a proxy or NAT puts every integration behind one address)',
  }),
  tokenLookupsPerMinute: agent({
    env: 'AGENT_TOKEN_LOOKUPS_PER_MINUTE',
    file: 'tokenLookupsPerMinute',
    parse: int(1, 10_000),
    default: 30,
    doc: "Most `GET /api/v2/tokens/me` look-ups per minute per org for gateway tokens minted elsewhere; a budget of their own, never the polls'",
  }),
  maxClients: agent({
    env: 'AGENT_MAX_CLIENTS',
    file: 'maxClients',
    parse: int(1, 1_000_000),
    default: 2000,
    doc: 'Most distinct OAuth clients per org with gateway series of their own; the rest are counted as `client_id="other"`',
  }),
  maxEndpoints: agent({
    env: 'AGENT_MAX_ENDPOINTS',
    file: 'maxEndpoints',
    parse: int(0, 1_000_000),
    default: 4000,
    doc: 'Most distinct (client, endpoint, method) combinations per org with gateway series of their own; the rest are counted as `endpoint="other"`; `0`: no per-endpoint gateway series at all',
  }),
  eventsToken: agent({
    env: 'AGENT_EVENTS_TOKEN',
    file: 'eventsToken',
    parse: secret(true),
    secret: true,
    viaFile: true,
    shownDefault: 'events endpoint off',
    doc: 'Bearer token required on `POST /v1/events`',
  }),
  eventsRateLimit: agent({
    env: 'AGENT_EVENTS_RATE_LIMIT',
    file: 'eventsRateLimitPerMinute',
    parse: int(1, 1_000_000),
    default: 600,
    doc: 'Most `POST /v1/events` requests per minute per caller address (429 beyond)',
  }),
  authToken: agent({
    env: 'AGENT_AUTH_TOKEN',
    file: 'auth.token',
    parse: secret(true),
    secret: true,
    viaFile: true,
    shownDefault: 'off',
    doc: 'Bearer token required on `/metrics` and `/api/v1/*` (`/healthz`, `/readyz` stay open)',
  }),
  authBasicFile: agent({
    env: 'AGENT_AUTH_BASIC_FILE',
    file: 'auth.basicFile',
    parse: text(),
    shownDefault: 'off',
    doc: 'File of `user:password` lines accepted as basic auth on the same endpoints',
  }),
  tlsCertFile: agent({
    env: 'AGENT_TLS_CERT_FILE',
    file: 'tls.certFile',
    parse: text(),
    shownDefault: 'plain HTTP',
    doc: 'PEM certificate (chain): serve the agent and gateway ports over HTTPS',
  }),
  tlsKeyFile: agent({
    env: 'AGENT_TLS_KEY_FILE',
    file: 'tls.keyFile',
    parse: text(),
    doc: 'PEM private key of that certificate',
  }),
  demoScenario: agent({
    env: 'AGENT_DEMO_SCENARIO',
    file: 'demoScenario',
    parse: scenario(),
    default: 'demo',
    doc: 'Simulator scenario used in demo mode: a built-in name or a YAML/JSON file',
  }),
  logLevel: agent({
    env: 'AGENT_LOG_LEVEL',
    file: 'logLevel',
    parse: oneOf(LOG_LEVELS, true),
    default: 'info',
    doc: 'pino level (`fatal` … `trace`, `silent`)',
  }),
  otlpEndpoint: agent({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    file: 'otlp.endpoint',
    parse: url('http://otel-collector:4318'),
    secret: true,
    shownDefault: 'off',
    doc: 'OTLP/HTTP base URL (`/v1/metrics` is appended); enables the push',
  }),
  otlpMetricsEndpoint: agent({
    env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    file: 'otlp.metricsEndpoint',
    parse: url('http://otel-collector:4318/v1/metrics'),
    secret: true,
    shownDefault: 'off',
    doc: 'Full OTLP/HTTP metrics URL (used as is; wins over the base URL)',
  }),
  otlpHeaders: agent({
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    file: 'otlp.headers',
    parse: keyValues(true),
    secret: true,
    default: {},
    doc: 'Headers for the push, `k=v,k2=v2` (in the file also a map)',
  }),
  otlpInterval: agent({
    env: 'OTEL_METRIC_EXPORT_INTERVAL',
    file: 'otlp.intervalMs',
    parse: millis(100),
    default: 60_000,
    doc: 'Push interval in milliseconds',
  }),
  serviceName: agent({
    env: 'OTEL_SERVICE_NAME',
    file: 'resource.serviceName',
    parse: text(),
    default: 'genesys-usage-agent',
    doc: '`service.name` resource attribute',
  }),
  resourceAttributes: agent({
    env: 'OTEL_RESOURCE_ATTRIBUTES',
    file: 'resource.attributes',
    parse: keyValues(),
    default: {},
    doc: 'Extra resource attributes, `k=v,k2=v2` (in the file also a map)',
  }),
};

type Table = typeof SETTINGS;
export type SettingId = keyof Table;
export type AgentSettingId = { [K in SettingId]: Table[K]['scope'] extends 'agent' ? K : never }[SettingId];
export type OrgSettingId = Exclude<SettingId, AgentSettingId>;

/** A setting's resolved value: its parser's output, or undefined when it has no default. */
export type Value<K extends SettingId> =
  z.output<Table[K]['parse']> | (Table[K] extends { default: unknown } ? never : undefined);

export const SETTING_IDS = Object.keys(SETTINGS) as SettingId[];
export const spec = (id: SettingId): SettingSpec => SETTINGS[id];

/** The variable that names a setting's file variant (`GENESYS_CLIENT_SECRET_FILE`). */
export const envFileName = (id: SettingId) => `${spec(id).env}_FILE`;
/** The file key of a setting's file variant (`orgs[].clientSecretFile`). */
export const fileFileKey = (id: SettingId) => `${spec(id).file}File`;

/** A name a setting is read under: its own (`value`), or (`file`) that of a file holding its value. */
export interface Variant {
  id: SettingId;
  variant: 'value' | 'file';
  env: string | null;
  file: string | null;
}

/** Every name of every setting in table order, a file variant after its setting's own (it wins). */
export const VARIANTS = SETTING_IDS.flatMap((id): Variant[] => {
  const { env, file, viaFile } = spec(id);
  const own: Variant = { id, variant: 'value', env, file };
  if (!viaFile) return [own];
  return [own, { id, variant: 'file', env: env && envFileName(id), file: file && fileFileKey(id) }];
});

/** A variant's parser: its setting's, or a path for a file variant. */
export const parserOf = (v: Variant) => (v.variant === 'file' ? text() : spec(v.id).parse);

/** Whether an error about this variant's value must not show it. */
export const isSecret = (v: Variant) => v.variant === 'value' && spec(v.id).secret === true;
