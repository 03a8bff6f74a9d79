/**
 * Real-time measurement of the traffic the gateway forwards (pure, time passed in), per token (by
 * its hash) and per OAuth client: a client's velocity is its sliding-60 s request count, its
 * utilisation its busiest token against the per-token limit (Genesys limits tokens).
 */
import { methodLabel } from '../../genesys/endpoints/index.js';
import { statusClassOf } from '../../util/status-class.js';
import { ClientEndpoints, EndpointCap, countAnswer } from './endpoints.js';
import type { Call } from './endpoints.js';
import { Histogram } from './histogram.js';
import { SecondsWindow } from './window.js';

export const UNKNOWN_CLIENT = 'unknown';
/** Where requests of clients beyond the per-org cap are counted. */
export const OTHER_CLIENT = 'other';
export const DEFAULT_MAX_CLIENTS = 2_000;
/** A token is active while it sent a request within this long (tokens live for hours; 5 min spans bursty jobs). */
const ACTIVE_TOKEN_MS = 5 * 60_000;
/** A client idle this long drops out of the gauges (and the snapshot). */
const CLIENT_GAUGE_IDLE_MS = 10 * 60_000;
/** A client idle this long is forgotten entirely, counters and histogram included. */
const CLIENT_FORGET_IDLE_MS = 60 * 60_000;
const RATE_WINDOW_S = 60;
const RATE_LIMITED_WINDOW_S = 300;

export type ShapedOutcome = 'delayed' | 'rejected';

type RequestHandle = ReturnType<GatewayMeasurements['start']>;

export interface RequestResult {
  method: string;
  status: number;
  /** Time to the upstream response headers; absent when upstream never answered. */
  upstreamSeconds?: number;
}

/** One client's current figures (what the status page and `once` show). */
export type ClientMeasurement = ReturnType<GatewayMeasurements['snapshot']>[number];
/** One client's cumulative counts since it was first seen (what the counters and histogram export). */
export type ClientCounters = ReturnType<GatewayMeasurements['counters']>[number];

interface TokenState {
  clientId: string;
  window: SecondsWindow;
  lastSeenMs: number;
  inflight: number;
}

interface ClientState {
  startTimeMs: number;
  lastSeenMs: number;
  inflight: number;
  window: SecondsWindow;
  tokens: Set<string>;
  /** A few entries (method × status class seen): an array is a fraction of a Map's size. */
  requests: { method: string; statusClass: string; value: number }[];
  requestsTotal: number;
  endpoints: ClientEndpoints;
  rateLimited: number;
  rateLimitedWindow: SecondsWindow;
  shaped: Record<ShapedOutcome, number>;
  /** Allocated with the first answer. */
  latency: Histogram | null;
}

export class GatewayMeasurements {
  /** Insertion order = least recently seen first (re-inserted on every request). */
  private readonly tokens = new Map<string, TokenState>();
  private readonly clientStates = new Map<string, ClientState>();
  /** Requests counted under `other` because the org already had `maxClients` distinct clients. */
  private overflowed = 0;

  constructor(
    private readonly maxTrackedTokens = 50_000,
    /** Distinct clients with series of their own; the rest are aggregated as `other`. */
    private readonly maxClients = DEFAULT_MAX_CLIENTS,
    readonly endpointCap = new EndpointCap(),
  ) {}

  /** A request is sent upstream now: it counts towards the windows (its endpoint's given `call`) from now on. */
  start(tokenKey: string, requestedClientId: string, nowMs: number, call?: Call) {
    const clientId = this.admitted(requestedClientId);
    if (clientId !== requestedClientId) this.overflowed += 1;
    const client = this.client(clientId, nowMs);
    let token = this.tokens.get(tokenKey);
    if (token && token.clientId !== clientId) {
      this.clientStates.get(token.clientId)?.tokens.delete(tokenKey);
      token.clientId = clientId;
    }
    if (token) this.tokens.delete(tokenKey);
    else token = { clientId, window: new SecondsWindow(RATE_WINDOW_S), lastSeenMs: nowMs, inflight: 0 };
    this.tokens.set(tokenKey, token);
    client.tokens.add(tokenKey);
    token.window.add(nowMs);
    token.lastSeenMs = nowMs;
    token.inflight += 1;
    client.window.add(nowMs);
    client.lastSeenMs = nowMs;
    client.inflight += 1;
    this.evictOverflow();
    return { tokenKey, clientId, endpoint: call ? client.endpoints.start(call, nowMs) : null };
  }

  finish(handle: RequestHandle, result: RequestResult, nowMs: number): void {
    const token = this.tokens.get(handle.tokenKey);
    if (token) token.inflight = Math.max(0, token.inflight - 1);
    const client = this.client(handle.clientId, nowMs);
    client.inflight = Math.max(0, client.inflight - 1);
    client.lastSeenMs = nowMs;
    const method = methodLabel(result.method);
    const statusClass = statusClassOf(result.status);
    const series = client.requests.find((r) => r.method === method && r.statusClass === statusClass);
    if (series) series.value += 1;
    else client.requests = client.requests.concat({ method, statusClass, value: 1 }); // exact size, unlike push
    client.requestsTotal += 1;
    if (handle.endpoint) countAnswer(handle.endpoint, statusClass);
    if (result.status === 429) {
      client.rateLimited += 1;
      client.rateLimitedWindow.add(nowMs);
    }
    if (result.upstreamSeconds !== undefined)
      (client.latency ??= new Histogram()).record(result.upstreamSeconds);
  }

