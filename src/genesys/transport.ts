/**
 * The one HTTP path to Genesys: undici pools (timeouts, response size cap), the call budget, the
 * agent's bearer token (re-login once after a 401), retries (policy in retry-policy.ts) and a count
 * of every request sent. Endpoint knowledge lives in client.ts; this file knows only HTTP.
 */
import { Pool } from 'undici';
import { z } from 'zod';
import type { Clock } from '../util/clock.js';
import { FailureEpisodes } from '../util/failure-episodes.js';
import type { Logger } from '../util/logger.js';
import { CallBudget } from './budget.js';
import { BudgetExhaustedError, GenesysApiError } from './errors.js';
import { errorCode, errorFromResponse, networkError, parseJson } from './http-errors.js';
import { RequestStats } from './request-stats.js';
import {
  NOT_SENT_CODES,
  fullJitterDelay,
  isRetryable,
  parseRetryAfterMs,
  type RetryMode,
} from './retry-policy.js';
import type { TokenCache } from './token-cache.js';

export interface HttpCall {
  /** Endpoint template, e.g. `GET /api/v2/oauth/clients`: the method sent, and the label of metrics, logs and errors. */
  endpoint: string;
  /** Path below the base URL, with query string. */
  path: string;
  json?: unknown;
  /** Default `read` for a GET, `query` for a POST. */
  retry?: RetryMode;
  signal?: AbortSignal | undefined;
  /** The agent's own login: on the login base URL, with client credentials and a form body. */
  login?: { basic: string; form: string };
  /** Someone else's token (gateway look-ups): never logged, and not charged to the call budget (the caller bounds these). */
  bearer?: string;
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
type TransportTunables = typeof TRANSPORT_DEFAULTS;

export interface TransportOptions extends TransportTunables {
  /** Org label for metrics. */
  org: string;
  /** e.g. https://api.mypurecloud.com or http://127.0.0.1:PORT */
  apiBaseUrl: string;
  loginBaseUrl: string;
  clock: Clock;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  /** pino-compatible. */
  logger: Logger;
}

/** One attempt: a response, or none (and whether the request surely never left). */
type Attempt =
  | { status: number; retryAfter: string | string[] | undefined; text: string }
  | { status: null; reason: string; beforeSend: boolean };

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
    private readonly tokens: TokenCache,
  ) {
    this.stats = new RequestStats(o.org);
    this.budget = new CallBudget(o.callBudgetPerMinute);
    this.api = this.makeBase(o.apiBaseUrl);
    this.login = o.loginBaseUrl === o.apiBaseUrl ? this.api : this.makeBase(o.loginBaseUrl);
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([this.api.pool, this.login.pool])].map((p) => p.close()));
  }

  /** Sends `call` and validates its 2xx body against `schema`. */
  async request<S extends z.ZodType>(schema: S, call: HttpCall): Promise<z.output<S>> {
    return Transport.parse(schema, await this.send(call), call.endpoint);
  }

  /** Sends `call` with budget, auth and retries; resolves with a 2xx response or throws GenesysApiError. */
  async send(call: HttpCall): Promise<{ status: number; body: unknown }> {
    const deadline = this.o.clock.now() + this.o.callDeadlineMs;
    const mode = call.retry ?? (call.endpoint.startsWith('GET ') ? 'read' : 'query');
    let retries = 0;
    let reloggedIn = false;
    for (;;) {
      const token = call.login || call.bearer !== undefined ? undefined : await this.tokens.get();
      if (call.bearer === undefined) await this.acquireSlot(call, deadline);
      const attempt = await this.sendOnce(call, token);
      this.stats.record(call.endpoint, attempt.status, this.o.clock.now());

      if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
        if (this.episodes.succeed(call.endpoint)) this.log(call, 'info', {}, 'recovered');
        return { status: attempt.status, body: parseJson(attempt.text, attempt.status, call.endpoint) };
      }
      if (attempt.status === 401 && token !== undefined && !reloggedIn) {
        // An expired or revoked token: log in again and resend once, outside the retry count.
        this.tokens.invalidate(token);
        reloggedIn = true;
        this.log(call, 'debug', { status: 401 }, 'token rejected; logging in again');
        continue;
      }

      const error =
        attempt.status === null
          ? networkError(call.endpoint, attempt.reason)
          : errorFromResponse(call.endpoint, attempt.status, attempt.text);
      const beforeSend = attempt.status === null && attempt.beforeSend;
      if (!isRetryable(attempt.status, beforeSend, mode) || retries >= this.o.maxRetries) {
        this.failure(call, error, retries > 0 ? `giving up after ${retries + 1} attempts` : 'request failed');
        throw error;
      }
      const waitMs = this.retryWait(call, attempt, retries, deadline, error);
      this.failure(call, error, `retrying in ${waitMs} ms`, { waitMs, attempt: retries + 1 });
      await this.o.sleep(waitMs, call.signal);
      retries += 1;
    }
  }

  /** Validates a response body, turning a schema mismatch into a one-line GenesysApiError naming the field. */
  static parse<S extends z.ZodType>(schema: S, res: { status: number; body: unknown }, endpoint: string) {
    const result = schema.safeParse(res.body);
    if (result.success) return result.data as z.output<S>;
    const issue = result.error.issues[0];
    const where = issue
      ? `field \`${z.core.toDotPath(issue.path) || '(root)'}\`: ${issue.message}`
      : 'unexpected body';
    throw new GenesysApiError(
      `${endpoint} returned an unexpected body: ${where}`,
      res.status,
      endpoint,
      'invalid_response',
    );
  }

  /** Full-jitter backoff, at least the server's Retry-After on 429/503; throws when that passes a bound. */
  private retryWait(
    call: HttpCall,
    attempt: Attempt,
    retries: number,
    deadline: number,
    error: GenesysApiError,
  ): number {
    const now = this.o.clock.now();
    let waitMs = fullJitterDelay(retries, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
    if (attempt.status === 429 || attempt.status === 503) {
      const retryAfter = parseRetryAfterMs(attempt.retryAfter, now);
      if (retryAfter !== null && (retryAfter > this.o.maxRetryAfterMs || now + retryAfter > deadline)) {
        const e = new GenesysApiError(
          `${error.message} (Retry-After ${Math.ceil(retryAfter / 1000)} s is too long to wait)`,
          error.status,
          call.endpoint,
          error.code,
          error.detail,
        );
        this.failure(call, e, 'not waiting');
        throw e;
      }
      waitMs = Math.max(waitMs, retryAfter ?? 0);
    }
    if (now + waitMs > deadline) {
      this.failure(call, error, 'deadline reached');
      throw error;
    }
    return waitMs;
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
    const base = call.login ? this.login : this.api;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'genesys-usage-agent',
      authorization: call.login ? `Basic ${call.login.basic}` : `Bearer ${call.bearer ?? token}`,
    };
    if (call.login) headers['content-type'] = 'application/x-www-form-urlencoded';
    else if (call.json !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    try {
      const res = await base.pool.request({
        path: base.prefix + call.path,
        method: call.endpoint.startsWith('GET ') ? 'GET' : 'POST',
        headers,
        body: call.login?.form ?? (call.json === undefined ? null : JSON.stringify(call.json)),
        signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout,
      });
      return { status: res.statusCode, retryAfter: res.headers['retry-after'], text: await res.body.text() };
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason ?? err;
      const code = errorCode(err);
      // The pool's maxResponseSize stopped reading and closed the connection.
      if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
        return {
          status: null,
          reason: `response larger than ${this.o.maxResponseBytes} bytes`,
          beforeSend: false,
        };
      // undici's own header/body timers and our abort timer race at the same deadline: one wording.
      if (timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
        return { status: null, reason: `timeout after ${this.o.requestTimeoutMs} ms`, beforeSend: false };
      const beforeSend = code !== undefined && NOT_SENT_CODES.has(code);
      return { status: null, reason: code ?? 'connection failed', beforeSend };
    }
  }

  private failure(call: HttpCall, error: GenesysApiError, what: string, extra: object = {}): void {
    const level = this.episodes.fail(call.endpoint);
    this.log(call, level, { status: error.status, code: error.code, ...extra }, `${error.message}; ${what}`);
  }

  private log(call: HttpCall, level: keyof Logger, fields: object, msg: string): void {
    if (call.bearer !== undefined) return;
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
        maxResponseSize: this.o.maxResponseBytes,
      }),
      prefix: url.pathname.replace(/\/+$/, ''),
    };
  }
}
