/**
 * Which OAuth client a bearer token belongs to. Tokens are known only by their SHA-256 hash; the
 * mapping is learnt from `/oauth/token` exchanges that pass through the gateway, or asked once
 * from `resolveToken` (GET /api/v2/tokens/me) for tokens minted elsewhere.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../util/clock.js';
import { UNKNOWN_CLIENT } from '../../model/gateway/measurements.js';

export type ResolveToken = (
  bearer: string,
  signal?: AbortSignal,
) => Promise<{ clientId: string; clientName: string }>;

export interface Identity {
  clientId: string;
  /** Name learnt from `resolveToken`, when it was asked. */
  clientName?: string;
}

export const tokenResponseSchema = z.object({ access_token: z.string().min(1) }).loose();
const resolvedSchema = z.object({ clientId: z.string().min(1), clientName: z.string() });

export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerOf(authorization: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1] ?? null;
}

/** Client id of a client-credentials login: Basic auth user, else the form's `client_id`. */
export function loginClientId(authorization: string | undefined, formBody: string): string | null {
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    // RFC 6749 §2.3.1: the id is form-encoded before it goes into Basic auth.
    const id = safeDecode(user);
    if (id) return id;
  }
  const fromForm = new URLSearchParams(formBody).get('client_id');
  return fromForm || null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Least-recently-used map: a Map re-inserted on every hit keeps use order. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }
  delete(key: K): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
}

interface CacheEntry {
  identity: Identity;
  /** Failed look-ups are remembered briefly so a bad token cannot make us call Genesys per request. */
  expiresMs: number | null;
}

export interface IdentityCacheOptions {
  maxEntries: number;
  resolveToken?: ResolveToken;
  clock: Clock;
  resolveTimeoutMs?: number;
  negativeTtlMs?: number;
  onResolveError?: (err: unknown) => void;
}

export class IdentityCache {
  private readonly byToken: Lru<string, CacheEntry>;
  private readonly names: Lru<string, string>;
  private readonly pending = new Map<string, Promise<Identity>>();

  constructor(private readonly opts: IdentityCacheOptions) {
    this.byToken = new Lru(opts.maxEntries);
    this.names = new Lru(opts.maxEntries);
  }

  learn(key: string, clientId: string): void {
    this.byToken.set(key, { identity: { clientId }, expiresMs: null });
  }

  /** Name learnt from `resolveToken` for a client the directory may not know yet. */
  nameOf(clientId: string): string | undefined {
    return this.names.get(clientId);
  }

  size(): number {
    return this.byToken.size;
  }

  /** Client of a token; concurrent first look-ups of one token share a single `resolveToken` call. */
  async identify(bearer: string | null): Promise<Identity & { key: string }> {
    if (bearer === null) return { key: 'no-token', clientId: UNKNOWN_CLIENT };
    const key = tokenKey(bearer);
    const hit = this.byToken.get(key);
    if (hit && (hit.expiresMs === null || hit.expiresMs > this.opts.clock.now()))
      return { key, ...hit.identity };
    if (!this.opts.resolveToken) return { key, clientId: UNKNOWN_CLIENT };
    let p = this.pending.get(key);
    if (!p) {
      p = this.resolve(key, bearer, this.opts.resolveToken).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return { key, ...(await p) };
  }

  private async resolve(key: string, bearer: string, resolveToken: ResolveToken): Promise<Identity> {
    try {
      const got = resolvedSchema.parse(
        await resolveToken(bearer, AbortSignal.timeout(this.opts.resolveTimeoutMs ?? 5_000)),
      );
      const identity = { clientId: got.clientId, clientName: got.clientName };
      if (got.clientName) this.names.set(got.clientId, got.clientName);
      this.byToken.set(key, { identity, expiresMs: null });
      return identity;
    } catch (err) {
      this.opts.onResolveError?.(err);
      const identity = { clientId: UNKNOWN_CLIENT };
      this.byToken.set(key, {
        identity,
        expiresMs: this.opts.clock.now() + (this.opts.negativeTtlMs ?? 60_000),
      });
      return identity;
    }
  }
}
