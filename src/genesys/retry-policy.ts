/**
 * Which failed attempts may be sent again, and how long to wait first. Pure: no clock, no I/O.
 * The transport (src/genesys/transport.ts) applies it to every call.
 */
import { fullJitterDelay, parseRetryAfterMs } from './backoff.js';

/**
 * Which failures a call may be retried on:
 * - `read`: idempotent GETs — network errors, timeouts, 429, 500, 502, 503, 504;
 * - `query`: POSTs that only read (analytics, events, login) — as `read` but not 500;
 * - `submit`: POSTs that start a job — only 429, 503 and network errors before the request left;
 * - `none`: a single attempt.
 */
export type RetryMode = 'read' | 'query' | 'submit' | 'none';

/** What one attempt came back with, as far as the policy cares. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter?: string | string[] | undefined }
  | { kind: 'network'; beforeSend: boolean };

/** Error codes meaning the request never reached the server, so even a job submit may be resent. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isRetryable(attempt: AttemptOutcome, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (attempt.kind === 'network') return mode !== 'submit' || attempt.beforeSend;
  const s = attempt.status;
  if (s === 429 || s === 503) return true;
  if (mode === 'submit') return false;
  if (s === 502 || s === 504) return true;
  return s === 500 && mode === 'read';
}

export interface WaitOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  maxRetryAfterMs: number;
  random: () => number;
}

export type WaitDecision =
  | { kind: 'wait'; ms: number }
  /** The server asked for a longer pause than allowed (or than the deadline leaves). */
  | { kind: 'retry_after_too_long'; retryAfterMs: number }
  | { kind: 'deadline' };

/** Full-jitter backoff, at least the server's `Retry-After` on 429/503, within the call's deadline. */
export function retryWait(
  attempt: AttemptOutcome,
  retries: number,
  nowMs: number,
  deadlineMs: number,
  o: WaitOptions,
): WaitDecision {
  let waitMs = fullJitterDelay(retries, o.retryBaseMs, o.retryMaxMs, o.random);
  if (attempt.kind === 'response' && (attempt.status === 429 || attempt.status === 503)) {
    const retryAfter = parseRetryAfterMs(attempt.retryAfter, nowMs);
    if (retryAfter !== null) {
      if (retryAfter > o.maxRetryAfterMs || nowMs + retryAfter > deadlineMs)
        return { kind: 'retry_after_too_long', retryAfterMs: retryAfter };
      waitMs = Math.max(waitMs, retryAfter);
    }
  }
  if (nowMs + waitMs > deadlineMs) return { kind: 'deadline' };
  return { kind: 'wait', ms: waitMs };
}
