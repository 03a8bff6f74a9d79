import { describe, expect, it } from 'vitest';
import { CallBudget } from '../../src/genesys/budget.js';
import { FakeClock } from '../helpers/clock.js';

describe('CallBudget', () => {
  it('allows `limit` calls, then says when the oldest slot frees', () => {
    const clock = new FakeClock();
    const budget = new CallBudget(3, 60_000);
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: true });
    clock.advance(10_000);
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: true });
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: true });
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: false, retryInMs: 50_000 });
    clock.advance(49_999);
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: false, retryInMs: 1 });
    clock.advance(1);
    expect(budget.tryAcquire(clock.now())).toEqual({ ok: true });
    expect(budget.used(clock.now())).toBe(3);
  });

  it('never grants more than the limit in any rolling window, whatever the arrival pattern', () => {
    const clock = new FakeClock();
    const budget = new CallBudget(7, 60_000);
    const granted: number[] = [];
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i += 1) {
      clock.advance(Math.floor(rand() * 9000));
      const d = budget.tryAcquire(clock.now());
      if (d.ok) granted.push(clock.now());
      else {
        // Waiting exactly retryInMs must always succeed.
        clock.advance(d.retryInMs);
        expect(budget.tryAcquire(clock.now())).toEqual({ ok: true });
        granted.push(clock.now());
      }
    }
    for (let i = 0; i < granted.length; i += 1) {
      const start = granted[i] ?? 0;
      const inWindow = granted.filter((t) => t >= start && t < start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(7);
    }
    expect(granted.length).toBe(2000);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new CallBudget(0)).toThrow(RangeError);
  });
});
