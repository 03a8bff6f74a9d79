import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnceCommand } from '../../src/commands/once.js';
import { loadConfig } from '../../src/config/config.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { fetchTruth } from '../helpers/sim-truth.js';

import { MODES, setMode } from '../helpers/sim-mode.js';

let sim: RunningSimulator;

async function once(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const config = loadConfig(
    simulatorEnv(sim, {
      AGENT_LOG_LEVEL: 'silent',
    }),
  );
  const code = await runOnceCommand(config, args, { write: (t: string) => (text += t), isTTY: false });
  return { code, text };
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'demo' });
});

afterAll(async () => {
  await sim?.close();
});

describe.each(MODES)('once (%s answers)', (mode) => {
  beforeAll(() => setMode(sim.url, mode));

  it('--json returns every client with the daily and month-to-date numbers of the simulator truth', async () => {
    if (new Date().getUTCHours() === 0 && new Date().getUTCMinutes() < 2) return; // the day is turning over
    const { code, text } = await once(['--json']);
    expect(code).toBe(0);
    const snapshot = JSON.parse(text) as ClientsSnapshot;
    expect(snapshot.demo).toBe(false);
    const org = snapshot.orgs[0]!;
    expect(org.usage?.lastCompleteDay).toBe(day(-1));
    const truth = await fetchTruth(sim.url);
    const expected = truth.clients.filter((c) => !c.deleted && c.days[day(-1)]);
    expect(expected.map((c) => c.name).sort()).toEqual(sim.scenario.clients.map((c) => c.name).sort());
    for (const c of expected) {
      const row = org.clients.find((r) => r.clientId === c.id);
      expect(row, c.name).toBeDefined();
      expect(row!.clientName).toBe(c.name);
      const y = c.days[day(-1)]!;
      expect(row!.usage?.lastDayRequests).toBe(y.requests);
      expect(row!.usage?.lastDay429).toBe(y.status429);
      const mtd = Object.entries(c.days)
        .filter(([d]) => d.startsWith(day(0).slice(0, 7)) && d < day(0))
        .reduce((sum, [, v]) => sum + v.requests, 0);
      expect(row!.usage?.monthToDate).toBe(mtd);
    }
    expect(org.sources.filter((s) => !s.up)).toEqual([]);
  });

  it('prints the table worst first without colour when stdout is not a TTY', async () => {
    const { code, text } = await once([]);
    expect(code).toBe(0);
    expect(text).not.toContain('\u001b[');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.includes('CLIENT ID'));
    // The demo's burst client has the highest 429 share of the last day and no live data: it leads.
    expect(lines[header + 1]).toMatch(/^~\s+Legacy_Batch_Job/);
    for (const c of sim.scenario.clients) expect(text).toContain(c.name);
  });

  it('rejects an unknown option as a usage error', async () => {
    expect((await once(['--yaml'])).code).toBe(2);
  });
});
