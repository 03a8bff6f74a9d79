/**
 * What a replica tells Prometheus about its shard: which shard it is, every configured org, and
 * the orgs it polls — also when it owns none (it still starts, is ready and serves /metrics), and
 * none when it runs no pollers (a gateway-only replica is no second poller).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { shardOfOrg } from '../../src/config/shard.js';
import { ManualScheduler } from '../helpers/clock.js';
import { parseProm, samplesOf } from '../helpers/prom-text.js';

const dir = mkdtempSync(join(tmpdir(), 'gua-shard-metrics-'));
const file = join(dir, 'orgs.yaml');
// Unreachable hosts: a replica that owns the org would fail to poll, one that does not never calls.
writeFileSync(
  file,
  'orgs:\n  - { name: solo, apiBaseUrl: http://127.0.0.1:9, loginBaseUrl: http://127.0.0.1:9, clientId: c, clientSecret: s }\n',
);
let agent: RunningAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function metrics(env: NodeJS.ProcessEnv) {
  const config = loadConfig({ AGENT_CONFIG_FILE: file, AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', ...env });
  // Timers never fire: the owner's first poll (of an unreachable host) is not what this is about.
  agent = await startAgent(config, { logger: pino({ level: 'silent' }), scheduler: new ManualScheduler() });
  const ready = await fetch(`${agent.url}/readyz`);
  const samples = parseProm(await (await fetch(`${agent.url}/metrics`)).text());
  return { ready: ready.status, samples };
}

describe('shard self-metrics', () => {
  it('a replica that owns no org is ready, reports its shard and the configured org, and owns nothing', async () => {
    const idle = [0, 1, 2, 3].find((i) => shardOfOrg('solo', 4) !== i)!;
    const { ready, samples } = await metrics({ AGENT_SHARD: `${idle}/4` });
    expect(ready).toBe(200);
    expect(samplesOf(samples, 'genesys_agent_shard_info').map((s) => s.labels)).toEqual([
      { shard: String(idle), shards: '4' },
    ]);
    expect(samplesOf(samples, 'genesys_agent_org_configured').map((s) => s.labels)).toEqual([
      { org: 'solo' },
    ]);
    expect(samplesOf(samples, 'genesys_agent_org_owned')).toEqual([]);
  });

  it('the owner exports the org as owned by its shard; with AGENT_POLL=none it owns nothing', async () => {
    const owner = String(shardOfOrg('solo', 4));
    const { samples } = await metrics({ AGENT_SHARD: `${owner}/4` });
    expect(samplesOf(samples, 'genesys_agent_org_owned').map((s) => [s.labels, s.value])).toEqual([
      [{ org: 'solo', shard: owner }, 1],
    ]);
    await agent!.close();
    const gatewayOnly = await metrics({ AGENT_SHARD: `${owner}/4`, AGENT_POLL: 'none' });
    expect(samplesOf(gatewayOnly.samples, 'genesys_agent_org_owned')).toEqual([]);
    expect(samplesOf(gatewayOnly.samples, 'genesys_agent_org_configured')).toHaveLength(1);
  });
});
