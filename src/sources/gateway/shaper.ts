/**
 * Optional shaping (`AGENT_GATEWAY_SHAPING=smooth`): hold each token under `share` of its
 * per-minute limit by delaying requests (with jitter) instead of letting Genesys answer 429, and
 * optionally cap a token's concurrent requests. Decisions come from the pure TokenPacer; this
 * module only waits.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { TokenPacer } from '../../model/gateway/pacer.js';
import type { Clock } from '../../util/clock.js';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

export interface ShaperOptions {
  share: number;
  maxWaitMs: number;
  maxConcurrencyPerToken?: number;
  maxTokens: number;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
}

export type Admission =
  { kind: 'go'; delayed: boolean; release: () => void } | { kind: 'reject'; retryAfterSeconds: number };

export class Shaper {
  private readonly pacers = new Map<string, TokenPacer>();
  private readonly active = new Map<string, number>();
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(private readonly opts: ShaperOptions) {}

  /** Waits until the token may send; rejects when that would take longer than `maxWaitMs`. Throws if `signal` aborts. */
  async admit(tokenKey: string, limitPerMinute: number, signal: AbortSignal): Promise<Admission> {
    const started = this.opts.clock.now();
    if (!(await this.acquireSlot(tokenKey, signal))) return { kind: 'reject', retryAfterSeconds: 1 };
    const release = once(() => this.releaseSlot(tokenKey));
    try {
      const budget = Math.max(1, Math.floor(this.opts.share * limitPerMinute));
      const waitedMs = this.opts.clock.now() - started;
      const decision = this.pacer(tokenKey).decide(this.opts.clock.now(), {
        budget,
        maxWaitMs: Math.max(0, this.opts.maxWaitMs - waitedMs),
        // Up to one average spacing, so a queue wakes spread out rather than as a burst.
        jitterMs: Math.min(1_000, 60_000 / budget),
        random: this.opts.random,
      });
      if (decision.kind === 'reject') {
        release();
        return decision;
      }
      if (decision.kind === 'delay') await this.opts.sleep(decision.waitMs, signal);
      return { kind: 'go', delayed: decision.kind === 'delay' || waitedMs > 0, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Drops pacers with nothing left in their window. */
  prune(nowMs: number): void {
    for (const [key, pacer] of this.pacers)
      if (pacer.idle(nowMs) && !this.active.has(key)) this.pacers.delete(key);
  }

  private pacer(key: string): TokenPacer {
    let p = this.pacers.get(key);
    if (!p) {
      p = new TokenPacer();
      this.pacers.set(key, p);
      if (this.pacers.size > this.opts.maxTokens) {
        const oldest = this.pacers.keys().next();
        if (!oldest.done) this.pacers.delete(oldest.value);
      }
    }
    return p;
  }

  private async acquireSlot(key: string, signal: AbortSignal): Promise<boolean> {
    const cap = this.opts.maxConcurrencyPerToken;
    const n = this.active.get(key) ?? 0;
    if (cap === undefined || n < cap) {
      this.active.set(key, n + 1);
      return true;
    }
    // Wait for a release (which hands its slot straight to us), the deadline, or the client leaving.
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let granted = false;
    const grant = (): void => {
      granted = true;
      ac.abort();
    };
    const queue = this.waiters.get(key) ?? [];
    queue.push(grant);
    this.waiters.set(key, queue);
    try {
      await delay(this.opts.maxWaitMs, undefined, { signal: ac.signal }).catch(() => undefined);
    } finally {
      signal.removeEventListener('abort', onAbort);
      const q = this.waiters.get(key);
      if (q) {
        const i = q.indexOf(grant);
        if (i >= 0) q.splice(i, 1);
        if (q.length === 0) this.waiters.delete(key);
      }
    }
    if (signal.aborted) {
      if (granted) this.releaseSlot(key);
      signal.throwIfAborted();
    }
    return granted;
  }

  private releaseSlot(key: string): void {
    const next = this.waiters.get(key)?.shift();
    if (next) {
      next(); // the slot passes to the waiter; the count stays
      return;
    }
    const n = (this.active.get(key) ?? 1) - 1;
    if (n <= 0) this.active.delete(key);
    else this.active.set(key, n);
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
