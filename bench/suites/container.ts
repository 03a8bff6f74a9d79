/**
 * Does the agent fit a container? The shipped agent with its gateway runs inside cgroup v1 memory
 * limits (128 MiB, 256 MiB) beside the same agent without a limit, against one simulator with
 * N OAuth clients: every client logs in through the gateway and sends a request (N tokens), the
 * N-client /metrics is scraped, then saturation load goes through each gateway in alternating
 * rounds. The kernel's own counters say whether the limit was hit and whether anything was killed.
 */
import { request } from 'undici';
import type { SaturateArgs, SaturateResult } from '../children/loadgen.js';
import { agentEnv } from '../lib/agent-env.js';
import { cgroupUnavailable, createMemoryCgroup, type MemoryCgroup } from '../lib/cgroup.js';
import { getStatus, login, mapLimit, waitReady } from '../lib/http.js';
import { startChild } from '../lib/ipc.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult, ContainerCase } from '../lib/result.js';
import { alternating, ratioSpread, spreadOf } from '../lib/rounds.js';
import { LOAD_CLIENT, loadClientId } from '../lib/scenario.js';
import { failureOf } from '../lib/process.js';
import { startShippedAgent, type ShippedAgent } from '../lib/shipped.js';
import { LOAD_PATH } from './gateway.js';

const MiB = 1024 * 1024;

interface Running {
  label: string;
  limitBytes: number | null;
  cgroup: MemoryCgroup | null;
  agent: ShippedAgent;
  scrapes: { status: number; bytes: number; ms: number }[];
  rssAfter: { idle: number; tokens: number; scrape: number };
  rps: (number | null)[];
  /** The phase that failed and how, or null. */
  failure: string | null;
}

async function scrape(url: string): Promise<{ status: number; bytes: number; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await request(`${url}/metrics`, { headersTimeout: 120_000, bodyTimeout: 120_000 });
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    return { status: res.statusCode, bytes, ms: Math.round(performance.now() - t0) };
  } catch {
    return { status: 0, bytes: 0, ms: Math.round(performance.now() - t0) };
  }
}

/** Ready, every client logs in and sends a request, then the big scrape; the phase that broke, if any. */
async function phases(r: Running, ids: string[], profile: Profile): Promise<string | null> {
  const phase = async (name: string, fn: () => Promise<void>): Promise<string | null> => {
    try {
      await fn();
      return null;
    } catch (err) {
      return `${name}: ${failureOf(r.agent.proc, err)}`;
    }
  };
  const gw = r.agent.gatewayUrl!;
  return (
    // The first usage poll reads every client's usage: the agent is ready once it has all of them.
    (await phase('ready', async () => {
      await waitReady(r.agent.url, 180_000);
      r.rssAfter.idle = r.agent.proc.stats().rssBytes;
    })) ??
    (await phase(`${ids.length} tokens`, async () => {
      await mapLimit(ids, 32, async (id) => {
        const token = await login(gw, id, `${id}-secret`);
        const status = await getStatus(`${gw}${LOAD_PATH}`, token);
        if (status !== 200) throw new Error(`request through the gateway for ${id} answered ${status}`);
      });
      r.rssAfter.tokens = r.agent.proc.stats().rssBytes;
    })) ??
    (await phase('scrape', async () => {
      for (let i = 0; i < profile.container.scrapes; i++) {
        const s = await scrape(r.agent.url);
        r.scrapes.push(s);
        if (s.status !== 200) throw new Error(`scrape ${i + 1} answered ${s.status || 'nothing'}`);
      }
      r.rssAfter.scrape = r.agent.proc.stats().rssBytes;
    }))
  );
}

/** The last line a dead agent wrote (its fatal error), without anything that could be a secret. */
function lastLine(stderr: string): string {
  const line = stderr.trim().split('\n').at(-1) ?? '';
  return line.replace(/(Bearer|Basic)\s+\S+/gi, '$1 …').slice(0, 300);
}

