/* eslint-disable max-lines -- retry policy and HTTP error mapping are split out; what is left is the one send loop (attempts, budget, token refresh) */
/**
 * The one HTTP path to Genesys: undici pools with timeouts, the call budget, the agent's bearer
 * token (re-login once after a 401), retries (policy in retry-policy.ts, error mapping in
 * http-errors.ts) and a count of every request sent. Endpoint knowledge lives in client.ts; this
 * file knows only HTTP.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import type { z } from 'zod';
import type { Clock } from '../util/clock.js';
import { FailureEpisodes } from '../util/failure-episodes.js';
import type { Logger } from '../util/logger.js';
import { CallBudget } from './budget.js';
import { BudgetExhaustedError, GenesysApiError } from './errors.js';
import { errorCode, errorFromResponse, networkError, parseJson } from './http-errors.js';
import { RequestStats, outcomeOf } from './request-stats.js';
import {
  NOT_SENT_CODES,
  isRetryable,
  retryWait,
  type AttemptOutcome,
  type RetryMode,
} from './retry-policy.js';
import { describeIssue } from './schemas.js';

/** Absent: the agent's own token. */
type Auth = { kind: 'bearer'; token: string } | { kind: 'basic'; credentials: string };

export interface HttpCall {
  /** Default `api`. */
  base?: 'api' | 'login';
  method: 'GET' | 'POST';
  /** Path below the base URL, with query string. */
  path: string;
  /** Endpoint template for metrics, logs and errors, e.g. `GET /api/v2/oauth/clients`. */
  endpoint: string;
  json?: unknown;
  form?: string;
  auth?: Auth;
  retry: RetryMode;
  signal?: AbortSignal | undefined;
  /** No log lines at all (calls made with someone else's token). */
  quiet?: boolean;
  /** Not charged to the call budget: the caller bounds these calls itself (the gateway's token look-ups). */
  unbudgeted?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** The transport's tunables, at their defaults. */
export const TRANSPORT_DEFAULTS = {
  /** Hard ceiling on requests sent (logins and retries included) in any rolling 60 s. */
  callBudgetPerMinute: 60,
  /** Per attempt. */
  requestTimeoutMs: 10_000,
  maxRetries: 4,
  /** Full-jitter exponential backoff from this, capped by retryMaxMs. */
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  /** A Retry-After longer than this (or past the call's deadline) fails the call instead of sleeping. */
  maxRetryAfterMs: 120_000,
  /** How long one call may take including budget waits and retries. */
  callDeadlineMs: 120_000,
  /** No Genesys answer the agent reads comes near it; a larger one fails the attempt unbuffered. */
  maxResponseBytes: 64 * 1024 * 1024,
};
export type TransportTunables = typeof TRANSPORT_DEFAULTS;

export interface TransportOptions extends TransportTunables {
  org: string;
  apiBaseUrl: string;
  loginBaseUrl: string;
  clock: Clock;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  logger: Logger;
}

export interface TokenSource {
  get(): Promise<string>;
  invalidate(token: string): void;
}

/** An attempt's outcome as the retry policy reads it, with what the transport needs besides. */
type Attempt = AttemptOutcome & ({ kind: 'response'; text: string } | { kind: 'network'; reason: string });

/** The body as text, or null (and the stream destroyed) once it passes `max` bytes. */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal });

interface Base {
  pool: Pool;
  prefix: string;
}

export class Transport {
  readonly stats: RequestStats;
  private readonly budget: CallBudget;
  private readonly api: Base;
  private readonly login: Base;
  /** Per endpoint: the first failure of an episode warns, the rest are debug lines. */
  private readonly episodes = new FailureEpisodes();

