import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/commands/table.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';

const live = (rpm: number, peak: number, limited: number) => ({
  requestsPerMinute: rpm,
  peakTokenRequestsPerMinute: peak,
  activeTokens: 1,
  inflight: 0,
  rateLimited5m: limited,
  requestsTotal: rpm * 10,
});

const FIXTURE: ClientsSnapshot = {
  generatedAt: '2026-01-15T12:00:00.000Z',
  demo: true,
  orgs: [
    {
      org: 'demo',
      sources: [
        {
          source: 'usage',
          freshness: 'daily',
          up: true,
          lastSuccess: '2026-01-15T11:58:00.000Z',
          lastDurationMs: 900,
          lastError: null,
        },
        {
          source: 'ratelimits',
          freshness: 'near real time',
          up: false,
          lastSuccess: null,
          lastDurationMs: 10,
          lastError: 'HTTP 403 missing.any.permissions',
        },
      ],
      usage: {
        lastCompleteDay: '2026-01-14',
        dataAgeSeconds: 43_200,
        fetchedAt: '2026-01-15T11:58:00.000Z',
        month: '2026-01',
        previousMonth: '2025-12',
        monthHasCompleteDay: true,
        previousMonthComplete: true,
      },
      clients: [
        {
          clientId: 'c-runaway',
          clientName: 'Chatbot_Backend',
          exists: true,
          limit: 300,
          utilization: 0.93,
          live: live(289, 280, 12),
          usage: {
            lastDayRequests: 129_406,
            lastDay429: 0,
            share429: 0,
            monthToDate: 3_500_061,
            previousMonthTotal: 7_010_220,
            today: null,
          },
          endpoints: {
            live: [
              {
                endpoint: '/api/v2/conversations/messages/{conversationId}',
                method: 'POST',
                perMinute: 250,
                requests: 2500,
                rateLimited: 12,
              },
            ],
          },
          latestWarning: {
            limitKey: 'client.credentials.token.rate.per.minute',
            count: 3,
            max: 300,
            lastSeen: '2026-01-15T11:59:00.000Z',
          },
        },
        {
          clientId: 'c-wfm',
          clientName: 'WFM_Sync_Script',
          exists: true,
          limit: 300,
          utilization: 0.4,
          live: live(120, 120, 0),
          usage: {
            lastDayRequests: 172_544,
            lastDay429: 0,
            share429: 0,
            monthToDate: 4_665_669,
            previousMonthTotal: 9_331_002,
            today: null,
          },
          latestWarning: null,
          endpoints: {
            lastDay: [
              {
                endpoint: '/api/v2/workforcemanagement/schedules',
                method: 'GET',
                requests: 86_272,
                rateLimited: 0,
              },
              { endpoint: '/api/v2/users/{userId}', method: 'GET', requests: 57_515, rateLimited: 12 },
            ],
          },
        },
        {
          clientId: 'c-batch',
          clientName: 'Legacy_Batch_Job',
          exists: false,
          limit: 300,
          utilization: null,
          live: null,
          usage: {
            lastDayRequests: 24_317,
            lastDay429: 6_480,
            share429: 0.2665,
            monthToDate: 656_562,
            previousMonthTotal: 1_313_001,
            today: null,
          },
          latestWarning: null,
        },
      ],
      unidentified: { requestsPerMinute: 14, inflight: 1, rateLimited5m: 0 },
    },
  ],
};

describe('once table', () => {
  it('aligns the columns, keeps the snapshot order and marks hot clients', () => {
    expect(renderTable(FIXTURE, { color: false })).toMatchInlineSnapshot(`
      "DEMO MODE: figures come from the embedded simulator, not a real org
      generated 2026-01-15T12:00:00.000Z · REQ/MIN, TOKEN PEAK, UTIL, 429 5M: live (gateway) · LAST DAY, 429 SHARE, MONTH: daily (Usage API) · WARNING: near real time

      org demo: last complete day 2026-01-14, usage data age 12h
         CLIENT                      CLIENT ID  REQ/MIN  TOKEN PEAK  LIMIT  UTIL  429 5M  LAST DAY  429 SHARE      MONTH  LATEST WARNING
      !  Chatbot_Backend             c-runaway      289         280    300   93%      12   129,406      0.00%  3,500,061  client.credentials.token.rate.per.minute ×3
         WFM_Sync_Script             c-wfm          120         120    300   40%       0   172,544      0.00%  4,665,669  –
      ~  Legacy_Batch_Job (deleted)  c-batch          –           –    300     –       –    24,317     26.65%    656,562  –
        unidentified requests (no or unrecognised bearer token): 14/min, 1 in flight, 0 429s in 5 min
        top endpoints
          Chatbot_Backend: now POST /api/v2/conversations/messages/{conversationId} 250/min
          WFM_Sync_Script: last day GET /api/v2/workforcemanagement/schedules 86,272, GET /api/v2/users/{userId} 57,515 (429: 12)
        source usage      up   daily          last success 2m ago
        source ratelimits DOWN near real time never succeeded — HTTP 403 missing.any.permissions

      ! near the per-token limit (≥ 83 %) or 429s in the last 5 min   ~ 429 share of the last day above 1 %
      "
    `);
  });

  it('colours only when asked (a TTY): hot rows red, a high 429 share yellow, a failing source red', () => {
    const plain = renderTable(FIXTURE, { color: false });
    expect(plain).not.toContain('\u001b[');
    const lines = renderTable(FIXTURE, { color: true }).split('\n');
    const RED = '\u001b[31m';
    const YELLOW = '\u001b[33m';
    expect(lines.find((l) => l.includes('Chatbot_Backend'))?.startsWith(`${RED}!  Chatbot_Backend`)).toBe(
      true,
    );
    expect(
      lines.find((l) => l.includes('Legacy_Batch_Job'))?.startsWith(`${YELLOW}~  Legacy_Batch_Job (deleted)`),
    ).toBe(true);
    expect(lines.find((l) => l.includes('WFM_Sync_Script'))).not.toContain('\u001b[');
    expect(lines.find((l) => l.includes('source ratelimits'))?.startsWith(RED)).toBe(true);
  });

  it.each([
    ['the 1st, yesterday published', true, '2025-12: 9,331,002'],
    ['the 1st, before yesterday is published', false, '2025-12 so far: 9,331,002'],
  ])(
    'on %s MONTH says "no complete day yet" with the previous month total, not a bare 0',
    (_when, previousMonthComplete, previous) => {
      const first: ClientsSnapshot = {
        ...FIXTURE,
        generatedAt: '2026-01-01T00:10:00.000Z',
        orgs: FIXTURE.orgs.map((o) => ({
          ...o,
          usage: {
            lastCompleteDay: previousMonthComplete ? '2025-12-31' : '2025-12-30',
            dataAgeSeconds: 600,
            fetchedAt: '2026-01-01T00:05:00.000Z',
            month: '2026-01',
            previousMonth: '2025-12',
            monthHasCompleteDay: false,
            previousMonthComplete,
          },
          clients: o.clients.map((c) => ({ ...c, usage: c.usage && { ...c.usage, monthToDate: 0 } })),
        })),
      };
      const text = renderTable(first, { color: false });
      expect(text).toContain('MONTH: no complete day yet this month (2026-01)');
      const wfm = text.split('\n').find((l) => l.includes('WFM_Sync_Script'))!;
      expect(wfm).toContain(`no complete day yet · ${previous}`);
    },
  );
});
