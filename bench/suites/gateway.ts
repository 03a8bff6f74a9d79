/**
 * Gateway overhead, in alternating rounds: the same load against the simulator directly, through
 * the floor proxy (node:http + undici, no measurement), the agent's gateway as shipped
 * (measurement and endpoint attribution on; shaping off and on) and nginx. Every proxy runs in its
 * own process and all are started before the first round, so each round sees the same machine for
 * every case.
 */
import { fileURLToPath } from 'node:url';
import type { PacedArgs, PacedResult, SaturateArgs, SaturateResult } from '../children/loadgen.js';
import { agentEnv } from '../lib/agent-env.js';
import { getStatus, login, mapLimit, waitReady } from '../lib/http.js';
import { startChild, type BenchChild } from '../lib/ipc.js';
import { startNginx, nginxBinary } from '../lib/nginx.js';
import { freePort, startMeasured } from '../lib/process.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult, GatewayCaseName, GatewayRound } from '../lib/result.js';
import { alternating, ratioSpread, spreadOf } from '../lib/rounds.js';
import { LOAD_CLIENT } from '../lib/scenario.js';
import { startShippedAgent } from '../lib/shipped.js';
import { round3 } from '../lib/stats.js';
import { NODE_FLAGS } from '../../src/runtime/node-flags.js';

/** An id and a query: the gateway's endpoint attribution (always on) matches `/api/v2/users/{userId}`. */
export const LOAD_PATH = '/api/v2/users/6f1c1f0e-1d2a-4b4b-9b8e-0d1c2b3a4f5e?expand=presence';
const CASES = ['direct', 'floor', 'gateway', 'gateway-shaping', 'nginx'] as const;

interface Proxy {
  name: GatewayCaseName;
  url: string;
  /** CPU of the proxy process (tree) so far; null for direct. */
  cpuMicros(): number | null;
  peakRssBytes(): number | null;
  stop(): Promise<void>;
}

const FLOOR_PROXY = fileURLToPath(new URL('../children/floor-proxy.js', import.meta.url));