  constructor(
    private readonly o: TransportOptions,
    private readonly tokens: TokenSource,
  ) {
    this.stats = new RequestStats(o.org);
    this.budget = new CallBudget(o.callBudgetPerMinute);
    this.api = this.makeBase(o.apiBaseUrl);
    this.login = o.loginBaseUrl === o.apiBaseUrl ? this.api : this.makeBase(o.loginBaseUrl);
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([this.api.pool, this.login.pool])].map((p) => p.close()));
  }

  /** Sends `call` with budget, auth and retries; resolves with a 2xx response or throws GenesysApiError. */
  async send(call: HttpCall): Promise<HttpResponse> {
    const deadline = this.o.clock.now() + this.o.callDeadlineMs;
    let retries = 0;
    let reloggedIn = false;
    for (;;) {
      const token = call.auth ? undefined : await this.tokens.get();
      if (!call.unbudgeted) await this.acquireSlot(call, deadline);
      const attempt = await this.sendOnce(call, token);
      this.stats.record(
        call.endpoint,
        outcomeOf(attempt.kind === 'response' ? attempt.status : null),
        this.o.clock.now(),
      );

      if (attempt.kind === 'response' && attempt.status >= 200 && attempt.status < 300) {
        this.endEpisode(call);
        return { status: attempt.status, body: parseJson(attempt.text, attempt.status, call.endpoint) };
      }
      if (attempt.kind === 'response' && attempt.status === 401 && token !== undefined && !reloggedIn) {
        // An expired or revoked token: log in again and resend once, outside the retry count.
        this.tokens.invalidate(token);
        reloggedIn = true;
        this.log(call, 'debug', { status: 401 }, 'token rejected; logging in again');
        continue;
      }

      const error =
        attempt.kind === 'response'
          ? errorFromResponse(call.endpoint, attempt.status, attempt.text)
          : networkError(call.endpoint, attempt.reason);
      if (!isRetryable(attempt, call.retry) || retries >= this.o.maxRetries) {
        this.failure(call, error, retries > 0 ? `giving up after ${retries + 1} attempts` : 'request failed');
        throw error;
      }
      const waitMs = this.retryWait(call, attempt, retries, deadline, error);
      this.failure(call, error, `retrying in ${waitMs} ms`, { waitMs, attempt: retries + 1 });
      await this.o.sleep(waitMs, call.signal);
      retries += 1;
    }
  }

  /** GETs `path` (retried as a read) and validates its body against `schema`. */
  async get<S extends z.ZodType>(schema: S, path: string, endpoint: string, signal?: AbortSignal) {
    const res = await this.send({ method: 'GET', path, endpoint, retry: 'read', signal });
    return Transport.parse(schema, res, endpoint);
  }

  /** Validates a response body, turning a schema mismatch into a one-line GenesysApiError naming the field. */
  static parse<S extends z.ZodType>(schema: S, res: HttpResponse, endpoint: string): z.output<S> {
    const result = schema.safeParse(res.body);
    if (result.success) return result.data;
    throw new GenesysApiError(
      `${endpoint} returned an unexpected body: ${describeIssue(result.error)}`,
      res.status,
      endpoint,
      'invalid_response',
    );
  }

  private retryWait(
    call: HttpCall,
    attempt: Attempt,
    retries: number,
    deadline: number,
    error: GenesysApiError,
  ): number {
    const decision = retryWait(attempt, retries, this.o.clock.now(), deadline, this.o);
    if (decision.kind === 'wait') return decision.ms;
    if (decision.kind === 'deadline') {
      this.failure(call, error, 'deadline reached');
      throw error;
    }
    const e = new GenesysApiError(
      `${error.message} (Retry-After ${Math.ceil(decision.retryAfterMs / 1000)} s is too long to wait)`,
      error.status,
      call.endpoint,
      error.code,
      error.detail,
    );
    this.failure(call, e, 'not waiting');
    throw e;
  }

  private async acquireSlot(call: HttpCall, deadline: number): Promise<void> {
    for (;;) {
      const now = this.o.clock.now();
      const decision = this.budget.tryAcquire(now);
      if (decision.ok) return;
      if (now + decision.retryInMs > deadline) {
        const e = new BudgetExhaustedError(call.endpoint, decision.retryInMs);
        this.log(call, 'warn', { waitMs: decision.retryInMs }, e.message);
        throw e;
      }
      this.log(call, 'debug', { waitMs: decision.retryInMs }, 'call budget used up; waiting for a free slot');
      await this.o.sleep(decision.retryInMs, call.signal);
    }
  }

  private async sendOnce(call: HttpCall, token: string | undefined): Promise<Attempt> {
    const base = call.base === 'login' ? this.login : this.api;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'genesys-usage-agent',
    };
    if (call.auth?.kind === 'basic') headers.authorization = `Basic ${call.auth.credentials}`;
    else headers.authorization = `Bearer ${call.auth?.token ?? token}`;
    let body: string | undefined;
    if (call.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = call.form;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    try {
      const res = await base.pool.request({
        path: base.prefix + call.path,
        method: call.method,
        headers,
        body: body ?? null,
        signal,
      });
      const text = await readCapped(res.body, this.o.maxResponseBytes);
      if (text === null)
        return {
          kind: 'network',
          reason: `response larger than ${this.o.maxResponseBytes} bytes`,
          beforeSend: false,
        };
      return { kind: 'response', status: res.statusCode, retryAfter: res.headers['retry-after'], text };
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason ?? err;
      const code = errorCode(err);
      // undici's own header/body timers and our abort timer race at the same deadline: one wording.
      if (timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return { kind: 'network', reason: `timeout after ${this.o.requestTimeoutMs} ms`, beforeSend: false };
      return {
        kind: 'network',
        reason: code ?? 'connection failed',
        beforeSend: code !== undefined && NOT_SENT_CODES.has(code),
      };
    }
  }

  private failure(call: HttpCall, error: GenesysApiError, what: string, extra: object = {}): void {
    this.log(
      call,
      this.episodes.fail(call.endpoint),
      { status: error.status, code: error.code, ...extra },
      `${error.message}; ${what}`,
    );
  }

  private endEpisode(call: HttpCall): void {
    if (this.episodes.succeed(call.endpoint)) this.log(call, 'info', {}, 'recovered');
  }

  private log(call: HttpCall, level: keyof Logger, fields: object, msg: string): void {
    if (call.quiet) return;
    this.o.logger[level]({ org: this.o.org, endpoint: call.endpoint, ...fields }, msg);
  }

  private makeBase(baseUrl: string): Base {
    const url = new URL(baseUrl);
    const timeouts = this.o.requestTimeoutMs;
    return {
      pool: new Pool(url.origin, {
        connections: 8,
        connectTimeout: timeouts,
        headersTimeout: timeouts,
        bodyTimeout: timeouts,
      }),
      prefix: url.pathname.replace(/\/+$/, ''),
    };
  }
}
