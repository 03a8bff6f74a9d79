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
  /** Each extra client calls three endpoints of ENDPOINT_POOL (bench/suites/endpoints.ts); one in ten bursts past its limit. */
  endpointMix?: boolean;
}

/** Real SDK templates (Usage API form, no leading slash) with the method each is called with. */
const ENDPOINT_POOL = [
  { templateUri: 'api/v2/users/{userId}', method: 'GET' },
  { templateUri: 'api/v2/users/me', method: 'GET' },
  { templateUri: 'api/v2/analytics/conversations/details/query', method: 'POST' },
  { templateUri: 'api/v2/routing/queues/{queueId}', method: 'GET' },
  { templateUri: 'api/v2/conversations/{conversationId}', method: 'GET' },
  { templateUri: 'api/v2/analytics/users/aggregates/query', method: 'POST' },
  { templateUri: 'api/v2/users', method: 'GET' },
  { templateUri: 'api/v2/groups/{groupId}', method: 'GET' },
] as const;

/** Client i's three endpoints (weights 6, 3, 1): neighbours in the pool, so the org sees all eight. */
export function endpointsOf(i: number): { templateUri: string; method: 'GET' | 'POST'; weight: number }[] {
  return [0, 1, 3].map((step, k) => ({
    ...ENDPOINT_POOL[(i + step) % ENDPOINT_POOL.length]!,
    weight: [6, 3, 1][k]!,
  }));
}

function trafficOf(i: number, opts: BenchScenarioOptions) {
  if (!opts.trafficRpm) return {};
  if (!opts.endpointMix) return { traffic: { profile: 'steady' as const, rpm: opts.trafficRpm } };
  // Every tenth client bursts to twice the per-token limit, so the daily figures carry 429s.
  const burst = i % 10 === 0 ? { profile: 'burst' as const, peakRpm: 2 * (opts.limit ?? HIGH_LIMIT) } : {};
  return {
    traffic: { profile: 'steady' as const, rpm: opts.trafficRpm, ...burst, endpoints: endpointsOf(i) },
  };
}

export function benchScenario(opts: BenchScenarioOptions = {}): ScenarioInput {
  const extra = Array.from({ length: opts.extraClients ?? 0 }, (_, i) => ({
    id: loadClientId(i),
    name: `Bench Client ${i}`,
    secret: `${loadClientId(i)}-secret`,
    ...trafficOf(i, opts),
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
