/**
 * The agent's own Genesys API calls at default settings: an idle agent (no gateway, default
 * cadences) against its own simulator for the whole benchmark run; the simulator counts every call.
 */
import { agentEnv } from '../lib/agent-env.js';
import { waitReady } from '../lib/http.js';
import { startChild } from '../lib/ipc.js';
import { startShippedAgent } from '../lib/shipped.js';
import { perHour, simCalls } from '../lib/own-calls.js';
import type { BenchResult } from '../lib/result.js';
import { BENCH_AGENT } from '../lib/scenario.js';

/** Genesys' default client-credentials limit per token, per minute. */
const CLIENT_LIMIT_PER_MINUTE = 300;

export interface OwnCallsRun {
  finish(): Promise<BenchResult['ownCalls']>;
}

export async function startOwnCalls(): Promise<OwnCallsRun> {
  const sim = await startChild<{ url: string }>('simulator', { limit: CLIENT_LIMIT_PER_MINUTE });
  const started = performance.now();
  const shipped = await startShippedAgent(agentEnv(sim.info.url), { gateway: false }).catch(
    async (err: unknown) => {
      await sim.stop();
      throw err;
    },
  );
  const agent = shipped.proc;
  try {
    await waitReady(shipped.url);
    // Ready = every source polled once; a moment more lets the first poll's trailing calls land.
    await new Promise((r) => setTimeout(r, 1_000));
  } catch (err) {
    await Promise.all([agent.stop(), sim.stop()]);
    throw err;
  }
  const first = await simCalls(sim.info.url);
  return {
    async finish() {
      try {
        const end = await simCalls(sim.info.url);
        const windowSeconds = Math.round((performance.now() - started) / 100) / 10;
        const byRoute = perHour(first.routes, end.routes);
        const perHourEstimate = Math.round(byRoute.reduce((a, r) => a + r.perHour, 0) * 10) / 10;
        const limitPerHour = CLIENT_LIMIT_PER_MINUTE * 60;
        const agentCalls = end.byCaller.find((c) => c.clientId === BENCH_AGENT.clientId)?.count ?? 0;
        return {
          method:
            'calls counted by the simulator (/__sim/calls) from an idle agent at default cadences; one poll of every source = calls until first ready; per hour = Σ per route (first-poll calls × 3600 / its source interval)',
          windowSeconds,
          observedTotal: agentCalls,
          firstPollCalls: first.total,
          byRoute,
          perHourEstimate,
          limitPerHour,
          sharePercent: Math.round((perHourEstimate / limitPerHour) * 100_000) / 1000,
        };
      } finally {
        await Promise.all([agent.stop(), sim.stop()]);
      }
    },
  };
}