export async function containerSuite(profile: Profile): Promise<BenchResult['container']> {
  const why = cgroupUnavailable();
  if (why) return { skipped: why, clients: profile.container.clients, cases: [], rounds: 0 };
  const n = profile.container.clients;
  const sim = await startChild<{ url: string }>('simulator', { extraClients: n });
  const loadgen = await startChild<unknown>('loadgen', {});
  const running: Running[] = [];
  try {
    for (const limitMiB of [...profile.container.limitsMiB, null]) {
      const label = limitMiB === null ? 'no limit' : `${limitMiB} MiB`;
      const cgroup = limitMiB === null ? null : createMemoryCgroup(`${limitMiB}m`, limitMiB * MiB);
      // Every client gets gateway series of its own (the default cap is 2 000): the worst case.
      const agent = await startShippedAgent(agentEnv(sim.info.url, { AGENT_MAX_CLIENTS: String(n) }), {
        gateway: true,
        ...(cgroup ? { cgroup } : {}),
      });
      running.push({
        label,
        limitBytes: cgroup?.limitBytes ?? null,
        cgroup,
        agent,
        scrapes: [],
        rssAfter: { idle: 0, tokens: 0, scrape: 0 },
        rps: [],
        failure: null,
      });
    }
    const ids = Array.from({ length: n }, (_, i) => loadClientId(i));
    for (const r of running) {
      process.stderr.write(`bench: container ${r.label}: ready, ${n} tokens, ${n}-client scrape\n`);
      r.failure = await phases(r, ids, profile);
    }
    const tokens = new Map<Running, string[]>();
    for (const r of running.filter((x) => x.failure === null)) {
      try {
        tokens.set(
          r,
          await mapLimit(Array.from({ length: profile.gateway.tokens }), 4, () =>
            login(r.agent.gatewayUrl!, LOAD_CLIENT.id, LOAD_CLIENT.secret),
          ),
        );
      } catch (err) {
        r.failure = `load tokens: ${failureOf(r.agent.proc, err)}`;
      }
    }
    for (const { round, item } of alternating(
      running.filter((x) => tokens.has(x)),
      profile.container.rounds,
    )) {
      process.stderr.write(`bench: container round ${round + 1}/${profile.container.rounds} ${item.label}\n`);
      const sat = await loadgen.call<SaturateResult>('saturate', {
        url: item.agent.gatewayUrl!,
        path: LOAD_PATH,
        tokens: tokens.get(item)!,
        connections: profile.gateway.connections,
        durationS: profile.container.saturationS,
      } satisfies SaturateArgs);
      const ended = item.agent.proc.ended();
      if (ended) item.failure ??= `died under saturation load (${ended.code ?? ended.signal})`;
      item.rps.push(ended ? null : sat.requestsPerSecond);
      // A scrape during the load as Prometheus would: it must be answered too.
      item.scrapes.push(await scrape(item.agent.url));
    }
    const unlimited = running.find((r) => r.limitBytes === null)!;
    const cases: ContainerCase[] = running.map((r) => {
      const cg = r.cgroup?.read() ?? null;
      const end = r.agent.proc.ended();
      const stats = end ? null : r.agent.proc.stats();
      return {
        label: r.label,
        limitBytes: r.limitBytes,
        alive: end === null,
        exit: end ? String(end.code ?? end.signal) : null,
        failure: r.failure,
        lastLogLine: end ? lastLine(r.agent.proc.stderr()) : null,
        failcnt: cg?.failcnt ?? null,
        oomKills: cg?.oomKills ?? null,
        underOom: cg?.underOom ?? null,
        maxUsageBytes: cg?.maxUsageBytes ?? null,
        peakRssBytes: stats?.maxRssBytes ?? null,
        rssIdleBytes: r.rssAfter.idle,
        rssTokensBytes: r.rssAfter.tokens,
        rssScrapeBytes: r.rssAfter.scrape,
        scrapes: r.scrapes.length,
        scrapesAnswered: r.scrapes.filter((s) => s.status === 200).length,
        scrapeBytes: Math.max(0, ...r.scrapes.map((s) => s.bytes)),
        scrapeMs: spreadOf(r.scrapes.filter((s) => s.status === 200).map((s) => s.ms)),
        requestsPerSecond: spreadOf(r.rps),
        throughputToUnlimited: r === unlimited ? null : ratioSpread(r.rps, unlimited.rps),
      };
    });
    return { skipped: null, clients: n, cases, rounds: profile.container.rounds };
  } finally {
    await Promise.all([...running.map((r) => r.agent.proc.stop()), sim.stop(), loadgen.stop()]);
    for (const r of running) r.cgroup?.remove();
  }
}
