import type { UsageRow } from '../genesys/api.js';
import type { StatusClass } from '../util/status-class.js';

/**
 * Pure usage model: turns Usage API rows (daily buckets) into per-client figures. No I/O, no
 * timers: the caller passes the rows and the clock value.
 */

export type ClassCounts = Record<StatusClass, number>;

interface UsageDayFigures {
  requests: number;
  byClass: ClassCounts;
}

interface UsageClientFigures {
  clientId: string;
  /** The name the API returned (kept for deleted clients). */
  clientName: string;
  /** False when the client is no longer in the org's OAuth client list. */
  exists: boolean;
  /** The last complete UTC day; zeros when the client made no requests that day. */
  lastDay: UsageDayFigures;
  /** Requests this UTC month as published (complete days, plus today when the API returns it). */
  monthToDate: number;
  /** Requests in the previous UTC month as published (complete through `lastCompleteDay`). */
  previousMonthTotal: number;
  /** The last complete day per endpoint (`topEndpoints`), once the source has asked for them. */
  lastDayEndpoints?: EndpointFigures[];
  /** Today's partial counts, only when the API publishes intraday data. */
  today: UsageDayFigures | null;
  /** Requests/min derived from successive intraday snapshots; null until two snapshots exist. */
  todayRequestsPerMinute: number | null;
}

export interface UsageSummary {
  fetchedAtMs: number;
  /** `YYYY-MM` of the UTC month at `fetchedAtMs`, and of the month before it. */
  month: string;
  previousMonth: string;
  /** `YYYY-MM-DD` of the newest complete day in the data, or null when there is none. */
  lastCompleteDay: string | null;
  clients: UsageClientFigures[];
}

const DAY_MS = 86_400_000;

/**
 * Genesys' own clients: the new Usage API reports their traffic, `GET /api/v2/oauth/clients` never
 * lists them and the legacy Usage API hides them (docs/metrics.md). Exported under one stable name,
 * never as deleted.
 */
