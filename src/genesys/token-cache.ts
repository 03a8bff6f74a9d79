import type { Clock } from '../util/clock.js';

const FIVE_MINUTES_MS = 5 * 60_000;
/** Keeps a broken login endpoint from delaying every call while the old token still works. */
const REFRESH_RETRY_PAUSE_MS = 60_000;

/**
 * Refresh at 90 % of the lifetime or 5 min before expiry, whichever comes first — but never in the
 * first half of the lifetime, so a 5-minute token is not renewed on every call.
 */
export function refreshTime(obtainedAtMs: number, lifetimeMs: number): number {
  const margin = Math.max(0.1 * lifetimeMs, Math.min(FIVE_MINUTES_MS, 0.5 * lifetimeMs));
  return obtainedAtMs + lifetimeMs - margin;
}

interface AccessToken {
  value: string;
  expiresAtMs: number;
  refreshAtMs: number;
}

/**
 * Caches the agent's token: one in-flight login shared by concurrent callers, early refresh, and
 * invalidation after a 401. If an early refresh fails while the old token is still valid, the old
 * token keeps serving and the refresh is tried again a minute later.
 */
export class TokenCache {
  private current: AccessToken | null = null;
  private inflight: Promise<AccessToken> | null = null;
  private refreshPausedUntilMs = 0;

  constructor(
    private readonly login: () => Promise<{ token: string; expiresInSeconds: number }>,
    private readonly clock: Clock,
    private readonly onRefreshFailed: (err: unknown) => void,
  ) {}

  async get(): Promise<string> {
    const now = this.clock.now();
    const cur = this.current;
    if (cur && now < cur.expiresAtMs && (now < cur.refreshAtMs || now < this.refreshPausedUntilMs))
      return cur.value;
    try {
      return (await this.loginOnce()).value;
    } catch (err) {
      const still = this.current;
      if (still && this.clock.now() < still.expiresAtMs) {
        this.refreshPausedUntilMs = this.clock.now() + REFRESH_RETRY_PAUSE_MS;
        this.onRefreshFailed(err);
        return still.value;
      }
      throw err;
    }
  }

  /** Drops `token` if it is still the cached one (a concurrent caller may have replaced it already). */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = null;
  }

  private loginOnce(): Promise<AccessToken> {
    this.inflight ??= this.login()
      .then(({ token, expiresInSeconds }) => {
        const now = this.clock.now();
        const lifetimeMs = expiresInSeconds * 1000;
        this.current = {
          value: token,
          expiresAtMs: now + lifetimeMs,
          refreshAtMs: refreshTime(now, lifetimeMs),
        };
        return this.current;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}
