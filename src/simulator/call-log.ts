/**
 * What the simulator was asked: counts per route template and status, per calling client, and the
 * last requests with their query parameters (bounded: names and values cut, oldest dropped).
 */

export interface CallRow {
  method: string;
  route: string;
  status: number;
  count: number;
}

export interface CallsReport {
  total: number;
  byRoute: CallRow[];
  byCaller: { clientId: string; count: number }[];
}

/** One request as recorded for `GET /__sim/requests`. */
export interface RecordedRequest {
  method: string;
  route: string;
  status: number;
  query: Record<string, string>;
}

const MAX_REQUESTS = 2000;
const MAX_QUERY_KEYS = 20;
const MAX_TEXT = 200;

export class CallLog {
  private readonly recent: RecordedRequest[] = [];
  private readonly calls = new Map<string, CallRow>();
  private readonly callers = new Map<string, number>();
  private total = 0;

  note(
    method: string,
    route: string,
    status: number,
    callerClientId: string | undefined,
    query: Readonly<Record<string, unknown>> = {},
  ): void {
    this.total += 1;
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(query).slice(0, MAX_QUERY_KEYS))
      q[k.slice(0, MAX_TEXT)] = String(v).slice(0, MAX_TEXT);
    this.recent.push({ method, route, status, query: q });
    if (this.recent.length > MAX_REQUESTS) this.recent.shift();
    const key = `${method} ${route} ${status}`;
    const row = this.calls.get(key);
    if (row) row.count += 1;
    else this.calls.set(key, { method, route, status, count: 1 });
    if (callerClientId) this.callers.set(callerClientId, (this.callers.get(callerClientId) ?? 0) + 1);
  }

  requests(): RecordedRequest[] {
    return [...this.recent];
  }

  report(): CallsReport {
    return {
      total: this.total,
      byRoute: [...this.calls.values()].sort((a, b) => b.count - a.count || a.route.localeCompare(b.route)),
      byCaller: [...this.callers].map(([clientId, count]) => ({ clientId, count })),
    };
  }
}
