import { dataAgeSeconds, type UsageSummary } from '../../model/usage.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { STATUS_CLASSES } from '../../util/status-class.js';

/** Deleted clients' usage is kept in one series, so org totals stay right while their own series go. */
const DELETED_CLIENT = { client_id: 'deleted', client_name: '(deleted clients)' } as const;

type ClientUsage = UsageSummary['clients'][number];
type Attrs = { org: string; client_id: string; client_name: string };

/**
 * One series per existing client and one for every deleted client together. Each family's points
 * are built when it is serialized (a 10 000-client org's usage is ~90 000 points); a family with
 * no series is left out, decided without building it.
 */
export function usageFamilies(org: string, s: UsageSummary, nowMs: number): MetricFamily[] {
  const existing = s.clients.filter((c) => c.exists);
  const deleted = s.clients.filter((c) => !c.exists);
  const deletedAttrs: Attrs = { org, ...DELETED_CLIENT };
  const attrsOf = (c: ClientUsage): Attrs => ({ org, client_id: c.clientId, client_name: c.clientName });
  /** A gauge over the clients that have a value, plus the deleted clients' sum when any has one. */
  const perClient = (value: (c: ClientUsage) => number | null) => {
    const points: { attributes: Attrs; value: number }[] = [];
    for (const c of existing) {
      const v = value(c);
      if (v !== null) points.push({ attributes: attrsOf(c), value: v });
    }
    let sum: number | null = null;
    for (const c of deleted) {
      const v = value(c);
      if (v !== null) sum = (sum ?? 0) + v;
    }
    if (sum !== null) points.push({ attributes: deletedAttrs, value: sum });
    return points;
  };
  const families: MetricFamily[] = [];
  if (s.lastCompleteDay !== null && s.clients.length > 0) {
    families.push(
      catalogue.usageRequestsLastDay.family(() => perClient((c) => c.lastDay.requests)),
      catalogue.usageResponsesLastDay.family(() => {
        // Client by client, each with its status classes, as the other per-client families.
        const points = existing.flatMap((c) =>
          STATUS_CLASSES.map((k) => ({
            attributes: { ...attrsOf(c), status_class: k },
            value: c.lastDay.byClass[k],
          })),
        );
        if (deleted.length > 0)
          for (const k of STATUS_CLASSES)
            points.push({
              attributes: { ...deletedAttrs, status_class: k },
              value: deleted.reduce((sum, c) => sum + c.lastDay.byClass[k], 0),
            });
        return points;
      }),
    );
    // Per endpoint, requests and (only where there were any) 429s: the cardinality budget of issue 24.
    const endpoints = existing.flatMap((c) => (c.lastDayEndpoints ?? []).map((e) => ({ c, e })));
    const attrs = ({ c, e }: (typeof endpoints)[number]) => ({
      ...attrsOf(c),
      endpoint: e.endpoint,
      method: e.method,
    });
    if (endpoints.length > 0)
      families.push(
        catalogue.usageEndpointRequestsLastDay.family(() =>
          endpoints.map((x) => ({ attributes: attrs(x), value: x.e.requests })),
        ),
      );
    if (endpoints.some(({ e }) => e.byClass['429'] > 0))
      families.push(
        catalogue.usageEndpointResponsesLastDay.family(() =>
          endpoints
            .filter(({ e }) => e.byClass['429'] > 0)
            .map((x) => ({
              attributes: { ...attrs(x), status_class: '429' as const },
              value: x.e.byClass['429'],
            })),
        ),
      );
  }
  if (s.clients.length > 0)
    families.push(catalogue.usageRequestsMonthToDate.family(() => perClient((c) => c.monthToDate)));
  if (s.clients.some((c) => c.today))
    families.push(catalogue.usageRequestsToday.family(() => perClient((c) => c.today?.requests ?? null)));
  // Deleted clients have no velocity series: a per-minute rate of a sum of gone clients says nothing.
  if (existing.some((c) => c.todayRequestsPerMinute !== null))
    families.push(
      catalogue.usageRequestsPerMinute.family(() =>
        perClient((c) => (c.exists ? c.todayRequestsPerMinute : null)),
      ),
    );
  const age = dataAgeSeconds(s, nowMs);
  if (age !== null) families.push(catalogue.usageDataAge.family([{ attributes: { org }, value: age }]));
  return families;
}
