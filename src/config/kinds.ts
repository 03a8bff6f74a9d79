/**
 * The parsers of the settings table (settings.ts): zod schemas that take a setting's raw value —
 * an environment string, or what YAML gave for the config-file key — and yield its typed value.
 * Issues carry the offending value separately (errors.ts `Refusal`), so a secret setting's error
 * can name the setting and the expected form without ever showing the value.
 */
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { closest, type Refusal } from './errors.js';
import { resolveRegion } from './regions.js';
import { BUILTIN_SCENARIO_NAMES } from './scenario-names.js';

type Ctx = z.core.$RefinementCtx;
const MAX_LENGTH = 4096;

/** Thrown by `refuse` to end a parser at its first issue; `kind` turns it into z.NEVER. */
class Refused {}

function refuse(ctx: Ctx, message: string, refusal: Refusal = {}): never {
  ctx.addIssue({ code: 'custom', message, params: refusal });
  throw new Refused();
}

/** A scalar as trimmed text (YAML numbers and booleans included); empty and huge values refused. */
function textOf(raw: unknown, ctx: Ctx): string {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string') return refuse(ctx, 'expected a single value (text or number)');
  const t = raw.trim();
  if (t === '') return refuse(ctx, 'is set but empty; give it a value or unset it');
  if (t.length > MAX_LENGTH) return refuse(ctx, `longer than ${MAX_LENGTH} characters`);
  return t;
}

function kind<T>(parse: (raw: unknown, ctx: Ctx) => T) {
  return z.unknown().transform((raw, ctx): T => {
    try {
      return parse(raw, ctx);
    } catch (err) {
      if (err instanceof Refused) return z.NEVER;
      throw err;
    }
  });
}

export const text = () => kind(textOf);

/** A credential: any text without control characters; `token` also refuses spaces (it is sent in a header). */
export const secret = (token = false) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    // The value goes with the issue like any other; errors.ts shows a noun instead for secret settings.
    if (/\p{Cc}/u.test(t))
      return refuse(ctx, 'contains a control character; remove it (a stray newline?)', { value: t });
    if (token && !/^[\x21-\x7e]+$/.test(t))
      return refuse(
        ctx,
        'must be one word of visible ASCII characters (e.g. the output of openssl rand -hex 32)',
        {
          value: t,
        },
      );
    return t;
  });

export const int = (min: number, max: number) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    if (/^tcp:\/\//.test(t))
      return refuse(
        ctx,
        'is a Kubernetes service link, not a port; set {name} explicitly or use enableServiceLinks: false',
        { value: t },
      );
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max)
      return refuse(ctx, `is not a whole number between ${min} and ${max}`, { value: t });
    return Number(t);
  });

/** A duration (`900` seconds, `15m`, `1h30m`) in milliseconds, within [minMs, maxMs]. */
export const duration = (minMs: number, maxMs: number, range: string) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    const ms = parseDuration(t);
    if (ms === undefined)
      return refuse(ctx, 'is not a duration; use seconds (900) or a unit (15m, 60s, 1h)', { value: t });
    if (ms < minMs || ms > maxMs)
      return refuse(ctx, `is out of range; use ${range}`, { value: t, bare: true });
    return ms;
  });

/** Whole milliseconds, at least `min` (the OpenTelemetry variables' unit). */
export const millis = (min: number) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > 7 * 86_400_000)
      return refuse(ctx, `must be milliseconds, at least ${min} (at most 7 days)`, { value: t });
    return Number(t);
  });

export const oneOf = <T extends string>(allowed: readonly T[], lowerCase = false) =>
  kind((raw, ctx): T => {
    const t = textOf(raw, ctx);
    const v = lowerCase ? t.toLowerCase() : t;
    if (!(allowed as readonly string[]).includes(v))
      return refuse(ctx, `is not one of ${allowed.join(', ')}`, { value: t });
    return v as T;
  });

/** An http(s) URL without trailing slashes. */
export const url = (example: string) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    let parsed: URL;
    try {
      parsed = new URL(t);
    } catch {
      return refuse(ctx, `is not a URL; use e.g. ${example}`, { value: t });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return refuse(ctx, 'must be an http(s) URL');
    return t.replace(/\/+$/, '');
  });

