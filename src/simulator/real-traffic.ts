/**
 * Real requests that reached the simulator: each token's fixed one-minute window (the 429 decision),
 * per-minute counters for the usage data, the last 60 s per token for the truth, and the minutes in
 * which a token passed the warning threshold.
 */
import type { Clock } from '../util/clock.js';
import type { HotMinute } from './hot-minutes.js';
import { floorMinute } from './sim-time.js';
import type { RealToken } from './tokens.js';
import { MINUTE, addInto, countsOfStatus, emptyCounts, warningThreshold, type Counts } from './traffic.js';

export interface RealMinute {
  minute: number;
  clientId: string;
  templateUri: string;
  method: string;
  counts: Counts;
}

interface RecentSecond {
  second: number;
  requests: number;
  status429: number;
}

export class RealTraffic {
  /** key `${minute}|${clientId}|${templateUri}|${method}` → counters of real requests. */
  private readonly minutes = new Map<string, RealMinute>();
  private readonly windows = new Map<string, { minute: number; requests: number }>();
  private readonly recent = new Map<string, RecentSecond[]>();
  private readonly hot: HotMinute[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly nameOf: (clientId: string) => string | undefined,
  ) {}

  /**
   * Counts one real request of `token` against its fixed one-minute window. Returns 429 with the seconds
   * until the window resets when the token is over its limit. The request is recorded in the usage data.
   */
  record(token: RealToken, method: string, templateUri: string): { status: number; retryAfter?: number } {
    const now = this.clock.now();
    const minute = floorMinute(now);
    let w = this.windows.get(token.id);
    if (!w || w.minute !== minute) {
      w = { minute, requests: 0 };
      this.windows.set(token.id, w);
    }
    w.requests += 1;
    const clientName = this.nameOf(token.clientId);
    if (w.requests === warningThreshold(this.limit) && clientName !== undefined) {
      this.hot.push({
        clientId: token.clientId,
        clientName,
        tokenId: token.id,
        minute,
        at: now,
        requests: w.requests,
        limit: this.limit,
      });
    }
    const status = w.requests > this.limit ? 429 : 200;
    const key = `${minute}|${token.clientId}|${templateUri}|${method}`;
    let row = this.minutes.get(key);
    if (!row) {
      row = { minute, clientId: token.clientId, templateUri, method, counts: emptyCounts() };
      this.minutes.set(key, row);
    }
    addInto(row.counts, countsOfStatus(status));
    this.noteRecent(token.id, now, status);
    if (status === 429)
      return { status, retryAfter: Math.max(1, Math.ceil(((minute + 1) * MINUTE - now) / 1000)) };
    return { status };
  }

  private noteRecent(tokenId: string, now: number, status: number): void {
    const second = Math.floor(now / 1000);
    let list = this.recent.get(tokenId);
    if (!list) this.recent.set(tokenId, (list = []));
    const last = list[list.length - 1];
    if (last && last.second === second) {
      last.requests += 1;
      if (status === 429) last.status429 += 1;
    } else list.push({ second, requests: 1, status429: status === 429 ? 1 : 0 });
    while (list.length > 0 && list[0]!.second <= second - 60) list.shift();
  }

  /** Requests and 429s of one token in the 60 s before `now`. */
  recentOf(tokenId: string, now: number): { requests: number; status429: number } {
    const second = Math.floor(now / 1000);
    const out = { requests: 0, status429: 0 };
    for (const r of this.recent.get(tokenId) ?? []) {
      if (r.second > second - 60) {
        out.requests += r.requests;
        out.status429 += r.status429;
      }
    }
    return out;
  }

  minuteRows(): IterableIterator<RealMinute> {
    return this.minutes.values();
  }

  hotMinutes(): readonly HotMinute[] {
    return this.hot;
  }
}
