/**
 * The doctor's prober: plain undici requests rather than GenesysClient on purpose — a diagnosis
 * needs the raw status, the error `code` and the `Date` header of one attempt, without retries or
 * budgets.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { OrgConfig } from '../../config/config.js';

const TIMEOUT_MS = 10_000;

const errorBodySchema = z
  .object({ code: z.string().optional(), error: z.string().optional(), message: z.string().optional() })
  .loose();

/** One answer: status, error code and body, and the `Date` header with the local times around the request. */
export type ProbeResponse = Awaited<ReturnType<Prober['send']>>;

/** Server clock minus local clock in seconds, from a `Date` header (1 s resolution) and the request's midpoint. */
export function clockSkewSeconds(dateHeader: string, sentMs: number, receivedMs: number): number | null {
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  const local = (sentMs + receivedMs) / 2;
  // The header truncates to whole seconds: compare against the middle of that second.
  return (server + 500 - local) / 1000;
}

/** `HTTP 403 missing.any.permissions`: a probe's answer in one phrase. */
export const described = (r: ProbeResponse): string => `HTTP ${r.status}${r.code ? ` ${r.code}` : ''}`;

export class Prober {
  private readonly dispatcher = new Agent({
    connect: { timeout: 5_000 },
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  token: string | null = null;
  lastDate: ProbeResponse | null = null;

  constructor(private readonly org: OrgConfig) {}

  async send(
    base: 'api' | 'login',
    method: 'GET' | 'POST',
    path: string,
    opts: { json?: unknown; form?: string; basic?: boolean } = {},
  ) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    if (opts.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (opts.basic)
      headers.authorization = `Basic ${Buffer.from(`${this.org.clientId}:${this.org.clientSecret}`).toString('base64')}`;
    else if (this.token) headers.authorization = `Bearer ${this.token}`;
    const url = new URL(path, base === 'api' ? this.org.apiBaseUrl : this.org.loginBaseUrl);
    const sentMs = Date.now();
    const res = await request(url, {
      method,
      headers,
      body: opts.json === undefined ? opts.form : JSON.stringify(opts.json),
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // A non-JSON answer (proxy page, HTML error) is judged by its status alone.
    const body: unknown = await res.body.json().catch(() => null);
    const receivedMs = Date.now();
    const err = errorBodySchema.safeParse(body);
    const date = typeof res.headers.date === 'string' ? res.headers.date : undefined;
    const out = {
      status: res.statusCode,
      code: err.success ? (err.data.code ?? err.data.error) : undefined,
      body,
      date,
      sentMs,
      receivedMs,
    };
    if (date) this.lastDate = out;
    return out;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
