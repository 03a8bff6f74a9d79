import type { EndpointMeasurement } from '../model/gateway/endpoints.js';
import { UNKNOWN_CLIENT } from '../model/gateway/measurements.js';
import type { GatewayClientSnapshot } from '../sources/gateway/index.js';
import type { RateLimitWarning } from '../sources/ratelimits/index.js';
import type { SourceHealth, SourceName } from '../sources/source.js';
import type { UsageSummary } from '../model/usage.js';
import { dataAgeSeconds, hasCompleteDayThisMonth, previousMonthComplete } from '../model/usage.js';

/** How fresh each source's figures are, stated next to them on the status page. */
const FRESHNESS: Record<SourceName, string> = {
  gateway: 'live',
  ratelimits: 'near real time',
  events: 'near real time',
  usage: 'daily',
  limits: 'static',
};

export interface OrgView {
  org: string;
  sources: { name: SourceName; health: SourceHealth }[];
  usage: UsageSummary | null;
  live: GatewayClientSnapshot[] | null;
  warnings: RateLimitWarning[];
  limitFor: (clientId: string) => number;
}

const ENDPOINTS_SHOWN = 10;

export interface ClientRow {
  clientId: string;
  clientName: string;
  exists: boolean;
  limit: number;
  /** Busiest token's rate ÷ limit; null without gateway data. */
  utilization: number | null;
  live: Omit<GatewayClientSnapshot, 'clientId' | 'clientName' | 'limit' | 'utilization' | 'endpoints'> | null;
  usage: ReturnType<typeof usageFigures> | null;
  latestWarning: { limitKey: string; count: number; max: number | null; lastSeen: string } | null;
  /** The busiest endpoints, busiest first, at most `ENDPOINTS_SHOWN`: live (gateway) and the last complete day (Usage API). */
  endpoints?: {
    live?: EndpointMeasurement[];
    lastDay?: { endpoint: string; method: string; requests: number; rateLimited: number }[];
  };
}

/** The JSON the status page and `once` show. */
export type ClientsSnapshot = ReturnType<typeof buildSnapshot>;

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A client's Usage API figures as the snapshot shows them. */
function usageFigures(c: UsageSummary['clients'][number]) {
  const { requests, byClass } = c.lastDay;
  return {
    lastDayRequests: requests,
    lastDay429: byClass['429'],
    share429: requests > 0 ? byClass['429'] / requests : null,
    /** 0 on the 1st: then `monthHasCompleteDay` is false and `previousMonthTotal` says more. */
    monthToDate: c.monthToDate,
    previousMonthTotal: c.previousMonthTotal,
    today: c.today?.requests ?? null,
  };
}

/** Per org, every client known to any source, worst first. */
export function buildSnapshot(views: OrgView[], nowMs: number, demo: boolean) {
  return { generatedAt: new Date(nowMs).toISOString(), demo, orgs: views.map((v) => orgSnapshot(v, nowMs)) };
}

function orgSnapshot(v: OrgView, nowMs: number) {
  const rows = new Map<string, ClientRow>();
  const row = (clientId: string, clientName: string): ClientRow => {
    const r = rows.get(clientId) ?? {
      clientId,
      clientName,
      exists: true,
      limit: v.limitFor(clientId),
      utilization: null,
      live: null,
      usage: null,
      latestWarning: null,
    };
    rows.set(clientId, r);
    return r;
  };
  for (const c of v.usage?.clients ?? []) {
    const r = row(c.clientId, c.clientName);
    r.exists = c.exists;
    r.usage = usageFigures(c);
    if (c.lastDayEndpoints?.length)
      r.endpoints = {
        lastDay: c.lastDayEndpoints
          .slice(0, ENDPOINTS_SHOWN)
          .map(({ endpoint, method, requests, byClass }) => ({
            endpoint,
            method,
            requests,
            rateLimited: byClass['429'],
          })),
      };
  }
  // Gateway requests with no bearer token, or one Genesys did not recognise: no client to show them under.
  const unknown = v.live?.find((l) => l.clientId === UNKNOWN_CLIENT);
  for (const l of v.live ?? []) {
    if (l.clientId === UNKNOWN_CLIENT) continue;
    const { clientId, clientName, limit, utilization, endpoints, ...live } = l;
    const r = row(clientId, clientName);
    r.limit = limit;
    r.utilization = utilization;
    r.live = live;
    r.endpoints = { ...r.endpoints, live: endpoints.slice(0, ENDPOINTS_SHOWN) };
  }
  for (const w of v.warnings) {
    const r = rows.get(w.entityId);
    if (r && (!r.latestWarning || Date.parse(r.latestWarning.lastSeen) < w.lastSeenMs))
      r.latestWarning = {
        limitKey: w.limitKey,
        count: w.count,
        max: w.max,
        lastSeen: new Date(w.lastSeenMs).toISOString(),
      };
  }
  return {
    org: v.org,
    sources: v.sources.map(({ name, health }) => ({
      source: name,
      freshness: FRESHNESS[name],
      up: health.up,
      lastSuccess: iso(health.lastSuccessMs),
      lastDurationMs: health.lastDurationMs,
      lastError: health.lastError,
    })),
    usage: v.usage && {
      lastCompleteDay: v.usage.lastCompleteDay,
      dataAgeSeconds: dataAgeSeconds(v.usage, nowMs),
      fetchedAt: new Date(v.usage.fetchedAtMs).toISOString(),
      /** `YYYY-MM` the month-to-date figures are of, and the month before it. */
      month: v.usage.month,
      previousMonth: v.usage.previousMonth,
      /** False on the 1st of a month: no complete day of `month` exists yet. */
      monthHasCompleteDay: hasCompleteDayThisMonth(v.usage),
      /** False while the previous month's last day is not yet published. */
      previousMonthComplete: previousMonthComplete(v.usage),
    },
    clients: [...rows.values()].sort(
      (a, b) =>
        (b.utilization ?? -1) - (a.utilization ?? -1) ||
        (b.usage?.share429 ?? -1) - (a.usage?.share429 ?? -1) ||
        (b.usage?.lastDayRequests ?? 0) - (a.usage?.lastDayRequests ?? 0) ||
        a.clientName.localeCompare(b.clientName),
    ),
    unidentified: unknown
      ? {
          requestsPerMinute: unknown.requestsPerMinute,
          inflight: unknown.inflight,
          rateLimited5m: unknown.rateLimited5m,
        }
      : null,
  };
}
