/** Statements in the docs that code decides: each checked against the code that makes it true. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoRate, RAMP } from '../../src/demo/traffic.js';
import { HOT_UTILIZATION } from '../../src/model/thresholds.js';
import { loadScenario } from '../../src/simulator/index.js';
import { scenarioSchema } from '../../src/simulator/scenario.js';
import { DEFAULT_LOOKUP_WAIT_MS } from '../../src/sources/gateway/identity.js';

const doc = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
const flat = (name: string) => doc(name).replace(/\s+/g, ' ');

describe('claims in the docs', () => {
  it('gateway.md: how long a request waits for its token look-up', () => {
    expect(flat('docs/gateway.md')).toContain(
      `the request waits for it at most ${DEFAULT_LOOKUP_WAIT_MS} ms`,
    );
  });

  it("gateway.md: the demo ramp's figures and when the page can show it near the limit", () => {
    const text = flat('docs/gateway.md');
    const limit = 300;
    expect(text).toContain(
      `ramps from ${RAMP.startRpm} to ${RAMP.maxRpm} requests/min (${RAMP.stepRpm} more every ${RAMP.stepEveryMs / 1000} s)`,
    );
    const over = Array.from({ length: 600 }, (_, s) => s).find((s) => demoRate('ramp', s * 1000) >= limit)!;
    expect(text).toContain(`it reaches a ${limit} limit after ${over} s`);
    // The page shows the sliding 60 s count: near the limit within a minute, not at 30 s.
    const sliding = (t: number) =>
      Array.from({ length: 60 }, (_, i) => t - i - 1)
        .filter((s) => s >= 0)
        .reduce((sum, s) => sum + demoRate('ramp', s * 1000) / 60, 0);
    expect(sliding(over)).toBeLessThan(HOT_UTILIZATION * limit);
    expect(sliding(60)).toBeGreaterThanOrEqual(HOT_UTILIZATION * limit);
    expect(text).toContain('nears the limit within about a minute');
  });

  it('deployment.md: the simulator comes with the override file, and no compose profile exists', () => {
    expect(flat('docs/deployment.md')).not.toMatch(/compose profile/);
    expect(flat('docs/deployment.md')).toContain('`docker-compose.demo.yml` override file');
    for (const f of ['docker-compose.yml', 'docker-compose.demo.yml'])
      expect(doc(f)).not.toMatch(/^\s*profiles:/m);
    expect(doc('docker-compose.demo.yml')).toMatch(/^ {2}simulator:/m);
  });

  it("simulator.md: the demo clients' credentials are the demo scenario's", () => {
    const text = doc('docs/simulator.md');
    const table = text.slice(
      text.indexOf('<!-- demo-credentials:start -->'),
      text.indexOf('<!-- demo-credentials:end -->'),
    );
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim().replaceAll('`', '')),
      );
    const demo = loadScenario('demo');
    expect(rows).toEqual([
      ...demo.clients.map((c) => [c.name, c.id, c.secret]),
      ["the agent's own client", demo.agent.clientId, demo.agent.clientSecret],
    ]);
    const first = demo.clients[0]!;
    expect(text).toContain(`curl -s -u ${first.id}:${first.secret} -d grant_type=client_credentials`);
  });

  it('simulator.md: the required scenario keys are the schema’s', () => {
    const required = Object.entries(scenarioSchema.shape)
      .filter(([, s]) => !s.safeParse(undefined).success)
      .map(([k]) => k)
      .sort();
    expect(required).toEqual(['agent', 'org']);
    expect(flat('docs/simulator.md')).toContain(
      '`org` and `agent` are required; every other key is optional',
    );
  });
});
