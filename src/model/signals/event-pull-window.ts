/**
 * Which interval to ask the operational-events API for, and which returned events are new.
 *
 * Each query starts `overlapMs` before the previous successful query ended, so events the platform
 * publishes late are still found; ids seen are remembered exactly as long as a query can return them
 * again (timestamp >= the next query's start), so long outages neither lose nor double-count events.
 * The first query reaches `lookbackMs` back. Pure: the caller passes the time.
 */
export class EventPullWindow {
  private lastEndMs: number | null = null;
  private readonly seen = new Map<string, number>();

  constructor(private readonly opts: { lookbackMs: number; overlapMs: number }) {}

  /** The interval to query now: `{ startMs, endMs }`. */
  next(nowMs: number): { startMs: number; endMs: number } {
    const startMs =
      this.lastEndMs === null
        ? nowMs - this.opts.lookbackMs
        : Math.min(this.lastEndMs, nowMs) - this.opts.overlapMs;
    return { startMs, endMs: nowMs };
  }

  /**
   * Record a successful query of `window` and return the events not returned before, in the given
   * order. A failed query is simply not accepted, so the next one covers its window again.
   */
  accept<E extends { id: string; timestamp: number }>(
    window: { startMs: number; endMs: number },
    events: readonly E[],
  ): E[] {
    const fresh: E[] = [];
    for (const e of events) {
      if (e.timestamp < window.startMs || this.seen.has(e.id)) continue;
      this.seen.set(e.id, e.timestamp);
      fresh.push(e);
    }
    this.lastEndMs = window.endMs;
    const nextStart = window.endMs - this.opts.overlapMs;
    for (const [id, ts] of this.seen) if (ts < nextStart) this.seen.delete(id);
    return fresh;
  }
}
