import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { EnvSchema } from './env-schema.js';
import { closest, ConfigError } from './errors.js';
import { regionHosts, resolveRegion } from './regions.js';

export interface OrgConfig {
  /** Value of the `org` label. */
  name: string;
  apiBaseUrl: string;
  loginBaseUrl: string;
  clientId: string;
  clientSecret: string;
  callBudgetPerMinute: number;
  /** Per-client overrides of the per-token limit (client id -> req/min). */
  limitOverrides: Record<string, number>;
}

export interface AgentConfig {
  /** `demo` when no Genesys credentials are configured: the agent runs an embedded simulator. */
  mode: 'live' | 'demo';
  orgs: OrgConfig[];
  demoScenario: string;
  host: string;
  port: number;
  usageIntervalMs: number;
  ratelimitsIntervalMs: number;
  /** Which polled sources run (limits always runs: the gateway needs it). */
  poll: { usage: boolean; ratelimits: boolean };
  gateway: {
    port: number;
    host: string;
    shaping: 'off' | 'smooth';
    /** Most requests in progress per source address (absent: 64). */
    maxConcurrentPerAddress?: number;
  } | null;
  /** Most tokens/me look-ups per minute per org, outside the call budget (absent: 30). */
  tokenLookupsPerMinute?: number;
  /** Most distinct clients per org in the gateway's series (absent: 2000). */
  maxClients?: number;
  eventsToken: string | null;
  /** Most POST /v1/events per minute per caller address (absent: 600). */
  eventsRateLimitPerMinute?: number;
  /** Credentials required on /metrics and /api/v1/* (absent or null: open). */
  auth?: { bearerTokens: string[]; basicUsers: { user: string; password: string }[] } | null;
  /** PEM certificate and key (and their files, for the gateway): the agent and gateway ports speak HTTPS (absent or null: plain HTTP). */
  tls?: { cert: string; key: string; certFile: string; keyFile: string } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  otlp: { url: string; headers: Record<string, string>; intervalMs: number } | null;
  resource: { serviceName: string; attributes: Record<string, string> };
}

export const DEFAULT_CALL_BUDGET = 60;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// The config file: same settings as the environment plus several orgs. Unknown keys are errors.
const FileOrg = z.strictObject({
  name: z.string().min(1),
  region: z.string().min(1).optional(),
  apiBaseUrl: z.url().optional(),
  loginBaseUrl: z.url().optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  clientSecretFile: z.string().min(1).optional(),
  callBudgetPerMinute: z.number().int().min(1).max(10_000).optional(),
  limits: z
    .strictObject({ perClient: z.record(z.string(), z.number().int().min(1).max(1_000_000)) })
    .optional(),
});
const FileSchema = z.strictObject({
  orgs: z.array(FileOrg).min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  usageInterval: z.union([z.string(), z.number()]).optional(),
  ratelimitsInterval: z.union([z.string(), z.number()]).optional(),
  callBudgetPerMinute: z.number().int().min(1).max(10_000).optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  demoScenario: z.string().min(1).optional(),
  gateway: z
    .strictObject({
      port: z.number().int().min(0).max(65535),
      host: z.string().min(1).optional(),
      shaping: z.enum(['off', 'smooth']).optional(),
    })
    .optional(),
  eventsToken: z.string().min(1).optional(),
  eventsTokenFile: z.string().min(1).optional(),
});
type FileConfig = z.infer<typeof FileSchema>;

/** Builds the agent's configuration from the environment and the optional config file. Throws ConfigError. */
export function loadConfig(rawEnv: NodeJS.ProcessEnv): AgentConfig {
  try {
    return buildConfig(rawEnv);
  } catch (err) {
    // Messages quote what the operator wrote; a newline or escape sequence in it must not break the one-line contract.
    if (err instanceof ConfigError) throw new ConfigError(printable(err.message));
    throw err;
  }
}

