/**
 * The benchmark harness itself (not performance): a smoke run on a tiny load finishes, prints the
 * table and writes a result that matches the schema, with every section filled in.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { benchResultSchema } from '../../bench/lib/result.js';
import { perHour } from '../../bench/lib/own-calls.js';
import { percentile, summarize } from '../../bench/lib/stats.js';
import {
  sampleCount,
  promClientRegistry,
  syntheticClients,
  syntheticFamilies,
} from '../../bench/lib/synthetic.js';

const RUNNER = fileURLToPath(new URL('../../dist/bench/run.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench harness', () => {
  it('runs a smoke benchmark and writes a well-formed result', async () => {
    if (!existsSync(RUNNER))
      throw new Error(`${RUNNER} is missing; run "npm run build" first (npm test does)`);
    const out = join(dir, 'latest.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [RUNNER, '--smoke', '--no-nginx', '--out', out],
      {
        timeout: 110_000,
      },
    );
    expect(stdout).toContain('### Targets');
    const result = benchResultSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(result.mode).toBe('smoke');
    const byName = new Map(result.gateway.cases.map((c) => [c.name, c]));
    for (const name of ['direct', 'gateway', 'gateway-shaping'] as const) {
      const c = byName.get(name)!;
      expect(c.skipped).toBeNull();
      // Real requests went through and succeeded (the raised simulator limit means no 429s).
      expect(c.saturation!.requestsPerSecond).toBeGreaterThan(0);
      expect(c.saturation!.non2xx + c.saturation!.errors).toBe(0);
      expect(c.fixed[0]!.latency.samples).toBeGreaterThan(0);
    }
    expect(byName.get('nginx')!.skipped).toMatch(/no-nginx/);
    expect(byName.get('gateway')!.saturation!.proxyCpuPercent).toBeGreaterThan(0);
    expect(byName.get('gateway')!.proxyPeakRssBytes).toBeGreaterThan(0);
    expect(result.gateway.ratios.gatewayToDirectThroughput).toBeGreaterThan(0);
    expect(result.gateway.ratios.gatewayToNginxThroughput).toBeNull();
    // Both /metrics renderings carry the same series (the OTel one adds target_info).
    const m = result.metrics[0]!;
    expect(m.agent.samples - m.promClient.samples).toBe(1);
    expect(m.latencyRatio).toBeGreaterThan(0);
    // The idle agent's own calls were counted by the simulator and extrapolated per route.
    expect(result.ownCalls.observedTotal).toBeGreaterThan(0);
    expect(result.ownCalls.byRoute.some((r) => r.route.includes('/oauth/token'))).toBe(true);
    expect(result.ownCalls.perHourEstimate).toBeGreaterThan(0);
    expect(result.memory.tokens.tokens).toBe(20);
    expect(result.memory.tokens.rssBytes).toBeGreaterThan(0);
    // Targets that need the full sizes are reported as not measured rather than guessed.
    const rss = result.targets.find((t) => t.name.startsWith('RSS'))!;
    expect(rss.met).toBeNull();
  }, 120_000);
});

describe('bench pure helpers', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(500);
    expect(percentile(xs, 99)).toBe(990);
    expect(percentile(xs, 99.9)).toBe(999);
    expect(summarize([3, 1, 2]).p50Ms).toBe(2);
  });

  it('extrapolates calls per hour from one poll at each route cadence', () => {
    const rows = perHour(
      [
        { route: 'POST /api/v2/usage/events/query', count: 1 },
        { route: 'GET /api/v2/usage/events/definitions', count: 1 },
        { route: 'POST /api/v2/usage/aggregates/query/jobs', count: 1 },
        { route: 'GET /api/v2/organizations/limits/namespaces/:ns', count: 1 },
      ],
      [
        { route: 'POST /api/v2/usage/events/query', count: 2 },
        { route: 'POST /api/v2/usage/aggregates/query/jobs', count: 1 },
        { route: 'GET /api/v2/organizations/limits/namespaces/:ns', count: 1 },
        { route: 'GET /api/v2/something/new', count: 2 },
      ],
    );
    const of = (r: string) => rows.find((x) => x.route === r)!.perHour;
    expect(of('POST /api/v2/usage/events/query')).toBe(60); // events before the usage prefix
    expect(of('GET /api/v2/usage/events/definitions')).toBe(1); // cached for an hour by the source
    expect(of('POST /api/v2/usage/aggregates/query/jobs')).toBe(4);
    expect(of('GET /api/v2/organizations/limits/namespaces/:ns')).toBe(1);
    expect(of('GET /api/v2/something/new')).toBe(120); // unknown: fastest cadence, every call seen
  });

  it('renders the same synthetic series in both /metrics implementations', async () => {
    const clients = syntheticClients(3);
    const registry = promClientRegistry(clients);
    const text = await registry.metrics();
    const points = syntheticFamilies(clients, 0).reduce(
      (n, f) => n + (f.kind === 'histogram' ? f.points.length * (f.boundaries.length + 3) : f.points.length),
      0,
    );
    expect(sampleCount(text)).toBe(points);
    expect(text).toContain('genesys_gateway_requests_total{org="bench"');
  });
});
