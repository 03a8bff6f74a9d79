/**
 * Event count over a sliding window of whole seconds, kept in a fixed ring of per-second buckets:
 * memory per window is constant whatever the request rate, and reading the total is O(1) after
 * the ring has been advanced to the current second.
 */
export class SecondsWindow {
  private readonly buckets: Float64Array;
  /** Epoch second of the newest bucket; null until the first event. */
  private headSec: number | null = null;
  private sum = 0;

  constructor(readonly seconds: number) {
    this.buckets = new Float64Array(seconds);
  }

  add(nowMs: number, n = 1): void {
    const sec = this.advance(nowMs);
    this.buckets[sec % this.seconds] = (this.buckets[sec % this.seconds] ?? 0) + n;
    this.sum += n;
  }

  /** Events in the current second and the `seconds - 1` before it. */
  total(nowMs: number): number {
    this.advance(nowMs);
    return this.sum;
  }

  /** Moves the head to `nowMs`, clearing buckets that fell out; returns the head second. */
  private advance(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    if (this.headSec === null) {
      this.headSec = sec;
      return sec;
    }
    // A clock that steps back is folded into the newest bucket rather than corrupting the ring.
    if (sec <= this.headSec) return this.headSec;
    const steps = Math.min(sec - this.headSec, this.seconds);
    for (let i = 1; i <= steps; i++) {
      const idx = (this.headSec + i) % this.seconds;
      this.sum -= this.buckets[idx] ?? 0;
      this.buckets[idx] = 0;
    }
    this.headSec = sec;
    return sec;
  }
}
