/**
 * The catalogue is the one declaration of every metric: no other source file spells a metric name,
 * and each entry is well-formed (valid names, units the Collector suffixes the same way, examples
 * that parse in promtool and query their own metric).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { catalogue, METRICS, type CounterPoint, type Labels } from '../../src/telemetry/catalogue.js';
import { prometheusFamilyName, prometheusSeriesNames } from '../helpers/otlp-naming.js';
import { promtool } from '../helpers/prom-servers.js';

const ROOT = join(import.meta.dirname, '../..');
const CATALOGUE = 'src/telemetry/catalogue.ts';
const NAME = /\bgenesys_[a-z_]+/g;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('metric catalogue', () => {
  it('is the only file in src/ that spells a metric name, and spells each once', async () => {
    const namesByFile = new Map<string, string[]>();
    for (const file of await sourceFiles(join(ROOT, 'src')))
      namesByFile.set(relative(ROOT, file), (await readFile(file, 'utf8')).match(NAME) ?? []);
    // No exceptions: src/ has no non-metric `genesys_` identifiers (the package is genesys-usage-agent).
    const elsewhere = [...namesByFile].filter(([file, names]) => file !== CATALOGUE && names.length > 0);
    expect(elsewhere).toEqual([]);
    const inCatalogue = namesByFile.get(CATALOGUE)!;
    const text = await readFile(join(ROOT, CATALOGUE), 'utf8');
    for (const m of METRICS)
      expect(text.split(`name: '${m.name}',`), `${m.name} declared once`).toHaveLength(2);
    // Everything else the catalogue spells (in examples and prose) is one of its own series.
    const known = new Set(METRICS.flatMap((m) => [m.name, ...m.seriesNames]));
    expect(inCatalogue.filter((n) => !known.has(n))).toEqual([]);
  });

  it('declares valid, unique names, label keys and units', () => {
    const names = METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRICS) {
      expect(m.name).toMatch(/^genesys_[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(m.name, 'counters are declared without _total').not.toMatch(/_total$/);
      expect(m.spec.help.length).toBeGreaterThan(10);
      // The Collector turns other units into name suffixes, which would break the shared names.
      expect(m.spec.unit).toMatch(/^(\{[a-z]+\}|s|1|)$/);
      if (m.spec.unit === 's') expect(m.name).toMatch(/_seconds$/);
      for (const l of m.spec.labels) expect(l).toMatch(/^[a-z][a-z_]*$/);
      expect(new Set(m.spec.labels).size).toBe(m.spec.labels.length);
      for (const l of Object.keys(m.spec.labelValues ?? {})) expect(m.spec.labels).toContain(l);
      expect(m.spec.example.promql).toContain(m.seriesNames.length > 1 ? m.name : m.prometheusName);
    }
  });

  it('gives every metric the same name through the Collector as on /metrics', () => {
    const type = { gauge: 'gauge', counter: 'monotonic-sum', histogram: 'histogram' } as const;
    for (const m of METRICS) {
      const identity = { name: m.name, unit: m.spec.unit, type: type[m.kind] };
      expect(prometheusFamilyName(identity), m.name).toBe(m.prometheusName);
      expect(prometheusSeriesNames(identity).sort(), m.name).toEqual(
        (m.kind === 'histogram' ? m.seriesNames.slice(1) : m.seriesNames).sort(),
      );
    }
  });

  it('builds typed families with the declared name, help, unit and kind', () => {
    const f = METRICS[0]!;
    const fam = f.kind === 'histogram' ? f.family([1]) : f.family([]);
    expect(fam).toMatchObject({
      name: f.name,
      help: f.spec.help,
      unit: f.spec.unit,
      kind: f.kind,
      points: [],
    });
  });

  it('rejects misspelt and missing label keys at compile time (npm run lint runs tsc on this file)', () => {
    const ok: Labels<'org' | 'limit_key'> = { org: 'o', limit_key: 'k' };
    // @ts-expect-error a misspelt label key
    const misspelt: Labels<'org' | 'limit_key'> = { org: 'o', limit_kee: 'k' };
    // @ts-expect-error a missing label key
    const missing: Labels<'org' | 'endpoint' | 'status_class'> = { org: 'o', endpoint: 'e' };
    // @ts-expect-error a counter point needs its start time
    const noStart: CounterPoint<'org'> = { attributes: { org: 'o' }, value: 1 };
    const typeChecks = () => [
      catalogue.limitRequestsPerMinute.family([{ attributes: ok, value: 1 }]),
      // @ts-expect-error the entry's label keys are checked where the point is built
      catalogue.limitRequestsPerMinute.family([{ attributes: { org: 'o', limit_kee: 'k' }, value: 1 }]),
      [misspelt, missing, noStart],
    ];
    expect(typeChecks).toBeTypeOf('function');
  });

  it('has examples that promtool accepts', { tags: ['system'] }, async () => {
    const rules = METRICS.map((m, i) => ({ record: `catalogue:example:${i}`, expr: m.spec.example.promql }));
    const dir = await mkdtemp(join(tmpdir(), 'catalogue-promql-'));
    try {
      await writeFile(join(dir, 'examples.yml'), stringify({ groups: [{ name: 'examples', rules }] }));
      const result = await promtool(['check', 'rules', join(dir, 'examples.yml')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
