/**
 * Which upstream a gateway path goes to. The SDKs' `setGateway` appends `path_params_login` /
 * `path_params_api` to the gateway URL (none, `login`/`api`, several segments, or even `api/v2`),
 * then the request path (`/oauth/token`, `/api/v2/…`). Any leading segments are dropped; a prefix
 * ending in `api/v2` yields `/api/v2/api/v2/…`, of which one `api/v2` is the prefix (Genesys has no
 * path under `/api/v2/api/v2`).
 */
export interface Route {
  upstream: 'login' | 'api';
  /** Upstream path including the query string, e.g. `/api/v2/users?pageSize=1`. */
  path: string;
}

const LOGIN = /^(?:\/[^/]+)*\/oauth\/token$/;
const ROUTE = /^(?:\/[^/]+)*?\/(api\/v2(?:\/.*)?)$/;

/**
 * A request target's route, `bad_path` for a path refused outright (400), or null (404). Refused: a
 * segment that decodes (once or more) to a dot segment, or carries an encoded slash or backslash, a
 * backslash, a `;` or an invalid encoding. Upstreams disagree on decoding these before routing: how
 * `/api/v2/..%2f..%2fx` or `..;/` climb out of the forwarded trees. The query is not looked at.
 */
export function routeOf(rawUrl: string): Route | 'bad_path' | null {
  const q = rawUrl.indexOf('?');
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  // Nothing to decode and no dot segment (the common path): decided without splitting it.
  if (!(PLAIN.test(pathname) && !DOT_SEGMENT.test(pathname)) && pathname.split('/').some(hostileSegment))
    return 'bad_path';
  if (LOGIN.test(pathname)) return { upstream: 'login', path: `/oauth/token${query}` };
  const m = ROUTE.exec(pathname);
  if (!m?.[1]) return null;
  const path = /^api\/v2\/api\/v2(?:\/|$)/.test(m[1]) ? m[1].slice('api/v2/'.length) : m[1];
  return { upstream: 'api', path: `/${path}${query}` };
}

const PLAIN = /^[^%\\;]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;
const FORBIDDEN = /%2f|%5c|\\|;/i;
/** Deeper nesting than this is itself a sign of an attack. */
const MAX_DECODES = 4;

function hostileSegment(raw: string): boolean {
  let seg = raw;
  for (let i = 0; i <= MAX_DECODES; i++) {
    if (seg === '.' || seg === '..' || FORBIDDEN.test(seg)) return true;
    let next: string;
    try {
      next = decodeURIComponent(seg);
    } catch {
      // Not valid percent-encoded UTF-8 (e.g. the overlong slash %c0%af): lenient decoders differ.
      return true;
    }
    if (next === seg) return false;
    if (next.includes('/')) return true;
    seg = next;
  }
  return true;
}
