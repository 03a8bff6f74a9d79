/**
 * Soak on a fake clock: 30 simulated days of the usage, limits and ratelimits sources against the
 * simulator's churn scenario, with clients created and deleted every day. The number of exported
 * series must follow the clients that exist (deleted ones fold into one series), not the days
 * elapsed or the clients ever seen, and the agent's heap must not grow with the days.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../resilience/harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const DAYS = 30;
const NEW_PER_DAY = 4;
const HOUR = 3_600_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ scenario: 'churn', budgetPerMinute: 1_000 });
});
afterAll(async () => h?.close());

async function simClients(method: 'POST' | 'DELETE', path: string, body?: object): Promise<void> {
  const res = await fetch(`${h.sim.url}/__sim/clients${path}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300)
    throw new Error(`${method} /__sim/clients${path}: ${res.status} ${await res.text()}`);
}

/** Series per family name, and in total. */
function seriesCount(): { total: number; byName: Record<string, number> } {
  const byName: Record<string, number> = {};
  let total = 0;
  for (const f of h.families()) {
    byName[f.name] = f.points.length;
    total += f.points.length;
  }
  return { total, byName };
}

describe('30 simulated days with daily client churn', () => {
  it('keeps exported series tied to live clients and the heap flat', async () => {
    const totals: number[] = [];
    let heapAtDay10 = 0;
    let everSeen = 0;
    for (let day = 1; day <= DAYS; day++) {
      // New integrations appear every morning; those of two days ago are deleted.
      for (let i = 0; i < NEW_PER_DAY; i++) {
        await simClients('POST', '', {
          id: `churn-${day}-${i}`,
          name: `Churn_${day}_${i}`,
          traffic: { profile: 'steady', rpm: 5 + i },
        });
        everSeen += 1;
      }
      if (day > 2) for (let i = 0; i < NEW_PER_DAY; i++) await simClients('DELETE', `/churn-${day - 2}-${i}`);

      for (let hour = 0; hour < 24; hour += 4) {
        h.clock.advance(4 * HOUR);
        await h.runtime.ratelimits.runOnce().catch(() => {});
        if (hour % 12 === 0) await h.runtime.usage.runOnce().catch(() => {});
      }
      await h.runtime.limits.runOnce().catch(() => {});
      for (const s of ['usage', 'ratelimits', 'limits'] as const)
        expect(h.runtime[s].health().up, `day ${day}: ${s} up`).toBe(true);
      totals.push(seriesCount().total);
      if (day === 10) heapAtDay10 = heapMiB();
    }

    const last = seriesCount();
    // Usage series: live clients only (scenario clients + at most the 2 days of churn clients alive) plus the deleted-clients row.
    const liveBound = 4 + 2 * NEW_PER_DAY + 1;
    expect(last.byName.genesys_usage_requests_month_to_date).toBeLessThanOrEqual(liveBound);
    expect(everSeen).toBeGreaterThan(liveBound * 5);
    // No growth over the last 20 days beyond the churn's daily wobble.
    const tail = totals.slice(10);
    expect(Math.max(...tail) - Math.min(...tail)).toBeLessThanOrEqual(6 * NEW_PER_DAY);
    expect(Math.max(...tail)).toBeLessThan(everSeen * 2);
    // The agent's state (and the in-process simulator's) does not grow with the days.
    expect(heapMiB() - heapAtDay10).toBeLessThan(10);
  });
});
