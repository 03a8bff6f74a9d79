import { catalogue } from '../telemetry/catalogue.js';
import type { MetricFamily } from '../telemetry/families.js';
import { statusClassOf } from '../util/status-class.js';

/** Status class label of one request: the HTTP class, or `error` when no response arrived. */
export type RequestOutcome = ReturnType<typeof statusClassOf> | 'error';

/** Counts every request the client sends, by endpoint template and status class. */
export class RequestStats {
  private readonly counts = new Map<
    string,
    { endpoint: string; statusClass: RequestOutcome; value: number; startTimeMs: number }
  >();

  constructor(private readonly org: string) {}

  /** `status` null: no response arrived. */
  record(endpoint: string, status: number | null, nowMs: number): void {
    const statusClass = status === null ? 'error' : statusClassOf(status);
    const key = `${endpoint}\u0000${statusClass}`;
    const entry = this.counts.get(key);
    if (entry) entry.value += 1;
    else this.counts.set(key, { endpoint, statusClass, value: 1, startTimeMs: nowMs });
  }

  /** Current count for one series (tests and `doctor`). */
  count(endpoint: string, statusClass: RequestOutcome): number {
    return this.counts.get(`${endpoint}\u0000${statusClass}`)?.value ?? 0;
  }

  collect(): MetricFamily[] {
    if (this.counts.size === 0) return [];
    const family = catalogue.agentApiRequests.family(
      [...this.counts.values()].map((e) => ({
        attributes: { org: this.org, endpoint: e.endpoint, status_class: e.statusClass },
        value: e.value,
        startTimeMs: e.startTimeMs,
      })),
    );
    return [family];
  }
}
