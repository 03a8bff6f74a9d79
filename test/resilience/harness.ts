/** An org runtime (usage, limits, ratelimits) against the simulator, both on one FakeClock, polled by hand. */
import pino from 'pino';
import { StopStack } from '../../src/lifecycle/stop-stack.js';
import { agentFamilies } from '../../src/runtime/telemetry.js';
import { createOrgRuntime, type OrgRuntime } from '../../src/runtime/org.js';
import type { OrgConfig } from '../../src/config/config.js';
import { startSimulator, type RunningSimulator, type ScenarioInput } from '../../src/simulator/index.js';
import type { MetricFamily } from '../../src/telemetry/families.js';
import { setMode, type Mode } from '../helpers/sim-mode.js';
import { FakeClock } from '../helpers/clock.js';

export { MODES, type Mode } from '../helpers/sim-mode.js';

interface LogLine {
  level: number;
  msg: string;
  source?: string;
  [key: string]: unknown;
}

export const WARN = 40;
const AGENT_ID = 'simulator-agent';

export interface Harness {
  clock: FakeClock;
  sim: RunningSimulator;
  runtime: OrgRuntime;
  logs: LogLine[];
  budgetPerMinute: number;
  /** Runs every polling source once, one after another; failures are recorded in their health. */
  pollAll(): Promise<void>;
  families(): MetricFamily[];
  /** Requests the simulator received from the agent's own client. */
  agentCalls(): Promise<number>;
  fault(body: object): Promise<void>;
  clearFaults(): Promise<void>;
  /** Stops the simulator (the whole Genesys side goes away) and later brings it back on the same port. */
  stopSimulator(): Promise<void>;
  restartSimulator(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    scenario?: string | ScenarioInput;
    budgetPerMinute?: number;
    requestTimeoutMs?: number;
    mode?: Mode;
    startMs?: number;
  } = {},
): Promise<Harness> {
  const clock = new FakeClock(opts.startMs ?? Date.UTC(2026, 0, 15, 12, 0, 0));
  const scenario = opts.scenario ?? 'steady';
  const mode = opts.mode ?? 'full';
  let sim = await startSimulator({ clock, scenario });
  await setMode(sim.url, mode);
  const port = sim.port;
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'trace' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const budgetPerMinute = opts.budgetPerMinute ?? 30;
  const org: OrgConfig = {
    name: 'test',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: AGENT_ID,
    clientSecret: 'simulator-secret',
    callBudgetPerMinute: budgetPerMinute,
    limitOverrides: {},
  };
  const stack = new StopStack(logger);
  const runtime = await createOrgRuntime(org, {
    config: { usageIntervalMs: 15 * 60_000, ratelimitsIntervalMs: 60_000 },
    clock,
    logger,
    gateway: null,
    client: {
      requestTimeoutMs: opts.requestTimeoutMs ?? 800,
      // Waiting is moving the shared fake clock: retries, Retry-After and budget waits cost no real time.
      sleep: async (ms, signal) => {
        signal?.throwIfAborted();
        clock.advance(ms);
      },
      maxRetryAfterMs: 60_000,
      callDeadlineMs: 120_000,
      usageJobPoll: { initialMs: 1_000, maxMs: 5_000, timeoutMs: 30_000 },
    },
  });
  stack.push('genesys client', () => runtime.api.close());
  const polling = [runtime.usage, runtime.limits, runtime.ratelimits];
  let stopped = false;
  return {
    clock,
    get sim() {
      return sim;
    },
    runtime,
    logs,
    budgetPerMinute,
    async pollAll() {
      for (const s of polling) await s.runOnce().catch(() => {});
    },
    families: () => agentFamilies([runtime], clock.now()),
    async agentCalls() {
      const report = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as {
        byCaller: { clientId: string; count: number }[];
      };
      return report.byCaller.find((c) => c.clientId === AGENT_ID)?.count ?? 0;
    },
    async fault(body) {
      const res = await fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`fault rejected: ${await res.text()}`);
    },
    async clearFaults() {
      await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    },
    async stopSimulator() {
      stopped = true;
      await sim.close();
    },
    async restartSimulator() {
      sim = await startSimulator({ clock, scenario, port });
      await setMode(sim.url, mode);
      stopped = false;
    },
    async close() {
      for (const s of polling) await s.stop();
      await stack.close();
      if (!stopped) await sim.close();
    },
  };
}
