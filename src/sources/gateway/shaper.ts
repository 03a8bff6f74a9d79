/**
 * Optional shaping (`AGENT_GATEWAY_SHAPING=smooth`): hold each token under `share` of its limit by
 * delaying requests (with jitter) rather than meet Genesys' 429.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import { PACER_WINDOW_MS, TokenPacer } from '../../model/gateway/pacer.js';
import type { Clock } from '../../util/clock.js';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

export interface ShapingOptions {
  mode: 'off' | 'smooth';
  /** Fraction of the per-token limit to stay under (default 0.95). */
  share?: number;
  /** Longest a request is held before a local 429 (default 10 s). */
  maxWaitMs?: number;
}

export type Admission = { kind: 'go'; delayed: boolean } | { kind: 'reject'; retryAfterSeconds: number };

export class Shaper {
  /** A pacer is idle once its last admission, up to `maxWaitMs` ahead, has left the window. */
  private readonly pacers: LRUCache<string, TokenPacer>;
  private readonly share: number;
  private readonly maxWaitMs: number;

  constructor(
    opts: ShapingOptions,
    private readonly deps: { maxTokens: number; clock: Clock; sleep: Sleep; random: () => number },
  ) {
    this.share = opts.share ?? 0.95;
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
    this.pacers = new LRUCache({
      max: deps.maxTokens,
      ttl: PACER_WINDOW_MS + this.maxWaitMs,
      updateAgeOnGet: true,
      perf: deps.clock,
      ttlResolution: 0,
      memoMethod: () => new TokenPacer(),
    });
  }

  /** Waits until the token may send; rejects when that would take longer than `maxWaitMs`. Throws if `signal` aborts. */
  async admit(tokenKey: string, limitPerMinute: number, signal: AbortSignal): Promise<Admission> {
    const { clock, sleep, random } = this.deps;
    const budget = Math.max(1, Math.floor(this.share * limitPerMinute));
    const decision = this.pacers.memo(tokenKey).decide(clock.now(), {
      budget,
      maxWaitMs: this.maxWaitMs,
      // Up to one average spacing, so a queue wakes spread out rather than as a burst.
      jitterMs: Math.min(1_000, 60_000 / budget),
      random,
    });
    if (decision.kind === 'reject') return decision;
    if (decision.kind === 'delay') await sleep(decision.waitMs, signal);
    return { kind: 'go', delayed: decision.kind === 'delay' };
  }

  /** Drops idle pacers (memory only: an idle one decides as a new one would). */
  prune(): void {
    this.pacers.purgeStale();
  }
}
