import { dataAgeSeconds, type UsageSummary } from '../../model/usage.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { STATUS_CLASSES } from '../../util/status-class.js';

/** Deleted clients' usage is kept in one series, so org totals stay right while their own series go. */
export const DELETED_CLIENT = { client_id: 'deleted', client_name: '(deleted clients)' } as const;

export function usageFamilies(org: string, s: UsageSummary, nowMs: number): MetricFamily[] {
  const lastDay = catalogue.usageRequestsLastDay.family();
  const responses = catalogue.usageResponsesLastDay.family();
  const mtd = catalogue.usageRequestsMonthToDate.family();
  const today = catalogue.usageRequestsToday.family();
  const velocity = catalogue.usageRequestsPerMinute.family();

  const deleted = {
    lastDay: 0,
    byClass: Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0])) as Record<string, number>,
    mtd: 0,
    today: 0,
    any: false,
    anyToday: false,
  };
  for (const c of s.clients) {
    if (!c.exists) {
      deleted.any = true;
      deleted.lastDay += c.lastDay.requests;
      for (const k of STATUS_CLASSES) deleted.byClass[k]! += c.lastDay.byClass[k];
      deleted.mtd += c.monthToDate;
      if (c.today) {
        deleted.anyToday = true;
        deleted.today += c.today.requests;
      }
      continue;
    }
    const attrs = { org, client_id: c.clientId, client_name: c.clientName };
    if (s.lastCompleteDay !== null) {
      lastDay.points.push({ attributes: attrs, value: c.lastDay.requests });
      for (const k of STATUS_CLASSES)
        responses.points.push({ attributes: { ...attrs, status_class: k }, value: c.lastDay.byClass[k] });
    }
    mtd.points.push({ attributes: attrs, value: c.monthToDate });
    if (c.today) today.points.push({ attributes: attrs, value: c.today.requests });
    if (c.todayRequestsPerMinute !== null)
      velocity.points.push({ attributes: attrs, value: c.todayRequestsPerMinute });
  }
  if (deleted.any) {
    const attrs = { org, ...DELETED_CLIENT };
    if (s.lastCompleteDay !== null) {
      lastDay.points.push({ attributes: attrs, value: deleted.lastDay });
      for (const k of STATUS_CLASSES)
        responses.points.push({ attributes: { ...attrs, status_class: k }, value: deleted.byClass[k]! });
    }
    mtd.points.push({ attributes: attrs, value: deleted.mtd });
    if (deleted.anyToday) today.points.push({ attributes: attrs, value: deleted.today });
  }

  const families: MetricFamily[] = [lastDay, responses, mtd, today, velocity].filter(
    (f) => f.points.length > 0,
  );
  const age = dataAgeSeconds(s, nowMs);
  if (age !== null) {
    families.push(catalogue.usageDataAge.family([{ attributes: { org }, value: age }]));
  }
  return families;
}
