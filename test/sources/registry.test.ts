import { describe, expect, it } from 'vitest';
import { EventsSource } from '../../src/sources/events/index.js';
import { sourceFamilies } from '../../src/sources/registry.js';
import type { Source, SourceHealth, SourceName } from '../../src/sources/source.js';
import type { MetricFamily } from '../../src/telemetry/families.js';
import { pointsOf } from '../helpers/families.js';
import { FakeClock } from '../helpers/clock.js';

function fake(name: SourceName, health: SourceHealth, families: MetricFamily[] = []): Source {
  return {
    name,
    org: 'acme',
    start: async () => {},
    stop: async () => {},
    collect: () => families,
    health: () => health,
  };
}

/** [source, value] of each point of a health family. */
const points = (families: MetricFamily[], name: string) =>
  pointsOf(families, name).map((p) => [p.attributes.source, p.value]);

describe('per-source health from the registry', () => {
  it('emits up once a source ran or serves, last success only after one, duration only after a run', () => {
    const data: MetricFamily = { name: 'x', help: 'x', unit: '', kind: 'gauge', points: [] };
    const fams = sourceFamilies(
      [
        fake('usage', { up: false, lastSuccessMs: null, lastDurationMs: null, lastError: null }),
        fake('limits', { up: false, lastSuccessMs: 1_000, lastDurationMs: 250, lastError: 'boom' }),
        fake('ratelimits', { up: true, lastSuccessMs: 2_000, lastDurationMs: 500, lastError: null }, [data]),
        fake('gateway', { up: true, lastSuccessMs: null, lastDurationMs: null, lastError: null }),
      ],
      5_000,
    );
    expect(fams[0]).toBe(data); // each source's own families first, health after them
    expect(points(fams, 'genesys_agent_source_up')).toEqual([
      ['limits', 0],
      ['ratelimits', 1],
      ['gateway', 1],
    ]);
    expect(points(fams, 'genesys_agent_source_last_success_timestamp_seconds')).toEqual([
      ['limits', 1],
      ['ratelimits', 2],
    ]);
    expect(points(fams, 'genesys_agent_source_duration_seconds')).toEqual([
      ['limits', 0.25],
      ['ratelimits', 0.5],
    ]);
  });

  it('no health family at all before any source has anything to say', () => {
    const idle = fake('usage', { up: false, lastSuccessMs: null, lastDurationMs: null, lastError: null });
    expect(sourceFamilies([idle], 0)).toEqual([]);
  });

  it('the events source: silent without a push endpoint; up while serving, last success at the last push', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    const off = new EventsSource({ org: 'acme', push: false, clock });
    await off.start();
    expect(sourceFamilies([off], clock.now())).toEqual([]);

    const on = new EventsSource({ org: 'acme', push: true, clock });
    await on.start();
    expect(points(sourceFamilies([on], clock.now()), 'genesys_agent_source_up')).toEqual([['events', 1]]);
    expect(on.health().lastSuccessMs).toBeNull();
    clock.advance(5_000);
    on.ledger.record({
      id: 'e1',
      eventDefinitionId: 'd1',
      eventDefinitionName: 'Rate limit warning',
      entityId: null,
      entityName: null,
      previousValue: null,
      currentValue: null,
      errorCode: null,
      timestamp: clock.now(),
      source: 'push',
    });
    const fams = sourceFamilies([on], clock.now());
    expect(points(fams, 'genesys_agent_source_last_success_timestamp_seconds')).toEqual([
      ['events', clock.now() / 1000],
    ]);
    expect(pointsOf(fams, 'genesys_operational_events')).toHaveLength(1);
    await on.stop();
    expect(on.health().up).toBe(false);
  });
});
