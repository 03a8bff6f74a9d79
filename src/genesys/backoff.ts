/** Pure retry timing: full-jitter exponential backoff and `Retry-After` parsing. */

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

/**
 * `Retry-After` as milliseconds: Genesys sends integer seconds; an HTTP-date is accepted too.
 * Returns null when absent or unreadable (the caller then relies on backoff alone).
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
