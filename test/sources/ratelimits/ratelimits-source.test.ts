import { describe, expect, it } from 'vitest';
import type {
  GenesysApi,
  OperationalEvent,
  RateLimitAggregateGroup,
  RateLimitAggregateQuery,
} from '../../../src/genesys/api.js';
import { GenesysApiError } from '../../../src/genesys/errors.js';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { EventLedger } from '../../../src/sources/events/ledger.js';
import { RateLimitsSource } from '../../../src/sources/ratelimits/index.js';
import { pointsOf } from '../../helpers/families.js';
import { FakeClock } from '../../helpers/clock.js';

const MIN = 60_000;
type FakeApi = Pick<
  GenesysApi,
  'queryRateLimitAggregates' | 'listEventDefinitions' | 'queryOperationalEvents'
>;

function setup(api: Partial<FakeApi>) {
  const clock = new FakeClock();
  const unknown: string[] = [];
  const directory = new MapClientDirectory((id) => unknown.push(id));
  directory.set('client-1', 'WFM_Sync_Script');
  const ledger = new EventLedger({ org: 'demo', clock });
  const full: FakeApi = {
    queryRateLimitAggregates: async () => [],
    listEventDefinitions: async () => [],
    queryOperationalEvents: async () => [],
    ...api,
  };
  const source = new RateLimitsSource({ org: 'demo', api: full, intervalMs: MIN, directory, ledger, clock });
  return { clock, source, unknown, ledger };
}

const bucket = (startMs: number, count: number) => ({
  interval: `${new Date(startMs).toISOString()}/${new Date(startMs + MIN).toISOString()}`,
  count,
  max: 300,
});

