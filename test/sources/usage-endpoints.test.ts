/** Issue 24: the usage source asks for the last complete day per endpoint only when that day changed. */
import { describe, expect, it } from 'vitest';
import type { UsageQuery, UsageRow } from '../../src/genesys/api.js';
import { MapClientDirectory } from '../../src/model/client-directory.js';
import { UsageSource } from '../../src/sources/usage/index.js';
import { at, fakeClockAt } from '../helpers/clock.js';

const row = (date: string, requests: number, extra: Partial<UsageRow> = {}): UsageRow => ({
  date,
  clientId: 'a',
  clientName: 'A',
  requests,
  status200: requests,
  status300: 0,
  status4xx: 0,
  status429: 0,
  status500: 0,
  ...extra,
});

function source(opts: { failEndpoints?: () => boolean; lastDay: () => number; top?: number }) {
  const clock = fakeClockAt('2026-11-28T06:00:00Z');
  const queries: UsageQuery[] = [];
  const answer = async (q: UsageQuery): Promise<UsageRow[]> => {
    queries.push(q);
    if (!q.byEndpoint) return [row('2026-11-27', opts.lastDay())];
    if (opts.failEndpoints?.()) throw new Error('endpoint query failed');
    expect(q.interval).toBe('2026-11-27T00:00:00Z/2026-11-27T23:59:59.999Z');
    return [
      row('2026-11-27', opts.lastDay() - 1, { endpoint: '/api/v2/users/me', method: 'GET' }),
      row('2026-11-27', 1, { endpoint: '/api/v2/groups', method: 'GET' }),
    ];
  };
  const usage = new UsageSource({
    org: 'o',
    api: { queryUsageAggregates: answer, queryUsageLegacy: answer },
    clients: { existingIds: () => null, refresh: async () => {}, directory: new MapClientDirectory() },
    intervalMs: 900_000,
    topEndpoints: opts.top ?? 1,
    clock,
  });
  return { usage, queries, clock };
}

describe('usage source: endpoints of the last complete day', () => {
  it('one extra query when the day or its total changes, none on the polls between', async () => {
    let lastDay = 100;
    const { usage, queries, clock } = source({ lastDay: () => lastDay });
    await usage.runOnce();
    expect(queries.map((q) => q.byEndpoint)).toEqual([false, true]);
    expect(usage.current()!.clients[0]!.lastDayEndpoints!.map((e) => [e.endpoint, e.requests])).toEqual([
      ['/api/v2/users/me', 99],
      ['other', 1], // top 1 plus the rest
    ]);
    clock.advance(900_000);
    await usage.runOnce();
    expect(queries.map((q) => q.byEndpoint)).toEqual([false, true, false]);
    expect(usage.current()!.clients[0]!.lastDayEndpoints).toHaveLength(2);
    lastDay = 120; // the day's figures were revised
    clock.advance(900_000);
    await usage.runOnce();
    expect(queries.map((q) => q.byEndpoint)).toEqual([false, true, false, false, true]);
    expect(usage.current()!.clients[0]!.lastDayEndpoints![0]!.requests).toBe(119);
    expect(at('2026-11-28T06:30:00Z')).toBe(clock.now());
  });

  it('AGENT_USAGE_TOP_ENDPOINTS=0: no per-endpoint query and no per-endpoint figures', async () => {
    const { usage, queries } = source({ lastDay: () => 100, top: 0 });
    await usage.runOnce();
    expect(queries.map((q) => q.byEndpoint)).toEqual([false]);
    expect(usage.current()!.clients[0]!.lastDay.requests).toBe(100);
    expect(usage.current()!.clients[0]!.lastDayEndpoints).toBeUndefined();
  });

  it('a failed endpoint query fails the poll but the daily figures stand', async () => {
    const { usage } = source({ failEndpoints: () => true, lastDay: () => 100 });
    await expect(usage.runOnce()).rejects.toThrow('endpoint query failed');
    expect(usage.current()!.clients[0]!.lastDay.requests).toBe(100);
    expect(usage.current()!.clients[0]!.lastDayEndpoints).toBeUndefined();
    expect(usage.health().up).toBe(false);
  });
});
