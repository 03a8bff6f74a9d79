/**
 * The background traffic model: pure functions of (seed, client, token, minute). No state, no timers;
 * per-day totals are sums of minutes, so the Usage API, the truth and the rate-limit records agree.
 */
import { mix5 } from './rng.js';
import type { Traffic } from './scenario.js';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** Usage counters; `status400` includes `status429`, as in the Usage API. */
export interface Counts {
  requests: number;
  status200: number;
  status300: number;
  status400: number;
  status429: number;
  status500: number;
}

export const COUNT_KEYS = [
  'requests',
  'status200',
  'status300',
  'status400',
  'status429',
  'status500',
] as const;

export function emptyCounts(): Counts {
  return { requests: 0, status200: 0, status300: 0, status400: 0, status429: 0, status500: 0 };
}

export function addInto(target: Counts, add: Counts): Counts {
  for (const k of COUNT_KEYS) target[k] += add[k];
  return target;
}

/** One response of a given HTTP status, as counters. */
export function countsOfStatus(status: number): Counts {
  const c = emptyCounts();
  c.requests = 1;
  if (status === 429) {
    c.status429 = 1;
    c.status400 = 1;
  } else if (status >= 500) c.status500 = 1;
  else if (status >= 400) c.status400 = 1;
  else if (status >= 300) c.status300 = 1;
  else c.status200 = 1;
  return c;
}

/** What the model needs to know about a client's background traffic. */
export interface TrafficClient {
  /** hashString(client id). */
  key: number;
  tokens: number;
  traffic: Traffic;
  /** Epoch minutes [from, until) during which the client sends traffic. */
  fromMinute: number;
  untilMinute: number;
  /** runaway: first epoch minute at the peak rate. */
  runawayStartMinute: number;
}

const SALT_VOLUME = 1;
const SALT_ROUND = 2;
const SALT_3XX = 3;
const SALT_4XX = 4;
const SALT_5XX = 5;

function clientRate(c: TrafficClient, minute: number): number {
  const t = c.traffic;
  const peak = t.peakRpm ?? t.rpm;
  switch (t.profile) {
    case 'steady':
      return t.rpm;
    case 'ramp':
      return t.rpm + ((peak - t.rpm) * (((minute % 1440) + 1440) % 1440)) / 1439;
    case 'burst':
      return (minute + (c.key % t.burstEveryMinutes)) % t.burstEveryMinutes < t.burstMinutes ? peak : t.rpm;
    case 'runaway':
      return minute >= c.runawayStartMinute ? peak : t.rpm;
  }
}

const u32 = (a: number, b: number, c: number, d: number, e: number): number =>
  mix5(a, b, c, d, e) / 4294967296;

function stochasticRound(x: number, u: number): number {
  return Math.floor(x + u);
}

/** Requests one background token sends in one epoch minute (0 outside the client's window). */
export function tokenRequests(seed: number, c: TrafficClient, token: number, minute: number): number {
  if (minute < c.fromMinute || minute >= c.untilMinute) return 0;
  const perToken = clientRate(c, minute) / c.tokens;
  const noise = 1 + c.traffic.jitter * (2 * u32(seed, c.key, token, minute, SALT_VOLUME) - 1);
  return Math.max(0, stochasticRound(perToken * noise, u32(seed, c.key, token, minute, SALT_ROUND)));
}

/** Counters of one background token in one minute; requests above `limit` are 429s. */
export function tokenMinuteCounts(
  seed: number,
  c: TrafficClient,
  token: number,
  minute: number,
  limit: number,
): Counts {
  return addTokenMinute(emptyCounts(), seed, c, token, minute, limit);
}

/** Adds one token-minute into `out` (no allocation: sums over months of minutes stay fast). */
function addTokenMinute(
  out: Counts,
  seed: number,
  c: TrafficClient,
  token: number,
  minute: number,
  limit: number,
): Counts {
  const requests = tokenRequests(seed, c, token, minute);
  if (requests === 0) return out;
  const over = Math.max(0, requests - limit);
  const admitted = requests - over;
  const t = c.traffic;
  const s5 = stochasticRound(admitted * t.errorRate5xx, u32(seed, c.key, token, minute, SALT_5XX));
  const s3 = Math.min(
    admitted - s5,
    stochasticRound(admitted * t.redirectRate, u32(seed, c.key, token, minute, SALT_3XX)),
  );
  const s4 = Math.min(
    admitted - s5 - s3,
    stochasticRound(admitted * t.errorRate4xx, u32(seed, c.key, token, minute, SALT_4XX)),
  );
  out.requests += requests;
  out.status200 += admitted - s5 - s3 - s4;
  out.status300 += s3;
  out.status400 += s4 + over;
  out.status429 += over;
  out.status500 += s5;
  return out;
}

/** Sum over every token of a client and every minute in [fromMinute, toMinute). */
export function sumMinutes(
  seed: number,
  c: TrafficClient,
  fromMinute: number,
  toMinute: number,
  limit: number,
): Counts {
  const total = emptyCounts();
  const from = Math.max(fromMinute, c.fromMinute);
  const to = Math.min(toMinute, c.untilMinute);
  for (let token = 0; token < c.tokens; token++) {
    for (let m = from; m < to; m++) addTokenMinute(total, seed, c, token, m, limit);
  }
  return total;
}

/** The request number at which a token passes 90 % of its limit (a rate-limit warning). */
export function warningThreshold(limit: number): number {
  return Math.max(1, Math.ceil(0.9 * limit));
}

/**
 * When, inside its minute, a background token that sends `requests` passes the threshold (requests
 * are spread evenly over the minute); always strictly inside the minute.
 */
export function crossingOffsetMs(requests: number, threshold: number): number {
  return Math.floor((threshold * MINUTE) / (requests + 1));
}

/** Splits counters over weighted endpoints; every share is floored and the first takes the rest, so sums are exact. */
export function splitCounts(counts: Counts, weights: readonly number[]): Counts[] {
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map(() => emptyCounts());
  for (const k of COUNT_KEYS) {
    if (k === 'requests' || k === 'status400') continue;
    let rest = counts[k];
    for (let i = 1; i < weights.length; i++) {
      const share = Math.floor((counts[k] * (weights[i] ?? 0)) / totalWeight);
      parts[i]![k] = share;
      rest -= share;
    }
    parts[0]![k] = rest;
  }
  // status400 of a part is its non-429 4xx share plus its 429 share, so both stay consistent.
  const other4xx = counts.status400 - counts.status429;
  let rest = other4xx;
  for (let i = 1; i < weights.length; i++) {
    const share = Math.floor((other4xx * (weights[i] ?? 0)) / totalWeight);
    parts[i]!.status400 = share + parts[i]!.status429;
    rest -= share;
  }
  parts[0]!.status400 = rest + parts[0]!.status429;
  for (const p of parts) p.requests = p.status200 + p.status300 + p.status400 + p.status500;
  return parts;
}