/** A value quoted in an error, cut short so a pasted blob cannot drown the hint after it. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function printable(text: string): string {
  // \p{Cc}: the C0 and C1 control characters (newline, escape, bell, …).
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function buildConfig(rawEnv: NodeJS.ProcessEnv): AgentConfig {
  const env = EnvSchema.parse(pickKnown(rawEnv));
  const file = env.AGENT_CONFIG_FILE ? readConfigFile(env.AGENT_CONFIG_FILE) : {};
  const fileLabel = env.AGENT_CONFIG_FILE ?? '';

  const budget =
    positiveInt(env.AGENT_CALL_BUDGET, 'AGENT_CALL_BUDGET', 1, 10_000) ??
    file.callBudgetPerMinute ??
    DEFAULT_CALL_BUDGET;

  const envOrg = orgFromEnv(env, budget);
  if (envOrg && file.orgs) {
    throw new ConfigError(
      `GENESYS_CLIENT_ID: set either the GENESYS_* variables or orgs in ${fileLabel}, not both`,
    );
  }
  const orgs = envOrg ? [envOrg] : (file.orgs ?? []).map((o, i) => orgFromFile(o, i, fileLabel, budget));
  const names = new Set<string>();
  for (const [i, o] of orgs.entries()) {
    if (names.has(o.name))
      throw new ConfigError(
        `${fileLabel}: orgs[${i}].name: "${o.name}" is used twice; org names must be unique`,
      );
    names.add(o.name);
  }

  const gatewayPort =
    positiveInt(env.AGENT_GATEWAY_PORT, 'AGENT_GATEWAY_PORT', 0, 65535) ?? file.gateway?.port;
  const shaping =
    oneOf(env.AGENT_GATEWAY_SHAPING, 'AGENT_GATEWAY_SHAPING', ['off', 'smooth'] as const) ??
    file.gateway?.shaping ??
    'off';
  if (gatewayPort !== undefined && orgs.length > 1) {
    throw new ConfigError(
      'AGENT_GATEWAY_PORT: the gateway forwards to one org; with several orgs run one agent per org for the gateway',
    );
  }
  if (env.AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS && gatewayPort === undefined) {
    throw new ConfigError(
      'AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS: a gateway setting; set AGENT_GATEWAY_PORT too',
    );
  }
  if (env.AGENT_GATEWAY_SHAPING && gatewayPort === undefined) {
    throw new ConfigError('AGENT_GATEWAY_SHAPING: shaping needs the gateway; set AGENT_GATEWAY_PORT too');
  }

  return {
    mode: orgs.length > 0 ? 'live' : 'demo',
    orgs,
    demoScenario: nonEmpty(env.AGENT_DEMO_SCENARIO, 'AGENT_DEMO_SCENARIO') ?? file.demoScenario ?? 'demo',
    host: nonEmpty(env.AGENT_HOST, 'AGENT_HOST') ?? file.host ?? '0.0.0.0',
    port: positiveInt(env.AGENT_PORT, 'AGENT_PORT', 0, 65535) ?? file.port ?? 9464,
    usageIntervalMs: interval(
      env.AGENT_USAGE_INTERVAL ?? file.usageInterval,
      'AGENT_USAGE_INTERVAL',
      15 * 60_000,
    ),
    ratelimitsIntervalMs: interval(
      env.AGENT_RATELIMITS_INTERVAL ?? file.ratelimitsInterval,
      'AGENT_RATELIMITS_INTERVAL',
      60_000,
    ),
    poll: pollFromEnv(env.AGENT_POLL),
    gateway:
      gatewayPort === undefined
        ? null
        : {
            port: gatewayPort,
            host: file.gateway?.host ?? nonEmpty(env.AGENT_HOST, 'AGENT_HOST') ?? file.host ?? '0.0.0.0',
            shaping,
            maxConcurrentPerAddress:
              positiveInt(
                env.AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS,
                'AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS',
                1,
                100_000,
              ) ?? 64,
          },
    tokenLookupsPerMinute:
      positiveInt(env.AGENT_TOKEN_LOOKUPS_PER_MINUTE, 'AGENT_TOKEN_LOOKUPS_PER_MINUTE', 1, 10_000) ?? 30,
    maxClients: positiveInt(env.AGENT_MAX_CLIENTS, 'AGENT_MAX_CLIENTS', 1, 1_000_000) ?? 2000,
    eventsToken:
      secret(env.AGENT_EVENTS_TOKEN, env.AGENT_EVENTS_TOKEN_FILE, 'AGENT_EVENTS_TOKEN') ??
      secret(file.eventsToken, file.eventsTokenFile, `${fileLabel}: eventsToken`) ??
      null,
    eventsRateLimitPerMinute:
      positiveInt(env.AGENT_EVENTS_RATE_LIMIT, 'AGENT_EVENTS_RATE_LIMIT', 1, 1_000_000) ?? 600,
    auth: authFromEnv(env),
    tls: tlsFromEnv(env),
    logLevel:
      oneOf(env.AGENT_LOG_LEVEL?.toLowerCase(), 'AGENT_LOG_LEVEL', LOG_LEVELS) ?? file.logLevel ?? 'info',
    otlp: otlpFromEnv(env),
    resource: {
      serviceName: nonEmpty(env.OTEL_SERVICE_NAME, 'OTEL_SERVICE_NAME') ?? 'genesys-usage-agent',
      attributes: env.OTEL_RESOURCE_ATTRIBUTES
        ? keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')
        : {},
    },
  };
}

function pickKnown(rawEnv: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = rawEnv[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function orgFromEnv(env: z.infer<typeof EnvSchema>, budget: number): OrgConfig | undefined {
  const clientId = nonEmpty(env.GENESYS_CLIENT_ID, 'GENESYS_CLIENT_ID');
  const clientSecret = secret(
    env.GENESYS_CLIENT_SECRET,
    env.GENESYS_CLIENT_SECRET_FILE,
    'GENESYS_CLIENT_SECRET',
  );
  if (!clientId) {
    if (clientSecret)
      throw new ConfigError(
        'GENESYS_CLIENT_ID: required when GENESYS_CLIENT_SECRET is set; set both, or neither for demo mode',
      );
    return undefined;
  }
  if (!clientSecret) {
    throw new ConfigError(
      'GENESYS_CLIENT_SECRET: required when GENESYS_CLIENT_ID is set; set it or GENESYS_CLIENT_SECRET_FILE',
    );
  }
  const hosts = hostsFor(env.GENESYS_REGION, env.GENESYS_API_BASE_URL, env.GENESYS_LOGIN_BASE_URL, {
    region: 'GENESYS_REGION',
    api: 'GENESYS_API_BASE_URL',
    login: 'GENESYS_LOGIN_BASE_URL',
  });
  return {
    name: nonEmpty(env.GENESYS_ORG_NAME, 'GENESYS_ORG_NAME') ?? 'default',
    ...hosts,
    clientId,
    clientSecret,
    callBudgetPerMinute: budget,
    limitOverrides: {},
  };
}

function orgFromFile(o: z.infer<typeof FileOrg>, i: number, file: string, budget: number): OrgConfig {
  const at = `${file}: orgs[${i}]`;
  const clientSecret = secret(o.clientSecret, o.clientSecretFile, `${at}.clientSecret`);
  if (!clientSecret)
    throw new ConfigError(`${at}.clientSecret: required; set clientSecret or clientSecretFile`);
  return {
    name: o.name,
    ...hostsFor(o.region, o.apiBaseUrl, o.loginBaseUrl, {
      region: `${at}.region`,
      api: `${at}.apiBaseUrl`,
      login: `${at}.loginBaseUrl`,
    }),
    clientId: o.clientId,
    clientSecret,
    callBudgetPerMinute: o.callBudgetPerMinute ?? budget,
    limitOverrides: o.limits?.perClient ?? {},
  };
}

function hostsFor(
  region: string | undefined,
  api: string | undefined,
  login: string | undefined,
  names: { region: string; api: string; login: string },
): { apiBaseUrl: string; loginBaseUrl: string } {
  const apiUrl = url(api, names.api);
  const loginUrl = url(login, names.login);
  if (apiUrl && loginUrl) return { apiBaseUrl: apiUrl, loginBaseUrl: loginUrl };
  if (!region) {
    throw new ConfigError(
      `${names.region}: required (e.g. mypurecloud.com or us_east_1), or set both ${names.api} and ${names.login}`,
    );
  }
  const domain = resolveRegion(region);
  if (!domain) {
    throw new ConfigError(
      `${names.region}: unknown region "${region}"; use a domain like mypurecloud.ie or an SDK key like eu_west_1`,
    );
  }
  const hosts = regionHosts(domain);
  return { apiBaseUrl: apiUrl ?? hosts.apiBaseUrl, loginBaseUrl: loginUrl ?? hosts.loginBaseUrl };
}

function readConfigFile(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `AGENT_CONFIG_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = FileSchema.safeParse(data ?? {});
  if (!result.success) {
    // A misspelt key also makes its real key "missing"; the misspelling is the useful message.
    const issues = [...result.error.issues].sort(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    throw new ConfigError(`${path}: ${describeIssue(issues[0]!)}`);
  }
  return result.data;
}

const FILE_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(FileSchema.shape),
  orgs: Object.keys(FileOrg.shape),
  gateway: ['port', 'host', 'shaping'],
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.filter((p) => typeof p === 'string').at(-1) ?? '';
    const known = FILE_KEYS[String(parent)] ?? [];
    const key = issue.keys[0]!;
    const hint = closest(key, known);
    const where = path ? `${path}.${key}` : key;
    return `${where}: unknown key${hint ? `; did you mean "${hint}"?` : `; known keys: ${known.join(', ')}`}`;
  }
  return `${path || '(top level)'}: ${issue.message}`;
}

function nonEmpty(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  if (t === '') throw new ConfigError(`${name}: is set but empty; give it a value or unset it`);
  if (t.length > 4096) throw new ConfigError(`${name}: longer than 4096 characters`);
  return t;
}

function positiveInt(value: string | undefined, name: string, min: number, max: number): number | undefined {
  const t = nonEmpty(value, name);
  if (t === undefined) return undefined;
  if (/^tcp:\/\//.test(t)) {
    throw new ConfigError(
      `${name}: "${shown(t)}" is a Kubernetes service link, not a port; set ${name} explicitly or use enableServiceLinks: false`,
    );
  }
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new ConfigError(`${name}: "${shown(t)}" is not a whole number between ${min} and ${max}`);
  }
  return Number(t);
}

function interval(value: string | number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : nonEmpty(value, name)!;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new ConfigError(
      `${name}: "${shown(text)}" is not a duration; use seconds (900) or a unit (15m, 60s, 1h)`,
    );
  if (ms < 1000 || ms > 7 * 86_400_000)
    throw new ConfigError(`${name}: ${shown(text)} is out of range; use between 1s and 7d`);
  return ms;
}

function oneOf<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const t = nonEmpty(value, name);
  if (t === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(t)) {
    throw new ConfigError(`${name}: "${shown(t)}" is not one of ${allowed.join(', ')}`);
  }
  return t as T;
}

function url(value: string | undefined, name: string): string | undefined {
  const t = value === undefined ? undefined : nonEmpty(value, name);
  if (t === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(t);
  } catch {
    throw new ConfigError(`${name}: "${shown(t)}" is not a URL; use e.g. https://api.mypurecloud.com`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name}: must be an http(s) URL`);
  }
  return t.replace(/\/+$/, '');
}

/** A secret from its variable or its *_FILE (the file wins); never echoed in errors. */
function secret(value: string | undefined, file: string | undefined, name: string): string | undefined {
  if (file !== undefined) {
    const path = nonEmpty(file, `${name}_FILE`)!;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const s = text.trim();
    if (!s) throw new ConfigError(`${name}_FILE: ${path} is empty`);
    return s;
  }
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new ConfigError(`${name}: is set but empty; give it a value or unset it`);
  return value.trim();
}

