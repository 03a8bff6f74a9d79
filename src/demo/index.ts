/**
 * Demo mode's one entry: with no credentials configured, the orgs are the embedded simulator's
 * demo org. The simulator and the rest of src/demo/ are imported here dynamically and only in demo
 * mode, so `run`, `once` and `doctor` against a real org never load them
 * (test/agent/optional-modules.test.ts).
 */
import { randomBytes } from 'node:crypto';
import type { AgentConfig, OrgConfig } from '../config/config.js';
import { SETTINGS } from '../config/settings.js';
import type { Scheduler } from '../lifecycle/scheduler.js';
import type { RunningSimulator } from '../simulator/index.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';

export interface ResolvedOrgs {
  orgs: OrgConfig[];
  /** The configured gateway; in demo mode a loopback one when none is configured. */
  gateway: AgentConfig['gateway'];
  /** The configured events token; in demo mode a generated one when none is configured. */
  eventsToken: string | null;
  simulator: RunningSimulator | null;
  /** Demo mode: real HTTP traffic through the started gateway, so the live panels move. */
  traffic(
    gatewayUrl: string | null,
    deps: { logger?: Logger; scheduler?: Scheduler },
  ): { stop(): Promise<void> } | null;
  /** Stops the simulator, if any; idempotent. */
  close(): Promise<void>;
}

export async function resolveOrgs(
  config: Pick<AgentConfig, 'mode' | 'orgs' | 'gateway' | 'eventsToken' | 'demoScenario' | 'port' | 'tls'>,
  /** pushToAgent: the simulator pushes EventBridge envelopes to this agent's /v1/events (`run`). */
  deps: { clock?: Clock; pushToAgent?: boolean } = {},
): Promise<ResolvedOrgs> {
  if (config.mode !== 'demo')
    return {
      orgs: config.orgs,
      gateway: config.gateway,
      eventsToken: config.eventsToken,
      simulator: null,
      traffic: () => null,
      close: async () => {},
    };
  const eventsToken = config.eventsToken ?? randomBytes(24).toString('base64url');
  // Pushed over plain HTTP only: the embedded simulator would not trust the operator's certificate.
  const push =
    deps.pushToAgent && config.port !== 0 && !config.tls
      ? { url: `http://127.0.0.1:${config.port}/v1/events`, token: eventsToken }
      : undefined;
  const [{ startSimulator }, { demoOrg }, { demoTrafficClients, startDemoTraffic }] = await Promise.all([
    import('../simulator/index.js'),
    import('./org.js'),
    import('./traffic.js'),
  ]);
  const simulator = await startSimulator({
    scenario: config.demoScenario,
    host: '127.0.0.1',
    port: 0,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(push ? { push } : {}),
  });
  let closed: Promise<void> | null = null;
  return {
    orgs: [demoOrg(simulator)],
    // The gateway is what makes the demo live; on a free loopback port unless configured.
    gateway: config.gateway ?? {
      port: 0,
      host: '127.0.0.1',
      shaping: 'off',
      maxConcurrentPerAddress: SETTINGS.gatewayMaxConcurrentPerAddress.default,
    },
    eventsToken,
    simulator,
    traffic: (gatewayUrl, opts) =>
      gatewayUrl === null
        ? null
        : startDemoTraffic({
            gatewayUrl,
            clients: demoTrafficClients(simulator.scenario),
            ...(deps.clock ? { clock: deps.clock } : {}),
            ...opts,
          }),
    close: () => (closed ??= simulator.close()),
  };
}
