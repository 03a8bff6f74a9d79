/**
 * The gateway's per-endpoint figures (pure, time passed in): each client's requests per endpoint
 * (catalogue template or `other`) and method, by status class, with a sliding 60 s velocity. A
 * client's ClientEndpoints lives and goes with its state in GatewayMeasurements; the org's
 * EndpointCap bounds how many (client, endpoint, method) combinations have series of their own.
 */
import { OTHER_ENDPOINT, methodLabel } from '../../genesys/endpoints/index.js';
import { SecondsWindow } from './window.js';

const DEFAULT_MAX_ENDPOINTS = 4_000;
/** The same sliding minute as the clients' velocity. */
const WINDOW_S = 60;

/** The endpoint (catalogue template or `other`) and method of a request. */
export interface Call {
  endpoint: string;
  method: string;
}

/** One (endpoint, method) of a client, as the status page shows it. */
export interface EndpointMeasurement extends Call {
  perMinute: number;
  requests: number;
  rateLimited: number;
}

/** A cumulative count of one (endpoint, method, status class). */
export interface EndpointCount extends Call {
  statusClass: string;
  value: number;
}

export interface EndpointState extends Call {
  lastSeenMs: number;
  window: SecondsWindow;
  /** By status class seen (a few entries: an array is a fraction of a Map's size). */
  classes: { statusClass: string; value: number }[];
}

/** The org's bound: new combinations beyond `max` count under endpoint `other` (and `overflowed`). */
export class EndpointCap {
  /** Combinations with series of their own; `other` endpoints are not counted (a few per client). */
  combos = 0;
  overflowed = 0;
  constructor(readonly max = DEFAULT_MAX_ENDPOINTS) {}
}

export class ClientEndpoints {
  /** Keyed `METHOD endpoint`; allocated with the client's first attributed request. */
  private byKey: Map<string, EndpointState> | null = null;

  constructor(private readonly cap: EndpointCap) {}

  /** A request to `call` is sent now; returns the state its answer is counted in (none when the cap is 0: off). */
  start(call: Call, nowMs: number): EndpointState | null {
    if (this.cap.max === 0) return null;
    const method = methodLabel(call.method);
    let endpoint = call.endpoint;
    const byKey = (this.byKey ??= new Map());
    let e = byKey.get(`${method} ${endpoint}`);
    if (!e && endpoint !== OTHER_ENDPOINT) {
      if (this.cap.combos < this.cap.max) this.cap.combos += 1;
      else {
        this.cap.overflowed += 1;
        endpoint = OTHER_ENDPOINT;
        e = byKey.get(`${method} ${endpoint}`);
      }
    }
    if (!e) {
      e = { endpoint, method, lastSeenMs: nowMs, window: new SecondsWindow(WINDOW_S), classes: [] };
      byKey.set(`${method} ${endpoint}`, e);
    }
    e.lastSeenMs = nowMs;
    e.window.add(nowMs);
    return e;
  }

  /** The client is forgotten: its combinations leave room for others. */
  release(): void {
    for (const e of this.byKey?.values() ?? []) if (e.endpoint !== OTHER_ENDPOINT) this.cap.combos -= 1;
    this.byKey = null;
  }

  /** Combinations seen within the last `idleMs`, busiest first. */
  live(nowMs: number, idleMs: number): EndpointMeasurement[] {
    const out: EndpointMeasurement[] = [];
    for (const e of this.byKey?.values() ?? []) {
      if (e.lastSeenMs <= nowMs - idleMs) continue;
      let requests = 0;
      let rateLimited = 0;
      for (const r of e.classes) {
        requests += r.value;
        if (r.statusClass === '429') rateLimited += r.value;
      }
      const perMinute = e.window.total(nowMs);
      out.push({ endpoint: e.endpoint, method: e.method, perMinute, requests, rateLimited });
    }
    // Exact size (slice; push reserved 17 slots): a scrape holds one for every client.
    return out.sort((a, b) => b.perMinute - a.perMinute || b.requests - a.requests).slice();
  }

  counts(): EndpointCount[] {
    return [...(this.byKey?.values() ?? [])]
      .flatMap((e) => e.classes.map((r) => ({ endpoint: e.endpoint, method: e.method, ...r })))
      .slice(); // exact size too: flatMap reserves more
  }
}

/** An answer to a request `start` returned `e` for. */
export function countAnswer(e: EndpointState, statusClass: string): void {
  const counted = e.classes.find((r) => r.statusClass === statusClass);
  if (counted) counted.value += 1;
  else e.classes = e.classes.concat({ statusClass, value: 1 }); // exact size: push reserves 17 slots
}
