import { describe, expect, it } from 'vitest';
import { EventPullWindow } from '../../../src/model/signals/event-pull-window.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('EventPullWindow', () => {
  it('starts at the lookback, then overlaps the previous end, returning each event once', () => {
    const w = new EventPullWindow({ lookbackMs: 10 * MIN, overlapMs: 5 * MIN });
    const all = [
      { id: 'e1', timestamp: T0 - 8 * MIN },
      { id: 'e2', timestamp: T0 - 1 * MIN },
    ];
    const q1 = w.next(T0);
    expect(q1).toEqual({ startMs: T0 - 10 * MIN, endMs: T0 });
    expect(w.accept(q1, all).map((e) => e.id)).toEqual(['e1', 'e2']);

    // A late event (timestamp before the previous end) arrives; the overlap finds it, e2 is not repeated.
    all.push({ id: 'e3', timestamp: T0 - 2 * MIN });
    const q2 = w.next(T0 + MIN);
    expect(q2.startMs).toBe(T0 - 5 * MIN);
    const inWindow = all.filter((e) => e.timestamp >= q2.startMs);
    expect(w.accept(q2, inWindow).map((e) => e.id)).toEqual(['e3']);
  });

  it('after a long outage, events seen before it are still not repeated', () => {
    const w = new EventPullWindow({ lookbackMs: 10 * MIN, overlapMs: 5 * MIN });
    const q1 = w.next(T0);
    w.accept(q1, [{ id: 'e1', timestamp: T0 - MIN }]);
    // Failed polls do not call accept; two hours later the window still starts at the old end.
    const q2 = w.next(T0 + 120 * MIN);
    expect(q2.startMs).toBe(T0 - 5 * MIN);
    expect(
      w
        .accept(q2, [
          { id: 'e1', timestamp: T0 - MIN },
          { id: 'e9', timestamp: T0 + 60 * MIN },
        ])
        .map((e) => e.id),
    ).toEqual(['e9']);
  });
});
