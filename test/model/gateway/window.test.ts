import { describe, expect, it } from 'vitest';
import { SecondsWindow } from '../../../src/model/gateway/window.js';
import { unit } from '../../../src/simulator/rng.js';
import { BOUNDARIES } from '../../helpers/clock.js';

/** What the window must say: every event kept, counted while its second is within the window. */
class Reference {
  private readonly events: { sec: number; n: number }[] = [];
  private newest = -Infinity;
  constructor(private readonly seconds: number) {}
  add(nowMs: number, n: number): void {
    // A clock that steps back counts in the newest second seen, as the window documents.
    this.newest = Math.max(this.newest, Math.floor(nowMs / 1000));
    this.events.push({ sec: this.newest, n });
  }
  total(nowMs: number): number {
    this.newest = Math.max(this.newest, Math.floor(nowMs / 1000));
    return this.events.filter((e) => e.sec > this.newest - this.seconds).reduce((a, e) => a + e.n, 0);
  }
}

describe('SecondsWindow against a list of every event', () => {
  for (const seconds of [1, 5, 60, 300])
    it(`agrees over 40 random runs of adds and reads (${seconds} s window)`, () => {
      for (let run = 0; run < 40; run++) {
        const w = new SecondsWindow(seconds);
        const ref = new Reference(seconds);
        let now = BOUNDARIES.firstMinuteOfMonth + Math.floor(unit(run, 0) * 1000);
        for (let step = 0; step < 400; step++) {
          const r = unit(run, step, 1);
          // Mostly small steps, sometimes a long idle, sometimes a clock step back.
          const dt = r < 0.05 ? -1500 : r < 0.1 ? seconds * 1000 * (1 + unit(run, step, 2)) : r * 900;
          now += Math.floor(dt);
          if (unit(run, step, 3) < 0.6) {
            const n = unit(run, step, 4) < 0.1 ? 0 : 1 + Math.floor(unit(run, step, 5) * 3);
            w.add(now, n);
            ref.add(now, n);
          }
          expect(w.total(now), `run ${run} step ${step}`).toBe(ref.total(now));
        }
      }
    });

  it('holds no ring while its events share one second, and one once a second second comes', () => {
    const w = new SecondsWindow(60);
    const t = BOUNDARIES.leapDay;
    w.add(t, 3);
    w.add(t + 400);
    expect(w.total(t + 59_000)).toBe(4);
    expect((w as unknown as { buckets: unknown }).buckets).toBeNull();
    w.add(t + 30_000);
    expect((w as unknown as { buckets: unknown }).buckets).toBeInstanceOf(Uint32Array);
    expect(w.total(t + 60_000)).toBe(1);
  });
});
