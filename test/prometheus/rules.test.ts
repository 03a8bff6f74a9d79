/**
 * The shipped Prometheus/Alertmanager files pass the official checkers, carry every alert of
 * the contract (one docs/runbooks.md section each) with its annotations and runbook, and every rule is covered by a promtool unit test.
 *
 * @module-tag system
 */
import { readdirSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { runbookUrl } from '../../scripts/runbooks.js';
import { amtool, promtool } from '../helpers/prom-servers.js';
import { DESIGN_ALERTS, QUERYABLE_SERIES } from './contract.js';

const ROOT = join(import.meta.dirname, '../..');
const PROM_DIR = join(ROOT, 'prometheus');

const UNIT_TEST_FILES = readdirSync(join(PROM_DIR, 'tests')).filter((n) => n.endsWith('.test.yml'));

const ruleSchema = z.union([
  z.strictObject({
    record: z.string(),
    expr: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({
    alert: z.string(),
    expr: z.string(),
    for: z.string().optional(),
    labels: z.strictObject({ severity: z.enum(['critical', 'warning', 'info']) }),
    annotations: z.strictObject({ summary: z.string(), description: z.string(), runbook_url: z.string() }),
  }),
]);
const rulesFileSchema = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(ruleSchema) })),
});

const unitTestFileSchema = z.object({
  rule_files: z.array(z.string()),
  tests: z.array(
    z.object({
      alert_rule_test: z
        .array(z.object({ alertname: z.string(), exp_alerts: z.array(z.unknown()) }))
        .optional(),
      promql_expr_test: z.array(z.object({ expr: z.string() })).optional(),
    }),
  ),
});

async function ruleFiles() {
  const names = (await readdir(join(PROM_DIR, 'rules'))).filter((n) => n.endsWith('.yml'));
  return Promise.all(
    names.map(async (name) => ({
      name,
      content: rulesFileSchema.parse(parse(await readFile(join(PROM_DIR, 'rules', name), 'utf8'))),
    })),
  );
}

async function rules() {
  return (await ruleFiles()).flatMap((f) => f.content.groups.flatMap((g) => g.rules));
}

async function unitTests() {
  return Promise.all(
    UNIT_TEST_FILES.map(async (name) =>
      unitTestFileSchema.parse(parse(await readFile(join(PROM_DIR, 'tests', name), 'utf8'))),
    ),
  );
}