  shaped(clientId: string, outcome: ShapedOutcome, nowMs: number): void {
    const client = this.client(this.admitted(clientId), nowMs);
    client.shaped[outcome] += 1;
    client.lastSeenMs = nowMs;
  }

  /** Requests this token sent upstream in the sliding 60 s window. */
  tokenRate(tokenKey: string, nowMs: number): number {
    return this.tokens.get(tokenKey)?.window.total(nowMs) ?? 0;
  }

  /** Frees idle tokens and long-idle clients: memory only, as reads already leave them out. */
  prune(nowMs: number): void {
    for (const [key, token] of this.tokens) {
      if (token.inflight === 0 && token.lastSeenMs <= nowMs - ACTIVE_TOKEN_MS) this.dropToken(key, token);
    }
    for (const [id, client] of this.clientStates) {
      if (client.tokens.size === 0 && this.forgettable(client, nowMs)) this.forget(id, client);
    }
  }

  trackedTokens(): number {
    return this.tokens.size;
  }

  /** Requests counted under `other` so far. */
  overflowCount(): number {
    return this.overflowed;
  }

  /** Clients seen within the last 10 minutes (or with requests in flight). */
  snapshot(nowMs: number, nameOf: (id: string) => string, limitOf: (id: string) => number) {
    return [...this.clientStates].flatMap(([clientId, c]) => {
      if (c.inflight === 0 && c.lastSeenMs <= nowMs - CLIENT_GAUGE_IDLE_MS) return [];
      let peak = 0;
      let active = 0;
      for (const key of c.tokens) {
        const t = this.tokens.get(key);
        if (!t) continue;
        peak = Math.max(peak, t.window.total(nowMs));
        if (t.lastSeenMs > nowMs - ACTIVE_TOKEN_MS || t.inflight > 0) active += 1;
      }
      const limit = limitOf(clientId);
      return {
        clientId,
        clientName: nameOf(clientId),
        requestsPerMinute: c.window.total(nowMs),
        peakTokenRequestsPerMinute: peak,
        activeTokens: active,
        inflight: c.inflight,
        /** Upstream 429s in the last 5 minutes. */
        rateLimited5m: c.rateLimitedWindow.total(nowMs),
        limit,
        utilization: limit > 0 ? peak / limit : 0,
        /** Requests answered since the client was first seen. */
        requestsTotal: c.requestsTotal,
        /** Its (endpoint, method) combinations seen in the last 10 minutes, busiest first. */
        endpoints: c.endpoints.live(nowMs, CLIENT_GAUGE_IDLE_MS),
      };
    });
  }

  /** Counters of every client not yet forgotten (idle under an hour or with requests in flight). */
  counters(nowMs: number) {
    return [...this.clientStates].flatMap(([clientId, c]) =>
      this.forgettable(c, nowMs)
        ? []
        : {
            clientId,
            startTimeMs: c.startTimeMs,
            requests: c.requests.map((r) => ({ ...r })),
            endpoints: c.endpoints.counts(),
            rateLimited: c.rateLimited,
            shaped: { ...c.shaped },
            /** Upstream latency; null before the first answer. */
            latency: c.latency?.copy() ?? null,
          },
    );
  }

  /** The id a client's requests are counted under: its own while the cap allows, else `other`. */
  private admitted(clientId: string): string {
    if (this.clientStates.has(clientId)) return clientId;
    const own = this.clientStates.size - (this.clientStates.has(OTHER_CLIENT) ? 1 : 0);
    return own < this.maxClients ? clientId : OTHER_CLIENT;
  }

  private client(clientId: string, nowMs: number): ClientState {
    let c = this.clientStates.get(clientId);
    // Forgotten already as far as reads go: a returning client starts afresh, pruned or not.
    if (c && this.forgettable(c, nowMs)) {
      for (const key of c.tokens) this.tokens.delete(key);
      this.forget(clientId, c);
      c = undefined;
    }
    if (!c) {
      c = {
        startTimeMs: nowMs,
        lastSeenMs: nowMs,
        inflight: 0,
        window: new SecondsWindow(RATE_WINDOW_S),
        tokens: new Set(),
        requests: [],
        requestsTotal: 0,
        endpoints: new ClientEndpoints(this.endpointCap),
        rateLimited: 0,
        rateLimitedWindow: new SecondsWindow(RATE_LIMITED_WINDOW_S),
        shaped: { delayed: 0, rejected: 0 },
        latency: null,
      };
      this.clientStates.set(clientId, c);
    }
    return c;
  }

  private forget(clientId: string, c: ClientState): void {
    c.endpoints.release();
    this.clientStates.delete(clientId);
  }

  /** Idle for an hour with nothing in flight: its tokens are idle too, so prune() would free it. */
  private forgettable(c: ClientState, nowMs: number): boolean {
    return c.inflight === 0 && c.lastSeenMs <= nowMs - CLIENT_FORGET_IDLE_MS;
  }

  private dropToken(key: string, token: TokenState): void {
    this.tokens.delete(key);
    this.clientStates.get(token.clientId)?.tokens.delete(key);
  }

  /** Keeps memory bounded under token churn: forget the least recently seen idle tokens first. */
  private evictOverflow(): void {
    if (this.tokens.size <= this.maxTrackedTokens) return;
    for (const [key, token] of this.tokens) {
      if (this.tokens.size <= this.maxTrackedTokens) break;
      if (token.inflight === 0) this.dropToken(key, token);
    }
  }
}
