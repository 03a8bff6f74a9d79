/**
 * The simulated org's state: clients, faults and the clock, composed of issued tokens (tokens.ts),
 * real traffic (real-traffic.ts), usage facts (usage-facts.ts), hot minutes (hot-minutes.ts) and
 * the call log (call-log.ts), plus the ground truth every test compares with. All time comes from
 * the clock.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.js';
import { CallLog, type CallsReport, type RecordedRequest } from './call-log.js';
import type { Fault } from './faults.js';
import { RATE_LIMIT_EVENT_DEFINITION, backgroundHotMinutes, type HotMinute } from './hot-minutes.js';
import { RealTraffic } from './real-traffic.js';
import { hashString, stableUuid } from './rng.js';
import { LIMIT_KEY, trafficSchema, type Scenario } from './scenario.js';
import { BUILTIN_CLIENT_IDS, type SimClient } from './sim-client.js';
import { ceilMinute, dayStart, floorMinute, isoDay } from './sim-time.js';
import { TokenRegistry, type RealToken } from './tokens.js';
import { DAY, MINUTE, addInto, emptyCounts, tokenMinuteCounts } from './traffic.js';
import type { Truth, TruthClient, TruthRateLimitRecord } from './truth.js';
import { UsageFacts, type UsageFact } from './usage-facts.js';

export class SimWorld {
  readonly seed: number;
  readonly startMs: number;
  readonly historyStartMs: number;
  readonly limit: number;
  readonly clients = new Map<string, SimClient>();
  readonly faults: Fault[] = [];
  /** Sparse answers (scenario `sparse`, `PUT /__sim/mode`): docs/simulator.md (sparse mode). */
  sparse: boolean;
  /** Every client's endpoint templates: what real requests are attributed to (routes/catchall.ts). */
  readonly templates: readonly string[];
  /** Scenario `clientsPageSize`. */
  readonly clientsPageSize: number;
  private readonly tokens: TokenRegistry;
  private readonly real: RealTraffic;
  private readonly usage: UsageFacts;
  private readonly calls = new CallLog();
  /** The latest usage query: when it was answered and up to when data was published then (truth). */
  lastUsageQuery: { at: number; publishedUntil: number } | null = null;

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
    this.tokens = new TokenRegistry(clock);
    this.real = new RealTraffic(clock, this.limit, (id) => this.clients.get(id)?.name);
    this.usage = new UsageFacts(this.seed, this.limit, this.historyStartMs);
    this.sparse = scenario.sparse;
    this.clientsPageSize = scenario.clientsPageSize;
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
    if (scenario.usage.builtinClientsRpm > 0) {
      for (const id of BUILTIN_CLIENT_IDS)
        this.addClient({
          id,
          name: id,
          secret: randomUUID(),
          tokens: 1,
          tokenValiditySeconds: 86_400,
          permissions: [],
          traffic: trafficSchema.parse({ rpm: scenario.usage.builtinClientsRpm }),
          isAgent: false,
          builtin: true,
          existsFrom: this.historyStartMs,
          existsUntil: Infinity,
        });
    }
    this.templates = [
      ...new Set(
        [...this.clients.values()].flatMap((c) => c.traffic?.endpoints.map((e) => e.templateUri) ?? []),
      ),
    ];
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
    this.tokens.revokeClient(id);
    return true;
  }

  issueToken(c: SimClient): { accessToken: string; token: RealToken } {
    return this.tokens.issue(c.id, c.tokenValiditySeconds);
  }

  /** The live token behind a bearer value, or undefined when unknown, expired, revoked or its client is gone. */
  authenticate(accessToken: string): RealToken | undefined {
    return this.tokens.authenticate(accessToken, (t) => {
      const c = this.clients.get(t.clientId);
      return c !== undefined && this.exists(c);
    });
  }

  revokeAllTokens(): number {
    return this.tokens.revokeAll();
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
    return this.real.record(token, method, templateUri);
  }

  /** The end (exclusive, epoch ms) of the data the Usage API has published at `now`. */
  publishedUntil(now = this.clock.now()): number {
    const u = this.scenario.usage;
    if (u.publication === 'intraday') return floorMinute(now - u.lagSeconds * 1000) * MINUTE;
    const today = dayStart(now);
    return now >= today + u.lagSeconds * 1000 ? today : today - DAY;
  }

  /**
   * Usage facts for UTC days overlapping [fromMs, toMs): background minutes before `untilMs`, real requests
   * before `realUntilMs` (defaults to `untilMs`).
   */
  usageFacts(fromMs: number, toMs: number, untilMs: number, realUntilMs = untilMs): UsageFact[] {
    return this.usage.facts(
      this.clients.values(),
      this.real.minuteRows(),
      (id) => this.clients.get(id)?.name,
      fromMs,
      toMs,
      untilMs,
      realUntilMs,
    );
  }

  /** Token-minutes past 90 % of the limit whose crossing happened in [fromMs, toMs] and within retention. */
  hotMinutes(fromMs: number, toMs: number): HotMinute[] {
    const now = this.clock.now();
    const from = Math.max(fromMs, now - this.scenario.ratelimits.retentionHours * 3_600_000);
    const to = Math.min(toMs, now);
    if (to < from) return [];
    const out = backgroundHotMinutes(this.seed, this.clients.values(), this.limit, from, to);
    for (const h of this.real.hotMinutes()) if (h.at >= from && h.at <= to) out.push(h);
    out.sort((a, b) => a.at - b.at || a.tokenId.localeCompare(b.tokenId));
    return out;
  }

  /** Stable id of a hot minute (used as the operational event and envelope id). */
  hotMinuteId(h: HotMinute): string {
    return stableUuid(this.seed, hashString(h.tokenId), h.minute);
  }

  noteCall(
    method: string,
    route: string,
    status: number,
    callerClientId: string | undefined,
    query: Readonly<Record<string, unknown>> = {},
  ): void {
    this.calls.note(method, route, status, callerClientId, query);
  }

  requestsReport(): RecordedRequest[] {
    return this.calls.requests();
  }

  callsReport(): CallsReport {
    return this.calls.report();
  }

  /** Ground truth, see docs/simulator.md. */
  truth(): Truth {
    const now = this.clock.now();
    const lastComplete = floorMinute(now) - 1;
    const clients = [...this.clients.values()].map((c) => {
      const tokens: TruthClient['tokens'] = [];
      if (c.model) {
        for (let t = 0; t < c.model.tokens; t++) {
          const m = tokenMinuteCounts(this.seed, c.model, t, lastComplete, this.limit);
          tokens.push({ id: `${c.id}.bg${t}`, lastMinute: { requests: m.requests, status429: m.status429 } });
        }
      }
      for (const t of this.tokens.all()) {
        if (t.clientId !== c.id) continue;
        const lastMinute = this.real.recentOf(t.id, now);
        if (t.expiresAt > now || lastMinute.requests > 0) tokens.push({ id: t.id, lastMinute });
      }
      const lastMinute = { requests: 0, status429: 0 };
      for (const t of tokens) {
        lastMinute.requests += t.lastMinute.requests;
        lastMinute.status429 += t.lastMinute.status429;
      }
      const client: TruthClient = {
        id: c.id,
        name: c.name,
        deleted: now >= c.existsUntil,
        builtin: c.builtin === true,
        tokens,
        lastMinute,
        days: {},
        endpointDays: {},
      };
      return client;
    });
    const byId = new Map(clients.map((c) => [c.id, c]));
    // Background minutes count once they are over; real requests count at once.
    for (const f of this.usageFacts(this.historyStartMs, now + 1, floorMinute(now) * MINUTE, Infinity)) {
      const c = byId.get(f.clientId);
      if (!c) continue;
      const key = isoDay(f.day);
      c.days[key] = addInto(c.days[key] ?? emptyCounts(), f.counts);
      const endpoints = (c.endpointDays[key] ??= []);
      const e = endpoints.find((x) => x.templateUri === f.templateUri && x.method === f.method);
      if (e) addInto(e.counts, f.counts);
      else endpoints.push({ templateUri: f.templateUri, method: f.method, counts: { ...f.counts } });
    }
    const records = new Map<string, TruthRateLimitRecord>();
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
