/**
 * A UTC midnight that passes during a usage poll: the job is submitted on one day and read on the
 * next. The simulator and the agent's client share one fake clock that only the client's sleeps
 * (between job polls) move, so the poll straddles midnight at exactly the chosen instants.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GenesysClient } from '../../src/genesys/client.js';
import { hasCompleteDayThisMonth, previousMonthComplete } from '../../src/model/usage.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ClientsRefresher } from '../../src/sources/clients/refresher.js';
import { UsageSource } from '../../src/sources/usage/index.js';
import { at, fakeClockAt, type FakeClock } from '../helpers/clock.js';
import { expectedUsage, fetchTruth } from '../helpers/sim-truth.js';

let sim: RunningSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function usageSourceAt(clock: FakeClock): Promise<UsageSource> {
  sim = await startSimulator({ scenario: 'demo', clock });
  const api = new GenesysClient({
    org: 'demo',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: 'simulator-agent',
    clientSecret: 'simulator-secret',
    clock,
    random: () => 0.5,
    sleep: async (ms) => clock.advance(ms),
  });
  const clients = new ClientsRefresher(api, { org: 'demo', clock });
  return new UsageSource({ org: 'demo', api, clients, intervalMs: 900_000, clock });
}

describe('usage poll across a UTC midnight', () => {
  it.each([
    // submitted, read on, month, previous month, last complete day at submission
    ['2026-11-30T23:59:59Z', '2026-12-01', '2026-12', '2026-11', '2026-11-29'],
    ['2026-12-31T23:59:59Z', '2027-01-01', '2027-01', '2026-12', '2026-12-30'],
    ['2028-02-28T23:59:59Z', '2028-02-29', '2028-02', '2028-01', '2028-02-27'],
    ['2028-02-29T23:59:59Z', '2028-03-01', '2028-03', '2028-02', '2028-02-28'],
    ['2026-11-17T23:59:59Z', '2026-11-18', '2026-11', '2026-10', '2026-11-16'],
  ])(
    'submitted %s, read on %s: figures of the data the job returned, in the month it was read',
    async (submitted, readDay, month, previousMonth, lastCompleteDay) => {
      const clock = fakeClockAt(submitted);
      const usage = await usageSourceAt(clock);
      await usage.runOnce();

      const truth = await fetchTruth(sim!.url);
      // the job was answered before midnight and read after it
      expect(truth.lastUsageQuery!.at).toBe(new Date(at(submitted)).toISOString());
      const s = usage.current()!;
      expect(new Date(s.fetchedAtMs).toISOString().slice(0, 10)).toBe(readDay);
      expect(s).toMatchObject({ month, previousMonth, lastCompleteDay });
      const want = expectedUsage(truth, new Date(s.fetchedAtMs).toISOString());
      expect(want.lastCompleteDay).toBe(lastCompleteDay);
      for (const c of s.clients) {
        const w = want.clients.get(c.clientId)!;
        expect(c.monthToDate, c.clientName).toBe(w.monthToDate);
        expect(c.previousMonthTotal, c.clientName).toBe(w.previousMonthTotal);
        expect(c.lastDay.requests, c.clientName).toBe(w.lastDay?.requests ?? 0);
      }
      const firstOfMonth = readDay.endsWith('-01');
      expect(hasCompleteDayThisMonth(s)).toBe(!firstOfMonth);
      if (firstOfMonth) {
        // yesterday (the previous month's last day) was not published when the job was answered
        expect(s.clients.every((c) => c.monthToDate === 0)).toBe(true);
        expect(previousMonthComplete(s)).toBe(false);
      }

      // The next poll, 15 minutes later, sees yesterday published.
      clock.advance(900_000);
      await usage.runOnce();
      const next = usage.current()!;
      expect(next.lastCompleteDay).toBe(new Date(at(submitted)).toISOString().slice(0, 10));
      expect(previousMonthComplete(next)).toBe(true);
      const wantNext = expectedUsage(await fetchTruth(sim!.url), new Date(next.fetchedAtMs).toISOString());
      for (const c of next.clients) {
        expect(c.monthToDate).toBe(wantNext.clients.get(c.clientId)!.monthToDate);
        expect(c.previousMonthTotal).toBe(wantNext.clients.get(c.clientId)!.previousMonthTotal);
      }
      expect(hasCompleteDayThisMonth(next)).toBe(!firstOfMonth);
    },
  );
});
