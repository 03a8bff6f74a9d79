/**
 * Gateway overhead: the same load against the simulator directly, through the agent's gateway
 * (measurement on, shaping off and on), and through nginx as a plain reverse proxy. Each proxy
 * runs in its own process; the load generator and the simulator run in two more.
 */
import type { PacedArgs, PacedResult, SaturateArgs, SaturateResult } from '../children/loadgen.js';
import { agentEnv, type AgentInfo } from '../lib/agent-env.js';
import { login, mapLimit, waitReady } from '../lib/http.js';
import { startChild, type BenchChild, type ProcessStats } from '../lib/ipc.js';
import { startNginx, nginxBinary } from '../lib/nginx.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult, GatewayCase } from '../lib/result.js';
import { LOAD_CLIENT } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';

export const LOAD_PATH = '/api/v2/users?pageSize=1';
type CaseName = GatewayCase['name'];

interface Proxy {
  url: string;
  cpuMicros(): Promise<number | null>;
  peakRssBytes(): Promise<number | null>;
  stop(): Promise<void>;
}

async function startProxy(name: CaseName, simUrl: string): Promise<Proxy> {
  if (name === 'direct') {
    return { url: simUrl, cpuMicros: async () => null, peakRssBytes: async () => null, stop: async () => {} };
  }
  if (name === 'nginx') {
    const nginx = await startNginx(simUrl);
    return {
      url: nginx.url,
      cpuMicros: async () => nginx.stats().cpuMicros,
      peakRssBytes: async () => nginx.stats().maxRssBytes,
      stop: () => nginx.stop(),
    };
  }
  const agent: BenchChild<AgentInfo> = await startChild(
    'agent',
    {},
    agentEnv(simUrl, {
      AGENT_GATEWAY_PORT: '0',
      AGENT_GATEWAY_SHAPING: name === 'gateway-shaping' ? 'smooth' : 'off',
    }),
  );
  // Shaping reads the per-token limit from the limits source: wait until every source has polled once.
  await waitReady(agent.info.url);
  return {
    url: agent.info.gatewayUrl!,
    cpuMicros: async () => (await agent.stats()).cpuMicros,
    peakRssBytes: async () => (await agent.stats()).maxRssBytes,
    stop: () => agent.stop(),
  };
}

/** Runs one phase and reads the CPU the proxy and the simulator spent on it. */
async function measured<T>(
  proxy: Proxy,
  sim: BenchChild<unknown>,
  run: () => Promise<T>,
): Promise<{ result: T; proxyCpuPercent: number | null; upstreamCpuPercent: number }> {
  const [p0, s0] = await Promise.all([proxy.cpuMicros(), sim.stats()]);
  const t0 = performance.now();
  const result = await run();
  const wallMicros = (performance.now() - t0) * 1000;
  const [p1, s1]: [number | null, ProcessStats] = await Promise.all([proxy.cpuMicros(), sim.stats()]);
  return {
    result,
    proxyCpuPercent: p0 === null || p1 === null ? null : round3(((p1 - p0) / wallMicros) * 100),
    upstreamCpuPercent: round3(((s1.cpuMicros - s0.cpuMicros) / wallMicros) * 100),
  };
}

