/**
 * One shard replica (issue 28): the shipped agent, without gateway, polls several orgs — each its
 * own simulator whose clients all have background traffic, so every client has usage series —
 * inside a memory cgroup where the machine allows one. Reported per size: ready time, RSS, the
 * cgroup's peak, /metrics size, series and time, and the agent's own Genesys calls per 1 000
 * clients (first poll, and per hour at default cadences), so docs/deployment.md can say how many
 * clients fit a 256 MiB replica.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentEnv } from '../lib/agent-env.js';
import { cgroupUnavailable, createMemoryCgroup } from '../lib/cgroup.js';
import { scrapeMetrics, waitReady } from '../lib/http.js';
import { startChild, type BenchChild } from '../lib/ipc.js';
import { perHour, simCalls } from '../lib/own-calls.js';
import type { Profile } from '../lib/profile.js';
import type { OrgsCase } from '../lib/result.js';
import { spreadOf } from '../lib/rounds.js';
import { BENCH_AGENT } from '../lib/scenario.js';
import { failureOf } from '../lib/process.js';
import { startShippedAgent } from '../lib/shipped.js';

const MiB = 1024 * 1024;

async function oneCase(profile: Profile, orgs: number, clientsPerOrg: number): Promise<OrgsCase> {
  const { limitMiB } = profile.orgs;
  const clients = orgs * clientsPerOrg;
  process.stderr.write(`bench: orgs ${orgs} × ${clientsPerOrg} clients\n`);
  const sims: BenchChild<{ url: string }>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-orgs-'));
  const limitBytes = cgroupUnavailable() ? null : limitMiB * MiB;
  const cgroup = limitBytes ? createMemoryCgroup(`orgs-${clients}`, limitBytes) : null;
  const result: OrgsCase = {
    orgs,
    clients,
    limitBytes,
    alive: false,
    failure: null,
    readySeconds: null,
    rssBytes: null,
    maxUsageBytes: null,
    failcnt: null,
    oomKills: null,
    scrapeBytes: null,
    scrapeSeries: null,
    scrapeMs: null,
    firstPollCallsPer1000Clients: null,
    callsPerHourPer1000Clients: null,
  };
  try {
    for (let i = 0; i < orgs; i++)
      sims.push(
        await startChild<{ url: string }>('simulator', {
          extraClients: clientsPerOrg,
          trafficRpm: 1,
          limit: 300,
        }),
      );
    const file = join(dir, 'orgs.json');
    const entries = sims.map((sim, i) => ({
      name: `bench-${i}`,
      apiBaseUrl: sim.info.url,
      loginBaseUrl: sim.info.url,
      clientId: BENCH_AGENT.clientId,
      clientSecret: BENCH_AGENT.clientSecret,
    }));
    writeFileSync(file, JSON.stringify({ orgs: entries }));
    const env = agentEnv(null, { AGENT_CONFIG_FILE: file });
    const t0 = performance.now();
    const agent = await startShippedAgent(env, { gateway: false, ...(cgroup ? { cgroup } : {}) });
    try {
      await waitReady(agent.url, 600_000);
      result.readySeconds = Math.round((performance.now() - t0) / 100) / 10;
      // The calls until ready are one poll of every source (bench/lib/own-calls.ts).
      const rows = (await Promise.all(sims.map((s) => simCalls(s.info.url)))).flatMap((c) => c.routes);
      const per1000 = (n: number) => Math.round((n / clients) * 1000 * 100) / 100;
      result.firstPollCallsPer1000Clients = per1000(rows.reduce((a, r) => a + r.count, 0));
      result.callsPerHourPer1000Clients = per1000(perHour(rows, rows).reduce((a, r) => a + r.perHour, 0));
      const scrapes = [];
      for (let i = 0; i < profile.orgs.scrapes; i++) scrapes.push(await scrapeMetrics(agent.url));
      result.scrapeBytes = scrapes.at(-1)!.bytes;
      result.scrapeSeries = scrapes.at(-1)!.series;
      result.scrapeMs = spreadOf(scrapes.map((s) => Math.round(s.ms)));
      result.rssBytes = agent.proc.stats().rssBytes;
      result.alive = agent.proc.ended() === null;
    } catch (err) {
      result.failure = failureOf(agent.proc, err);
    } finally {
      if (cgroup) {
        const r = cgroup.read();
        Object.assign(result, { maxUsageBytes: r.maxUsageBytes, failcnt: r.failcnt, oomKills: r.oomKills });
      }
      await agent.proc.stop();
    }
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
    cgroup?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export async function orgsSuite(profile: Profile): Promise<OrgsCase[]> {
  const out: OrgsCase[] = [];
  for (const [orgs, clientsPerOrg] of profile.orgs.sizes)
    out.push(await oneCase(profile, orgs, clientsPerOrg));
  return out;
}