async function startProxy(name: GatewayCaseName, simUrl: string): Promise<Proxy> {
  switch (name) {
    case 'direct':
      return { name, url: simUrl, cpuMicros: () => null, peakRssBytes: () => null, stop: async () => {} };
    case 'nginx': {
      const nginx = await startNginx(simUrl);
      return {
        name,
        url: nginx.url,
        cpuMicros: () => nginx.stats().cpuMicros,
        peakRssBytes: () => nginx.stats().maxRssBytes,
        stop: () => nginx.stop(),
      };
    }
    case 'floor': {
      const port = await freePort();
      // The floor runs with the same Node flags as the shipped agent: GC settings move both alike.
      const proc = startMeasured(process.execPath, [...NODE_FLAGS, FLOOR_PROXY, simUrl, String(port)]);
      const url = `http://127.0.0.1:${port}`;
      const deadline = performance.now() + 10_000;
      while ((await getStatus(`${url}/`).catch(() => 0)) === 0) {
        if (proc.ended() || performance.now() > deadline)
          throw new Error(`floor proxy did not start: ${proc.stderr().trim()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return {
        name,
        url,
        cpuMicros: () => proc.stats().cpuMicros,
        peakRssBytes: () => proc.stats().maxRssBytes,
        stop: () => proc.stop(),
      };
    }
    case 'gateway':
    case 'gateway-shaping': {
      const agent = await startShippedAgent(
        agentEnv(simUrl, { AGENT_GATEWAY_SHAPING: name === 'gateway-shaping' ? 'smooth' : 'off' }),
        { gateway: true },
      );
      // Shaping reads the per-token limit from the limits source: wait until every source has polled once.
      await waitReady(agent.url);
      return {
        name,
        url: agent.gatewayUrl!,
        cpuMicros: () => agent.proc.stats().cpuMicros,
        peakRssBytes: () => agent.proc.stats().maxRssBytes,
        stop: () => agent.proc.stop(),
      };
    }
  }
}

async function oneRound(
  round: number,
  proxy: Proxy,
  tokens: string[],
  profile: Profile,
  sim: BenchChild<{ url: string }>,
  loadgen: BenchChild<unknown>,
): Promise<GatewayRound> {
  const g = profile.gateway;
  const base = { url: proxy.url, path: LOAD_PATH, tokens };
  if (g.warmupS > 0)
    await loadgen.call<SaturateResult>('saturate', {
      ...base,
      connections: g.connections,
      durationS: g.warmupS,
    } satisfies SaturateArgs);
  const p0 = proxy.cpuMicros();
  const s0 = (await sim.stats()).cpuMicros;
  const t0 = performance.now();
  const sat = await loadgen.call<SaturateResult>('saturate', {
    ...base,
    connections: g.connections,
    durationS: g.saturationS,
  } satisfies SaturateArgs);
  const wallMicros = (performance.now() - t0) * 1000;
  const p1 = proxy.cpuMicros();
  const s1 = (await sim.stats()).cpuMicros;
  const proxyCpu = p0 === null || p1 === null ? null : p1 - p0;
  const paced = await loadgen.call<PacedResult>('paced', {
    ...base,
    rate: g.pacedRate,
    durationS: g.pacedS,
    warmupS: 0,
    connections: 64,
  } satisfies PacedArgs);
  return {
    round,
    case: proxy.name,
    requestsPerSecond: sat.requestsPerSecond,
    requests: sat.total,
    non2xx: sat.non2xx + paced.non2xx,
    errors: sat.errors + paced.errors,
    proxyCpuPercent: proxyCpu === null ? null : round3((proxyCpu / wallMicros) * 100),
    proxyCpuMicrosPerRequest: proxyCpu === null || sat.total === 0 ? null : round3(proxyCpu / sat.total),
    upstreamCpuPercent: round3(((s1 - s0) / wallMicros) * 100),
    paced: { offeredPerSecond: paced.offeredPerSecond, latency: paced.latency },
  };
}

export async function gatewaySuite(profile: Profile): Promise<BenchResult['gateway']> {
  if (profile.nginx) nginxBinary(); // fail before any work when nginx is missing
  const sim = await startChild<{ url: string }>('simulator', {});
  const loadgen = await startChild<unknown>('loadgen', {});
  const names = CASES.filter((n) => n !== 'nginx' || profile.nginx);
  const proxies: Proxy[] = [];
  const rounds: GatewayRound[] = [];
  const peaks = new Map<GatewayCaseName, number | null>();
  try {
    for (const name of names) proxies.push(await startProxy(name, sim.info.url));
    // Tokens are minted through each endpoint under test, so the gateway learns them as in production.
    const tokens = new Map<GatewayCaseName, string[]>();
    for (const p of proxies)
      tokens.set(
        p.name,
        await mapLimit(Array.from({ length: profile.gateway.tokens }), 4, () =>
          login(p.url, LOAD_CLIENT.id, LOAD_CLIENT.secret),
        ),
      );
    for (const { round, item } of alternating(proxies, profile.gateway.rounds)) {
      process.stderr.write(`bench: gateway round ${round + 1}/${profile.gateway.rounds} ${item.name}\n`);
      rounds.push(await oneRound(round, item, tokens.get(item.name)!, profile, sim, loadgen));
    }
  } finally {
    for (const p of proxies) peaks.set(p.name, p.peakRssBytes());
    await Promise.all([...proxies.map((p) => p.stop()), sim.stop(), loadgen.stop()]);
  }
  return summarizeGateway(profile, names, rounds, peaks);
}

/** Per-case medians and the per-round ratios the targets read (pure). */
function summarizeGateway(
  profile: Profile,
  names: readonly GatewayCaseName[],
  rounds: GatewayRound[],
  peaks: Map<GatewayCaseName, number | null>,
): BenchResult['gateway'] {
  const perRound = (name: GatewayCaseName, pick: (r: GatewayRound) => number | null) =>
    Array.from({ length: profile.gateway.rounds }, (_, i) => {
      const r = rounds.find((x) => x.round === i && x.case === name);
      return r ? pick(r) : null;
    });
  const cpu = (n: GatewayCaseName) => perRound(n, (r) => r.proxyCpuMicrosPerRequest);
  const rps = (n: GatewayCaseName) => perRound(n, (r) => r.requestsPerSecond);
  const p99 = (n: GatewayCaseName) => perRound(n, (r) => r.paced.latency.p99Ms);
  const added = (n: GatewayCaseName) => {
    const a = p99(n);
    const d = p99('direct');
    return spreadOf(a.map((x, i) => (x === null || d[i] == null ? null : x - d[i]!)));
  };
  return {
    path: LOAD_PATH,
    tokens: profile.gateway.tokens,
    connections: profile.gateway.connections,
    pacedRate: profile.gateway.pacedRate,
    roundsPlanned: profile.gateway.rounds,
    cases: CASES.map((name) => ({
      name,
      skipped: names.includes(name) ? null : 'run without nginx (--no-nginx)',
      requestsPerSecond: spreadOf(rps(name)),
      proxyCpuMicrosPerRequest: spreadOf(cpu(name)),
      pacedP99Ms: spreadOf(p99(name)),
      proxyPeakRssBytes: peaks.get(name) ?? null,
    })),
    rounds,
    ratios: {
      gatewayCpuToFloor: ratioSpread(cpu('gateway'), cpu('floor')),
      shapingCpuToFloor: ratioSpread(cpu('gateway-shaping'), cpu('floor')),
      floorCpuToNginx: ratioSpread(cpu('floor'), cpu('nginx')),
      gatewayCpuToNginx: ratioSpread(cpu('gateway'), cpu('nginx')),
      gatewayToFloorThroughput: ratioSpread(rps('gateway'), rps('floor')),
      gatewayToNginxThroughput: ratioSpread(rps('gateway'), rps('nginx')),
      floorToNginxThroughput: ratioSpread(rps('floor'), rps('nginx')),
      shapingToFloorThroughput: ratioSpread(rps('gateway-shaping'), rps('floor')),
    },
    addedP99Ms: {
      floor: added('floor'),
      gateway: added('gateway'),
      gatewayShaping: added('gateway-shaping'),
      nginx: added('nginx'),
    },
  };
}
