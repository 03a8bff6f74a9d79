/**
 * Sharding orgs over replicas (src/config/shard.ts): AGENT_SHARD=i/n or a StatefulSet ordinal,
 * refused with one line when it cannot be right; rendezvous hashing gives each org exactly one
 * shard, stays the same across versions, and moves only the orgs the added shard wins.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { configError } from '../helpers/config-error.js';
import { shardOfOrg } from '../../src/config/shard.js';

const dir = mkdtempSync(join(tmpdir(), 'gua-shard-'));
const names = (n: number) => Array.from({ length: n }, (_, i) => `org-${String(i).padStart(2, '0')}`);
const orgsFile = (orgs: string[]) => {
  const path = join(dir, `orgs-${orgs.length}.yaml`);
  const entries = orgs.map(
    (name) => `  - { name: ${name}, region: us_east_1, clientId: c, clientSecret: s }`,
  );
  writeFileSync(path, `orgs:\n${entries.join('\n')}\n`);
  return path;
};
const TWELVE = orgsFile(names(12));

describe('the replica’s shard', () => {
  it('polls only its share of the shared file, and every org is some shard’s, exactly once', () => {
    const owned = [0, 1, 2].map((i) =>
      loadConfig({ AGENT_CONFIG_FILE: TWELVE, AGENT_SHARD: `${i}/3` }).orgs.map((o) => o.name),
    );
    expect(owned.flat().sort()).toEqual(names(12));
    const first = loadConfig({ AGENT_CONFIG_FILE: TWELVE, AGENT_SHARD: '0/3' });
    expect(first.shard).toEqual({ index: 0, total: 3 });
    expect(first.configuredOrgs).toEqual(names(12));
    expect(first.mode).toBe('live');
  });

  it('takes i from a StatefulSet pod’s ordinal and n from AGENT_SHARD_TOTAL', () => {
    const c = loadConfig({
      AGENT_CONFIG_FILE: TWELVE,
      AGENT_SHARD_TOTAL: '3',
      AGENT_POD_NAME: 'gua-shard-2',
    });
    expect(c.shard).toEqual({ index: 2, total: 3 });
    expect(c.orgs.map((o) => o.name)).toEqual(
      loadConfig({ AGENT_CONFIG_FILE: TWELVE, AGENT_SHARD: '2/3' }).orgs.map((o) => o.name),
    );
  });

  it('is shard 0 of 1 (every org) when unsharded; a replica may own no org at all', () => {
    expect(loadConfig({ AGENT_CONFIG_FILE: TWELVE }).shard).toEqual({ index: 0, total: 1 });
    expect(loadConfig({ AGENT_CONFIG_FILE: TWELVE }).orgs).toHaveLength(12);
    const one = orgsFile(['solo']);
    const empty = [0, 1, 2, 3].map((i) => loadConfig({ AGENT_CONFIG_FILE: one, AGENT_SHARD: `${i}/4` }));
    expect(empty.filter((c) => c.orgs.length === 0)).toHaveLength(3);
    for (const c of empty) expect(c.mode).toBe('live');
  });

  it.each([
    [{ AGENT_SHARD: '3/3' }, /^AGENT_SHARD: "3\/3" is outside 0\.\.2; shards are numbered from 0 to n-1$/],
    [{ AGENT_SHARD: '0/0' }, /^AGENT_SHARD: "0\/0" has n = 0; n is the number of replicas, at least 1$/],
    [{ AGENT_SHARD: 'two of three' }, /^AGENT_SHARD: "two of three" is not i\/n; .* e\.g\. 0\/3$/],
    [
      { AGENT_SHARD_TOTAL: '0', AGENT_POD_NAME: 'a-0' },
      /^AGENT_SHARD_TOTAL: "0" is not a whole number between 1 and 999$/,
    ],
    [{ AGENT_SHARD_TOTAL: '3' }, /^AGENT_SHARD_TOTAL: needs this replica's ordinal; set AGENT_POD_NAME/],
    [
      { AGENT_SHARD_TOTAL: '3', AGENT_POD_NAME: 'gua-shard' },
      /^AGENT_POD_NAME: "gua-shard" does not end in -<ordinal>; run the agent as a StatefulSet or set AGENT_SHARD=i\/n$/,
    ],
    [
      { AGENT_SHARD_TOTAL: '3', AGENT_POD_NAME: 'gua-shard-3' },
      /^AGENT_POD_NAME: ordinal 3 is outside 0\.\.2; make AGENT_SHARD_TOTAL equal to the StatefulSet's replicas$/,
    ],
    [{ AGENT_POD_NAME: 'gua-shard-1' }, /^AGENT_POD_NAME: .*; set AGENT_SHARD_TOTAL too$/],
    [
      { AGENT_SHARD: '0/3', AGENT_SHARD_TOTAL: '3' },
      /^AGENT_SHARD_TOTAL: set either AGENT_SHARD=i\/n or AGENT_SHARD_TOTAL with AGENT_POD_NAME, not both$/,
    ],
  ])('refuses %o with one line naming the setting and the fix', (env, message) => {
    expect(configError({ AGENT_CONFIG_FILE: TWELVE, ...env })).toMatch(message);
  });

  it('refuses sharding with no orgs configured (demo mode)', () => {
    expect(configError({ AGENT_SHARD: '0/2' })).toMatch(/^AGENT_SHARD: sharding spreads the configured orgs/);
  });

  it('refuses a gateway on a sharded replica, which may not own the gateway’s org', () => {
    const one = orgsFile(names(1));
    for (const shard of ['0/2', '1/2'])
      expect(
        configError({ AGENT_CONFIG_FILE: one, AGENT_SHARD: shard, AGENT_GATEWAY_PORT: '18080' }),
      ).toMatch(/^AGENT_GATEWAY_PORT: the gateway stays with its one org/);
    expect(loadConfig({ AGENT_CONFIG_FILE: one, AGENT_GATEWAY_PORT: '18080' }).gateway).not.toBeNull();
  });
});

describe('rendezvous hashing', () => {
  const orgs = Array.from({ length: 2000 }, (_, i) => `org ${i}`);

  it('is stable across versions: the same names land on the same shards', () => {
    // Changing the hash reshuffles every deployment's orgs: this pins it.
    expect(names(6).map((o) => shardOfOrg(o, 3))).toMatchInlineSnapshot(`
      [
        0,
        0,
        0,
        0,
        2,
        0,
      ]
    `);
    expect(shardOfOrg('anything', 1)).toBe(0);
  });

  it('spreads orgs evenly, and adding a replica moves only the orgs the new shard wins (about 1/(n+1))', () => {
    for (const n of [1, 2, 3, 7]) {
      const before = orgs.map((o) => shardOfOrg(o, n));
      const after = orgs.map((o) => shardOfOrg(o, n + 1));
      const moved = orgs.flatMap((_, i) => (before[i] !== after[i] ? [after[i]] : []));
      expect(new Set(moved)).toEqual(new Set([n]));
      expect(moved.length / orgs.length).toBeGreaterThan(0.8 / (n + 1));
      expect(moved.length / orgs.length).toBeLessThan(1.2 / (n + 1));
      const counts = Array.from({ length: n + 1 }, (_, s) => after.filter((x) => x === s).length);
      for (const c of counts) expect(c / orgs.length).toBeGreaterThan(0.8 / (n + 1));
    }
  });

  it('removing any replica moves only that replica’s orgs', () => {
    // Shard 1 of 3 removed and the rest renumbered is not what a StatefulSet does; removing the
    // last one is: only its orgs move.
    const three = orgs.map((o) => shardOfOrg(o, 3));
    const two = orgs.map((o) => shardOfOrg(o, 2));
    for (const [i] of orgs.entries()) if (three[i] !== 2) expect(two[i]).toBe(three[i]);
  });
});
