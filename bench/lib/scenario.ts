/**
 * The simulator scenario the benchmarks run against: the simulator limits each token to 300/min,
 * which would turn a throughput run into a 429 run, so the per-token limit is raised to 10⁸/min.
 * Load clients have no background traffic, so only the benchmark's own requests reach it.
 */
import type { ScenarioInput } from '../../src/simulator/index.js';

export const BENCH_AGENT = { clientId: 'bench-agent', clientSecret: 'bench-agent-secret' };
export const LOAD_CLIENT = { id: 'bench-load', secret: 'bench-load-secret' };
const HIGH_LIMIT = 100_000_000;

export function loadClientId(i: number): string {
  return `bench-client-${String(i).padStart(5, '0')}`;
}

export interface BenchScenarioOptions {
  extraClients?: number;
  limit?: number;
  /** Background traffic of each extra client (req/min), so it has usage series; none by default. */
  trafficRpm?: number;
}

export function benchScenario(opts: BenchScenarioOptions = {}): ScenarioInput {
  const traffic = opts.trafficRpm ? { traffic: { profile: 'steady' as const, rpm: opts.trafficRpm } } : {};
  const extra = Array.from({ length: opts.extraClients ?? 0 }, (_, i) => ({
    id: loadClientId(i),
    name: `Bench Client ${i}`,
    secret: `${loadClientId(i)}-secret`,
    ...traffic,
  }));
  return {
    name: 'bench',
    org: { id: '00000000-0000-4000-8000-00000000be0c', name: 'Bench Org' },
    agent: BENCH_AGENT,
    clients: [{ id: LOAD_CLIENT.id, name: 'Bench Load', secret: LOAD_CLIENT.secret }, ...extra],
    // 10 000 clients in 20 pages, not 400: the agent's own call budget would spend minutes listing them.
    clientsPageSize: 500,
    // Little history keeps the agent's first usage poll cheap; the figures here are about the live path.
    usage: { publication: 'daily', historyDays: 2 },
    limits: { 'client.credentials.token.rate.per.minute': opts.limit ?? HIGH_LIMIT },
  };
}