/** A region domain, SDK key or API URL, as the region's domain. */
export const region = () =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    const domain = resolveRegion(t);
    if (!domain)
      return refuse(
        ctx,
        'unknown region {value}; use a domain like mypurecloud.ie or an SDK key like eu_west_1',
        { value: t },
      );
    return domain;
  });

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A listen address: an IP address or a host name — no port, scheme or brackets. */
export const host = (portVariable: string) =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    if (isIP(t) !== 0 || HOSTNAME.test(t)) return t;
    const value = { value: t };
    if (t.includes('://'))
      return refuse(ctx, 'is a URL; give the address alone, e.g. 0.0.0.0 or 127.0.0.1', value);
    if (/^\[.*\]$/.test(t))
      return refuse(ctx, 'has brackets; give the IPv6 address without them, e.g. ::1', value);
    if (/^[^:]*:\d*$/.test(t) || /^\[.*\]:\d*$/.test(t))
      return refuse(ctx, `carries a port; give the address alone and the port in ${portVariable}`, value);
    return refuse(ctx, 'is not an IP address or host name; use e.g. 0.0.0.0, 127.0.0.1 or ::', value);
  });

/** `k=v,k2=v2` (values may be %-encoded), or in the file a map. `headers` also checks HTTP header syntax. */
export const keyValues = (headers = false) =>
  kind((raw, ctx) => {
    const out: Record<string, string> = {};
    const add = (k: string, v: string) => {
      if (headers && !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(k))
        return refuse(ctx, 'has a header name that is not an HTTP token; use names like Authorization', {
          value: k,
          noun: 'an entry',
        });
      if (/[\r\n\0]/.test(v))
        return refuse(ctx, 'has a value with a line break', { value: k, noun: 'an entry' });
      out[k] = v;
    };
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [k, v] of Object.entries(raw)) add(k, textOf(v, ctx));
      return out;
    }
    const t = textOf(raw, ctx);
    for (const part of t.split(',')) {
      if (!part.trim()) continue;
      const eq = part.indexOf('=');
      const entry = { value: part.trim(), noun: 'an entry' };
      if (eq <= 0) return refuse(ctx, 'is not key=value; use k=v,k2=v2', entry);
      try {
        add(decodeURIComponent(part.slice(0, eq).trim()), decodeURIComponent(part.slice(eq + 1).trim()));
      } catch {
        return refuse(ctx, 'has a malformed %-escape; encode % as %25', entry);
      }
    }
    return out;
  });

/** `i/n`: this replica is shard i of n (0 ≤ i < n). */
export const shard = () =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    const m = /^(\d{1,3})\/(\d{1,3})$/.exec(t);
    if (!m)
      return refuse(ctx, "is not i/n; give this replica's shard i of n replicas, e.g. 0/3", { value: t });
    const [index, total] = [Number(m[1]), Number(m[2])];
    if (total === 0) return refuse(ctx, 'has n = 0; n is the number of replicas, at least 1', { value: t });
    if (index >= total)
      return refuse(ctx, `is outside 0..${total - 1}; shards are numbered from 0 to n-1`, { value: t });
    return { index, total };
  });

/** Which polled sources run: `usage,ratelimits`, one of them, or `none` (in the file also a list). */
export const pollList = () =>
  kind((raw, ctx) => {
    const items = Array.isArray(raw) ? raw.map((r) => textOf(r, ctx)) : textOf(raw, ctx).split(',');
    const names = items.map((n) => n.trim().toLowerCase());
    if (names.length === 1 && names[0] === 'none') return { usage: false, ratelimits: false };
    for (const n of names)
      if (n !== 'usage' && n !== 'ratelimits')
        return refuse(ctx, 'is not a polled source; use usage, ratelimits, both (comma-separated) or none', {
          value: n,
        });
    return { usage: names.includes('usage'), ratelimits: names.includes('ratelimits') };
  });

/** A built-in scenario name or a scenario file that exists (its contents are the simulator's to check). */
export const scenario = () =>
  kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    if ((BUILTIN_SCENARIO_NAMES as readonly string[]).includes(t)) return t;
    if (existsSync(t) && statSync(t).isFile()) return t;
    const hint = closest(t, BUILTIN_SCENARIO_NAMES);
    return refuse(
      ctx,
      `is neither a built-in scenario nor a file; ${hint ? `did you mean "${hint}"? ` : ''}use one of ${BUILTIN_SCENARIO_NAMES.join(', ')} or a YAML/JSON file path`,
      { value: t },
    );
  });

/** Per-client overrides of the per-token limit (client id → req/min); only in the config file. */
export const perClientLimits = () => z.record(z.string(), z.number().int().min(1).max(1_000_000));
