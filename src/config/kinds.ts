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

type No = (message: string, refusal?: Refusal) => never;

/** A parser of one trimmed scalar; `no` refuses it, quoting the value unless given another refusal. */
function scalar<T>(parse: (t: string, no: No) => T) {
  return kind((raw, ctx) => {
    const t = textOf(raw, ctx);
    return parse(t, (message, refusal = { value: t }) => refuse(ctx, message, refusal));
  });
}

export const text = () => kind(textOf);

/** A credential: any text without control characters; `token` also refuses spaces (it is sent in a header). */
export const secret = (token = false) =>
  scalar((t, no) => {
    // The value goes with the issue like any other; errors.ts shows a noun instead for secret settings.
    if (/\p{Cc}/u.test(t)) return no('contains a control character; remove it (a stray newline?)');
    if (token && !/^[\x21-\x7e]+$/.test(t))
      return no('must be one word of visible ASCII characters (e.g. the output of openssl rand -hex 32)');
    return t;
  });

export const int = (min: number, max: number) =>
  scalar((t, no) => {
    if (/^tcp:\/\//.test(t))
      return no(
        'is a Kubernetes service link, not a port; set {name} explicitly or use enableServiceLinks: false',
      );
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max)
      return no(`is not a whole number between ${min} and ${max}`);
    return Number(t);
  });

/** A duration (`900` seconds, `15m`, `1h30m`) in milliseconds, within [minMs, maxMs]. */
export const duration = (minMs: number, maxMs: number, range: string) =>
  scalar((t, no) => {
    const ms = parseDuration(t);
    if (ms === undefined) return no('is not a duration; use seconds (900) or a unit (15m, 60s, 1h)');
    if (ms < minMs || ms > maxMs) return no(`is out of range; use ${range}`, { value: t, bare: true });
    return ms;
  });

/** Whole milliseconds, at least `min` (the OpenTelemetry variables' unit). */
export const millis = (min: number) =>
  scalar((t, no) => {
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > 7 * 86_400_000)
      return no(`must be milliseconds, at least ${min} (at most 7 days)`);
    return Number(t);
  });

export const oneOf = <T extends string>(allowed: readonly T[], lowerCase = false) =>
  scalar((t, no): T => {
    const v = lowerCase ? t.toLowerCase() : t;
    if (!(allowed as readonly string[]).includes(v)) return no(`is not one of ${allowed.join(', ')}`);
    return v as T;
  });

/** An http(s) URL without trailing slashes. */
export const url = (example: string) =>
  scalar((t, no) => {
    if (!URL.canParse(t)) return no(`is not a URL; use e.g. ${example}`);
    if (!/^https?:$/.test(new URL(t).protocol)) return no('must be an http(s) URL', {});
    return t.replace(/\/+$/, '');
  });

/** A region domain, SDK key or API URL, as the region's domain. */
export const region = () =>
  scalar(
    (t, no) =>
      resolveRegion(t) ??
      no('unknown region {value}; use a domain like mypurecloud.ie or an SDK key like eu_west_1'),
  );

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A listen address: an IP address or a host name — no port, scheme or brackets. */
export const host = (portVariable: string) =>
  scalar((t, no) => {
    if (isIP(t) !== 0 || HOSTNAME.test(t)) return t;
    if (t.includes('://')) return no('is a URL; give the address alone, e.g. 0.0.0.0 or 127.0.0.1');
    if (/^\[.*\]$/.test(t)) return no('has brackets; give the IPv6 address without them, e.g. ::1');
    if (/^[^:]*:\d*$/.test(t) || /^\[.*\]:\d*$/.test(t))
      return no(`carries a port; give the address alone and the port in ${portVariable}`);
    return no('is not an IP address or host name; use e.g. 0.0.0.0, 127.0.0.1 or ::');
  });

/** `k=v,k2=v2` (values may be %-encoded), or in the file a map. `headers` also checks HTTP header syntax. */
export const keyValues = (headers = false) =>
  kind((raw, ctx) => {
    const out: Record<string, string> = {};
    // A secret setting's error says "an entry" instead of quoting it.
    const no = (message: string, value: string) => refuse(ctx, message, { value, noun: 'an entry' });
    const add = (k: string, v: string) => {
      if (headers && !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(k))
        return no('has a header name that is not an HTTP token; use names like Authorization', k);
      if (/[\r\n\0]/.test(v)) return no('has a value with a line break', k);
      out[k] = v;
    };
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [k, v] of Object.entries(raw)) add(k, textOf(v, ctx));
      return out;
    }
    for (const part of textOf(raw, ctx).split(',')) {
      if (!part.trim()) continue;
      const eq = part.indexOf('=');
      if (eq <= 0) return no('is not key=value; use k=v,k2=v2', part.trim());
      try {
        add(decodeURIComponent(part.slice(0, eq).trim()), decodeURIComponent(part.slice(eq + 1).trim()));
      } catch {
        return no('has a malformed %-escape; encode % as %25', part.trim());
      }
    }
    return out;
  });

/** `i/n`: this replica is shard i of n (0 ≤ i < n). */
export const shard = () =>
  scalar((t, no) => {
    const m = /^(\d{1,3})\/(\d{1,3})$/.exec(t);
    if (!m) return no("is not i/n; give this replica's shard i of n replicas, e.g. 0/3");
    const [index, total] = [Number(m[1]), Number(m[2])];
    if (total === 0) return no('has n = 0; n is the number of replicas, at least 1');
    if (index >= total) return no(`is outside 0..${total - 1}; shards are numbered from 0 to n-1`);
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
  scalar((t, no) => {
    if ((BUILTIN_SCENARIO_NAMES as readonly string[]).includes(t)) return t;
    if (existsSync(t) && statSync(t).isFile()) return t;
    const hint = closest(t, BUILTIN_SCENARIO_NAMES);
    return no(
      `is neither a built-in scenario nor a file; ${hint ? `did you mean "${hint}"? ` : ''}use one of ${BUILTIN_SCENARIO_NAMES.join(', ')} or a YAML/JSON file path`,
    );
  });

/** Per-client overrides of the per-token limit (client id → req/min); only in the config file. */
export const perClientLimits = () => z.record(z.string(), z.number().int().min(1).max(1_000_000));
