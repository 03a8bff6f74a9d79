/**
 * Event count over a sliding window of whole seconds, in a fixed ring of per-second buckets
 * (constant memory, O(1) total). One per token and two per client make megabytes at 10 000 tokens,
 * so while every event fell in one second the window is three numbers, and the ring comes later.
 */
export class SecondsWindow {
  private buckets: Uint32Array | null = null;
  /** Epoch second of the newest bucket; null until the first event. */
  private headSec: number | null = null;
  /** Without a ring: the one second every counted event is in. */
  private onlySec = 0;
  private sum = 0;

  constructor(readonly seconds: number) {}

  /** Counts `n` (a whole number ≥ 0) events at `nowMs`. */
  add(nowMs: number, n = 1): void {
    const sec = this.advance(nowMs);
    if (!this.buckets) {
      if (this.sum === 0 || sec === this.onlySec) {
        this.onlySec = sec;
        this.sum += n;
        return;
      }
      // A second second inside the window: from now on the events need a ring.
      this.buckets = new Uint32Array(this.seconds);
      this.buckets[this.onlySec % this.seconds] = this.sum;
    }
    this.buckets[sec % this.seconds]! += n;
    this.sum += n;
  }

  /** Events in the current second and the `seconds - 1` before it. */
  total(nowMs: number): number {
    this.advance(nowMs);
    return this.sum;
  }

  /** Moves the head to `nowMs`, clearing what fell out of the window; returns the head second. */
  private advance(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    if (this.headSec === null) {
      this.headSec = sec;
      return sec;
    }
    // A clock that steps back is folded into the newest bucket rather than corrupting the ring.
    if (sec <= this.headSec) return this.headSec;
    const buckets = this.buckets;
    if (!buckets) {
      if (sec - this.onlySec >= this.seconds) this.sum = 0;
    } else if (sec - this.headSec >= this.seconds) {
      buckets.fill(0);
      this.sum = 0;
    } else {
      for (let s = this.headSec + 1; s <= sec; s++) {
        const idx = s % this.seconds;
        this.sum -= buckets[idx]!;
        buckets[idx] = 0;
      }
    }
    this.headSec = sec;
    return sec;
  }
}
