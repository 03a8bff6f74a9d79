/**
 * Which OAuth client a bearer token (known only by its SHA-256) belongs to: learnt from logins through
 * the gateway, or asked once from `resolveToken` (GET /api/v2/tokens/me) for tokens minted elsewhere.
 */
import { hash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { CallBudget } from '../../genesys/budget.js';
import type { Clock } from '../../util/clock.js';
import { UNKNOWN_CLIENT } from '../../model/gateway/measurements.js';
import type { Forwarded } from './headers.js';

/** A request's client and the key its token is known by (names are kept per client: nameOf). */
export type Who = { clientId: string; key: string };
type Identity = Pick<Who, 'clientId'>;

export const tokenResponseSchema = z.object({ access_token: z.string().min(1) }).loose();
const resolvedSchema = z.object({ clientId: z.string().min(1), clientName: z.string() });
export type ResolveToken = (bearer: string, signal?: AbortSignal) => Promise<z.infer<typeof resolvedSchema>>;

export function tokenKey(token: string): string {
  // One-shot: no Hash object per request (the gateway hashes every request's token).
  return hash('sha256', token, 'hex');
}

export function bearerOf(authorization: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1] ?? null;
}

/** A request's bearer token and the key it is known by. */
export type Token = ReturnType<typeof tokenOf>;

export function tokenOf(bearer: string) {
  return { bearer, key: tokenKey(bearer) };
}

/**
 * The token of a request's forwarded Authorization header, remembered per connection (one entry,
 * living as long as it): keep-alive clients send one token on every request, hashed once.
 */
export class ConnectionTokens {
  private readonly last = new WeakMap<object, { authorization: string; token: Token | null }>();

  of(connection: object, headers: Forwarded): Token | null {
    const authorization = headers['authorization'];
    if (typeof authorization !== 'string') return null;
    const memo = this.last.get(connection);
    if (memo?.authorization === authorization) return memo.token;
    const bearer = bearerOf(authorization);
    const token = bearer === null ? null : tokenOf(bearer);
    this.last.set(connection, { authorization, token });
    return token;
  }
}

/**
 * Client id of a client-credentials login, from the credential the login host authenticates: the
 * Basic user when an Authorization header is forwarded (never the form then), else the form's single
 * `client_id` (client_secret_post). Whatever the host may read differently (not canonical base64, an
 * encoded form) is not guessed at: null, and `tokens/me` is asked when the token is used.
 */
export function loginClientId(headers: Forwarded, formBody: string, query = ''): string | null {
  const authorization = headers['authorization'];
  if (authorization !== undefined) {
    const basic = typeof authorization === 'string' ? /^\s*Basic\s+([\s\S]*)$/i.exec(authorization) : null;
    const b64 = basic?.[1]?.replace(/\s+/g, '') ?? '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) return null;
    const bytes = Buffer.from(b64, 'base64');
    // Only a canonical encoding: one that decoders cannot read differently.
    if (bytes.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) return null;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return null;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) return null;
    // RFC 6749 §2.3.1: the id is form-encoded before it goes into Basic auth.
    return safeDecode(text.slice(0, colon)) || null;
  }
  // The form is what the host reads only when it is a plain form, and no query may compete with it.
  const type = headers['content-type'];
  if (type !== undefined && !/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(String(type)))
    return null;
  if (headers['content-encoding'] !== undefined) return null;
  const params = new URLSearchParams(query);
  if (params.has('client_id') || params.has('client_secret')) return null;
  // Two client_id fields: which one the login host takes is its business, not a guess of ours.
  const ids = new URLSearchParams(formBody).getAll('client_id');
  return ids.length === 1 && ids[0] ? ids[0] : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export interface IdentityCacheOptions {
  maxEntries: number;
  resolveToken?: ResolveToken;
  clock: Clock;
  negativeTtlMs?: number;
  /** Most `resolveToken` calls per minute (default 30); beyond, tokens count as unknown until a slot frees. */
  lookupsPerMinute?: number;
  /** Longest a request waits for its token's look-up before it is forwarded as unknown (default 250 ms). */
  lookupWaitMs?: number;
  /** A look-up failed (`budget`: none was made, the budget is used up). */
  onResolveError?: (reason: LookupFailure) => void;
}