function authFromEnv(env: z.infer<typeof EnvSchema>): AgentConfig['auth'] {
  const token = secret(env.AGENT_AUTH_TOKEN, env.AGENT_AUTH_TOKEN_FILE, 'AGENT_AUTH_TOKEN');
  const basicFile = nonEmpty(env.AGENT_AUTH_BASIC_FILE, 'AGENT_AUTH_BASIC_FILE');
  const basicUsers = basicFile ? basicUsersFrom(basicFile) : [];
  if (!token && basicUsers.length === 0) return null;
  return { bearerTokens: token ? [token] : [], basicUsers };
}

/** `user:password` per line; blank lines and `#` comments ignored. Passwords are never echoed. */
function basicUsersFrom(path: string): { user: string; password: string }[] {
  const text = readFile(path, 'AGENT_AUTH_BASIC_FILE');
  const users: { user: string; password: string }[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || colon === line.length - 1) {
      throw new ConfigError(`AGENT_AUTH_BASIC_FILE: line ${i + 1} of ${path} is not user:password`);
    }
    users.push({ user: line.slice(0, colon), password: line.slice(colon + 1) });
  }
  if (users.length === 0) throw new ConfigError(`AGENT_AUTH_BASIC_FILE: ${path} has no user:password line`);
  return users;
}

