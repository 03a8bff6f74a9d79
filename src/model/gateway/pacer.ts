/**
 * Shaping decision for one token (pure): admit a request now, after a delay, or not at all, so no
 * 60 s window holds more than `budget` admissions (times kept sorted, only as many as that needs).
 */
export const PACER_WINDOW_MS = 60_000;

export type PacerDecision =
  { kind: 'now' } | { kind: 'delay'; waitMs: number } | { kind: 'reject'; retryAfterSeconds: number };

export interface PacerParams {
  /** Most admissions allowed in any 60 s window (share × limit, floored). */
  budget: number;
  maxWaitMs: number;
  /** Extra random delay (0..jitterMs) added to delayed requests so a queue does not wake as a burst. */
  jitterMs: number;
  /** 0 ≤ random() < 1; injected so tests are deterministic. */
  random: () => number;
}

export class TokenPacer {
  /** Admission times (ms), non-decreasing; may lie in the future for queued requests. */
  private readonly times: number[] = [];

  decide(nowMs: number, p: PacerParams): PacerDecision {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= nowMs - PACER_WINDOW_MS) this.times.shift();
    const budget = Math.max(1, Math.floor(p.budget));
    const last = this.times.at(-1) ?? nowMs;
    // Admitting at x ≥ every earlier admission keeps every window ≤ budget iff the admission
    // `budget` places back is at least a window older than x.
    const anchor =
      this.times.length >= budget ? (this.times[this.times.length - budget] ?? 0) + PACER_WINDOW_MS : nowMs;
    const earliest = Math.max(nowMs, last, anchor);
    if (earliest <= nowMs) {
      this.times.push(nowMs);
      return { kind: 'now' };
    }
    const baseWait = earliest - nowMs;
    if (baseWait > p.maxWaitMs)
      return { kind: 'reject', retryAfterSeconds: Math.max(1, Math.ceil(baseWait / 1000)) };
    const jitter = Math.floor(p.random() * Math.min(p.jitterMs, p.maxWaitMs - baseWait));
    const at = earliest + jitter;
    this.times.push(at);
    return { kind: 'delay', waitMs: at - nowMs };
  }
}
