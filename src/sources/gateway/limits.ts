/**
 * What one caller of the gateway may hold: its deadlines, how many requests it may have open at a
 * time (per source address and per token), and how fast its request body must arrive. The defaults
 * are documented in docs/security.md.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Deadlines } from '../../server/listener.js';

export interface GatewayLimits extends Deadlines {
  /** A body must keep arriving at this rate or better, measured over every `bodyRateWindowMs`. */
  bodyMinBytesPerSecond: number;
  bodyRateWindowMs: number;
  /** Requests one source address may have open at once (the upstream pool has `upstreamConnections`). */
  maxConcurrentPerAddress: number;
  /** Requests one bearer token may have open at once. */
  maxConcurrentPerToken: number;
  /** Connections to each upstream host. */
  upstreamConnections: number;
  /** Largest login body (a client-credentials form is a few hundred bytes). */
  loginBodyBytes: number;
  /** API bodies up to this size are read whole before the upstream is contacted, so a slow sender holds no upstream connection. */
  bufferedBodyBytes: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  bodyMinBytesPerSecond: 1024,
  bodyRateWindowMs: 5_000,
  maxConcurrentPerAddress: 64,
  maxConcurrentPerToken: 32,
  upstreamConnections: 256,
  loginBodyBytes: 64 * 1024,
  bufferedBodyBytes: 64 * 1024,
};

/**
 * Counts open requests per key: one caller may refuse at once past the cap, another wait for a
 * slot. A key's entries live only while it has requests open or waiting, so the maps are bounded by them.
 */
export class ConcurrencyLimiter {
  private readonly open = new Map<string, number>();
  private readonly waiters = new Map<string, (() => void)[]>();
  constructor(private readonly max: number) {}

  tryAcquire(key: string): boolean {
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  /** Waits up to `waitMs` for a slot (a release hands its slot straight to the first waiter); throws if `signal` aborts. */
  async acquire(key: string, waitMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(key)) return true;
    const granted = new AbortController();
    const grant = (): void => granted.abort();
    const queue = this.waiters.get(key) ?? [];
    queue.push(grant);
    this.waiters.set(key, queue);
    const waited = AbortSignal.any([signal, granted.signal]);
    await delay(waitMs, undefined, { signal: waited }).catch(() => undefined);
    const i = queue.indexOf(grant);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0 && this.waiters.get(key) === queue) this.waiters.delete(key);
    if (signal.aborted) {
      if (granted.signal.aborted) this.release(key);
      signal.throwIfAborted();
    }
    return granted.signal.aborted;
  }

  release(key: string): void {
    const next = this.waiters.get(key)?.shift();
    if (next) return next(); // the slot passes to the waiter; the count stays
    const n = (this.open.get(key) ?? 1) - 1;
    if (n <= 0) this.open.delete(key);
    else this.open.set(key, n);
  }

  size(): number {
    return this.open.size;
  }
}

interface Upload {
  req: IncomingMessage;
  lastBytes: number;
  /** When `lastBytes` was read: a window is judged only once it is whole. */
  sinceMs: number;
  onTooSlow: () => void;
}

/**
 * One timer for all uploads in progress: every window, each body must have grown by the minimum
 * rate or be complete. Measured on the socket's byte count (reading the body here would take it
 * out of flow control); a body the gateway itself is holding back (paused, or data waiting to be
 * read) is not the sender's fault and is not judged.
 */
export class BodyWatchdog {
  private readonly uploads = new Set<Upload>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly limits: Pick<GatewayLimits, 'bodyMinBytesPerSecond' | 'bodyRateWindowMs'>) {}

  /** Watches `req` until it is complete; returns the function that stops watching. */
  watch(req: IncomingMessage, onTooSlow: () => void): () => void {
    if (req.complete) return () => undefined;
    const upload: Upload = { req, lastBytes: req.socket.bytesRead, sinceMs: performance.now(), onTooSlow };
    this.uploads.add(upload);
    this.timer ??= setInterval(() => this.check(), this.limits.bodyRateWindowMs).unref();
    const stop = (): void => {
      this.uploads.delete(upload);
      if (this.uploads.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
    req.once('end', stop);
    req.once('close', stop);
    return stop;
  }

  stop(): void {
    this.uploads.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    const now = performance.now();
    for (const u of this.uploads) {
      if (u.req.complete || u.req.destroyed) {
        this.uploads.delete(u);
        continue;
      }
      // Timers fire a little early or late: judge windows of at least 90 % of the nominal length.
      const elapsedMs = now - u.sinceMs;
      if (elapsedMs < this.limits.bodyRateWindowMs * 0.9) continue;
      const bytes = u.req.socket.bytesRead;
      const grew = bytes - u.lastBytes;
      u.lastBytes = bytes;
      u.sinceMs = now;
      if (u.req.isPaused() || u.req.readableLength > 0) continue;
      if (grew < (this.limits.bodyMinBytesPerSecond * elapsedMs) / 1000) {
        this.uploads.delete(u);
        u.onTooSlow();
      }
    }
  }
}
