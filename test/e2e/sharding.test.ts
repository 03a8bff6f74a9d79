/**
 * Issue 28 end to end: three agent processes (the built CLI) share one config file of twelve orgs,
 * each org served by its own simulator. Every org is polled by exactly one replica — the
 * simulators count one login per org — and a real Prometheus scraping the replicas sees each org
 * once; when one replica stops, the shipped coverage alert fires for exactly the orgs it owned.
 *
 * @module-tag system
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startPrometheus, waitFor, type RunningServer } from '../helpers/prom-servers.js';
import { parseProm, samplesOf } from '../helpers/prom-text.js';
import { freePort, spawnCli, type SpawnedAgent } from '../helpers/spawn-agent.js';

const PROM_DIR = join(import.meta.dirname, '../../prometheus');
const ORGS = Array.from({ length: 12 }, (_, i) => `Org ${String.fromCharCode(65 + i)}`);
const AGENT = { clientId: 'shard-agent', clientSecret: 'shard-agent-secret' };

const callsSchema = z.object({
  byRoute: z.array(z.object({ method: z.string(), route: z.string(), count: z.number() })),
});
const querySchema = z.object({
  data: z.object({
    result: z.array(
      z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }),
    ),
  }),
});
const alertsSchema = z.object({
  data: z.object({
    alerts: z.array(z.object({ labels: z.record(z.string(), z.string()), state: z.string() })),
  }),
});
const rulesSchema = z.object({
  groups: z.array(z.looseObject({ rules: z.array(z.record(z.string(), z.unknown())) })),
});

let sims: RunningSimulator[] = [];
let agents: (SpawnedAgent & { url: string })[] = [];
let prometheus: RunningServer | undefined;

/** Logins and usage calls each org's simulator received (one login per replica that polls it). */
async function callsOf(sim: RunningSimulator) {
  const calls = callsSchema.parse(await (await fetch(`${sim.url}/__sim/calls`)).json());
  const count = (prefix: string) =>
    calls.byRoute.filter((r) => r.route.startsWith(prefix)).reduce((a, r) => a + r.count, 0);
  return { logins: count('/oauth/token'), usage: count('/api/v2/usage') };
}

async function owned(agent: { url: string }): Promise<string[]> {
  const samples = parseProm(await (await fetch(`${agent.url}/metrics`)).text());
  return samplesOf(samples, 'genesys_agent_org_owned').map((s) => s.labels['org']!);
}

async function query(expr: string) {
  const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return querySchema.parse(await res.json()).data.result;
}

async function startReplica(env: Record<string, string>, file: string) {
  const port = await freePort();
  const agent = spawnCli(['run'], {
    AGENT_CONFIG_FILE: file,
    AGENT_HOST: '127.0.0.1',
    AGENT_PORT: String(port),
    AGENT_LOG_LEVEL: 'warn',
    ...env,
  });
  return Object.assign(agent, { url: `http://127.0.0.1:${port}` });
}

beforeAll(async () => {
  sims = await Promise.all(
    ORGS.map((name, i) =>
      startSimulator({
        host: '127.0.0.1',
        port: 0,
        scenario: {
          name: `shard-${i}`,
          org: { id: `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`, name },
          agent: AGENT,
          clients: [{ id: `client-${i}`, name: `Integration ${i}`, secret: `client-${i}-secret` }],
          usage: { publication: 'daily', historyDays: 2 },
        },
      }),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'gua-shards-'));
  const file = join(dir, 'orgs.yaml');
  const orgs = ORGS.map((name, i) => ({
    name,
    apiBaseUrl: sims[i]!.url,
    loginBaseUrl: sims[i]!.url,
    ...AGENT,
  }));
  writeFileSync(file, stringify({ orgs }));
  // Two replicas told their shard, the third taking it from a StatefulSet pod name, as in Kubernetes.
  agents = await Promise.all([
    startReplica({ AGENT_SHARD: '0/3' }, file),
    startReplica({ AGENT_SHARD: '1/3' }, file),
    startReplica({ AGENT_SHARD_TOTAL: '3', AGENT_POD_NAME: 'genesys-usage-agent-shard-2' }, file),
  ]);
  for (const a of agents)
    await waitFor(
      `replica ${a.url} ready`,
      async () => {
        if (a.child.exitCode !== null) throw new Error(`replica exited ${a.child.exitCode}: ${a.stderr()}`);
        return (await fetch(`${a.url}/readyz`)).ok ? true : undefined;
      },
      60_000,
    );
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(sims.map((s) => s.close()));
});

describe('three replicas over twelve orgs', () => {
  it('poll every org exactly once: one login per org at its simulator, and each org owned by one replica', async () => {
    const byReplica = await Promise.all(agents.map(owned));
    expect(byReplica.flat().sort()).toEqual([...ORGS].sort());
    // Rendezvous hashing spreads these names 4/4/4; no replica is idle.
    expect(byReplica.map((o) => o.length)).toEqual([4, 4, 4]);
    for (const [i, sim] of sims.entries()) {
      const calls = await callsOf(sim);
      expect(calls.logins, ORGS[i]).toBe(1);
      expect(calls.usage, ORGS[i]).toBeGreaterThan(0);
    }
  });

  it('is seen whole in Prometheus, and the coverage alert fires for the orgs of a stopped replica', async () => {
    const files: Record<string, string> = {};
    let coverageExpr = '';
    for (const name of await readdir(join(PROM_DIR, 'rules'))) {
      const rules = rulesSchema.parse(parse(await readFile(join(PROM_DIR, 'rules', name), 'utf8')));
      for (const group of rules.groups)
        for (const rule of group.rules) {
          // The shipped rules, with the 10-minute wait cut so the test need not wait.
          if ('for' in rule) rule['for'] = '1s';
          if (rule['alert'] === 'GenesysOrgShardCoverage') coverageExpr = String(rule['expr']);
        }
      files[`rules/${name}`] = stringify(rules);
    }
    expect(coverageExpr).toContain('genesys:org_pollers:count');
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: Object.keys(files),
      scrape_configs: [
        {
          job_name: 'genesys-usage-agent',
          static_configs: [{ targets: agents.map((a) => a.url.slice('http://'.length)) }],
        },
      ],
    };
    prometheus = await startPrometheus(stringify(config), files);
    await waitFor('every org counted once', async () => {
      const pollers = await query('genesys:org_pollers:count');
      return pollers.length === ORGS.length && pollers.every((p) => p.value[1] === '1') ? true : undefined;
    });
    expect(await query(coverageExpr)).toEqual([]);

    const stopped = await owned(agents[1]!);
    expect(await agents[1]!.stop()).toBe(0);
    const firing = await waitFor(
      'the coverage alert firing',
      async () => {
        const res = await fetch(`${prometheus!.url}/api/v1/alerts`);
        const alerts = alertsSchema
          .parse(await res.json())
          .data.alerts.filter(
            (a) => a.labels['alertname'] === 'GenesysOrgShardCoverage' && a.state === 'firing',
          );
        return alerts.length === stopped.length ? alerts : undefined;
      },
      30_000,
    );
    expect(firing.map((a) => a.labels['org']).sort()).toEqual([...stopped].sort());
    const exprNow = await query(coverageExpr);
    expect(exprNow.map((r) => [r.metric['org'], r.value[1]]).sort()).toEqual(
      stopped.sort().map((o) => [o, '0']),
    );
  }, 60_000);
});
