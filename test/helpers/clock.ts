/**
 * The one place tests read time. Date-sensitive behaviour runs on a FakeClock at the calendar's
 * edges (BOUNDARIES); the wall clock is only for deadlines and for components that time real
 * sockets, never for a date. ESLint enforces it (eslint.config.js; samples in test/structure/lint-rules.test.ts).
 */
import type { Scheduler } from '../../src/lifecycle/scheduler.js';
import { systemClock, type Clock } from '../../src/util/clock.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Epoch ms of an ISO instant; throws on a typo instead of yielding NaN. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO instant: ${iso}`);
  return ms;
}

/** The instants where calendar code breaks (issue 13): each test of dates runs at all of them. */
export const BOUNDARIES = {
  /** The 1st, 30 s after midnight: no complete day of the month exists yet. */
  firstMinuteOfMonth: at('2026-12-01T00:00:30Z'),
  /** The last minute of a 30-day month. */
  lastMinuteOfMonth: at('2026-11-30T23:59:30Z'),
  /** Leap day, and its last minute. */
  leapDay: at('2028-02-29T12:00:00Z'),
  leapDayLastMinute: at('2028-02-29T23:59:30Z'),
  /** 31 December → 1 January. */
  yearEnd: at('2026-12-31T23:59:30Z'),
  newYear: at('2027-01-01T00:00:30Z'),
  /** Just before an ordinary UTC midnight mid-month. */
  beforeMidnight: at('2026-11-17T23:59:50Z'),
} as const;

export type BoundaryName = keyof typeof BOUNDARIES;

/** A fake clock at a fixed instant (epoch ms or ISO). */
export function fakeClockAt(instant: number | string): FakeClock {
  return new FakeClock(typeof instant === 'string' ? at(instant) : instant);
}

/** `YYYY-MM-DD` of the UTC day `offsetDays` after the one of `ms`. */
export function utcDayOf(ms: number, offsetDays = 0): string {
  return new Date(ms + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The real clock, for deadlines and for components that measure real elapsed time (gateway
 * windows over real sockets). Never derive a date from it or put it in an expectation.
 */
export const wallClock: Clock = systemClock;

/** Milliseconds of real time left until `ms` from now; for polling loops with a deadline. */
export function deadline(ms: number): { expired(): boolean; remainingMs(): number } {
  const end = wallClock.now() + ms;
  return { expired: () => wallClock.now() > end, remainingMs: () => Math.max(0, end - wallClock.now()) };
}

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private ms = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

/** A scheduler that runs nothing until a test moves it. */
export class ManualScheduler implements Scheduler {
  private nowMs = 0;
  private seq = 0;
  private readonly queue: { at: number; seq: number; fn: () => void }[] = [];

  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn };
    this.queue.push(entry);
    return () => {
      const i = this.queue.indexOf(entry);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  /** Callbacks waiting to run. */
  get pending(): number {
    return this.queue.length;
  }

  /** Moves time forward, running every callback that falls due, in order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.nowMs = next.at;
      next.fn();
    }
    this.nowMs = target;
  }
}