function tlsFromEnv(env: z.infer<typeof EnvSchema>): AgentConfig['tls'] {
  const certFile = nonEmpty(env.AGENT_TLS_CERT_FILE, 'AGENT_TLS_CERT_FILE');
  const keyFile = nonEmpty(env.AGENT_TLS_KEY_FILE, 'AGENT_TLS_KEY_FILE');
  if (!certFile && !keyFile) return null;
  if (!certFile)
    throw new ConfigError('AGENT_TLS_CERT_FILE: required when AGENT_TLS_KEY_FILE is set; set both for HTTPS');
  if (!keyFile)
    throw new ConfigError('AGENT_TLS_KEY_FILE: required when AGENT_TLS_CERT_FILE is set; set both for HTTPS');
  const tls = {
    cert: readFile(certFile, 'AGENT_TLS_CERT_FILE'),
    key: readFile(keyFile, 'AGENT_TLS_KEY_FILE'),
    certFile,
    keyFile,
  };
  try {
    // Fail at start-up, with the variable named, rather than on the first connection.
    createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]!.slice(0, 120);
    throw new ConfigError(
      `AGENT_TLS_CERT_FILE/AGENT_TLS_KEY_FILE: not a usable PEM certificate and matching key (${reason})`,
    );
  }
  return tls;
}

