/**
 * The simulated org's state: clients, issued tokens, real traffic, faults and call counts, plus the
 * queries every route needs (usage facts, rate-limit records, truth). All time comes from the clock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import type { Fault } from './faults.js';
import { hashString, stableUuid } from './rng.js';
import { LIMIT_KEY, type Scenario, type Traffic } from './scenario.js';
import {
  DAY,
  MINUTE,
  addInto,
  countsOfStatus,
  crossingOffsetMs,
  emptyCounts,
  splitCounts,
  sumMinutes,
  tokenMinuteCounts,
  tokenRequests,
  warningThreshold,
  type Counts,
  type TrafficClient,
} from './traffic.js';

export interface SimClient {
  id: string;
  name: string;
  secret: string;
  tokens: number;
  tokenValiditySeconds: number;
  permissions: string[] | undefined;
  traffic: Traffic | undefined;
  isAgent: boolean;
  /** Epoch ms [existsFrom, existsUntil): listed, can log in. */
  existsFrom: number;
  existsUntil: number;
  model: TrafficClient | undefined;
}

export interface RealToken {
  /** Public id (never the access token itself). */
  id: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

/** A token passed 90 % of its per-minute limit in one minute. */
export interface HotMinute {
  clientId: string;
  clientName: string;
  tokenId: string;
  /** Epoch minute. */
  minute: number;
  /** When the threshold was passed (epoch ms). */
  at: number;
  /** Requests of the token in that minute (background) or when it passed the threshold (real). */
  requests: number;
  limit: number;
}

/** One day of one client on one endpoint: the unit every usage response is aggregated from. */
export interface UsageFact {
  day: number;
  clientId: string;
  clientName: string;
  templateUri: string;
  method: string;
  counts: Counts;
}

interface RecentSecond {
  second: number;
  requests: number;
  status429: number;
}

export const floorMinute = (ms: number): number => Math.floor(ms / MINUTE);
export const ceilMinute = (ms: number): number => Math.ceil(ms / MINUTE);
export const dayStart = (ms: number): number => Math.floor(ms / DAY) * DAY;
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface CallRow {
  method: string;
  route: string;
  status: number;
  count: number;
}

export class SimWorld {
  readonly seed: number;
  readonly startMs: number;
  readonly historyStartMs: number;
  readonly limit: number;
  readonly clients = new Map<string, SimClient>();
  readonly faults: Fault[] = [];
  /** Live tokens by access-token value. */
  private readonly tokens = new Map<string, RealToken>();
  /** Every token ever issued by public id (kept after revocation so recent traffic stays attributed). */
  private readonly realTokens = new Map<string, RealToken>();
  /** key `${minute}|${clientId}|${templateUri}|${method}` → counters of real requests. */
  private readonly realMinutes = new Map<
    string,
    { minute: number; clientId: string; templateUri: string; method: string; counts: Counts }
  >();
  private readonly windows = new Map<string, { minute: number; requests: number }>();
  private readonly recent = new Map<string, RecentSecond[]>();
  private readonly realHot: HotMinute[] = [];
  private readonly dayCache = new Map<string, Counts>();
  private readonly calls = new Map<string, CallRow>();
  /** The latest usage query: when it was answered and up to when data was published then (truth). */
  lastUsageQuery: { at: number; publishedUntil: number } | null = null;
  private readonly callers = new Map<string, number>();
  private callTotal = 0;

  constructor(
    readonly scenario: Scenario,
    readonly clock: Clock,
    seed?: number,
  ) {
    this.seed = seed ?? scenario.seed;
    this.startMs = clock.now();
    const today = dayStart(this.startMs);
    this.historyStartMs = today - scenario.usage.historyDays * DAY;
    this.limit = scenario.limits[LIMIT_KEY] ?? 300;
    const base = ceilMinute(this.startMs) * MINUTE;
    this.addClient({
      id: scenario.agent.clientId,
      name: scenario.agent.name,
      secret: scenario.agent.clientSecret,
      tokens: 1,
      tokenValiditySeconds: scenario.agent.tokenValiditySeconds,
      permissions: scenario.agent.permissions,
      traffic: undefined,
      isAgent: true,
      existsFrom: this.historyStartMs,
      existsUntil: Infinity,
    });
    for (const c of scenario.clients) {
      let existsFrom = c.createdDaysAgo !== undefined ? today - c.createdDaysAgo * DAY : this.historyStartMs;
      if (c.createdAfterMinutes !== undefined) existsFrom = base + c.createdAfterMinutes * MINUTE;
      let existsUntil = c.deletedDaysAgo !== undefined ? today - c.deletedDaysAgo * DAY : Infinity;
      if (c.deletedAfterMinutes !== undefined) existsUntil = base + c.deletedAfterMinutes * MINUTE;
      this.addClient({ ...c, isAgent: false, existsFrom, existsUntil });
    }
    this.faults.push(...scenario.faults.map((f) => ({ ...f, id: randomUUID() })));
  }

