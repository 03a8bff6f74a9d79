import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/genesys/api.js';
import {
  classCounts,
  dataAgeSeconds,
  hasCompleteDayThisMonth,
  previousMonthComplete,
  summariseUsage,
  topEndpoints,
  usageQueryInterval,
  utcDay,
} from '../../src/model/usage.js';
import { usageFamilies } from '../../src/sources/usage/metrics.js';
import { gauge } from '../helpers/families.js';

const row = (date: string, clientId: string, requests: number, extra: Partial<UsageRow> = {}): UsageRow => ({
  date,
  clientId,
  clientName: `name-${clientId}`,
  requests,
  status200: requests - (extra.status4xx ?? 0) - (extra.status429 ?? 0) - (extra.status500 ?? 0),
  status300: 0,
  status4xx: 0,
  status429: 0,
  status500: 0,
  ...extra,
});
import { BOUNDARIES, DAY_MS, at, utcDayOf, type BoundaryName } from '../helpers/clock.js';

describe('usage model', () => {
  it.each([
    ['firstMinuteOfMonth', '2026-11-01T00:00:00Z/2026-12-01T23:59:59.999Z'],
    ['lastMinuteOfMonth', '2026-10-01T00:00:00Z/2026-11-30T23:59:59.999Z'],
    ['leapDay', '2028-01-01T00:00:00Z/2028-02-29T23:59:59.999Z'],
    ['leapDayLastMinute', '2028-01-01T00:00:00Z/2028-02-29T23:59:59.999Z'],
    ['yearEnd', '2026-11-01T00:00:00Z/2026-12-31T23:59:59.999Z'],
    ['newYear', '2026-12-01T00:00:00Z/2027-01-01T23:59:59.999Z'],
    ['beforeMidnight', '2026-10-01T00:00:00Z/2026-11-17T23:59:59.999Z'],
  ] as [BoundaryName, string][])(
    'at %s asks for the previous and the current month through today (%s), within the 90 days the API allows',
    (name, interval) => {
      const q = usageQueryInterval(BOUNDARIES[name]);
      expect(q.interval).toBe(interval);
      expect(
        (Date.parse(`${q.end}T00:00:00Z`) - Date.parse(`${q.start}T00:00:00Z`)) / DAY_MS,
      ).toBeLessThanOrEqual(63);
    },
  );

  // One row of 1 request per client and published day, so month-to-date counts the complete days.
  it.each([
    // name, last complete day, month, month-to-date, previous month, its total, has a complete day
    ['firstMinuteOfMonth', '2026-11-30', '2026-12', 0, '2026-11', 30, false],
    ['lastMinuteOfMonth', '2026-11-29', '2026-11', 29, '2026-10', 31, true],
    ['leapDay', '2028-02-28', '2028-02', 28, '2028-01', 31, true],
    ['leapDayLastMinute', '2028-02-28', '2028-02', 28, '2028-01', 31, true],
    ['yearEnd', '2026-12-30', '2026-12', 30, '2026-11', 30, true],
    ['newYear', '2026-12-31', '2027-01', 0, '2026-12', 31, false],
    ['beforeMidnight', '2026-11-16', '2026-11', 16, '2026-10', 31, true],
  ] as [BoundaryName, string, string, number, string, number, boolean][])(
    'at %s: last complete day %s, month %s to date %d, previous month %s total %d',
    (name, lastDay, month, mtd, previousMonth, previousTotal, complete) => {
      const now = BOUNDARIES[name];
      const q = usageQueryInterval(now);
      const rows: UsageRow[] = [];
      for (let d = Date.parse(`${q.start}T00:00:00Z`); utcDayOf(d) < utcDayOf(now); d += DAY_MS)
        rows.push(row(utcDayOf(d), 'a', 1));
      const s = summariseUsage(rows, now, null);
      expect(s).toMatchObject({ lastCompleteDay: lastDay, month, previousMonth });
      expect(s.clients[0]).toMatchObject({ monthToDate: mtd, previousMonthTotal: previousTotal });
      expect(hasCompleteDayThisMonth(s)).toBe(complete);
      expect(previousMonthComplete(s)).toBe(true);
      // the gauge still exports the honest 0 on the 1st (docs/metrics.md)
      const fams = usageFamilies('o', s, now);
      const m = gauge(fams, 'genesys_usage_requests_month_to_date');
      expect(m.points.map((p) => p.value)).toEqual([mtd]);
    },
  );

  it('on the 1st before yesterday is published, the previous month total is marked incomplete', () => {
    const rows = [row('2026-11-29', 'a', 7), row('2026-11-02', 'a', 3), row('2026-10-31', 'a', 100)];
    const s = summariseUsage(rows, BOUNDARIES.firstMinuteOfMonth, null);
    expect(s.lastCompleteDay).toBe('2026-11-29');
    expect(s.clients[0]).toMatchObject({ monthToDate: 0, previousMonthTotal: 10 });
    expect(hasCompleteDayThisMonth(s)).toBe(false);
    expect(previousMonthComplete(s)).toBe(false);
  });

  it('with intraday data on the 1st, month-to-date is only today and still no complete day exists', () => {
    const rows = [row('2026-11-30', 'a', 50), row('2026-12-01', 'a', 4)];
    const s = summariseUsage(rows, BOUNDARIES.firstMinuteOfMonth, null);
    expect(s.clients[0]).toMatchObject({ monthToDate: 4, previousMonthTotal: 50, today: { requests: 4 } });
    expect(hasCompleteDayThisMonth(s)).toBe(false);
  });

  it('ends the interval so the same days are selected whether the end is read inclusively or not', () => {
    const days = (startMs: number, endMs: number, inclusive: boolean) => {
      const out: string[] = [];
      for (let d = startMs; inclusive ? d <= endMs : d < endMs; d += 86_400_000) out.push(utcDay(d));
      return out;
    };
    for (const now of ['2026-11-28T10:00:00Z', '2026-12-01T00:30:00Z', '2026-12-31T23:59:59Z']) {
      const [a, b] = usageQueryInterval(at(now)).interval.split('/') as [string, string];
      const inclusive = days(Date.parse(a), Date.parse(b), true);
      expect(inclusive).toEqual(days(Date.parse(a), Date.parse(b), false));
      expect(inclusive.at(-1)).toBe(now.slice(0, 10)); // today, never tomorrow
    }
  });

  it('takes the newest day before today as the last complete day, sums the month, keeps today apart', () => {
    const rows = [
      row('2026-10-31', 'a', 1000),
      row('2026-11-01', 'a', 100),
      row('2026-11-27', 'a', 50, { status4xx: 6, status429: 4, status500: 1 }),
      row('2026-11-27', 'b', 7),
      row('2026-11-28', 'a', 5),
    ];
    const s = summariseUsage(rows, at('2026-11-28T06:00:00Z'), null);
    expect(s.lastCompleteDay).toBe('2026-11-27');
    const a = s.clients.find((c) => c.clientId === 'a')!;
    expect(a.lastDay.requests).toBe(50);
    expect(a.lastDay.byClass).toEqual({ '2xx': 39, '3xx': 0, '4xx': 6, '429': 4, '5xx': 1 });
    expect(a.monthToDate).toBe(155);
    expect(a.today?.requests).toBe(5);
    expect(s.clients.find((c) => c.clientId === 'b')!.today).toBeNull();
    expect(dataAgeSeconds(s, at('2026-11-28T06:00:00Z'))).toBe(6 * 3600);
    expect(dataAgeSeconds(s, at('2026-11-29T18:00:00Z'))).toBe(42 * 3600);
  });

  it('a client without a row on the last complete day shows zero that day', () => {
    const s = summariseUsage(
      [row('2026-11-20', 'a', 9), row('2026-11-27', 'b', 1)],
      at('2026-11-28T01:00:00Z'),
      null,
    );
    expect(s.clients.find((c) => c.clientId === 'a')!.lastDay.requests).toBe(0);
  });

  it('before yesterday is published, the day before it is the last complete day', () => {
    const s = summariseUsage([row('2026-11-26', 'a', 9)], at('2026-11-28T00:10:00Z'), null);
    expect(s.lastCompleteDay).toBe('2026-11-26');
  });

  it('classes add up to requests', () => {
    const c = classCounts({ status200: 80, status300: 2, status4xx: 6, status429: 9, status500: 3 });
    expect(Object.values(c).reduce((x, y) => x + y, 0)).toBe(100);
  });

  it('derives an intraday velocity from successive snapshots', () => {
    const first = summariseUsage([row('2026-11-28', 'a', 100)], at('2026-11-28T10:00:00Z'), null);
    expect(first.clients[0]!.todayRequestsPerMinute).toBeNull();
    const second = summariseUsage([row('2026-11-28', 'a', 400)], at('2026-11-28T10:15:00Z'), null, first);
    expect(second.clients[0]!.todayRequestsPerMinute).toBe(20);
    // a new day starts a new series of snapshots
    const nextDay = summariseUsage([row('2026-11-29', 'a', 10)], at('2026-11-29T00:05:00Z'), null, second);
    expect(nextDay.clients[0]!.todayRequestsPerMinute).toBeNull();
  });

  it('deleted clients leave their own series but stay in the totals, named by the API', () => {
    const rows = [row('2026-11-27', 'a', 10), row('2026-11-27', 'gone', 30, { status429: 5 })];
    const s = summariseUsage(rows, at('2026-11-28T06:00:00Z'), new Set(['a']));
    expect(s.clients.find((c) => c.clientId === 'gone')).toMatchObject({
      exists: false,
      clientName: 'name-gone',
    });
    const fams = usageFamilies('o', s, at('2026-11-28T06:00:00Z'));
    const lastDay = gauge(fams, 'genesys_usage_requests_last_day');
    expect(lastDay.points.map((p) => [p.attributes.client_id, p.value])).toEqual([
      ['a', 10],
      ['deleted', 30],
    ]);
    expect(JSON.stringify(fams)).not.toContain('"gone"');
  });

  it('exports nothing for the daily figures when there is no complete day', () => {
    const s = summariseUsage([row('2026-11-28', 'a', 5)], at('2026-11-28T06:00:00Z'), null);
    const names = usageFamilies('o', s, at('2026-11-28T06:00:00Z')).map((f) => f.name);
    expect(names).toEqual(['genesys_usage_requests_month_to_date', 'genesys_usage_requests_today']);
  });
});

