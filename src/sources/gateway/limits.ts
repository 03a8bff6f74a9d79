/** What one caller of the gateway may hold: deadlines, open requests, body rate (docs/security.md). */
import type { IncomingMessage } from 'node:http';

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

/** Open requests per key, up to `max`; a key lives while it has any. */
export class ConcurrencyLimiter {
  private readonly open = new Map<string, number>();
  constructor(private readonly max: number) {}

  tryAcquire(key: string): boolean {
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  release(key: string): void {
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