export type LookupFailure = 'budget' | 'timeout' | 'rejected' | 'error';

const DEFAULT_TOKEN_LOOKUPS_PER_MINUTE = 30;
const NO_TOKEN: Readonly<Who> = { key: 'no-token', clientId: UNKNOWN_CLIENT };
export const DEFAULT_LOOKUP_WAIT_MS = 250;
const RESOLVE_TIMEOUT_MS = 5_000;

export class IdentityCache {
  /** Learnt identities; failed look-ups expire (negativeTtlMs), on the gateway's clock. */
  private readonly byToken: LRUCache<string, Identity>;
  private readonly names: LRUCache<string, string>;
  private readonly pending = new Map<string, Promise<Identity>>();
  private readonly lookups: CallBudget;
  /** Requests' tokens, remembered per connection. */
  readonly tokens = new ConnectionTokens();

  constructor(private readonly opts: IdentityCacheOptions) {
    // ttlResolution 0: expiry reads the clock every time (no cached "now" across a clock change).
    this.byToken = new LRUCache({ max: opts.maxEntries, perf: opts.clock, ttlResolution: 0 });
    this.names = new LRUCache({ max: opts.maxEntries });
    this.lookups = new CallBudget(opts.lookupsPerMinute ?? DEFAULT_TOKEN_LOOKUPS_PER_MINUTE);
  }

  learn(key: string, clientId: string): void {
    this.byToken.set(key, { clientId });
  }

  /** Name learnt from `resolveToken` for a client the directory may not know yet. */
  nameOf(clientId: string): string | undefined {
    return this.names.get(clientId);
  }

  size(): number {
    return this.byToken.size;
  }

  /**
   * Client of a token, synchronously when it is known. Concurrent first look-ups of a token share one
   * `resolveToken` call, from a budget of their own (made-up tokens cannot spend the polls' calls);
   * a request waits briefly, then goes on as unknown while the answer is still learnt.
   */
  identify(token: Token | null): Who | Promise<Who> {
    if (token === null) return NO_TOKEN;
    const { key, bearer } = token;
    const hit = this.byToken.get(key);
    // Known (the common case): answered without a promise, so the request goes on in the same tick.
    if (hit) return { key, ...hit };
    return this.lookUp(key, bearer);
  }

  private async lookUp(key: string, bearer: string): Promise<Who> {
    if (!this.opts.resolveToken) return { key, clientId: UNKNOWN_CLIENT };
    let p = this.pending.get(key);
    if (!p) {
      if (!this.lookups.tryAcquire(this.opts.clock.now()).ok) {
        this.opts.onResolveError?.('budget');
        return { key, clientId: UNKNOWN_CLIENT };
      }
      p = this.resolve(key, bearer, this.opts.resolveToken).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const late = delay(this.opts.lookupWaitMs ?? DEFAULT_LOOKUP_WAIT_MS, null, { ref: false });
    const got = await Promise.race([p, late]);
    return { key, ...(got ?? { clientId: UNKNOWN_CLIENT }) };
  }

  private async resolve(key: string, bearer: string, resolveToken: ResolveToken): Promise<Identity> {
    try {
      const got = resolvedSchema.parse(await resolveToken(bearer, AbortSignal.timeout(RESOLVE_TIMEOUT_MS)));
      if (got.clientName) this.names.set(got.clientId, got.clientName);
      const identity = { clientId: got.clientId };
      this.byToken.set(key, identity);
      return identity;
    } catch (err) {
      this.opts.onResolveError?.(failureOf(err));
      // Remembered briefly so a bad token cannot make us call Genesys per request.
      const identity = { clientId: UNKNOWN_CLIENT };
      this.byToken.set(key, identity, { ttl: this.opts.negativeTtlMs ?? 60_000 });
      return identity;
    }
  }
}

function failureOf(err: unknown): LookupFailure {
  const e = err as { name?: unknown; status?: unknown; code?: unknown };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  if (e?.status === 401 || e?.status === 403 || e?.status === 400) return 'rejected';
  return 'error';
}
