/**
 * Runbook links: one base (scripts/runbooks.ts) for the rule files, their promtool tests, the
 * generated PrometheusRule and Grafana's alert; nothing links to a host the project made up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusRule, type RuleFile } from '../../scripts/kubernetes/manifests.js';
import { RUNBOOK_BASE_URL, RUNBOOK_DIRS, runbookUrl, withRunbookBase } from '../../scripts/runbooks.js';
import { repoPath } from './deployment-files.js';

const yamlFiles = (dir: string): string[] =>
  readdirSync(repoPath(dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
const runbookUrls = (text: string): string[] =>
  [...text.matchAll(/^\s*runbook_url:\s*(\S+)\s*$/gm)].map((m) => m[1]!.replace(/^['"]|['"]$/g, ''));
const filesWithRunbooks = () =>
  RUNBOOK_DIRS.flatMap(yamlFiles).filter((f) => runbookUrls(readFileSync(repoPath(f), 'utf8')).length > 0);

describe('runbook links', () => {
  it('every committed runbook_url uses the one base (run `npm run generate` after changing it)', () => {
    const files = filesWithRunbooks();
    // Rules, both promtool test files and Grafana's provisioned alert.
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const text = readFileSync(repoPath(file), 'utf8');
      expect(withRunbookBase(text), file).toBe(text);
      for (const url of runbookUrls(text))
        expect(url, file).toMatch(new RegExp(`^${RUNBOOK_BASE_URL}#[a-z0-9]+$`));
    }
  });

  it('a deployment base set once reaches the rule files, the PrometheusRule and Grafana', () => {
    const base = 'https://wiki.acme.test/ops/genesys-runbooks';
    for (const file of filesWithRunbooks()) {
      const rewritten = withRunbookBase(readFileSync(repoPath(file), 'utf8'), base);
      const urls = runbookUrls(rewritten);
      expect(urls.length, file).toBeGreaterThan(0);
      for (const url of urls) expect(url.startsWith(`${base}#`), `${file}: ${url}`).toBe(true);
    }
    const rules = yamlFiles('prometheus/rules').map(
      (f) => parse(withRunbookBase(readFileSync(repoPath(f), 'utf8'), base)) as RuleFile,
    );
    const spec = prometheusRule(rules).spec!;
    const alerts = spec.groups!.flatMap((g) => g.rules ?? []).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(5);
    for (const a of alerts) expect(a.annotations?.['runbook_url']).toBe(runbookUrl(a.alert!, base));
  });

  it('refuses a base that would break the links', () => {
    for (const bad of ['', 'https://x.test/a#b', 'has space'])
      expect(() => withRunbookBase('', bad)).toThrow();
  });

  it('ships no link to an invented host', () => {
    const shipped = [
      ...RUNBOOK_DIRS.flatMap(yamlFiles),
      ...yamlFiles('deploy/kubernetes'),
      'prometheus/alertmanager.yml',
      'docs/deployment.md',
      'docs/runbooks.md',
      'README.md',
    ];
    for (const file of shipped)
      expect(readFileSync(repoPath(file), 'utf8'), file).not.toContain('github.com/genesys-usage-agent');
  });
});
