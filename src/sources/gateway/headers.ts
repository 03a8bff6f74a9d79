/** Header filtering for the proxy: hop-by-hop headers (RFC 9110 §7.6.1) stay on their own hop. */
type HeaderValue = string | string[] | undefined;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

const NONE: ReadonlySet<string> = new Set();

/** Header names a `Connection` header lists (they are hop-by-hop too). */
function listed(connection: HeaderValue): ReadonlySet<string> {
  if (connection === undefined) return NONE;
  const raw = Array.isArray(connection) ? connection.join(',') : connection;
  // Nearly every request says `keep-alive` or `close`, which list no other header: no set for them.
  if (/^\s*(?:keep-alive|close)\s*$/i.test(raw)) return NONE;
  return new Set(raw.split(',').map((s) => s.trim().toLowerCase()));
}

declare const sent: unique symbol;
/**
 * What the upstream receives, and all identity.ts reads: a credential the gateway strips (named in
 * `Connection`, in any spelling) can never name the request's client.
 */
export type Forwarded = Readonly<Record<string, string | string[]>> & { readonly [sent]: true };

/** A request's outgoing headers (from Node's lower-cased `req.headers`), computed once per request. */
export function forwarded(headers: Readonly<Record<string, HeaderValue>>): Forwarded {
  // Expect is answered here (Node sends the 100 once the request is admitted); undici refuses it.
  return endToEnd(headers, ['host', 'expect']) as Forwarded;
}

/** End-to-end headers only; `drop` names (lower case) are removed as well. */
export function endToEnd(
  headers: Readonly<Record<string, HeaderValue>>,
  drop: readonly string[] = [],
): Record<string, string | string[]> {
  const extra = listed(headers['connection']);
  const out: Record<string, string | string[]> = {};
  // for…in over a plain header object: no entries array per request (this runs twice per request).
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || extra.has(lower) || drop.includes(lower))
      continue;
    out[name] = value;
  }
  return out;
}