async function runCase(
  name: CaseName,
  profile: Profile,
  sim: BenchChild<{ url: string }>,
  loadgen: BenchChild<unknown>,
): Promise<GatewayCase> {
  const g = profile.gateway;
  const proxy = await startProxy(name, sim.info.url);
  try {
    // Tokens are minted through the endpoint under test, so the gateway learns them as it would in production.
    const tokens = await mapLimit(Array.from({ length: g.tokens }), 4, () =>
      login(proxy.url, LOAD_CLIENT.id, LOAD_CLIENT.secret),
    );
    const base = { url: proxy.url, path: LOAD_PATH, tokens };
    if (g.warmupS > 0)
      await loadgen.call<SaturateResult>('saturate', {
        ...base,
        connections: g.connections,
        durationS: g.warmupS,
      } satisfies SaturateArgs);
    const sat = await measured(proxy, sim, () =>
      loadgen.call<SaturateResult>('saturate', {
        ...base,
        connections: g.connections,
        durationS: g.saturationS,
      } satisfies SaturateArgs),
    );
    const fixed = [];
    for (const rate of g.rates) {
      const p = await measured(proxy, sim, () =>
        loadgen.call<PacedResult>('paced', {
          ...base,
          rate,
          durationS: g.fixedS,
          warmupS: g.warmupS,
          connections: 64,
        } satisfies PacedArgs),
      );
      fixed.push({
        offeredPerSecond: p.result.offeredPerSecond,
        requestsPerSecond: p.result.achievedPerSecond,
        non2xx: p.result.non2xx,
        errors: p.result.errors,
        latency: p.result.latency,
        proxyCpuPercent: p.proxyCpuPercent,
        upstreamCpuPercent: p.upstreamCpuPercent,
      });
    }
    return {
      name,
      skipped: null,
      saturation: {
        requestsPerSecond: sat.result.requestsPerSecond,
        non2xx: sat.result.non2xx,
        errors: sat.result.errors,
        latency: sat.result.latency,
        proxyCpuPercent: sat.proxyCpuPercent,
        upstreamCpuPercent: sat.upstreamCpuPercent,
      },
      fixed,
      proxyPeakRssBytes: await proxy.peakRssBytes(),
    };
  } finally {
    await proxy.stop();
  }
}

export async function gatewaySuite(profile: Profile): Promise<BenchResult['gateway']> {
  if (profile.nginx) nginxBinary(); // fail before any work when nginx is missing
  const sim = await startChild<{ url: string }>('simulator', {});
  const loadgen = await startChild<unknown>('loadgen', {});
  const cases: GatewayCase[] = [];
  try {
    for (const name of ['direct', 'gateway', 'nginx', 'gateway-shaping'] as const) {
      if (name === 'nginx' && !profile.nginx) {
        cases.push({
          name,
          skipped: 'run without nginx (--no-nginx)',
          saturation: null,
          fixed: [],
          proxyPeakRssBytes: null,
        });
        continue;
      }
      process.stderr.write(`bench: gateway case ${name}\n`);
      cases.push(await runCase(name, profile, sim, loadgen));
    }
  } finally {
    await Promise.all([sim.stop(), loadgen.stop()]);
  }
  const sat = (n: CaseName) => cases.find((c) => c.name === n)?.saturation?.requestsPerSecond ?? null;
  const pct = (n: CaseName, rate: number, key: 'p50Ms' | 'p99Ms') =>
    cases.find((c) => c.name === n)?.fixed.find((f) => f.offeredPerSecond === rate)?.latency[key] ?? null;
  const added = (n: CaseName, rate: number, key: 'p50Ms' | 'p99Ms') => {
    const a = pct(n, rate, key);
    const d = pct('direct', rate, key);
    return a === null || d === null ? null : round3(a - d);
  };
  const addedRows = (key: 'p50Ms' | 'p99Ms') =>
    profile.gateway.rates.map((rate) => ({
      offeredPerSecond: rate,
      gateway: added('gateway', rate, key),
      gatewayShaping: added('gateway-shaping', rate, key),
      nginx: added('nginx', rate, key),
    }));
  return {
    path: LOAD_PATH,
    tokens: profile.gateway.tokens,
    connections: profile.gateway.connections,
    cases,
    ratios: {
      gatewayToNginxThroughput: ratio(sat('gateway'), sat('nginx')),
      gatewayToDirectThroughput: ratio(sat('gateway'), sat('direct')),
      shapingToNginxThroughput: ratio(sat('gateway-shaping'), sat('nginx')),
      shapingToDirectThroughput: ratio(sat('gateway-shaping'), sat('direct')),
      nginxToDirectThroughput: ratio(sat('nginx'), sat('direct')),
    },
    addedP50Ms: addedRows('p50Ms'),
    addedP99Ms: addedRows('p99Ms'),
  };
}
