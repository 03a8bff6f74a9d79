/**
 * Grafana provisioning files: the documented formats (zod), the pinned datasource uid, no literal
 * secrets, Grafana's `$` expansion rule, and the headline Grafana rule behaving like the
 * Prometheus alert (checked by translating it into a Prometheus rule for promtool).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { runbookUrl } from '../../scripts/runbooks.js';
import { promtool } from '../helpers/prom-servers.js';
import { ALERTING_DIR, ROOT } from './promql.js';

const PROVISIONING = join(ROOT, 'grafana/provisioning');
const load = async (path: string): Promise<unknown> =>
  parse(await readFile(join(PROVISIONING, path), 'utf8'));

const datasourcesFile = z.strictObject({
  apiVersion: z.literal(1),
  datasources: z.array(
    z.strictObject({
      name: z.string(),
      type: z.literal('prometheus'),
      uid: z.string(),
      access: z.enum(['proxy', 'direct']),
      url: z.url(),
      isDefault: z.boolean(),
      editable: z.boolean(),
      jsonData: z.strictObject({ httpMethod: z.enum(['GET', 'POST']), timeInterval: z.string() }),
    }),
  ),
});

const providersFile = z.strictObject({
  apiVersion: z.literal(1),
  providers: z.array(
    z.strictObject({
      name: z.string(),
      orgId: z.number().int(),
      folder: z.string(),
      folderUid: z.string(),
      type: z.literal('file'),
      disableDeletion: z.boolean(),
      allowUiUpdates: z.boolean(),
      updateIntervalSeconds: z.number().int().positive(),
      options: z.strictObject({ path: z.string(), foldersFromFilesStructure: z.boolean() }),
    }),
  ),
});

const duration = z.string().regex(/^(\d+(ms|s|m|h|d))+$/);
const ruleQuery = z.strictObject({
  refId: z.string(),
  datasourceUid: z.string(),
  relativeTimeRange: z.strictObject({ from: z.number(), to: z.number() }).optional(),
  model: z.looseObject({ refId: z.string() }),
});
const rulesFile = z.strictObject({
  apiVersion: z.literal(1),
  groups: z.array(
    z.strictObject({
      orgId: z.number().int(),
      name: z.string(),
      folder: z.string(),
      interval: duration,
      rules: z.array(
        z.strictObject({
          uid: z.string().max(40),
          title: z.string(),
          condition: z.string(),
          for: duration,
          noDataState: z.enum(['NoData', 'Alerting', 'OK', 'KeepLast']),
          execErrState: z.enum(['Error', 'Alerting', 'OK', 'KeepLast']),
          labels: z.record(z.string(), z.string()),
          annotations: z.record(z.string(), z.string()),
          data: z.array(ruleQuery).min(1),
        }),
      ),
    }),
  ),
});

const contactPointsFile = z.strictObject({
  apiVersion: z.literal(1),
  contactPoints: z.array(
    z.strictObject({
      orgId: z.number().int(),
      name: z.string(),
      receivers: z.array(
        z.strictObject({
          uid: z.string(),
          type: z.enum(['slack', 'teams']),
          settings: z
            .record(z.string(), z.string())
            .refine((s) => Object.keys(s).length > 0, 'settings must not be empty'),
        }),
      ),
    }),
  ),
});

const matcher = z.tuple([z.string(), z.enum(['=', '!=', '=~', '!~']), z.string()]);
const route = z.strictObject({
  receiver: z.string(),
  object_matchers: z.array(matcher).optional(),
  group_by: z.array(z.string()).optional(),
  repeat_interval: duration.optional(),
});
const policiesFile = z.strictObject({
  apiVersion: z.literal(1),
  policies: z.array(
    z.strictObject({
      orgId: z.number().int(),
      receiver: z.string(),
      group_by: z.array(z.string()),
      group_wait: duration,
      group_interval: duration,
      repeat_interval: duration,
      routes: z.array(route),
    }),
  ),
});

const templatesFile = z.strictObject({
  apiVersion: z.literal(1),
  templates: z.array(z.strictObject({ orgId: z.number().int(), name: z.string(), template: z.string() })),
});

/** `$` that Grafana would expand as an environment variable (`$$` is a literal dollar). */
const unescapedDollar = /(?<!\$)\$(?!\$)/;