const BUILTIN_CLIENT_IDS: ReadonlySet<string> = new Set(['purecloud', 'purecloud-builtin']);
const BUILTIN_CLIENT_NAME = 'Genesys Cloud (built-in)';

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM` of the UTC month before the one of `month` (`YYYY-MM`). */
function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return utcDay(Date.UTC(y, m - 2, 1)).slice(0, 7);
}

/** The last day (`YYYY-MM-DD`) of a UTC month (`YYYY-MM`). */
function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return utcDay(Date.UTC(y, m, 1) - DAY_MS);
}

/**
 * The interval to ask for: the previous and the current month, so the month before stands next to
 * a month with no complete day yet, and the last complete day is found even on the 1st shortly
 * after midnight, before yesterday is published. At most 63 days (the API allows 90).
 * It ends at the last millisecond of today: the new Usage API documents the end as inclusive, the
 * legacy one does not say, and under either reading this selects the same days (a midnight end
 * would add tomorrow's bucket under the inclusive one).
 */
export function usageQueryInterval(nowMs: number): { start: string; end: string; interval: string } {
  const now = new Date(nowMs);
  const start = utcDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = utcDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { start, end, interval: `${start}T00:00:00Z/${end}T23:59:59.999Z` };
}

/** True when the summary's month has a complete day; false on the 1st (month-to-date is then no figure yet). */
export function hasCompleteDayThisMonth(summary: UsageSummary): boolean {
  return summary.lastCompleteDay !== null && summary.lastCompleteDay.startsWith(summary.month);
}

/** True when the previous month's total covers all its days (false on the 1st before its last day is published). */
export function previousMonthComplete(summary: UsageSummary): boolean {
  return summary.lastCompleteDay !== null && summary.lastCompleteDay >= lastDayOfMonth(summary.previousMonth);
}

export function classCounts(
  row: Pick<UsageRow, 'status200' | 'status300' | 'status4xx' | 'status429' | 'status500'>,
): ClassCounts {
  return {
    '2xx': row.status200,
    '3xx': row.status300,
    '4xx': row.status4xx,
    '429': row.status429,
    '5xx': row.status500,
  };
}

/** One client's figures on one endpoint (`endpoint` and `method` are label values). */
export interface EndpointFigures extends UsageDayFigures {
  endpoint: string;
  method: string;
}

/** The rest beyond a client's top N, summed. */
const OTHER_ENDPOINT = 'other';

/**
 * Per client, its busiest `topN` (endpoint, method) pairs of `day`, busiest first, plus the rest
 * summed as `other`/`other`.
 */
export function topEndpoints(
  rows: readonly UsageRow[],
  day: string,
  topN: number,
): Map<string, EndpointFigures[]> {
  const byClient = new Map<string, Map<string, EndpointFigures>>();
  for (const r of rows) {
    if (r.date !== day) continue;
    const endpoint = r.endpoint ?? OTHER_ENDPOINT;
    const method = r.method ?? OTHER_ENDPOINT;
    let own = byClient.get(r.clientId);
    if (!own) byClient.set(r.clientId, (own = new Map()));
    const key = `${method} ${endpoint}`;
    let e = own.get(key);
    if (!e) own.set(key, (e = { endpoint, method, ...emptyDay() }));
    addRow(e, r);
  }
  const out = new Map<string, EndpointFigures[]>();
  for (const [clientId, own] of byClient) {
    const sorted = [...own.values()].sort(
      (a, b) =>
        b.requests - a.requests || a.endpoint.localeCompare(b.endpoint) || a.method.localeCompare(b.method),
    );
    const top = sorted.slice(0, topN);
    const rest = sorted.slice(topN);
    if (rest.length > 0) {
      // An unmatched template may already be in the top as other/other: one series, never two.
      let other = top.find((e) => e.endpoint === OTHER_ENDPOINT && e.method === OTHER_ENDPOINT);
      if (!other) top.push((other = { endpoint: OTHER_ENDPOINT, method: OTHER_ENDPOINT, ...emptyDay() }));
      for (const e of rest) {
        other.requests += e.requests;
        for (const k of Object.keys(e.byClass) as StatusClass[]) other.byClass[k] += e.byClass[k];
      }
    }
    out.set(clientId, top);
  }
  return out;
}

function emptyDay(): UsageDayFigures {
  return { requests: 0, byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '429': 0, '5xx': 0 } };
}

function addRow(day: UsageDayFigures, row: UsageRow): void {
  day.requests += row.requests;
  const c = classCounts(row);
  for (const k of Object.keys(c) as StatusClass[]) day.byClass[k] += c[k];
}

/**
 * @param existingClientIds ids in the org's OAuth client list, or null when the list is unknown
 *   (then every client counts as existing).
 * @param previous the previous summary, for the intraday velocity.
 */
export function summariseUsage(
  rows: readonly UsageRow[],
  nowMs: number,
  existingClientIds: ReadonlySet<string> | null,
  previous: UsageSummary | null = null,
): UsageSummary {
  const today = utcDay(nowMs);
  const month = today.slice(0, 7);
  const previousMonth = monthBefore(month);
  let lastCompleteDay: string | null = null;
  for (const r of rows)
    if (r.date < today && (lastCompleteDay === null || r.date > lastCompleteDay)) lastCompleteDay = r.date;

  const byClient = new Map<string, UsageClientFigures>();
  for (const r of rows) {
    if (r.date > today) continue;
    let c = byClient.get(r.clientId);
    if (!c) {
      const builtin = BUILTIN_CLIENT_IDS.has(r.clientId);
      c = {
        clientId: r.clientId,
        clientName: builtin ? BUILTIN_CLIENT_NAME : r.clientName || r.clientId,
        exists: builtin || existingClientIds === null || existingClientIds.has(r.clientId),
        lastDay: emptyDay(),
        monthToDate: 0,
        previousMonthTotal: 0,
        today: null,
        todayRequestsPerMinute: null,
      };
      byClient.set(r.clientId, c);
    }
    if (r.clientName && !BUILTIN_CLIENT_IDS.has(r.clientId)) c.clientName = r.clientName;
    if (r.date === lastCompleteDay) addRow(c.lastDay, r);
    if (r.date.startsWith(month)) c.monthToDate += r.requests;
    else if (r.date.startsWith(previousMonth)) c.previousMonthTotal += r.requests;
    if (r.date === today) addRow((c.today ??= emptyDay()), r);
  }

  const prevById = new Map(previous?.clients.map((c) => [c.clientId, c]));
  const minutes = previous ? (nowMs - previous.fetchedAtMs) / 60_000 : 0;
  for (const c of byClient.values()) {
    const before = prevById.get(c.clientId)?.today;
    if (c.today && before && minutes > 0 && utcDay(previous!.fetchedAtMs) === today) {
      c.todayRequestsPerMinute = Math.max(0, c.today.requests - before.requests) / minutes;
    }
  }

  const clients = [...byClient.values()].sort((a, b) => a.clientId.localeCompare(b.clientId));
  return { fetchedAtMs: nowMs, month, previousMonth, lastCompleteDay, clients };
}

/** Seconds between the end of the last complete day and now: how stale the daily figures are. Grows while polls fail. */
export function dataAgeSeconds(summary: UsageSummary, nowMs: number): number | null {
  if (summary.lastCompleteDay === null) return null;
  return Math.max(0, (nowMs - (Date.parse(`${summary.lastCompleteDay}T00:00:00Z`) + DAY_MS)) / 1000);
}
