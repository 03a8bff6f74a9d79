/**
 * The config files shown in the docs load as they are written (with their secret and certificate
 * paths pointed at throw-away files), so the documented format cannot drift from the schema.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { selfSignedCert } from '../helpers/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'gua-docs-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlBlocks(doc: string): string[] {
  const text = readFileSync(new URL(`../../docs/${doc}`, import.meta.url), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The block with every `/run/secrets/x` and `/etc/agent/tls/x` path replaced by a real file. */
function runnable(block: string): string {
  const { certFile, keyFile } = selfSignedCert(dir);
  return block
    .replace(/\/etc\/agent\/tls\/tls\.crt/g, certFile)
    .replace(/\/etc\/agent\/tls\/tls\.key/g, keyFile)
    .replace(/\/run\/secrets\/([\w-]+)/g, (_, name: string) => {
      const path = join(dir, name);
      writeFileSync(path, `${name}-value\n`);
      return path;
    });
}

function load(block: string) {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, runnable(block));
  return loadConfig({ AGENT_CONFIG_FILE: path });
}

describe('documented config files', () => {
  it('docs/configuration.md: the full example holds every group of settings', () => {
    const [block] = yamlBlocks('configuration.md').filter((b) => b.includes('orgs:'));
    const c = load(block!);
    expect(c.mode).toBe('live');
    expect(c.orgs.map((o) => [o.name, o.clientSecret])).toEqual([['acme-prod', 'acme-prod-value']]);
    expect(c.gateway).toEqual({
      port: 8080,
      host: '0.0.0.0',
      shaping: 'smooth',
      maxConcurrentPerAddress: 64,
    });
    expect(c.eventsToken).toBe('events-token-value');
    expect(c.auth?.bearerTokens).toEqual(['metrics-token-value']);
    expect(c.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(c.otlp).toEqual({
      url: 'http://otel-collector:4318/v1/metrics',
      headers: { 'x-scope-orgid': 'acme' },
      intervalMs: 60_000,
    });
    expect(c.resource.attributes).toEqual({ 'deployment.environment.name': 'prod' });
    expect(c.poll).toEqual({ usage: true, ratelimits: true });
  });

  it('docs/deployment.md: the several-orgs example', () => {
    const [block] = yamlBlocks('deployment.md').filter((b) => b.includes('orgs:'));
    const c = load(block!);
    expect(c.orgs.map((o) => [o.name, o.callBudgetPerMinute])).toEqual([
      ['acme-prod', 60],
      ['acme-eu', 30],
    ]);
    expect(c.usageIntervalMs).toBe(900_000);
  });
});
