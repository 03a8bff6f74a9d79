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
import { cgroupUnavailable, parseOomControl } from '../../bench/lib/cgroup.js';
import { perHour } from '../../bench/lib/own-calls.js';
import { parseArgs } from '../../bench/run.js';
import { alternating, distinguishable, ratioSpread, spreadOf } from '../../bench/lib/rounds.js';
import { NODE_FLAGS } from '../../src/runtime/node-flags.js';
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
  it(
    'runs a smoke benchmark and writes a well-formed result',
    { tags: ['system'], timeout: 250_000 },
    async () => {
      if (!existsSync(RUNNER))
        throw new Error(`${RUNNER} is missing; run "npm run build" first (npm test does)`);
      const out = join(dir, 'latest.json');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [RUNNER, '--smoke', '--no-nginx', '--out', out],
        {
          timeout: 240_000,
        },
      );
      expect(stdout).toContain('### Targets');
      const result = benchResultSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(result.mode).toBe('smoke');
      const byName = new Map(result.gateway.cases.map((c) => [c.name, c]));
      for (const name of ['direct', 'floor', 'gateway', 'gateway-shaping'] as const) {
        const c = byName.get(name)!;
        expect(c.skipped).toBeNull();
        expect(c.requestsPerSecond!.median).toBeGreaterThan(0);
      }
      // Every case ran once per round, alternating, and every request succeeded (no 429s at the raised limit).
      const rounds = result.gateway.rounds;
      expect(rounds.map((r) => `${r.round}:${r.case}`)).toEqual(
        [0, 1].flatMap((i) => ['direct', 'floor', 'gateway', 'gateway-shaping'].map((n) => `${i}:${n}`)),
      );
      for (const r of rounds) {
        expect(r.non2xx + r.errors, `${r.round}:${r.case}`).toBe(0);
        expect(r.paced.latency.samples).toBeGreaterThan(0);
      }
      expect(byName.get('nginx')!.skipped).toMatch(/no-nginx/);
      expect(byName.get('gateway')!.proxyCpuMicrosPerRequest!.median).toBeGreaterThan(0);
      expect(byName.get('floor')!.proxyPeakRssBytes).toBeGreaterThan(0);
      // Ratios are per-round medians over both rounds; nginx-side ones are absent without nginx.
      expect(result.gateway.ratios.gatewayCpuToFloor!.rounds).toBe(2);
      expect(result.gateway.ratios.gatewayToNginxThroughput).toBeNull();
      // The shipped agent's flags are the ones npm start uses.
      expect(result.shippedNodeFlags).toEqual(NODE_FLAGS);
      // Idle: agent, floor and bare listener each measured.
      expect(result.idle.agentRssBytes!.median).toBeGreaterThan(result.idle.bareRssBytes!.median);
      expect(result.idle.floorRssBytes!.median).toBeGreaterThan(0);
      // Both /metrics renderings carry the same series (the OTel one adds target_info).
      const m = result.metrics[0]!;
      expect(m.agent.samples - m.promClient.samples).toBe(1);
      expect(m.latencyRatio).toBeGreaterThan(0);
      // The idle agent's own calls were counted by the simulator and extrapolated per route.
      expect(result.ownCalls.observedTotal).toBeGreaterThan(0);
      expect(result.ownCalls.byRoute.some((r) => r.route.includes('/oauth/token'))).toBe(true);
      expect(result.ownCalls.perHourEstimate).toBeGreaterThan(0);
      // In a cgroup where this machine has one (root, cgroup v1), else skipped with the reason.
      const why = cgroupUnavailable();
      if (why) expect(result.container.skipped).toBe(why);
      else {
        const limited = result.container.cases.find((c) => c.limitBytes !== null)!;
        expect(limited.alive).toBe(true);
        expect(limited.oomKills).toBe(0);
        expect(limited.scrapesAnswered).toBe(limited.scrapes);
        expect(limited.maxUsageBytes).toBeGreaterThan(0);
      }
      // One replica over several orgs: alive, every client's series scraped, own calls counted per 1 000 clients.
      const [orgs] = result.orgs ?? [];
      expect(orgs?.alive).toBe(true);
      expect(orgs!.scrapeSeries).toBeGreaterThan(orgs!.clients);
      expect(orgs!.firstPollCallsPer1000Clients).toBeGreaterThan(0);
      // Endpoint series off, then at the defaults (issue 24): every client's three calls went through, the
      // off agent exported no per-endpoint series (at most the org's overflow counter), the default one
      // a series per (client, endpoint) from each source.
      const ep = result.endpoints!;
      expect(ep.pairs.map((p) => p.maxClients)).toEqual([ep.clients]); // below the default cap: one pair
      const [{ off, on, seriesRatio }] = ep.pairs as [(typeof ep.pairs)[number]];
      for (const c of ep.pairs.flatMap((p) => [p.off, p.on])) {
        expect(c.failure, c.label).toBeNull();
        expect(c.gatewayRequests - c.gatewayNon2xx, c.label).toBe(ep.clients * ep.endpointsPerClient);
        expect(c.rssScrapeBytes, c.label).toBeGreaterThan(0);
      }
      expect(off.usageEndpointSeries).toBe(0);
      expect(off.gatewayEndpointSeries).toBeLessThanOrEqual(1);
      const pairs = ep.clients * ep.endpointsPerClient;
      expect(on.usageEndpointSeries).toBeGreaterThanOrEqual(pairs);
      expect(on.gatewayEndpointSeries).toBeGreaterThanOrEqual(2 * pairs); // requests and per-minute
      expect(on.scrapeSeries! - off.scrapeSeries!).toBe(
        on.gatewayEndpointSeries! + on.usageEndpointSeries! - off.gatewayEndpointSeries!,
      );
      expect(seriesRatio).toBeGreaterThan(1);
      expect(stdout).toContain('### Per-endpoint series');
      // Targets that need the full sizes are reported as not measured rather than guessed.
      const scrape10k = result.targets.find((t) => t.name.startsWith('/metrics at 10 000'))!;
      expect(scrape10k.met).toBeNull();
    },
  );
});