describe('official checkers', () => {
  it('promtool check config accepts prometheus.yml and the rule files it loads', async () => {
    const result = await promtool(['check', 'config', 'prometheus.yml'], PROM_DIR);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('2 rule files found');
  });

  it('promtool check rules accepts every rule file without lint findings', async () => {
    const names = (await ruleFiles()).map((f) => join('rules', f.name));
    const result = await promtool(['check', 'rules', '--lint=all', '--lint-fatal', ...names], PROM_DIR);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it.each(UNIT_TEST_FILES)('promtool test rules passes %s', async (name) => {
    const result = await promtool(['test', 'rules', join('tests', name)], PROM_DIR);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('amtool check-config accepts alertmanager.yml', async () => {
    const result = await amtool(['check-config', 'alertmanager.yml'], PROM_DIR);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('alert contract (docs/runbooks.md)', () => {
  it('ships exactly the contract alerts', async () => {
    const alerts = (await rules()).flatMap((r) => ('alert' in r ? [r.alert] : []));
    expect(alerts.toSorted()).toEqual([...DESIGN_ALERTS].sort());
  });

  it('links every alert to its runbook section, and that section exists', async () => {
    const runbooks = await readFile(join(ROOT, 'docs/runbooks.md'), 'utf8');
    const headings = new Set([...runbooks.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]!.toLowerCase()));
    for (const rule of await rules()) {
      if (!('alert' in rule)) continue;
      expect(rule.annotations.runbook_url).toBe(runbookUrl(rule.alert));
      expect(headings, `docs/runbooks.md has no "## ${rule.alert}"`).toContain(rule.alert.toLowerCase());
    }
  });

  it('words the headline summary as specified and waits 2 minutes', async () => {
    const headline = (await rules()).find((r) => 'alert' in r && r.alert === 'GenesysClientNearRateLimit');
    expect(headline).toMatchObject({
      for: '2m',
      annotations: {
        summary:
          'OAuth Client {{ $labels.client_name }} is consuming {{ $value | printf "%.0f" }} requests/min and is nearing rate exhaustion.',
      },
    });
  });

  it('keeps the thresholds in the recording rules: alerts compare with recorded series, not numbers', async () => {
    for (const rule of await rules()) {
      if (!('alert' in rule)) continue;
      // Only 0 (no 429s, source/scrape down) may appear as a literal in an alert expression.
      const literals = rule.expr.match(/(?<![\w:.])\d+(\.\d+)?(?![\w:.])/g) ?? [];
      expect(
        literals.filter((n) => n !== '0'),
        rule.alert,
      ).toEqual([]);
    }
  });
});

describe('metric names', () => {
  it('reads only contract metrics (docs/metrics.md) and its own recorded series (no typos)', async () => {
    const all = await rules();
    const recorded = new Set(all.flatMap((r) => ('record' in r ? [r.record] : [])));
    for (const rule of all) {
      for (const name of rule.expr.match(/\bgenesys[_:][a-z0-9_:]*/g) ?? []) {
        expect(
          QUERYABLE_SERIES.has(name) || recorded.has(name),
          `${name} in ${JSON.stringify(rule.expr)}`,
        ).toBe(true);
      }
    }
  });
});

describe('unit-test coverage', () => {
  it('tests every alert with a firing and a quiet case', async () => {
    const cases = (await unitTests()).flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const alert of DESIGN_ALERTS) {
      const own = cases.filter((c) => c.alertname === alert);
      expect(
        own.some((c) => c.exp_alerts.length > 0),
        `${alert} firing case`,
      ).toBe(true);
      expect(
        own.some((c) => c.exp_alerts.length === 0),
        `${alert} quiet case`,
      ).toBe(true);
    }
  });

  it('tests every recording rule with a promql_expr_test', async () => {
    const exprs = (await unitTests())
      .flatMap((f) => f.tests.flatMap((t) => t.promql_expr_test ?? []))
      .map((t) => t.expr);
    for (const rule of await rules()) {
      if (!('record' in rule)) continue;
      expect(
        exprs.some((e) => e.includes(rule.record)),
        `${rule.record} has no promql_expr_test`,
      ).toBe(true);
    }
  });

  // Without group_eval_order promtool evaluates groups in random order, and an alert could read
  // the previous evaluation's recorded value.
  it('orders rule groups so recording rules are evaluated before the alerts that read them', async () => {
    for (const name of UNIT_TEST_FILES) {
      const doc = z
        .object({ rule_files: z.array(z.string()), group_eval_order: z.array(z.string()).optional() })
        .parse(parse(await readFile(join(PROM_DIR, 'tests', name), 'utf8')));
      if (doc.rule_files.length > 1) {
        expect(doc.group_eval_order, name).toEqual(['genesys-usage.recording', 'genesys-usage.alerts']);
      }
    }
  });
});

describe('prometheus.yml', () => {
  it('scrapes the agent through exactly one path and alerts to alertmanager:9093', async () => {
    const text = await readFile(join(PROM_DIR, 'prometheus.yml'), 'utf8');
    const config = z
      .looseObject({
        alerting: z.object({
          alertmanagers: z.array(
            z.object({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
          ),
        }),
        rule_files: z.array(z.string()),
        scrape_configs: z.array(
          z.looseObject({
            job_name: z.string(),
            static_configs: z.array(z.object({ targets: z.array(z.string()) })),
          }),
        ),
      })
      .parse(parse(text));
    const targets = config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toEqual(['agent:9464']);
    expect(config.scrape_configs[0]?.job_name).toBe('genesys-usage-agent');
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager:9093']);
    // The Collector path is documented as a commented alternative with honor_labels.
    expect(text).toMatch(/^\s*#\s*honor_labels: true$/m);
    expect(text).toMatch(/^\s*#.*otel-collector:8889/m);
  });
});
