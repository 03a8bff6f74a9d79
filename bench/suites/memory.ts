/**
 * Agent memory: RSS and heap when idle, once N OAuth clients have each sent a request through the
 * gateway (and the clients list names them), and once they hold N × k active tokens.
 */
import { agentEnv, type AgentInfo } from '../lib/agent-env.js';
import { getStatus, login, mapLimit, waitReady } from '../lib/http.js';
import { startChild, type BenchChild } from '../lib/ipc.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult } from '../lib/result.js';
import { loadClientId } from '../lib/scenario.js';
import { LOAD_PATH } from './gateway.js';

type Point = BenchResult['memory']['idle'];

async function point(agent: BenchChild<AgentInfo>, clients: number, tokens: number): Promise<Point> {
  // A scrape builds every family once, as Prometheus would every 15-60 s.
  const status = await getStatus(`${agent.info.url}/metrics`);
  if (status !== 200) throw new Error(`agent /metrics answered ${status}`);
  const s = await agent.settledStats();
  return {
    rssBytes: s.rssBytes,
    heapUsedBytes: s.heapUsedBytes,
    heapTotalBytes: s.heapTotalBytes,
    externalBytes: s.externalBytes,
    maxRssBytes: s.maxRssBytes,
    clients,
    tokens,
  };
}

export async function memorySuite(profile: Profile): Promise<BenchResult['memory']> {
  const { clients: n, tokensPerClient: k } = profile.memory;
  const sim = await startChild<{ url: string }>('simulator', { extraClients: n });
  const agent = await startChild<AgentInfo>('agent', {}, agentEnv(sim.info.url, { AGENT_GATEWAY_PORT: '0' }));
  try {
    await waitReady(agent.info.url);
    const gw = agent.info.gatewayUrl!;
    const idle = await point(agent, 0, 0);
    const ids = Array.from({ length: n }, (_, i) => loadClientId(i));
    const useTokens = (round: number) =>
      mapLimit(ids, 32, async (id) => {
        const token = await login(gw, id, `${id}-secret`);
        const status = await getStatus(`${gw}${LOAD_PATH}`, token);
        if (status !== 200)
          throw new Error(`request through the gateway for ${id} (round ${round}) answered ${status}`);
      });
    process.stderr.write(`bench: memory with ${n} clients\n`);
    await useTokens(0);
    const clients = await point(agent, n, n);
    process.stderr.write(`bench: memory with ${n * k} tokens\n`);
    for (let round = 1; round < k; round++) await useTokens(round);
    const tokens = await point(agent, n, n * k);
    return { idle, clients, tokens };
  } finally {
    await Promise.all([agent.stop(), sim.stop()]);
  }
}
