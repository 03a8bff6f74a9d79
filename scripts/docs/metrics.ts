/**
 * docs/metrics.md, rendered from the metric catalogue (src/telemetry/catalogue.ts): the prose that
 * concerns every metric is the template below, everything about one metric comes from its entry.
 * `npm run docs` writes the file; test/docs/metrics.test.ts fails when it drifts.
 */
import { format, resolveConfig } from 'prettier';
import {
  DEFAULT_TOKEN_LIMIT,
  HOT_UTILIZATION,
  NEAR_LIMIT_REQUESTS_PER_MINUTE,
  percent,
} from '../../src/model/thresholds.js';
import { METRICS, type AnyMetricDef, type MetricSection } from '../../src/telemetry/catalogue.js';

export const METRICS_DOC = 'docs/metrics.md';

const SECTIONS: Record<MetricSection, string> = {
  usage: 'Usage source (Usage API, daily)',
  signals: 'Ratelimits and events sources (platform signals)',
  gateway: 'Gateway source (real time, clients routed through the agent)',
  limits: 'Limits',
  agent: 'The agent itself',
};

const HEADER = `# Metrics reference

<!-- Generated from src/telemetry/catalogue.ts by \`npm run docs\`; edit the catalogue, not this file. -->

Every metric the agent exports. Names are identical on the agent's \`/metrics\` and through the
OpenTelemetry Collector's Prometheus exporter. Prometheus adds \`job\` (\`genesys-usage-agent\`) and
\`instance\` when scraping. Common labels:

- \`org\`: the Genesys Cloud org (name as configured),
- \`client_id\`, \`client_name\`: the OAuth client (id and display name),
- \`status_class\`: \`2xx\`, \`3xx\`, \`4xx\`, \`429\`, \`5xx\` (429 has a class of its own).

Series of a client that disappeared disappear too, and a source that has never succeeded exports
nothing rather than zeros, so "no data" means "not known", never "zero".

Freshness depends on the source:

| source | refreshed | how fresh the data is |
| --- | --- | --- |
| usage | every \`AGENT_USAGE_INTERVAL\` (15 m) | daily buckets; Genesys refreshes them about once a day |
| ratelimits | every \`AGENT_RATELIMITS_INTERVAL\` (60 s) | near real time, best effort |
| events | on every pushed event | seconds |
| gateway | on every scrape | real time (sliding 60 s windows) |
| limits | every hour | static values |
| agent | on every scrape | real time |

Recording rules built on these (per-client velocity, utilisation with a fallback limit, 429
share, month-to-date forecast, thresholds) are in \`prometheus/rules/genesys-recording.yml\`. A
client counts as "near its limit" at ${percent(HOT_UTILIZATION)} % of it (${NEAR_LIMIT_REQUESTS_PER_MINUTE} of ${DEFAULT_TOKEN_LIMIT} requests per minute), the same
threshold on the status page, in \`once\` and in the alerts.
`;

const code = (s: string) => `\`${s}\``;

function typeAndUnit(m: AnyMetricDef): string {
  const kind = m.kind === 'histogram' ? 'histogram (`_bucket`, `_sum`, `_count`)' : m.kind;
  return m.spec.unitText ? `${kind}, ${m.spec.unitText}` : kind;
}

function labels(m: AnyMetricDef): string {
  const values = (m.spec.labelValues ?? {}) as Record<string, readonly string[] | undefined>;
  const keys = m.spec.labels.map((l) => {
    const v = values[l];
    return v ? `${code(l)} (${v.map(code).join(', ')})` : code(l);
  });
  return keys.join(', ') + (m.kind === 'histogram' ? ' (+ `le`)' : '');
}

function entry(m: AnyMetricDef): string {
  const s = m.spec;
  const lines = [
    `### ${code(m.prometheusName)}`,
    '',
    `- **Meaning:** ${s.meaning}`,
    `- **Type / unit:** ${typeAndUnit(m)}. **Labels:** ${labels(m)}.`,
    `- **Source / freshness:** ${s.sources.join(' + ')}; ${s.freshness}`,
    `- **Example:** ${s.example.caption}: ${code(s.example.promql)}`,
  ];
  if (s.notes) lines.push('', s.notes);
  return lines.join('\n');
}

/** The document as committed (formatted with the repository's Prettier settings). */
export async function renderMetricsDoc(repoRoot: string): Promise<string> {
  const parts = [HEADER];
  for (const [section, title] of Object.entries(SECTIONS) as [MetricSection, string][]) {
    const members = METRICS.filter((m) => m.spec.section === section);
    if (members.length === 0) continue;
    parts.push(`## ${title}`, ...members.map(entry));
  }
  const path = `${repoRoot}/${METRICS_DOC}`;
  const options = (await resolveConfig(path)) ?? {};
  return format(parts.join('\n\n'), { ...options, filepath: path });
}
