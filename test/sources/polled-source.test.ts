import { describe, expect, it } from 'vitest';
import { PolledSource, type PollSchedule } from '../../src/sources/polled-source.js';
import type { SourceName } from '../../src/sources/source.js';
import { ManualScheduler, FakeClock } from '../helpers/clock.js';

const settle = () => new Promise((r) => setImmediate(r));

class Probe extends PolledSource {
  constructor(
    name: SourceName,
    schedule: Omit<PollSchedule, 'org'>,
    private readonly run: () => Promise<void>,
  ) {
    super(name, { org: 'test', ...schedule });
  }
  protected poll(): Promise<void> {
    return this.run();
  }
  collect() {
    return [];
  }
}

describe('PolledSource on an injected scheduler', () => {
  it('polls once at start, then every interval, never while stopped', async () => {
    const scheduler = new ManualScheduler();
    const clock = new FakeClock();
    let polls = 0;
    const loop = new Probe('usage', { intervalMs: 60_000, clock, scheduler }, async () => {
      polls++;
    });
    await loop.start();
    expect(polls).toBe(0); // nothing runs until the scheduler says so
    scheduler.advance(0);
    await settle();
    expect(polls).toBe(1);
    expect(loop.health()).toMatchObject({ up: true, lastSuccessMs: clock.now() });
    scheduler.advance(59_999);
    await settle();
    expect(polls).toBe(1);
    scheduler.advance(1);
    await settle();
    expect(polls).toBe(2);
    await loop.stop();
    expect(scheduler.pending).toBe(0);
    scheduler.advance(10 * 60_000);
    await settle();
    expect(polls).toBe(2);
  });

  it('a failed poll keeps the schedule and is reported in health', async () => {
    const scheduler = new ManualScheduler();
    let fail = true;
    const loop = new Probe('limits', { intervalMs: 1_000, clock: new FakeClock(), scheduler }, async () => {
      if (fail) throw new Error('503 from upstream');
    });
    await loop.start();
    scheduler.advance(0);
    await settle();
    expect(loop.health()).toMatchObject({ up: false, lastSuccessMs: null, lastError: '503 from upstream' });
    fail = false;
    scheduler.advance(1_000);
    await settle();
    expect(loop.health()).toMatchObject({ up: true, lastError: null });
    await loop.stop();
  });
});
