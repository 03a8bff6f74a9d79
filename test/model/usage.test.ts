import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../src/genesys/api.js';
import {
  classCounts,
  dataAgeSeconds,
  summariseUsage,
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
  status200: requests - (extra.status400 ?? 0) - (extra.status500 ?? 0),
  status300: 0,
  status400: 0,
  status429: 0,
  status500: 0,
  ...extra,
});
const at = (iso: string) => Date.parse(iso);

describe('usage model', () => {
  it('asks for the month plus a few days before it, so the 1st still finds the last complete day', () => {
    expect(usageQueryInterval(at('2026-11-28T10:00:00Z')).interval).toBe(
      '2026-11-01T00:00:00Z/2026-11-28T23:59:59.999Z',
    );
    expect(usageQueryInterval(at('2026-12-01T00:30:00Z')).interval).toBe(
      '2026-11-28T00:00:00Z/2026-12-01T23:59:59.999Z',
    );
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
      row('2026-11-27', 'a', 50, { status400: 10, status429: 4, status500: 1 }),
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

  it('classes add up to requests even though the API counts 429 inside status400', () => {
    const c = classCounts({ status200: 80, status300: 2, status400: 15, status429: 9, status500: 3 });
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
    const rows = [row('2026-11-27', 'a', 10), row('2026-11-27', 'gone', 30, { status400: 5, status429: 5 })];
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
