/**
 * Every PromQL expression Grafana would run: dashboard targets and Grafana alert-rule queries,
 * with Grafana's variables replaced by values Prometheus accepts.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const ROOT = join(import.meta.dirname, '../..');
export const DASHBOARD_DIR = join(ROOT, 'grafana/dashboards');
export const ALERTING_DIR = join(ROOT, 'grafana/provisioning/alerting');

const SUBSTITUTIONS: [RegExp, string][] = [
  [/\$__rate_interval\b/g, '1m'],
  [/\$__interval\b/g, '1m'],
  [/\$__range\b/g, '1h'],
  [/\$\{?(org|client)\}?/g, '.*'],
];

/** The expression as Prometheus would receive it for "All" orgs and clients. */
export function substituteVariables(expr: string): string {
  return SUBSTITUTIONS.reduce((text, [pattern, value]) => text.replace(pattern, value), expr);
}

export interface LocatedExpr {
  where: string;
  expr: string;
}

const dashboardTargets = z.object({
  title: z.string(),
  panels: z.array(
    z.object({ title: z.string(), targets: z.array(z.object({ refId: z.string(), expr: z.string() })) }),
  ),
});

export async function dashboardExprs(): Promise<LocatedExpr[]> {
  const out: LocatedExpr[] = [];
  for (const file of (await readdir(DASHBOARD_DIR)).filter((f) => f.endsWith('.json'))) {
    const dashboard = dashboardTargets.parse(JSON.parse(await readFile(join(DASHBOARD_DIR, file), 'utf8')));
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        out.push({ where: `${file} "${panel.title}" ${target.refId}`, expr: target.expr });
      }
    }
  }
  return out;
}

const alertRuleQueries = z.object({
  groups: z.array(
    z.object({
      rules: z.array(
        z.object({
          uid: z.string(),
          data: z.array(z.object({ refId: z.string(), datasourceUid: z.string(), model: z.looseObject({}) })),
        }),
      ),
    }),
  ),
});

/** PromQL queries of the provisioned Grafana alert rules (server-side expressions excluded). */
export async function alertRuleExprs(): Promise<LocatedExpr[]> {
  const out: LocatedExpr[] = [];
  for (const file of (await readdir(ALERTING_DIR)).filter((f) => f.endsWith('.yaml'))) {
    const doc = z
      .looseObject({ groups: z.unknown().optional() })
      .parse(parse(await readFile(join(ALERTING_DIR, file), 'utf8')));
    if (doc.groups === undefined) continue;
    for (const group of alertRuleQueries.parse(doc).groups) {
      for (const rule of group.rules) {
        for (const query of rule.data) {
          if (query.datasourceUid === '__expr__') continue;
          out.push({ where: `${file} ${rule.uid} ${query.refId}`, expr: z.string().parse(query.model.expr) });
        }
      }
    }
  }
  return out;
}
