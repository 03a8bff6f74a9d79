import { afterEach, describe, expect, it } from 'vitest';
import { runOnceCommand } from '../../src/commands/once.js';
import { loadConfig } from '../../src/config/config.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { BOUNDARIES, fakeClockAt, utcDayOf, type BoundaryName, type FakeClock } from '../helpers/clock.js';
import { expectedUsage, fetchTruth } from '../helpers/sim-truth.js';
import { MODES, setMode } from '../helpers/sim-mode.js';

let sim: RunningSimulator | undefined;
let clock: FakeClock;

/** A simulator and `once` sharing one fake clock at `instant`. */
async function startAt(instant: number): Promise<RunningSimulator> {
  clock = fakeClockAt(instant);
  sim = await startSimulator({ scenario: 'demo', clock });
  return sim;
}

async function once(json: boolean): Promise<{ code: number; text: string }> {
  let text = '';
  const config = loadConfig(simulatorEnv(sim!, { AGENT_LOG_LEVEL: 'silent' }));
  const out = { write: (t: string) => (text += t), isTTY: false };
  // Usage jobs polled after 10 ms instead of 1 s: the simulator finishes them at once.
  const code = await runOnceCommand(config, { json }, out, clock, { usageJobPoll: { initialMs: 10 } });
  return { code, text };
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe.each(MODES)('once (%s answers)', (mode) => {
  it.each(['firstMinuteOfMonth', 'newYear', 'leapDayLastMinute', 'beforeMidnight'] as BoundaryName[])(
    '--json at %s returns every client with the daily, month-to-date and previous-month numbers of the simulator truth',
    async (name) => {
      const s = await startAt(BOUNDARIES[name]);
      await setMode(s.url, mode);
      const { code, text } = await once(true);
      expect(code).toBe(0);
      const snapshot = JSON.parse(text) as ClientsSnapshot;
      expect(snapshot.demo).toBe(false);
      const org = snapshot.orgs[0]!;
      const want = expectedUsage(await fetchTruth(s.url), org.usage!.fetchedAt);
      expect(org.usage?.lastCompleteDay).toBe(utcDayOf(BOUNDARIES[name], -1));
      expect(org.usage).toMatchObject({
        lastCompleteDay: want.lastCompleteDay,
        month: want.month,
        previousMonth: want.previousMonth,
        monthHasCompleteDay: want.monthHasCompleteDay,
        previousMonthComplete: true,
      });
      const truth = await fetchTruth(s.url);
      const expected = truth.clients.filter((c) => !c.deleted && c.days[want.lastCompleteDay!]);
      expect(expected.map((c) => c.name).sort()).toEqual(s.scenario.clients.map((c) => c.name).sort());
      for (const c of expected) {
        const row = org.clients.find((r) => r.clientId === c.id);
        expect(row, c.name).toBeDefined();
        expect(row!.clientName).toBe(c.name);
        const w = want.clients.get(c.id)!;
        expect(row!.usage?.lastDayRequests).toBe(w.lastDay!.requests);
        expect(row!.usage?.lastDay429).toBe(w.lastDay!.status429);
        expect(row!.usage?.monthToDate).toBe(w.monthToDate);
        expect(row!.usage?.previousMonthTotal).toBe(w.previousMonthTotal);
        const endpoints = [...c.endpointDays[want.lastCompleteDay!]!].sort(
          (a, b) => b.counts.requests - a.counts.requests || a.templateUri.localeCompare(b.templateUri),
        );
        expect(row!.endpoints?.lastDay).toEqual(
          endpoints.map((e) => ({
            endpoint: `/${e.templateUri}`,
            method: e.method,
            requests: e.counts.requests,
            rateLimited: e.counts.status429,
          })),
        );
      }
      expect(org.sources.filter((x) => !x.up)).toEqual([]);
    },
  );

  it('on the 1st shows "no complete day yet" with the previous month total instead of a bare 0', async () => {
    const s = await startAt(BOUNDARIES.firstMinuteOfMonth);
    await setMode(s.url, mode);
    const { code, text } = await once(false);
    expect(code).toBe(0);
    const want = expectedUsage(await fetchTruth(s.url), utcDayOf(BOUNDARIES.firstMinuteOfMonth));
    expect(text).toContain('MONTH: no complete day yet this month (2026-12)');
    for (const c of s.scenario.clients) {
      const line = text.split('\n').find((l) => l.includes(` ${c.id} `) || l.includes(c.name))!;
      const prev = want.clients.get(c.id)!.previousMonthTotal.toLocaleString('en-US');
      expect(line, c.name).toContain(`no complete day yet · 2026-11: ${prev}`);
    }
  });

  it('prints the table worst first without colour when stdout is not a TTY', async () => {
    const s = await startAt(BOUNDARIES.lastMinuteOfMonth);
    await setMode(s.url, mode);
    const { code, text } = await once(false);
    expect(code).toBe(0);
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('no complete day yet');
    const lines = text.split('\n');
    expect(text).toMatch(
      /^ {4}Reporting_ETL: last day POST \/api\/v2\/analytics\/conversations\/details\/query [\d,]+/m,
    );
    const header = lines.findIndex((l) => l.includes('CLIENT ID'));
    // The demo's burst client has the highest 429 share of the last day and no live data: it leads.
    expect(lines[header + 1]).toMatch(/^~\s+Legacy_Batch_Job/);
    for (const c of s.scenario.clients) expect(text).toContain(c.name);
  });
});