  addClient(c: Omit<SimClient, 'model'>): SimClient {
    const client: SimClient = { ...c, model: undefined };
    this.setModel(client);
    this.clients.set(client.id, client);
    return client;
  }

  private setModel(c: SimClient): void {
    if (!c.traffic) return;
    const since = c.traffic.runawaySinceMinutes;
    c.model = {
      key: hashString(c.id),
      tokens: c.tokens,
      traffic: c.traffic,
      fromMinute: ceilMinute(Math.max(c.existsFrom, this.historyStartMs)),
      untilMinute: c.existsUntil === Infinity ? Number.MAX_SAFE_INTEGER : ceilMinute(c.existsUntil),
      runawayStartMinute: since === undefined ? -Infinity : floorMinute(this.startMs) - since,
    };
  }

  exists(c: SimClient, now = this.clock.now()): boolean {
    return c.existsFrom <= now && now < c.existsUntil;
  }

  /** Deletes a client now: it disappears from the list and cannot log in; its history stays. */
  deleteClient(id: string): boolean {
    const c = this.clients.get(id);
    if (!c || !this.exists(c)) return false;
    c.existsUntil = this.clock.now();
    this.setModel(c);
    for (const [access, t] of this.tokens) if (t.clientId === id) this.tokens.delete(access);
    return true;
  }

  issueToken(c: SimClient): { accessToken: string; token: RealToken } {
    const now = this.clock.now();
    const accessToken = randomBytes(24).toString('base64url');
    const token: RealToken = {
      id: randomUUID(),
      clientId: c.id,
      issuedAt: now,
      expiresAt: now + c.tokenValiditySeconds * 1000,
    };
    this.tokens.set(accessToken, token);
    this.realTokens.set(token.id, token);
    return { accessToken, token };
  }

  /** The live token behind a bearer value, or undefined when unknown, expired, revoked or its client is gone. */
  authenticate(accessToken: string): RealToken | undefined {
    const t = this.tokens.get(accessToken);
    if (!t) return undefined;
    const c = this.clients.get(t.clientId);
    if (t.expiresAt <= this.clock.now() || !c || !this.exists(c)) {
      this.tokens.delete(accessToken);
      return undefined;
    }
    return t;
  }

