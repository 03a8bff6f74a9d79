import { describe, expect, it } from 'vitest';
import { EventLedger, type LedgerEvent } from '../../../src/sources/events/ledger.js';
import { pointsOf } from '../../helpers/families.js';
import { FakeClock } from '../../helpers/clock.js';

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

const DEFINITIONS = [
  { id: 'd1', name: 'Rate limit warning' },
  { id: 'd2', name: 'Data action failed' },
  { id: 'd3', name: 'RATELIMIT reached' },
  { id: 'd4', name: 'Webhook failed' },
];

function ledger(opts: Omit<ConstructorParameters<typeof EventLedger>[0], 'org'> = {}): EventLedger {
  const l = new EventLedger({ org: 'o', ...opts });
  l.setDefinitions(DEFINITIONS);
  return l;
}

const points = (l: EventLedger, clock: FakeClock) =>
  pointsOf(l.collect(clock.now()), 'genesys_operational_events').map((p) => ({
    ...p.attributes,
    value: p.value,
  }));

describe('EventLedger', () => {
  it('exports nothing before the first event, then counts per definition and source', () => {
    const clock = new FakeClock();
    const l = ledger({ clock });
    expect(l.collect(clock.now())).toEqual([]);
    l.record(ev('1'));
    l.record(ev('1', { source: 'pull' })); // same id from the other path is a different delivery
    l.record(ev('2', { eventDefinitionId: 'd2', eventDefinitionName: 'Data action failed' }));
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
    const l = ledger({ clock, dedupeMs: 10 * 60_000 });
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

  it('keeps the latest arrivals (not the latest timestamps), flags rate-limit definitions, and lists uncounted ones', () => {
    const clock = new FakeClock();
    const l = ledger({ clock, keepLatest: 2 });
    l.record(ev('a', { timestamp: 1 }));
    l.record(ev('b', { timestamp: 3, eventDefinitionId: 'd4', eventDefinitionName: 'Webhook failed' }), {
      count: false,
    });
    l.record(ev('c', { timestamp: 2, eventDefinitionId: 'd3', eventDefinitionName: 'RATELIMIT reached' }));
    expect(l.latest().map((e) => [e.id, e.rateLimit])).toEqual([
      ['c', true],
      ['b', false],
    ]);
    expect(points(l, clock)).toEqual([
      { org: 'o', event_definition: 'Rate limit warning', source: 'push', value: 1 },
      { org: 'o', event_definition: 'RATELIMIT reached', source: 'push', value: 1 },
    ]);
  });

  it('labels only listed definitions: any other id or pushed name is `other`, and asks for a refresh', () => {
    const clock = new FakeClock();
    const l = ledger({ clock });
    const unknown: string[] = [];
    l.onUnknownDefinition((id) => unknown.push(id));
    for (let i = 0; i < 500; i++)
      l.record(ev(`x${i}`, { eventDefinitionId: `made-up-${i}`, eventDefinitionName: `Name ${i}` }));
    l.record(ev('y', { eventDefinitionId: 'd1', eventDefinitionName: 'A pushed name' }));
    expect(points(l, clock)).toEqual([
      { org: 'o', event_definition: 'other', source: 'push', value: 500 },
      { org: 'o', event_definition: 'Rate limit warning', source: 'push', value: 1 },
    ]);
    expect(unknown).toHaveLength(500);
  });

  it('remembers a bounded number of event ids for dedupe', () => {
    const clock = new FakeClock();
    const l = ledger({ clock, maxRememberedIds: 100 });
    for (let i = 0; i < 1_000; i++) expect(l.record(ev(`id-${i}`))).toBe(true);
    // The oldest ids were forgotten early: a redelivery of one counts again, a recent one does not.
    expect(l.record(ev('id-0'))).toBe(true);
    expect(l.record(ev('id-999'))).toBe(false);
  });

  it('keeps every string of an event and of the definitions list to 256 characters', () => {
    const clock = new FakeClock();
    const l = new EventLedger({ org: 'o', clock });
    const huge = 'x'.repeat(100_000);
    l.setDefinitions([{ id: 'd1', name: `Rate limit ${huge}` }]);
    expect(l.definitionName('d1')).toHaveLength(256);
    l.record(ev('short', { entityName: huge, errorCode: 'E1' }));
    const [e] = l.latest();
    expect(e!.entityName).toBe(`${'x'.repeat(255)}…`);
    expect(e!.errorCode).toBe('E1');
    expect(e!.truncated).toBe(true);
    expect(String((points(l, clock)[0] as Record<string, unknown>).event_definition)).toHaveLength(256);
    l.record(ev('plain'));
    expect(l.latest()[0]!.truncated).toBeUndefined();
    expect(l.truncatedEvents).toBe(1);
  });
});
