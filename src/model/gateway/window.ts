/**
 * Event count over a sliding window of whole seconds, kept in a fixed ring of per-second buckets:
 * memory per window is constant whatever the request rate, and reading the total is O(1) after
 * the ring has been advanced to the current second. The ring is allocated on the first event
 * and holds 32-bit counts: most clients never see a 429, and the gateway keeps one window per
 * token and two per client, so at 10 000 tokens the width and the laziness are megabytes.
 */
export class SecondsWindow {
  private buckets: Uint32Array | null = null;
  /** Epoch second of the newest bucket; null until the first event. */
  private headSec: number | null = null;
  private sum = 0;

  constructor(readonly seconds: number) {}

  /** Counts `n` (a whole number ≥ 0) events at `nowMs`. */
  add(nowMs: number, n = 1): void {
    const sec = this.advance(nowMs);
    this.buckets ??= new Uint32Array(this.seconds);
    this.buckets[sec % this.seconds]! += n;
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
    const buckets = this.buckets;
    if (buckets) {
      if (sec - this.headSec >= this.seconds) {
        buckets.fill(0);
        this.sum = 0;
      } else {
        for (let s = this.headSec + 1; s <= sec; s++) {
          const idx = s % this.seconds;
          this.sum -= buckets[idx]!;
          buckets[idx] = 0;
        }
      }
    }
    this.headSec = sec;
    return sec;
  }
}
