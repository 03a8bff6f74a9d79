/** Programmatic entry of the Genesys Cloud API simulator (docs/simulator.md). */
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { buildSimulatorApp } from './app.js';
import { EventPusher } from './push.js';
import type { Scenario, ScenarioInput } from './scenario.js';
import { resolveScenario } from './scenarios/index.js';
import { SimWorld } from './world.js';

export { ScenarioError, type ScenarioInput } from './scenario.js';
export { BUILTIN_SCENARIOS, loadScenario } from './scenarios/index.js';
export type { Truth } from './truth.js';

export interface SimulatorOptions {
  /** Built-in name ('demo' default), a YAML/JSON file path, or an already-parsed object. */
  scenario?: string | ScenarioInput;
  port?: number;
  host?: string;
  seed?: number;
  /** All time in the simulator comes from it. */
  clock?: Clock;
  logger?: boolean;
  /** POST EventBridge envelopes of new operational events here (Bearer token). */
  push?: { url: string; token: string };
}

export interface RunningSimulator {
  url: string;
  port: number;
  scenario: Scenario;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const scenario = resolveScenario(opts.scenario);
  const world = new SimWorld(scenario, opts.clock ?? systemClock, opts.seed);
  let pusher: EventPusher | undefined;
  const app = buildSimulatorApp(world, { logger: opts.logger ?? false, onTraffic: () => pusher?.tick() });
  if (opts.push) {
    pusher = new EventPusher(world, opts.push, app.log);
    pusher.start();
  }
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    scenario,
    async close() {
      await pusher?.close();
      await app.close();
    },
  };
}
