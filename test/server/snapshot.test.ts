import { describe, expect, it } from 'vitest';
import { UNKNOWN_CLIENT } from '../../src/model/gateway/measurements.js';
import { buildSnapshot, type OrgView } from '../../src/server/snapshot.js';

const figures = (clientId: string, clientName: string, requestsPerMinute: number) => ({
  clientId,
  clientName,
  requestsPerMinute,
  peakTokenRequestsPerMinute: requestsPerMinute,
  activeTokens: 2,
  inflight: 1,
  rateLimited5m: 3,
  limit: 300,
  utilization: requestsPerMinute / 300,
  requestsTotal: requestsPerMinute,
  endpoints: [],
});

const view = (live: OrgView['live']): OrgView => ({
  org: 'acme',
  sources: [],
  usage: null,
  live,
  warnings: [],
  limitFor: () => 300,
});

describe('buildSnapshot', () => {
  it('shows requests without a known token as unidentified requests, never as a client row', () => {
    const snap = buildSnapshot(
      [view([figures('c1', 'Billing', 30), figures(UNKNOWN_CLIENT, UNKNOWN_CLIENT, 12)])],
      0,
      false,
    );
    const org = snap.orgs[0]!;
    expect(org.clients.map((c) => c.clientId)).toEqual(['c1']);
    expect(org.unidentified).toEqual({ requestsPerMinute: 12, inflight: 1, rateLimited5m: 3 });
    expect(buildSnapshot([view([figures('c1', 'Billing', 30)])], 0, false).orgs[0]!.unidentified).toBeNull();
  });
});