describe('RateLimitsSource', () => {
  it('exports nothing before the first success, then warnings per entity with client names', async () => {
    let fail = true;
    let started = 0;
    const { source, clock, unknown } = setup({
      queryRateLimitAggregates: async (q: RateLimitAggregateQuery): Promise<RateLimitAggregateGroup[]> => {
        if (fail)
          throw new GenesysApiError('boom', 503, 'POST /api/v2/analytics/ratelimits/aggregates/query');
        const start = Date.parse(q.interval.split('/')[0]!);
        started = start;
        const cur = Math.floor(clock.now() / MIN) * MIN;
        return [
          {
            namespace: 'platform.api',
            limitName: 'client.credentials.token.rate.per.minute',
            entityId: 'client-1',
            data: [bucket(cur, 2)],
          },
          {
            namespace: 'platform.api',
            limitName: 'client.credentials.token.rate.per.minute',
            entityId: 'ghost',
            data: [bucket(cur, 1)],
          },
        ];
      },
    });
    await expect(source.runOnce()).rejects.toThrow('boom');
    expect(source.collect(clock.now())).toEqual([]);
    expect(source.health()).toMatchObject({ up: false, lastError: expect.stringContaining('boom') });

    fail = false;
    clock.advance(MIN);
    await source.runOnce();
    expect(started % MIN).toBe(0); // window aligned to the bucket size
    expect(source.collect(clock.now())[0]?.name).toBe('genesys_rate_limit_warnings');
    const warnings = pointsOf(source.collect(clock.now()), 'genesys_rate_limit_warnings');
    expect(warnings.map((p) => [p.attributes.entity_id, p.attributes.entity_name, p.value])).toEqual([
      ['client-1', 'WFM_Sync_Script', 2],
      ['ghost', 'ghost', 1],
    ]);
    expect(unknown).toEqual(['ghost']);
    expect(source.latestWarnings()[0]).toMatchObject({ entityName: 'WFM_Sync_Script', count: 2, max: 300 });
    expect(source.health().up).toBe(true);
  });

  it('the status page count is the counter value, not the records still in the lookback window', async () => {
    let startMs = 0;
    const { source, clock } = setup({
      queryRateLimitAggregates: async () => [
        {
          namespace: 'platform.api',
          limitName: 'client.credentials.token.rate.per.minute',
          entityId: 'client-1',
          // 4 records in a bucket that ended before the agent started (still in the lookback
          // window, never counted) and 11 after it.
          data: [bucket(startMs - 5 * MIN, 4), bucket(startMs + MIN, 11)],
        },
      ],
    });
    startMs = Math.floor(clock.now() / MIN) * MIN;
    clock.advance(3 * MIN);
    await source.runOnce();
    const [counter] = pointsOf(source.collect(clock.now()), 'genesys_rate_limit_warnings');
    expect(counter?.value).toBe(11);
    expect(source.latestWarnings()[0]?.count).toBe(counter?.value);
  });

  it('falls back to a coarser granularity on a 400 naming the granularity and remembers it', async () => {
    const asked: (string | undefined)[] = [];
    const { source } = setup({
      queryRateLimitAggregates: async (q) => {
        asked.push(q.granularity);
        if (q.granularity === 'PT1M' || q.granularity === 'PT5M')
          throw new GenesysApiError('x failed: HTTP 400', 400, 'x', 'bad.request', 'granularity is too fine');
        return [];
      },
    });
    await source.runOnce();
    await source.runOnce();
    expect(asked).toEqual(['PT1M', 'PT5M', 'PT15M', 'PT15M']);
    expect(source.granularityInUse()).toBe('PT15M');
  });

  it('keeps PT1M on a 400 about anything else (the source fails instead)', async () => {
    const asked: (string | undefined)[] = [];
    const { source } = setup({
      queryRateLimitAggregates: async (q) => {
        asked.push(q.granularity);
        throw new GenesysApiError('x failed: HTTP 400', 400, 'x', 'bad.request', 'interval is invalid');
      },
    });
    await expect(source.runOnce()).rejects.toThrow(/HTTP 400/);
    expect(asked).toEqual(['PT1M']);
    expect(source.granularityInUse()).toBe('PT1M');
  });

  it('pulls operational events into the ledger once each, naming them from the cached definitions', async () => {
    let defCalls = 0;
    const events: OperationalEvent[] = [];
    const { source, clock, ledger } = setup({
      listEventDefinitions: async () => {
        defCalls++;
        return [{ id: 'def-rl', name: 'Rate limit warning' }];
      },
      queryOperationalEvents: async (q) => {
        const [from, to] = q.interval.split('/').map((s) => Date.parse(s));
        return events.filter((e) => e.timestamp >= from! && e.timestamp <= to!);
      },
    });
    const base = {
      eventDefinitionId: 'def-rl',
      eventDefinitionName: 'def-rl',
      entityId: 'client-1',
      entityName: null,
      previousValue: null,
      currentValue: null,
      errorCode: null,
    };
    events.push({ ...base, id: 'before-start', timestamp: clock.now() - 2 * MIN });
    clock.advance(30_000);
    events.push({ ...base, id: 'e1', timestamp: clock.now() - 1000 });
    await source.runOnce();
    clock.advance(MIN);
    events.push({ ...base, id: 'e2', timestamp: clock.now() - 1000 });
    await source.runOnce();

    // The events counter is the ledger's (the org's events source exports it, not this one).
    const points = pointsOf(ledger.collect(clock.now()), 'genesys_operational_events');
    expect(points).toEqual([
      expect.objectContaining({
        value: 2,
        attributes: { org: 'demo', event_definition: 'Rate limit warning', source: 'pull' },
      }),
    ]);
    expect(ledger.latest().map((e) => e.id)).toEqual(['e2', 'e1', 'before-start']);
    expect(defCalls).toBe(1);
    clock.advance(60 * MIN);
    await source.runOnce();
    expect(defCalls).toBe(2);
  });

  it('keeps counting aggregates when the events API fails, but reports the failure', async () => {
    const { source, clock } = setup({
      queryRateLimitAggregates: async () => [
        {
          namespace: 'n',
          limitName: 'l',
          entityId: 'client-1',
          data: [bucket(Math.floor(clock.now() / MIN) * MIN, 1)],
        },
      ],
      queryOperationalEvents: async () => {
        throw new GenesysApiError('events down', 500, 'POST /api/v2/usage/events/query');
      },
    });
    await expect(source.runOnce()).rejects.toThrow('events down');
    expect(pointsOf(source.collect(clock.now()), 'genesys_rate_limit_warnings')[0]?.value).toBe(1);
  });
});
