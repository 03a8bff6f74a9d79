import { describe, expect, it } from 'vitest';
import { EventLedger, type LedgerEvent } from '../../src/sources/events/ledger.js';
import { FakeClock } from '../../src/util/clock.js';
import { pointsOf } from '../helpers/families.js';

function ev(id: string, over: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    id,
    eventDefinitionId: 'd1',
    eventDefinitionName: 'Rate limit warning',
    entityId: 'c1',
    entityName: null,
    previousValue: null,
    currentValue: null,
    errorCode: null,
    timestamp: 0,
    source: 'push',
    ...over,
  };
}

const points = (l: EventLedger, clock: FakeClock) =>
  pointsOf(l.collect(clock.now()), 'genesys_operational_events').map((p) => ({
    ...p.attributes,
    value: p.value,
  }));

describe('EventLedger', () => {
  it('exports nothing before the first event, then counts per definition and source', () => {
    const clock = new FakeClock();
    const l = new EventLedger({ org: 'o', clock });
    expect(l.collect(clock.now())).toEqual([]);
    l.record(ev('1'));
    l.record(ev('1', { source: 'pull' })); // same id from the other path is a different delivery
    l.record(ev('2', { eventDefinitionName: 'Data action failed' }));
    expect(points(l, clock)).toEqual(
      expect.arrayContaining([
        { org: 'o', event_definition: 'Rate limit warning', source: 'push', value: 1 },
        { org: 'o', event_definition: 'Rate limit warning', source: 'pull', value: 1 },
        { org: 'o', event_definition: 'Data action failed', source: 'push', value: 1 },
      ]),
    );
  });

  it('drops redeliveries within the dedupe time and counts them again after it', () => {
    const clock = new FakeClock();
    const l = new EventLedger({ org: 'o', clock, dedupeMs: 10 * 60_000 });
    expect(l.record(ev('x'))).toBe(true);
    clock.advance(9 * 60_000);
    expect(l.record(ev('x'))).toBe(false);
    clock.advance(60_000);
    expect(l.record(ev('x'))).toBe(true);
    expect(points(l, clock)[0]?.value).toBe(2);
  });

  it('refuses a dedupe time under 10 minutes', () => {
    expect(() => new EventLedger({ org: 'o', dedupeMs: 60_000 })).toThrow(/dedupeMs/);
  });

  it('keeps the newest events, flags rate-limit definitions, and lists uncounted ones', () => {
    const clock = new FakeClock();
    const l = new EventLedger({ org: 'o', clock, keepLatest: 2 });
    l.record(ev('a', { timestamp: 1 }));
    l.record(ev('b', { timestamp: 3, eventDefinitionName: 'Webhook failed' }), { count: false });
    l.record(ev('c', { timestamp: 2, eventDefinitionName: 'RATELIMIT reached' }));
    expect(l.latest().map((e) => [e.id, e.rateLimit])).toEqual([
      ['b', false],
      ['c', true],
    ]);
    expect(points(l, clock)).toEqual([
      { org: 'o', event_definition: 'Rate limit warning', source: 'push', value: 1 },
      { org: 'o', event_definition: 'RATELIMIT reached', source: 'push', value: 1 },
    ]);
  });
});
