import { z } from 'zod';

/**
 * Every environment variable the agent reads, with its meaning and default. The README's
 * configuration table is generated from this schema (a test keeps them in sync), so describe each
 * variable here and nowhere else.
 */
const v = (description: string, defaultText: string) =>
  z.string().optional().meta({ description, default: defaultText });

export const EnvSchema = z.object({
  GENESYS_REGION: v('Region domain (`mypurecloud.com`) or SDK key (`us_east_1`)', '—'),
  GENESYS_CLIENT_ID: v("The agent's own client-credentials OAuth client id", '— (none ⇒ demo mode)'),
  GENESYS_CLIENT_SECRET: v('Its secret', '—'),
  GENESYS_CLIENT_SECRET_FILE: v('File holding the secret (wins over the variable)', '—'),
  GENESYS_API_BASE_URL: v('Override the API host (simulator, proxies)', 'from region'),
  GENESYS_LOGIN_BASE_URL: v('Override the login host', 'from region'),
  GENESYS_ORG_NAME: v('Value of the `org` label for this org', '`default`'),
  AGENT_CONFIG_FILE: v('YAML/JSON file with the same settings, and several orgs', '—'),
  AGENT_HOST: v('HTTP listener address', '`0.0.0.0`'),
  AGENT_PORT: v('HTTP listener port (`/metrics`, status page, API)', '`9464`'),
  AGENT_USAGE_INTERVAL: v('Usage API poll cadence (seconds or `15m`)', '`15m`'),
  AGENT_RATELIMITS_INTERVAL: v('Rate-limit aggregates and operational events poll cadence', '`60s`'),
  AGENT_POLL: v(
    'Polled sources to run: `usage,ratelimits`, one of them, or `none` (gateway-only replicas, so their usage series are not duplicated)',
    '`usage,ratelimits`',
  ),
  AGENT_CALL_BUDGET: v('Most Genesys API calls the agent itself makes per minute per org', '`60`'),
  AGENT_GATEWAY_PORT: v('Enable the gateway listener on this port', 'off'),
  AGENT_GATEWAY_SHAPING: v('`off` \\| `smooth`', '`off`'),
  AGENT_TOKEN_LOOKUPS_PER_MINUTE: v(
    "Most `GET /api/v2/tokens/me` look-ups per minute per org for gateway tokens minted elsewhere; a budget of their own, never the polls'",
    '`30`',
  ),
  AGENT_GATEWAY_MAX_CONCURRENT_PER_ADDRESS: v(
    'Most gateway requests one source address may have in progress (raise it when a proxy or NAT puts every integration behind one address)',
    '`64`',
  ),
  AGENT_MAX_CLIENTS: v(
    'Most distinct OAuth clients per org with gateway series of their own; the rest are counted as `client_id="other"`',
    '`2000`',
  ),
  AGENT_EVENTS_TOKEN: v('Bearer token required on `POST /v1/events`', 'events endpoint off'),
  AGENT_EVENTS_TOKEN_FILE: v('File holding that token', '—'),
  AGENT_EVENTS_RATE_LIMIT: v(
    'Most `POST /v1/events` requests per minute per caller address (429 beyond)',
    '`600`',
  ),
  AGENT_AUTH_TOKEN: v(
    'Bearer token required on `/metrics` and `/api/v1/*` (`/healthz`, `/readyz` stay open)',
    'off',
  ),
  AGENT_AUTH_TOKEN_FILE: v('File holding that token', '—'),
  AGENT_AUTH_BASIC_FILE: v(
    'File of `user:password` lines accepted as basic auth on the same endpoints',
    'off',
  ),
  AGENT_TLS_CERT_FILE: v(
    'PEM certificate (chain): serve the agent and gateway ports over HTTPS',
    'plain HTTP',
  ),
  AGENT_TLS_KEY_FILE: v('PEM private key of that certificate', '—'),
  AGENT_DEMO_SCENARIO: v('Simulator scenario used in demo mode', '`demo`'),
  AGENT_LOG_LEVEL: v('pino level (`fatal` … `trace`)', '`info`'),
  OTEL_EXPORTER_OTLP_ENDPOINT: v('OTLP/HTTP base URL (`/v1/metrics` is appended); enables the push', 'off'),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: v('Full OTLP/HTTP metrics URL (used as is)', 'off'),
  OTEL_EXPORTER_OTLP_HEADERS: v('Headers for the push, `k=v,k2=v2`', '—'),
  OTEL_METRIC_EXPORT_INTERVAL: v('Push interval in milliseconds', '`60000`'),
  OTEL_SERVICE_NAME: v('`service.name` resource attribute', '`genesys-usage-agent`'),
  OTEL_RESOURCE_ATTRIBUTES: v('Extra resource attributes, `k=v,k2=v2`', '—'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface EnvDoc {
  name: string;
  description: string;
  default: string;
}

export function envDocs(): EnvDoc[] {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const meta = schema.meta() as { description: string; default: string };
    return { name, description: meta.description, default: meta.default };
  });
}

/** The README's configuration table, as Markdown. */
export function envTableMarkdown(): string {
  const rows = envDocs().map((d) => `| \`${d.name}\` | ${d.description} | ${d.default} |`);
  return ['| variable | meaning | default |', '|---|---|---|', ...rows].join('\n');
}