describe('topEndpoints', () => {
  const on = (endpoint: string, method: string, requests: number, extra: Partial<UsageRow> = {}) =>
    row('2026-11-27', 'a', requests, { endpoint, method, ...extra });

  it("keeps a client's busiest N busiest first and sums the rest as other/other, classes included", () => {
    const rows = [
      on('/api/v2/users/{userId}', 'GET', 50, { status429: 5 }),
      on('/api/v2/users/me', 'GET', 30),
      on('/api/v2/groups', 'GET', 7, { status4xx: 1 }),
      on('/api/v2/users', 'POST', 3),
      row('2026-11-26', 'a', 999, { endpoint: '/api/v2/users', method: 'GET' }), // another day
      row('2026-11-27', 'b', 4, { endpoint: '/api/v2/users', method: 'GET' }),
    ];
    const top = topEndpoints(rows, '2026-11-27', 2);
    expect(top.get('a')!.map((e) => [e.endpoint, e.method, e.requests])).toEqual([
      ['/api/v2/users/{userId}', 'GET', 50],
      ['/api/v2/users/me', 'GET', 30],
      ['other', 'other', 10],
    ]);
    expect(top.get('a')![0]!.byClass['429']).toBe(5);
    expect(top.get('a')![2]!.byClass).toEqual({ '2xx': 9, '3xx': 0, '4xx': 1, '429': 0, '5xx': 0 });
    expect(top.get('b')).toHaveLength(1);
  });

  it('an unmatched template in the top and the rest share one other/other', () => {
    const rows = [on('other', 'other', 40), on('/api/v2/users', 'GET', 30), on('/api/v2/groups', 'GET', 5)];
    expect(
      topEndpoints(rows, '2026-11-27', 2)
        .get('a')!
        .map((e) => [e.endpoint, e.requests]),
    ).toEqual([
      ['other', 45],
      ['/api/v2/users', 30],
    ]);
  });

  it("exports requests per endpoint, and 429s only where there were any, under the gateway's endpoint value", () => {
    const s = summariseUsage([row('2026-11-27', 'a', 14)], at('2026-11-28T06:00:00Z'), null);
    s.clients[0]!.lastDayEndpoints = topEndpoints(
      [on('/api/v2/users/me', 'GET', 10, { status429: 2 }), on('/api/v2/groups', 'GET', 4, { status4xx: 1 })],
      '2026-11-27',
      10,
    ).get('a');
    const fams = usageFamilies('o', s, at('2026-11-28T06:00:00Z'));
    const values = (name: string) =>
      gauge(fams, name).points.map((p) => [
        p.attributes.endpoint,
        p.attributes.method,
        p.attributes.status_class,
        p.value,
      ]);
    expect(values('genesys_usage_endpoint_requests_last_day')).toEqual([
      ['/api/v2/users/me', 'GET', undefined, 10],
      ['/api/v2/groups', 'GET', undefined, 4],
    ]);
    expect(values('genesys_usage_endpoint_responses_last_day')).toEqual([
      ['/api/v2/users/me', 'GET', '429', 2],
    ]);
  });
});
