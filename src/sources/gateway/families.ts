/** The gateway's figures as metric families (the model itself names no metric). */
import { LATENCY_BOUNDARIES_S } from '../../model/gateway/histogram.js';
import type {
  ClientCounters,
  ClientMeasurement,
  GatewayMeasurements,
} from '../../model/gateway/measurements.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';

export interface FamiliesContext {
  org: string;
  nameOf: (clientId: string) => string;
  limitOf: (clientId: string) => number;
}

/** Points are built family by family as serialized (at 10 000 clients all are tens of MB), figures read once. */
export function gatewayFamilies(m: GatewayMeasurements, nowMs: number, ctx: FamiliesContext): MetricFamily[] {
  const once = <T>(read: () => T): (() => T) => {
    let value: { v: T } | null = null;
    return () => (value ??= { v: read() }).v;
  };
  const live = once(() => m.snapshot(nowMs, ctx.nameOf, ctx.limitOf));
  const counters = once(() => m.counters(nowMs));
  // One attributes object per client for all its families' points (one per point was MBs a scrape).
  const bases = new Map<string, { org: string; client_id: string; client_name: string }>();
  const base = (id: string) =>
    bases.get(id) ?? bases.set(id, { org: ctx.org, client_id: id, client_name: ctx.nameOf(id) }).get(id)!;
  const gauge = (pick: (c: ClientMeasurement) => number) => () =>
    live().map((c) => ({ attributes: base(c.clientId), value: pick(c) }));
  /** Per client, its counter points: each one's own attributes (beyond the client's) and value. */
  const counter =
    <K extends string>(points: (c: ClientCounters) => [Record<K, string>, number][]) =>
    () =>
      counters().flatMap((c) =>
        points(c).map(([own, value]) => ({
          attributes: { ...base(c.clientId), ...own },
          value,
          startTimeMs: c.startTimeMs,
        })),
      );
  return [
    catalogue.gatewayRequests.family(
      counter((c) => c.requests.map((r) => [{ method: r.method, status_class: r.statusClass }, r.value])),
    ),
    catalogue.gatewayEndpointRequests.family(
      counter((c) =>
        c.endpoints.map((e) => [
          { endpoint: e.endpoint, method: e.method, status_class: e.statusClass },
          e.value,
        ]),
      ),
    ),
    catalogue.gatewayEndpointRequestsPerMinute.family(() =>
      live().flatMap((c) =>
        c.endpoints.map((e) => ({
          attributes: { ...base(c.clientId), endpoint: e.endpoint, method: e.method },
          value: e.perMinute,
        })),
      ),
    ),
    catalogue.gatewayRequestsPerMinute.family(gauge((c) => c.requestsPerMinute)),
    catalogue.gatewayTokenPeakRequestsPerMinute.family(gauge((c) => c.peakTokenRequestsPerMinute)),
    catalogue.gatewayTokensActive.family(gauge((c) => c.activeTokens)),
    catalogue.gatewayInflightRequests.family(gauge((c) => c.inflight)),
    catalogue.gatewayRateLimited.family(counter((c) => [[{}, c.rateLimited]])),
    // Both outcomes for every client, zeros included: also while shaping is off (docs/metrics.md says so).
    catalogue.gatewayShaped.family(
      counter((c) => (['delayed', 'rejected'] as const).map((outcome) => [{ outcome }, c.shaped[outcome]])),
    ),
    catalogue.gatewayUpstreamDuration.family(LATENCY_BOUNDARIES_S, () =>
      counters().flatMap(({ clientId, startTimeMs, latency }) =>
        latency ? [{ attributes: base(clientId), startTimeMs, ...latency }] : [],
      ),
    ),
    catalogue.clientLimitUtilization.family(gauge((c) => c.utilization)),
  ];
}
