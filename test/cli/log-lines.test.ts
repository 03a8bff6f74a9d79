/**
 * The agent's JSON log lines name each field once: `org` used to be bound on the org's logger and
 * also written by the client and pollers, so every line of theirs carried it twice.
 *
 * @module-tag system
 */
import { describe, expect, it } from 'vitest';
import { freePort, spawnCli, waitFor } from '../helpers/spawn-agent.js';

/** Top-level keys of a flat JSON log line, in order, duplicates kept (JSON.parse would drop them). */
function rawKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && line[j + 1] === ':') keys.push(line.slice(i + 1, j));
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

describe('JSON log lines', () => {
  it('carry "org" once, on the client, poller and gateway lines alike', async () => {
    const dead = await freePort();
    const agent = spawnCli(['run'], {
      GENESYS_API_BASE_URL: `http://127.0.0.1:${dead}`,
      GENESYS_LOGIN_BASE_URL: `http://127.0.0.1:${dead}`,
      GENESYS_CLIENT_ID: 'agent-client',
      GENESYS_CLIENT_SECRET: 'agent-secret',
      GENESYS_ORG_NAME: 'acme',
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: '0',
      AGENT_GATEWAY_PORT: '0',
    });
    try {
      // Nothing answers at the Genesys hosts: the client's retry line and a source's failure follow.
      await waitFor(
        async () =>
          /gateway listening/.test(agent.stderr()) &&
          /retrying in/.test(agent.stderr()) &&
          /source failing|could not list OAuth clients/.test(agent.stderr())
            ? true
            : undefined,
        20_000,
        'gateway, client and source log lines',
      );
    } finally {
      await agent.stop();
    }
    const lines = agent
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const withOrg = lines.filter((l) => rawKeys(l).includes('org'));
    expect(withOrg.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const keys = rawKeys(line);
      expect(keys, line).toEqual([...new Set(keys)]);
    }
    for (const line of withOrg) expect(JSON.parse(line).org, line).toBe('acme');
    expect(agent.stderr()).not.toContain('agent-secret');
  });
});