describe('datasource and dashboard provider', () => {
  it('pins the Prometheus datasource uid that dashboards and rules reference', async () => {
    const file = datasourcesFile.parse(await load('datasources/prometheus.yaml'));
    expect(file.datasources).toHaveLength(1);
    expect(file.datasources[0]).toMatchObject({
      uid: 'prometheus',
      url: 'http://prometheus:9090',
      isDefault: true,
    });
  });

  it('loads dashboards from /var/lib/grafana/dashboards', async () => {
    const file = providersFile.parse(await load('dashboards/provider.yaml'));
    expect(file.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
  });
});

describe('alerting provisioning', () => {
  it('has only the documented file kinds, each valid', async () => {
    const schemas: Record<string, z.ZodType> = {
      'rules.yaml': rulesFile,
      'contact-points.yaml': contactPointsFile,
      'policies.yaml': policiesFile,
      'templates.yaml': templatesFile,
    };
    const files = (await readdir(ALERTING_DIR)).sort();
    expect(files).toEqual(Object.keys(schemas).sort());
    for (const file of files) schemas[file]!.parse(await load(`alerting/${file}`));
  });

  it('queries only the pinned datasource (or server-side expressions)', async () => {
    const { groups } = rulesFile.parse(await load('alerting/rules.yaml'));
    for (const query of groups.flatMap((g) => g.rules.flatMap((r) => r.data))) {
      expect(['prometheus', '__expr__']).toContain(query.datasourceUid);
    }
  });

  it('takes webhook URLs from environment variables, never literal secrets', async () => {
    const { contactPoints } = contactPointsFile.parse(await load('alerting/contact-points.yaml'));
    const receivers = contactPoints.flatMap((c) => c.receivers);
    expect(receivers.map((r) => r.type).sort()).toEqual(['slack', 'teams']);
    const urls = Object.fromEntries(receivers.map((r) => [r.type, r.settings.url]));
    expect(urls).toEqual({ slack: '$SLACK_WEBHOOK_URL', teams: '$TEAMS_WEBHOOK_URL' });
    for (const file of await readdir(PROVISIONING, { recursive: true })) {
      if (!/\.ya?ml$/.test(file)) continue;
      const text = await readFile(join(PROVISIONING, file), 'utf8');
      expect(text, file).not.toMatch(
        /hooks\.slack\.com|webhook\.office\.com|logic\.azure\.com|xox[abp]-|token:|password:/i,
      );
    }
  });

  it('uses no `$` where Grafana expands environment variables, except the two webhook URLs', async () => {
    const { contactPoints } = contactPointsFile.parse(await load('alerting/contact-points.yaml'));
    for (const receiver of contactPoints.flatMap((c) => c.receivers)) {
      for (const [key, value] of Object.entries(receiver.settings)) {
        if (key === 'url') continue;
        expect(value, `${receiver.uid}.${key}`).not.toMatch(unescapedDollar);
      }
    }
    const { templates } = templatesFile.parse(await load('alerting/templates.yaml'));
    for (const template of templates) expect(template.template).not.toMatch(unescapedDollar);
    const { groups } = rulesFile.parse(await load('alerting/rules.yaml'));
    for (const rule of groups.flatMap((g) => g.rules)) {
      for (const value of Object.values(rule.labels)) expect(value).not.toMatch(unescapedDollar);
    }
  });

  it('defines every template the contact points use, and routes to an existing contact point', async () => {
    const { templates } = templatesFile.parse(await load('alerting/templates.yaml'));
    const defined = new Set(
      templates.flatMap((t) => [...t.template.matchAll(/define "([^"]+)"/g)].map((m) => m[1])),
    );
    const { contactPoints } = contactPointsFile.parse(await load('alerting/contact-points.yaml'));
    for (const value of contactPoints.flatMap((c) => c.receivers.flatMap((r) => Object.values(r.settings)))) {
      for (const [, name] of value.matchAll(/template "([^"]+)"/g)) expect(defined, name).toContain(name);
    }
    const names = new Set(contactPoints.map((c) => c.name));
    const { policies } = policiesFile.parse(await load('alerting/policies.yaml'));
    for (const policy of policies) {
      expect(policy.group_by).toEqual(['alertname', 'org', 'client_name']);
      for (const receiver of [policy.receiver, ...policy.routes.map((r) => r.receiver)])
        expect(names).toContain(receiver);
    }
  });
});

describe('the Grafana headline rule', () => {
  async function headline() {
    const { groups } = rulesFile.parse(await load('alerting/rules.yaml'));
    const rule = groups.flatMap((g) => g.rules).find((r) => r.title === 'GenesysClientNearRateLimit');
    if (!rule) throw new Error('GenesysClientNearRateLimit is not provisioned');
    return rule;
  }

  it('has the specified summary (Grafana templating), `for` and condition wiring', async () => {
    const rule = await headline();
    expect(rule.for).toBe('2m');
    expect(rule.annotations.summary).toBe(
      'OAuth Client {{ $labels.client_name }} is consuming {{ printf "%.0f" $values.B.Value }} requests/min and is nearing rate exhaustion.',
    );
    expect(rule.annotations.runbook_url).toBe(runbookUrl('GenesysClientNearRateLimit'));
    const byRef = new Map(rule.data.map((q) => [q.refId, q.model]));
    expect(byRef.get(rule.condition)).toMatchObject({ type: 'math', expression: '$B > $U' });
    expect(byRef.get('B')).toMatchObject({ type: 'reduce', expression: 'A' });
    expect(byRef.get('U')).toMatchObject({ type: 'reduce', expression: 'T' });
  });

  /**
   * The Grafana condition "$B > $U" over the last values of A and T is the Prometheus alert
   * `A > T` with the same `for`; promtool checks it fires above 250/300 of the org's limit.
   */
  it(
    'fires like the Prometheus alert: above 250 req/min for 2 minutes, following the reported limit',
    { tags: ['system'] },
    async () => {
      const rule = await headline();
      const expr = (refId: string) => z.string().parse(rule.data.find((q) => q.refId === refId)?.model.expr);
      const dir = await mkdtemp(join(tmpdir(), 'grafana-rule-'));
      const peak = (org: string, id: string, name: string, values: string) => ({
        series: `genesys_gateway_token_peak_requests_per_minute{job="genesys-usage-agent",instance="agent:9464",org="${org}",client_id="${id}",client_name="${name}"}`,
        values,
      });
      const firing = (org: string, id: string, name: string) => ({
        exp_labels: { severity: 'warning', org, client_id: id, client_name: name },
      });
      try {
        await writeFile(
          join(dir, 'rules.yml'),
          stringify({
            groups: [
              {
                name: 'grafana-headline',
                rules: [
                  {
                    alert: 'GrafanaHeadline',
                    expr: `(${expr('A')}) > on (org, client_id, client_name) (${expr('T')})`,
                    for: rule.for,
                    labels: rule.labels,
                  },
                ],
              },
            ],
          }),
        );
        await writeFile(
          join(dir, 'test.yml'),
          stringify({
            rule_files: ['rules.yml'],
            evaluation_interval: '15s',
            tests: [
              {
                interval: '15s',
                input_series: [
                  peak('Demo Org', 'c1', 'Runaway', '200x3 280x40'),
                  peak('Demo Org', 'c2', 'AtThreshold', '250x40'),
                  {
                    series:
                      'genesys_limit_requests_per_minute{job="genesys-usage-agent",instance="agent:9464",org="Big Org",limit_key="client.credentials.token.rate.per.minute"}',
                    values: '600x40',
                  },
                  peak('Big Org', 'b1', 'BelowRaised', '400x40'),
                  peak('Big Org', 'b2', 'NearRaised', '520x40'),
                ],
                alert_rule_test: [
                  {
                    eval_time: '2m45s',
                    alertname: 'GrafanaHeadline',
                    exp_alerts: [firing('Big Org', 'b2', 'NearRaised')],
                  },
                  {
                    eval_time: '3m',
                    alertname: 'GrafanaHeadline',
                    exp_alerts: [firing('Big Org', 'b2', 'NearRaised'), firing('Demo Org', 'c1', 'Runaway')],
                  },
                ],
              },
            ],
          }),
        );
        const result = await promtool(['test', 'rules', 'test.yml'], dir);
        expect(result.code, result.stdout + result.stderr).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
