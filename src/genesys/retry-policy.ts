/** Which failed attempts may be sent again, and the backoff before. Pure: no clock, no I/O. */

/**
 * Which failures a call may be retried on:
 * - `read`: idempotent GETs — network errors, timeouts, 429, 500, 502, 503, 504;
 * - `query`: POSTs that only read (analytics, events, login) — as `read` but not 500;
 * - `submit`: POSTs that start a job — only 429, 503 and network errors before the request left;
 * - `none`: a single attempt.
 */
export type RetryMode = 'read' | 'query' | 'submit' | 'none';

/** Error codes meaning the request never reached the server, so even a job submit may be resent. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `status` null: no response, and `beforeSend` says whether the request surely never left. */
export function isRetryable(status: number | null, beforeSend: boolean, mode: RetryMode): boolean {
  if (mode === 'none') return false;
  if (status === null) return mode !== 'submit' || beforeSend;
  if (status === 429 || status === 503) return true;
  if (mode === 'submit') return false;
  if (status === 502 || status === 504) return true;
  return status === 500 && mode === 'read';
}

/**
 * Full jitter (AWS architecture blog): a uniform wait in [0, min(maxMs, baseMs * 2^attempt)).
 * `attempt` counts from 0 for the first retry.
 */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in ms: Genesys sends integer seconds, an HTTP-date is accepted; null when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
