/** What one caller of the gateway may hold: deadlines, open requests, body rate (docs/security.md). */
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** The limits, at their defaults (deadlines as server/listener.ts declares them). */
export const DEFAULT_GATEWAY_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  /** A body must keep arriving at this rate or better, measured over every `bodyRateWindowMs`. */
  bodyMinBytesPerSecond: 1024,
  bodyRateWindowMs: 5_000,
  /** Requests one source address may have open at once (the upstream pool has `upstreamConnections`). */
  maxConcurrentPerAddress: 64,
  /** Requests one bearer token may have open at once. */
  maxConcurrentPerToken: 32,
  /** Connections to each upstream host. */
  upstreamConnections: 256,
  /** Largest login body (a client-credentials form is a few hundred bytes). */
  loginBodyBytes: 64 * 1024,
  /** API bodies up to this size are read whole before the upstream is contacted, so a slow sender holds no upstream connection. */
  bufferedBodyBytes: 64 * 1024,
};
export type GatewayLimits = typeof DEFAULT_GATEWAY_LIMITS;

/** Open requests per key, up to `max`: refused at once or waited for; a key lives while it has any. */
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

/**
 * Cuts off a body arriving slower than `bodyMinBytesPerSecond`, judged every `bodyRateWindowMs` on
 * the socket's byte count (reading it here would defeat flow control); a body the gateway holds
 * back (paused, or unread data) is not judged. Returns the function that stops watching.
 */
export function watchBody(req: IncomingMessage, limits: GatewayLimits, onTooSlow: () => void): () => void {
  let lastBytes = req.socket.bytesRead;
  let sinceMs = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const grew = req.socket.bytesRead - lastBytes;
    const elapsedMs = now - sinceMs;
    lastBytes += grew;
    sinceMs = now;
    if (req.isPaused() || req.readableLength > 0) return;
    if (grew < (limits.bodyMinBytesPerSecond * elapsedMs) / 1000) {
      stop();
      onTooSlow();
    }
  }, limits.bodyRateWindowMs).unref();
  const stop = (): void => clearInterval(timer);
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}
