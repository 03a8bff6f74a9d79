/**
 * Usage facts: one day of one client on one endpoint, the unit every usage response is aggregated
 * from. Background days are sums of the traffic model's minutes (complete days cached); real
 * requests come from the per-minute counters.
 */
import type { RealMinute } from './real-traffic.js';
import type { SimClient } from './sim-client.js';
import { dayStart, floorMinute } from './sim-time.js';
import { DAY, MINUTE, addInto, emptyCounts, splitCounts, sumMinutes, type Counts } from './traffic.js';

export interface UsageFact {
  day: number;
  clientId: string;
  clientName: string;
  templateUri: string;
  method: string;
  counts: Counts;
}

export class UsageFacts {
  private readonly dayCache = new Map<string, Counts>();

  constructor(
    private readonly seed: number,
    private readonly limit: number,
    private readonly historyStartMs: number,
  ) {}

  private backgroundDay(c: SimClient, day: number, untilMs: number): Counts {
    if (!c.model) return emptyCounts();
    const to = Math.min(day + DAY, untilMs);
    const key = `${c.id}|${c.model.untilMinute}|${day}|${to}`;
    const cached = this.dayCache.get(key);
    if (cached) return cached;
    const counts = sumMinutes(this.seed, c.model, floorMinute(day), floorMinute(to), this.limit);
    if (to === day + DAY) this.dayCache.set(key, counts); // only complete days are final
    return counts;
  }

  /**
   * Facts for UTC days overlapping [fromMs, toMs): background minutes before `untilMs`, real requests
   * before `realUntilMs`.
   */
  facts(
    clients: Iterable<SimClient>,
    real: Iterable<RealMinute>,
    nameOf: (clientId: string) => string | undefined,
    fromMs: number,
    toMs: number,
    untilMs: number,
    realUntilMs: number,
  ): UsageFact[] {
    const facts: UsageFact[] = [];
    const first = Math.max(dayStart(fromMs), this.historyStartMs);
    const end = Math.min(toMs, untilMs);
    for (const c of clients) {
      if (!c.model || !c.traffic) continue;
      const endpoints = c.traffic.endpoints;
      for (let day = first; day < end; day += DAY) {
        const total = this.backgroundDay(c, day, untilMs);
        if (total.requests === 0) continue;
        const parts = splitCounts(
          total,
          endpoints.map((e) => e.weight),
        );
        endpoints.forEach((e, i) => {
          const counts = parts[i]!;
          if (counts.requests > 0)
            facts.push({
              day,
              clientId: c.id,
              clientName: c.name,
              templateUri: e.templateUri,
              method: e.method,
              counts,
            });
        });
      }
    }
    const byKey = new Map<string, UsageFact>();
    for (const r of real) {
      const ms = r.minute * MINUTE;
      if (ms < first || ms >= toMs || ms >= realUntilMs) continue;
      const day = dayStart(ms);
      const key = `${day}|${r.clientId}|${r.templateUri}|${r.method}`;
      let f = byKey.get(key);
      if (!f) {
        f = {
          day,
          clientId: r.clientId,
          clientName: nameOf(r.clientId) ?? '',
          templateUri: r.templateUri,
          method: r.method,
          counts: emptyCounts(),
        };
        byKey.set(key, f);
      }
      addInto(f.counts, r.counts);
    }
    facts.push(...byKey.values());
    return facts;
  }
}
