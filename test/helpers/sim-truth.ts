/**
 * The simulator's ground truth (GET /__sim/truth, docs/simulator.md) and the usage figures an agent
 * must show for the same instant: built-agent tests compare with these, never with "> 0" or today's
 * date.
 */
import type { Truth } from '../../src/simulator/index.js';

export type { Truth } from '../../src/simulator/index.js';
/** One client's figures of one UTC day. */
type TruthDay = Truth['clients'][number]['days'][string];
export type SimTruth = Truth;

export async function fetchTruth(simUrl: string): Promise<Truth> {
  const res = await fetch(`${simUrl}/__sim/truth`);
  if (!res.ok) throw new Error(`GET ${simUrl}/__sim/truth -> ${res.status}`);
  return (await res.json()) as Truth;
}

export interface ExpectedUsage {
  /** `YYYY-MM` of the agent's month and the one before it. */
  month: string;
  previousMonth: string;
  lastCompleteDay: string | null;
  monthHasCompleteDay: boolean;
  clients: Map<string, { lastDay: TruthDay | null; monthToDate: number; previousMonthTotal: number }>;
}

function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/**
 * The figures of an agent whose usage summary was made at `fetchedAt` (ISO) from the simulator's
 * latest usage query (daily publication): the data is what was published when the query was
 * answered, the month is the one of `fetchedAt` — right even when midnight passed during the poll.
 */
export function expectedUsage(truth: SimTruth, fetchedAt: string): ExpectedUsage {
  const q = truth.lastUsageQuery;
  if (!q) throw new Error('the simulator has answered no usage query yet');
  const until = q.publishedUntil.slice(0, 10);
  if (q.publishedUntil !== `${until}T00:00:00.000Z`)
    throw new Error(`expectedUsage needs daily publication; data published until ${q.publishedUntil}`);
  const today = fetchedAt.slice(0, 10);
  const month = today.slice(0, 7);
  const previousMonth = monthBefore(month);
  const published = (d: string) => d < until && d < today;
  let lastCompleteDay: string | null = null;
  for (const c of truth.clients)
    for (const d of Object.keys(c.days))
      if (published(d) && (lastCompleteDay === null || d > lastCompleteDay)) lastCompleteDay = d;
  const clients: ExpectedUsage['clients'] = new Map();
  for (const c of truth.clients) {
    let monthToDate = 0;
    let previousMonthTotal = 0;
    for (const [d, v] of Object.entries(c.days)) {
      if (!published(d)) continue;
      if (d.startsWith(month)) monthToDate += v.requests;
      else if (d.startsWith(previousMonth)) previousMonthTotal += v.requests;
    }
    const lastDay = lastCompleteDay === null ? null : (c.days[lastCompleteDay] ?? null);
    clients.set(c.id, { lastDay, monthToDate, previousMonthTotal });
  }
  return {
    month,
    previousMonth,
    lastCompleteDay,
    monthHasCompleteDay: lastCompleteDay !== null && lastCompleteDay.startsWith(month),
    clients,
  };
}
