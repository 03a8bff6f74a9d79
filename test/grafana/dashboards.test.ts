/**
 * The committed dashboards are exactly what scripts/dashboards generates, keep the invariants the
 * provisioning relies on, and every PromQL expression in them (and in the Grafana alert rules)
 * parses in promtool and uses only contract metric names.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stringify } from 'yaml';
import { z } from 'zod';
import { renderDashboards } from '../../scripts/dashboards/index.js';
import { promtool } from '../helpers/prom-servers.js';
import { QUERYABLE_SERIES } from '../prometheus/contract.js';
import { DASHBOARD_DIR, ROOT, alertRuleExprs, dashboardExprs, substituteVariables } from './promql.js';

const datasource = z.object({ type: z.literal('prometheus'), uid: z.literal('prometheus') });

const dashboardSchema = z.looseObject({
  uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int(),
  templating: z.object({
    list: z.array(
      z.looseObject({
        type: z.literal('query'),
        name: z.string(),
        datasource,
        query: z.object({ query: z.string(), refId: z.string() }),
        includeAll: z.literal(true),
        allValue: z.literal('.*'),
        multi: z.literal(true),
      }),
    ),
  }),
  panels: z
    .array(
      z.looseObject({
        id: z.number().int(),
        type: z.enum(['timeseries', 'table', 'stat']),
        title: z.string().min(1),
        datasource,
        gridPos: z.object({ h: z.number(), w: z.number(), x: z.number(), y: z.number() }),
        targets: z.array(z.looseObject({ refId: z.string(), expr: z.string().min(1), datasource })).min(1),
      }),
    )
    .min(1),
});
type Dashboard = z.infer<typeof dashboardSchema>;

async function committed(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of await readdir(DASHBOARD_DIR))
    files.set(file, await readFile(join(DASHBOARD_DIR, file), 'utf8'));
  return files;
}

async function dashboards(): Promise<Map<string, Dashboard>> {
  const out = new Map<string, Dashboard>();
  for (const [file, text] of await committed()) out.set(file, dashboardSchema.parse(JSON.parse(text)));
  return out;
}

describe('generated dashboards', () => {
  it('match the committed files (run the generator after editing scripts/dashboards)', async () => {
    const generated = await renderDashboards(ROOT);
    const files = await committed();
    expect([...files.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(files.get(file), file).toBe(text);
  });

  it('keep unique uids, panel ids and the pinned datasource', async () => {
    const all = await dashboards();
    const uids = [...all.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const dashboard of all.values()) {
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size, dashboard.title).toBe(ids.length);
      for (const panel of dashboard.panels) expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  it('"Genesys API consumption" has the panels of issue 6, filtered by org and client', async () => {
    const dashboard = (await dashboards()).get('genesys-api-consumption.json')!;
    expect(dashboard.title).toBe('Genesys API consumption');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['org', 'client']);
    const byTitle = new Map(dashboard.panels.map((p) => [p.title, p]));
    for (const title of [
      'Requests/min per OAuth client',
      'Busiest-token utilisation of the rate limit',
      'Who is burning the quota',
      'Upstream 429s per OAuth client',
      'Platform rate-limit warnings',
      'Operational events',
      'Usage data age',
      'Top endpoints (last complete day)',
    ]) {
      expect(byTitle.has(title), title).toBe(true);
    }
    // Client panels honour both variables.
    for (const title of [
      'Requests/min per OAuth client',
      'Who is burning the quota',
      'Upstream 429s per OAuth client',
      'Top endpoints (last complete day)',
    ]) {
      expect(byTitle.get(title)!.targets[0]!.expr).toContain('client_name=~"$client"');
    }
    // The limit is drawn as its own series (it varies per org) and the utilisation thresholds sit at 83 % and 100 %.
    expect(
      byTitle
        .get('Requests/min per OAuth client')!
        .targets.map((t) => t.expr)
        .join('\n'),
    ).toContain('genesys:client_token_limit:requests_per_minute');
    const steps = z
      .object({
        fieldConfig: z.object({
          defaults: z.object({
            thresholds: z.object({ steps: z.array(z.object({ value: z.number().nullable() })) }),
          }),
        }),
      })
      .parse(byTitle.get('Busiest-token utilisation of the rate limit'))
      .fieldConfig.defaults.thresholds.steps.map((s) => s.value);
    expect(steps).toEqual([null, 250 / 300, 1]);
  });

  it('"Who is burning the quota" names every column it promises', async () => {
    const dashboard = (await dashboards()).get('genesys-api-consumption.json')!;
    const table = z
      .object({ transformations: z.array(z.object({ id: z.string(), options: z.looseObject({}) })) })
      .parse(dashboard.panels.find((p) => p.title === 'Who is burning the quota'));
    const organize = table.transformations.find((t) => t.id === 'organize');
    const names = Object.values(
      z.object({ renameByName: z.record(z.string(), z.string()) }).parse(organize?.options).renameByName,
    );
    for (const column of [
      'OAuth client',
      'Requests/min (now)',
      'Utilisation (busiest token)',
      '429s (last day)',
      'Requests (last day)',
      '429 share (last day)',
    ]) {
      expect(names, column).toContain(column);
    }
  });

  it('"Agent health" shows sources, timing and the agent\'s own calls', async () => {
    const dashboard = (await dashboards()).get('agent-health.json')!;
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'genesys_agent_source_up',
      'genesys_agent_source_last_success_timestamp_seconds',
      'genesys_agent_source_duration_seconds',
      'genesys_agent_api_requests_total',
      'status_class="429"',
      'genesys_agent_shard_info',
      'genesys:org_pollers:count',
    ]) {
      expect(exprs, metric).toContain(metric);
    }
  });
});

describe('PromQL in dashboards and Grafana alert rules', () => {
  it(
    'parses in promtool check rules once Grafana variables are substituted',
    { tags: ['system'] },
    async () => {
      const exprs = [...(await dashboardExprs()), ...(await alertRuleExprs())];
      expect(exprs.length).toBeGreaterThan(20);
      const rules = exprs.map(({ expr }, i) => {
        const substituted = substituteVariables(expr);
        expect(substituted, `unsubstituted variable in ${exprs[i]!.where}`).not.toMatch(/\$/);
        return { record: `grafana:check:expr_${i}`, expr: substituted };
      });
      const dir = await mkdtemp(join(tmpdir(), 'grafana-promql-'));
      try {
        await writeFile(join(dir, 'exprs.yml'), stringify({ groups: [{ name: 'grafana-exprs', rules }] }));
        const result = await promtool(['check', 'rules', join(dir, 'exprs.yml')]);
        const failures = result.stdout + result.stderr;
        // Map promtool's "group ..., rule N" messages back to where the expression lives.
        expect(
          result.code,
          failures.replace(/rule (\d+)/g, (m, n: string) => `${m} (${exprs[Number(n) - 1]?.where})`),
        ).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('uses only contract metrics (docs/metrics.md) and shipped recording rules', async () => {
    const recorded = new Set<string>();
    for (const file of await readdir(join(ROOT, 'prometheus/rules'))) {
      const doc = z
        .object({
          groups: z.array(z.object({ rules: z.array(z.looseObject({ record: z.string().optional() })) })),
        })
        .parse(parse(await readFile(join(ROOT, 'prometheus/rules', file), 'utf8')));
      for (const rule of doc.groups.flatMap((g) => g.rules)) if (rule.record) recorded.add(rule.record);
    }
    for (const { where, expr } of [...(await dashboardExprs()), ...(await alertRuleExprs())]) {
      for (const name of expr.match(/\bgenesys[_:][a-z0-9_:]*/g) ?? []) {
        expect(QUERYABLE_SERIES.has(name) || recorded.has(name), `${name} in ${where}`).toBe(true);
      }
    }
  });
});
