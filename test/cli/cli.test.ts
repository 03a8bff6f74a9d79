/** @module-tag system */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseProm, valueOf } from '../helpers/prom-text.js';
import { freePort, requireBuiltCli, spawnCli, waitFor } from '../helpers/spawn-agent.js';
import { loadScenario } from '../../src/simulator/index.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { expectedUsage, fetchTruth } from '../helpers/sim-truth.js';

function runCli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [requireBuiltCli(), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('CLI', () => {
  it('--version and --help', () => {
    const v = runCli(['--version'], {});
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = runCli(['--help'], {});
    expect(h.status).toBe(0);
    for (const cmd of ['run', 'simulate', 'once', 'doctor']) expect(h.stdout).toContain(cmd);
  });

  it.each([
    [{ GENESYS_CLIENT_ID: 'abc', GENESYS_REGION: 'us_east_1' }, 'GENESYS_CLIENT_SECRET'],
    [{ GENESYS_REGION: 'us_east_1' }, 'GENESYS_CLIENT_ID'],
    [{ AGENT_USAGE_INTERVAL: 'fortnightly' }, 'AGENT_USAGE_INTERVAL'],
    [
      { GENESYS_CLIENT_ID: 'abc', GENESYS_CLIENT_SECRET: 'xyz', GENESYS_REGION: 'atlantis' },
      'GENESYS_REGION',
    ],
    [
      {
        GENESYS_CLIENT_ID: 'abc',
        GENESYS_CLIENT_SECRET: 'xyz',
        GENESYS_REGION: 'us_east_1',
        AGENT_SHARD: '3/3',
      },
      'AGENT_SHARD',
    ],
    [
      {
        GENESYS_CLIENT_ID: 'abc',
        GENESYS_CLIENT_SECRET: 'xyz',
        GENESYS_REGION: 'us_east_1',
        AGENT_SHARD_TOTAL: '3',
        AGENT_POD_NAME: 'agent',
      },
      'AGENT_POD_NAME',
    ],
  ])('configuration error %o exits 2 with one line naming %s', (env, variable) => {
    const r = runCli(['run'], env);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('an unknown command exits 2', () => {
    expect(runCli(['frobnicate'], {}).status).toBe(2);
  });

  it.each([
    ['AGENT_PORT', 'AGENT_GATEWAY_PORT'],
    ['AGENT_GATEWAY_PORT', 'AGENT_PORT'],
  ])('a busy port names the setting that asked for it (%s), not %s', async (busySetting, other) => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as { port: number }).port;
    try {
      const env = {
        AGENT_HOST: '127.0.0.1',
        [other]: String(await freePort()),
        [busySetting]: String(taken),
      };
      const r = runCli(['run'], env);
      expect(r.status, r.stderr).toBe(2);
      // No warning before it, in demo mode too (the demo announcement waits until the agent
      // listens); a gateway failing after the agent port opened follows that port's info line.
      const lines = r.stderr.trim().split('\n');
      const line = lines.pop()!;
      expect(lines).toHaveLength(busySetting === 'AGENT_PORT' ? 0 : 1);
      for (const l of lines) expect(JSON.parse(l)).toMatchObject({ level: 30 });
      expect(line).toMatch(
        new RegExp(`^genesys-usage-agent: configuration error: ${busySetting}: .*choose a free port$`),
      );
      expect(line).not.toContain(other);
    } finally {
      busy.close();
    }
  });

  it('a misspelt variable is named with the setting it resembles, and the command still runs', () => {
    const r = runCli(['once', '--json'], { AGENT_GATWAY_PORT: '8080', AGENT_LOG_LEVEL: 'silent' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'genesys-usage-agent: warning: AGENT_GATWAY_PORT: not a setting, ignored; did you mean AGENT_GATEWAY_PORT?\n',
    );
  });

  it.each(['run', 'once', 'doctor', 'simulate'])(
    '`%s --help` (and -h) prints its usage on stdout and exits 0',
    (cmd) => {
      // A broken configuration must not stand between a user and the usage text.
      for (const flag of ['--help', '-h']) {
        const r = runCli([cmd, flag], { AGENT_USAGE_INTERVAL: 'fortnightly' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: genesys-usage-agent (\\[${cmd}\\]|${cmd})`));
        expect(r.stderr).toBe('');
      }
    },
  );

  it.each([
    ['run', '--json'],
    ['once', '--yaml'],
    ['once', 'extra'],
    ['doctor', '--verbose'],
    ['simulate', '--prot'],
    ['frobnicate'],
  ])('a usage mistake (%s) is one line with the one prefix, exit 2', (...args) => {
    const r = runCli(args, {});
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^genesys-usage-agent: /);
    if (args.length > 1) expect(lines[0]).toContain(`see genesys-usage-agent ${args[0]} --help`);
  });

  it('with no credentials, serves every demo client on AGENT_PORT within 20 s (demo mode)', async () => {
    const port = await freePort();
    const agent = spawnCli(['run'], { AGENT_PORT: String(port), AGENT_HOST: '127.0.0.1' });
    try {
      const clients = loadScenario('demo').clients;
      const samples = await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/metrics`);
          const s = parseProm(await res.text());
          return valueOf(s, 'genesys_agent_source_up', { source: 'usage' }) === 1 ? s : undefined;
        },
        20_000,
        'usage source up on /metrics',
      );
      // Compare with the embedded simulator's truth for the same instant, never with "> 0": on the
      // 1st no complete day of the month exists and month-to-date is rightly 0.
      const sim = /"simulator":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(agent.stderr())?.[1];
      expect(sim, 'simulator URL in the DEMO MODE log line').toBeDefined();
      const snap = (await (await fetch(`http://127.0.0.1:${port}/api/v1/clients`)).json()) as ClientsSnapshot;
      const usage = snap.orgs[0]!.usage!;
      const want = expectedUsage(await fetchTruth(sim!), usage.fetchedAt);
      expect(usage.lastCompleteDay).toBe(want.lastCompleteDay);
      expect(usage.monthHasCompleteDay).toBe(want.monthHasCompleteDay);
      for (const c of clients) {
        const labels = { client_id: c.id, client_name: c.name };
        const w = want.clients.get(c.id)!;
        expect(valueOf(samples, 'genesys_usage_requests_last_day', labels), c.name).toBe(w.lastDay!.requests);
        expect(valueOf(samples, 'genesys_usage_requests_month_to_date', labels), c.name).toBe(w.monthToDate);
        expect(
          valueOf(samples, 'genesys_usage_responses_last_day', { ...labels, status_class: '2xx' }),
          c.name,
        ).toBe(w.lastDay!.status200);
        expect(snap.orgs[0]!.clients.find((r) => r.clientId === c.id)?.usage?.previousMonthTotal).toBe(
          w.previousMonthTotal,
        );
      }
      expect(agent.stderr()).toContain('DEMO MODE');
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});
