/** What the simulator was asked: counts per route template and status, and per calling client. */

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

export class CallLog {
  private readonly calls = new Map<string, CallRow>();
  private readonly callers = new Map<string, number>();
  private total = 0;

  note(method: string, route: string, status: number, callerClientId: string | undefined): void {
    this.total += 1;
    const key = `${method} ${route} ${status}`;
    const row = this.calls.get(key);
    if (row) row.count += 1;
    else this.calls.set(key, { method, route, status, count: 1 });
    if (callerClientId) this.callers.set(callerClientId, (this.callers.get(callerClientId) ?? 0) + 1);
  }

  report(): CallsReport {
    return {
      total: this.total,
      byRoute: [...this.calls.values()].sort((a, b) => b.count - a.count || a.route.localeCompare(b.route)),
      byCaller: [...this.callers].map(([clientId, count]) => ({ clientId, count })),
    };
  }
}
