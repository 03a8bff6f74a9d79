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

type LiveClientFigures = GatewayClientSnapshot;
type WarningFigures = RateLimitWarning;

export interface OrgView {
  org: string;
  sources: { name: SourceName; health: SourceHealth }[];
  usage: UsageSummary | null;
  live: LiveClientFigures[] | null;
  warnings: WarningFigures[];
  limitFor: (clientId: string) => number;
}

/** A client's busiest endpoints, busiest first, at most `ENDPOINTS_SHOWN`: live (gateway) and the last complete day (Usage API). */
interface ClientEndpoints {
  live?: EndpointMeasurement[];
  lastDay?: { endpoint: string; method: string; requests: number; rateLimited: number }[];
}

const ENDPOINTS_SHOWN = 10;

export interface ClientRow {
  clientId: string;
  clientName: string;
  exists: boolean;
  limit: number;
  /** Busiest token's rate ÷ limit; null without gateway data. */
  utilization: number | null;
  live: Omit<LiveClientFigures, 'clientId' | 'clientName' | 'limit' | 'utilization' | 'endpoints'> | null;
  usage: {
    lastDayRequests: number;
    lastDay429: number;
    share429: number | null;
    /** 0 on the 1st: then `monthHasCompleteDay` is false and `previousMonthTotal` says more. */
    monthToDate: number;
    previousMonthTotal: number;
    today: number | null;
  } | null;
  latestWarning: { limitKey: string; count: number; max: number | null; lastSeen: string } | null;
  endpoints?: ClientEndpoints;
}

export interface ClientsSnapshot {
  generatedAt: string;
  demo: boolean;
  orgs: {
    org: string;
    sources: {
      source: SourceName;
      freshness: string;
      up: boolean;
      lastSuccess: string | null;
      lastDurationMs: number | null;
      lastError: string | null;
    }[];
    usage: {
      lastCompleteDay: string | null;
      dataAgeSeconds: number | null;
      fetchedAt: string;
      /** `YYYY-MM` the month-to-date figures are of, and the month before it. */
      month: string;
      previousMonth: string;
      /** False on the 1st of a month: no complete day of `month` exists yet. */
      monthHasCompleteDay: boolean;
      /** False while the previous month's last day is not yet published. */
      previousMonthComplete: boolean;
    } | null;
    clients: ClientRow[];
    /** Gateway requests with no bearer token, or one Genesys did not recognise: no client to show them under. */
    unidentified: { requestsPerMinute: number; inflight: number; rateLimited5m: number } | null;
  }[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The JSON the status page and `once` show: per org, every client known to any source, worst first. */
export function buildSnapshot(views: OrgView[], nowMs: number, demo: boolean): ClientsSnapshot {
  return {
    generatedAt: new Date(nowMs).toISOString(),
    demo,
    orgs: views.map((v) => {
      const rows = new Map<string, ClientRow>();
      const row = (clientId: string, clientName: string): ClientRow => {
        let r = rows.get(clientId);
        if (!r) {
          r = {
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
        }
        return r;
      };
      for (const c of v.usage?.clients ?? []) {
        const r = row(c.clientId, c.clientName);
        r.exists = c.exists;
        r.usage = {
          lastDayRequests: c.lastDay.requests,
          lastDay429: c.lastDay.byClass['429'],
          share429: c.lastDay.requests > 0 ? c.lastDay.byClass['429'] / c.lastDay.requests : null,
          monthToDate: c.monthToDate,
          previousMonthTotal: c.previousMonthTotal,
          today: c.today?.requests ?? null,
        };
        if (c.lastDayEndpoints?.length)
          r.endpoints = {
            lastDay: c.lastDayEndpoints.slice(0, ENDPOINTS_SHOWN).map((e) => ({
              endpoint: e.endpoint,
              method: e.method,
              requests: e.requests,
              rateLimited: e.byClass['429'],
            })),
          };
      }
      let unidentified: ClientsSnapshot['orgs'][number]['unidentified'] = null;
      for (const l of v.live ?? []) {
        if (l.clientId === UNKNOWN_CLIENT) {
          unidentified = {
            requestsPerMinute: l.requestsPerMinute,
            inflight: l.inflight,
            rateLimited5m: l.rateLimited5m,
          };
          continue;
        }
        const r = row(l.clientId, l.clientName);
        const { clientId: _id, clientName: _name, limit, utilization, endpoints, ...live } = l;
        r.limit = limit;
        r.utilization = utilization;
        r.live = live;
        r.endpoints = { ...r.endpoints, live: endpoints.slice(0, ENDPOINTS_SHOWN) };
      }
      for (const w of v.warnings) {
        const r = rows.get(w.entityId);
        if (!r) continue;
        if (!r.latestWarning || Date.parse(r.latestWarning.lastSeen) < w.lastSeenMs) {
          r.latestWarning = {
            limitKey: w.limitKey,
            count: w.count,
            max: w.max,
            lastSeen: new Date(w.lastSeenMs).toISOString(),
          };
        }
      }
      const clients = [...rows.values()].sort(
        (a, b) =>
          (b.utilization ?? -1) - (a.utilization ?? -1) ||
          (b.usage?.share429 ?? -1) - (a.usage?.share429 ?? -1) ||
          (b.usage?.lastDayRequests ?? 0) - (a.usage?.lastDayRequests ?? 0) ||
          a.clientName.localeCompare(b.clientName),
      );
      return {
        org: v.org,
        sources: v.sources.map((s) => ({
          source: s.name,
          freshness: FRESHNESS[s.name],
          up: s.health.up,
          lastSuccess: iso(s.health.lastSuccessMs),
          lastDurationMs: s.health.lastDurationMs,
          lastError: s.health.lastError,
        })),
        usage: v.usage
          ? {
              lastCompleteDay: v.usage.lastCompleteDay,
              dataAgeSeconds: dataAgeSeconds(v.usage, nowMs),
              fetchedAt: new Date(v.usage.fetchedAtMs).toISOString(),
              month: v.usage.month,
              previousMonth: v.usage.previousMonth,
              monthHasCompleteDay: hasCompleteDayThisMonth(v.usage),
              previousMonthComplete: previousMonthComplete(v.usage),
            }
          : null,
        clients,
        unidentified,
      };
    }),
  };
}
