import type { OrgConfig } from '../config/config.js';
import type { RunningSimulator } from '../simulator/index.js';

/** The demo org: the embedded simulator with its built-in agent credentials. */
export function demoOrg(sim: RunningSimulator): OrgConfig {
  return {
    name: 'demo',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: sim.scenario.agent.clientId,
    clientSecret: sim.scenario.agent.clientSecret,
    callBudgetPerMinute: 60,
    limitOverrides: {},
  };
}
