/**
 * Remembers keys for a fixed time, to drop at-least-once redeliveries. Keys expire in insertion
 * order (the clock only moves forward), so pruning walks from the oldest and stops at the first
 * live key: O(1) amortised per call. Pure: the caller passes the time.
 */
export class ExpiringKeys {
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    /** Most keys remembered: beyond, the oldest is forgotten early (memory stays bounded under a flood). */
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {}

  /** True when `key` was not remembered (and remembers it now); false for a duplicate. */
  add(key: string, nowMs: number): boolean {
    this.prune(nowMs);
    if (this.expiry.has(key)) return false;
    this.expiry.set(key, nowMs + this.ttlMs);
    if (this.expiry.size > this.maxKeys) {
      const oldest = this.expiry.keys().next();
      if (!oldest.done) this.expiry.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.expiry.size;
  }

  private prune(nowMs: number): void {
    for (const [key, expiresAt] of this.expiry) {
      if (expiresAt > nowMs) break;
      this.expiry.delete(key);
    }
  }
}