function readFile(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function keyValues(text: string, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(`${name}: "${part.trim().slice(0, 40)}" is not key=value; use k=v,k2=v2`);
    out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function pollFromEnv(value: string | undefined): AgentConfig['poll'] {
  const t = nonEmpty(value, 'AGENT_POLL');
  if (t === undefined) return { usage: true, ratelimits: true };
  if (t.toLowerCase() === 'none') return { usage: false, ratelimits: false };
  const names = t.split(',').map((n) => n.trim().toLowerCase());
  for (const n of names) {
    if (n !== 'usage' && n !== 'ratelimits') {
      throw new ConfigError(
        `AGENT_POLL: "${shown(n)}" is not a polled source; use usage, ratelimits, both (comma-separated) or none`,
      );
    }
  }
  return { usage: names.includes('usage'), ratelimits: names.includes('ratelimits') };
}

function otlpFromEnv(env: z.infer<typeof EnvSchema>): AgentConfig['otlp'] {
  const metricsUrl = url(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const base = url(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const target = metricsUrl ?? (base ? `${base}/v1/metrics` : undefined);
  if (!target) return null;
  const intervalText = nonEmpty(env.OTEL_METRIC_EXPORT_INTERVAL, 'OTEL_METRIC_EXPORT_INTERVAL');
  let intervalMs = 60_000;
  if (intervalText !== undefined) {
    if (!/^\d+$/.test(intervalText) || Number(intervalText) < 100) {
      throw new ConfigError(
        `OTEL_METRIC_EXPORT_INTERVAL: "${intervalText}" must be milliseconds, at least 100`,
      );
    }
    intervalMs = Number(intervalText);
  }
  return {
    url: target,
    headers: env.OTEL_EXPORTER_OTLP_HEADERS
      ? keyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS')
      : {},
    intervalMs,
  };
}