describe('bench pure helpers', () => {
  it('alternates cases round by round and takes ratios within each round', () => {
    expect(alternating(['a', 'b'], 3).map((x) => `${x.round}${x.item}`)).toEqual([
      '0a',
      '0b',
      '1a',
      '1b',
      '2a',
      '2b',
    ]);
    // Per-round ratios 2, 1, 4 (not the ratio of medians): median 2, range 1–4; a missing round is left out.
    expect(ratioSpread([2, 3, 8, 5], [1, 3, 2, null])).toEqual({ median: 2, min: 1, max: 4, rounds: 3 });
    expect(spreadOf([null, undefined])).toBeNull();
    expect(spreadOf([4, 1, 3, 2])!.median).toBe(2.5);
    expect(distinguishable({ median: 1, min: 0.2, max: 2, rounds: 5 })).toBe(true);
    expect(distinguishable({ median: 1, min: -0.2, max: 2, rounds: 5 })).toBe(false);
  });

  it('runs one suite alone with --only, and says which ones it knows', () => {
    for (const only of ['gateway', 'orgs', 'endpoints', 'container'] as const)
      expect(parseArgs(['--quick', '--only', only])).toMatchObject({ mode: 'quick', only });
    expect(() => parseArgs(['--only', 'idle'])).toThrow(/--only gateway\|orgs\|endpoints\|container/);
  });

  it('reads OOM kills from the cgroup v1 oom_control file', () => {
    expect(parseOomControl('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')).toEqual({
      oomKills: 2,
      underOom: false,
    });
    expect(parseOomControl('oom_kill_disable 0\nunder_oom 1\n')).toEqual({ oomKills: 0, underOom: true });
  });

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