  revokeAllTokens(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  /**
   * Counts one real request of `token` against its fixed one-minute window. Returns 429 with the seconds
   * until the window resets when the token is over its limit. The request is recorded in the usage data.
   */
  recordRequest(
    token: RealToken,
    method: string,
    templateUri: string,
  ): { status: number; retryAfter?: number } {
    const now = this.clock.now();
    const minute = floorMinute(now);
    let w = this.windows.get(token.id);
    if (!w || w.minute !== minute) {
      w = { minute, requests: 0 };
      this.windows.set(token.id, w);
    }
    w.requests += 1;
    const client = this.clients.get(token.clientId);
    if (w.requests === warningThreshold(this.limit) && client) {
      this.realHot.push({
        clientId: client.id,
        clientName: client.name,
        tokenId: token.id,
        minute,
        at: now,
        requests: w.requests,
        limit: this.limit,
      });
    }
    const status = w.requests > this.limit ? 429 : 200;
    const key = `${minute}|${token.clientId}|${templateUri}|${method}`;
    let row = this.realMinutes.get(key);
    if (!row) {
      row = { minute, clientId: token.clientId, templateUri, method, counts: emptyCounts() };
      this.realMinutes.set(key, row);
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

  private recentOf(tokenId: string, now: number): { requests: number; status429: number } {
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

  /** The end (exclusive, epoch ms) of the data the Usage API has published at `now`. */
  publishedUntil(now = this.clock.now()): number {
    const u = this.scenario.usage;
    if (u.publication === 'intraday') return floorMinute(now - u.lagSeconds * 1000) * MINUTE;
    const today = dayStart(now);
    return now >= today + u.lagSeconds * 1000 ? today : today - DAY;
  }

  private backgroundDay(c: SimClient, day: number, untilMs: number): Counts {
    if (!c.model) return emptyCounts();
    const to = Math.min(day + DAY, untilMs);
    const key = `${c.id}|${c.model.untilMinute}|${day}|${to}`;
    const cached = this.dayCache.get(key);
    if (cached) return cached;
    const counts = sumMinutes(this.seed, c.model, floorMinute(day), floorMinute(to), this.limit);
    if (to === day + DAY) this.dayCache.set(key, counts); // only complete days are final
    return counts;
  }

  /**
   * Usage facts for UTC days overlapping [fromMs, toMs): background minutes before `untilMs`, real requests
   * before `realUntilMs` (defaults to `untilMs`).
   */
  usageFacts(fromMs: number, toMs: number, untilMs: number, realUntilMs = untilMs): UsageFact[] {
    const facts: UsageFact[] = [];
    const first = Math.max(dayStart(fromMs), this.historyStartMs);
    const end = Math.min(toMs, untilMs);
    for (const c of this.clients.values()) {
      if (!c.model || !c.traffic) continue;
      const endpoints = c.traffic.endpoints;
      for (let day = first; day < end; day += DAY) {
        const total = this.backgroundDay(c, day, untilMs);
        if (total.requests === 0) continue;
        const parts = splitCounts(
          total,
          endpoints.map((e) => e.weight),
        );
        endpoints.forEach((e, i) => {
          const counts = parts[i]!;
          if (counts.requests > 0)
            facts.push({
              day,
              clientId: c.id,
              clientName: c.name,
              templateUri: e.templateUri,
              method: e.method,
              counts,
            });
        });
      }
    }
    const real = new Map<string, UsageFact>();
    for (const r of this.realMinutes.values()) {
      const ms = r.minute * MINUTE;
      if (ms < first || ms >= toMs || ms >= realUntilMs) continue;
      const day = dayStart(ms);
      const key = `${day}|${r.clientId}|${r.templateUri}|${r.method}`;
      let f = real.get(key);
      if (!f) {
        f = {
          day,
          clientId: r.clientId,
          clientName: this.clients.get(r.clientId)?.name ?? '',
          templateUri: r.templateUri,
          method: r.method,
          counts: emptyCounts(),
        };
        real.set(key, f);
      }
      addInto(f.counts, r.counts);
    }
    facts.push(...real.values());
    return facts;
  }

  /** Token-minutes past 90 % of the limit whose crossing happened in [fromMs, toMs] and within retention. */
  hotMinutes(fromMs: number, toMs: number): HotMinute[] {
    const now = this.clock.now();
    const from = Math.max(fromMs, now - this.scenario.ratelimits.retentionHours * 3_600_000);
    const to = Math.min(toMs, now);
    const out: HotMinute[] = [];
    if (to < from) return out;
    const threshold = warningThreshold(this.limit);
    for (const c of this.clients.values()) {
      if (!c.model) continue;
      for (let token = 0; token < c.model.tokens; token++) {
        for (let m = floorMinute(from); m <= floorMinute(to); m++) {
          const requests = tokenRequests(this.seed, c.model, token, m);
          if (requests < threshold) continue;
          const at = m * MINUTE + crossingOffsetMs(requests, threshold);
          if (at < from || at > to) continue;
          out.push({
            clientId: c.id,
            clientName: c.name,
            tokenId: `${c.id}.bg${token}`,
            minute: m,
            at,
            requests,
            limit: this.limit,
          });
        }
      }
    }
    for (const h of this.realHot) if (h.at >= from && h.at <= to) out.push(h);
    out.sort((a, b) => a.at - b.at || a.tokenId.localeCompare(b.tokenId));
    return out;
  }

  /** Stable id of a hot minute (used as the operational event and envelope id). */
  hotMinuteId(h: HotMinute): string {
    return stableUuid(this.seed, hashString(h.tokenId), h.minute);
  }

  noteCall(method: string, route: string, status: number, callerClientId: string | undefined): void {
    this.callTotal += 1;
    const key = `${method} ${route} ${status}`;
    const row = this.calls.get(key);
    if (row) row.count += 1;
    else this.calls.set(key, { method, route, status, count: 1 });
    if (callerClientId) this.callers.set(callerClientId, (this.callers.get(callerClientId) ?? 0) + 1);
  }

  callsReport(): { total: number; byRoute: CallRow[]; byCaller: { clientId: string; count: number }[] } {
    return {
      total: this.callTotal,
      byRoute: [...this.calls.values()].sort((a, b) => b.count - a.count || a.route.localeCompare(b.route)),
      byCaller: [...this.callers].map(([clientId, count]) => ({ clientId, count })),
    };
  }

  /** Ground truth, see docs/simulator.md. */
  truth(): unknown {
    const now = this.clock.now();
    const lastComplete = floorMinute(now) - 1;
    const clients = [...this.clients.values()].map((c) => {
      const tokens: { id: string; lastMinute: { requests: number; status429: number } }[] = [];
      if (c.model) {
        for (let t = 0; t < c.model.tokens; t++) {
          const m = tokenMinuteCounts(this.seed, c.model, t, lastComplete, this.limit);
          tokens.push({ id: `${c.id}.bg${t}`, lastMinute: { requests: m.requests, status429: m.status429 } });
        }
      }
      for (const t of this.realTokens.values()) {
        if (t.clientId !== c.id) continue;
        const lastMinute = this.recentOf(t.id, now);
        if (t.expiresAt > now || lastMinute.requests > 0) tokens.push({ id: t.id, lastMinute });
      }
      const lastMinute = { requests: 0, status429: 0 };
      for (const t of tokens) {
        lastMinute.requests += t.lastMinute.requests;
        lastMinute.status429 += t.lastMinute.status429;
      }
      return {
        id: c.id,
        name: c.name,
        deleted: now >= c.existsUntil,
        tokens,
        lastMinute,
        days: {} as Record<string, Counts>,
      };
    });
    const byId = new Map(clients.map((c) => [c.id, c]));
    // Background minutes count once they are over; real requests count at once.
    for (const f of this.usageFacts(this.historyStartMs, now + 1, floorMinute(now) * MINUTE, Infinity)) {
      const c = byId.get(f.clientId);
      if (!c) continue;
      const key = isoDay(f.day);
      c.days[key] = addInto(c.days[key] ?? emptyCounts(), f.counts);
    }
    const records = new Map<
      string,
      { namespace: string; limitName: string; entityId: string; minute: string; count: number; max: number }
    >();
    const hot = this.hotMinutes(0, now);
    for (const h of hot) {
      const key = `${h.clientId}|${h.minute}`;
      const r = records.get(key);
      if (r) r.count += 1;
      else
        records.set(key, {
          namespace: 'platform.api',
          limitName: LIMIT_KEY,
          entityId: h.clientId,
          minute: new Date(h.minute * MINUTE).toISOString(),
          count: 1,
          max: h.limit,
        });
    }
    return {
      now: new Date(now).toISOString(),
      org: this.scenario.org,
      limit: this.limit,
      clients,
      rateLimitRecords: [...records.values()],
      lastUsageQuery: this.lastUsageQuery && {
        at: new Date(this.lastUsageQuery.at).toISOString(),
        publishedUntil: new Date(this.lastUsageQuery.publishedUntil).toISOString(),
      },
      operationalEvents: {
        count: hot.length,
        byDefinition: hot.length > 0 ? { [RATE_LIMIT_EVENT_DEFINITION.id]: hot.length } : {},
      },
    };
  }
}

export const RATE_LIMIT_EVENT_DEFINITION = {
  id: '5b0b5b6e-2f4a-4f38-9c1e-7a1d3c9e0a01',
  name: 'Rate limit warning: client.credentials.token.rate.per.minute',
  description: 'An OAuth client-credentials token passed 90% of its per-minute request limit (platform.api).',
} as const;
