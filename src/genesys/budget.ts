/**
 * A sliding-window call budget: at most `limit` acquisitions in any rolling `windowMs`.
 * Pure (no timers): the caller passes the clock value and decides whether to wait.
 */
export type BudgetDecision = { ok: true } | { ok: false; retryInMs: number };

export class CallBudget {
  /** Send times of the acquisitions still inside the window, oldest first. */
  private readonly sent: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`call budget must be a positive integer, got ${limit}`);
  }

  /** Takes a slot now if one is free; otherwise says how long until the oldest slot leaves the window. */
  tryAcquire(nowMs: number): BudgetDecision {
    this.prune(nowMs);
    if (this.sent.length < this.limit) {
      this.sent.push(nowMs);
      return { ok: true };
    }
    const oldest = this.sent[0] ?? nowMs;
    return { ok: false, retryInMs: Math.max(1, oldest + this.windowMs - nowMs) };
  }

  /** Acquisitions inside the window ending at `nowMs`. */
  used(nowMs: number): number {
    this.prune(nowMs);
    return this.sent.length;
  }

  private prune(nowMs: number): void {
    // A send at t no longer counts from t + windowMs on (half-open window).
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= nowMs - this.windowMs) this.sent.shift();
  }
}
