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
// Dot segments would let `/api/v2/../x` reach upstream paths outside the two forwarded trees.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

export function routeOf(rawUrl: string): Route | null {
  const q = rawUrl.indexOf('?');
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (DOT_SEGMENT.test(pathname)) return null;
  if (LOGIN.test(pathname)) return { upstream: 'login', path: `/oauth/token${query}` };
  const m = ROUTE.exec(pathname);
  if (!m?.[1]) return null;
  const path = /^api\/v2\/api\/v2(?:\/|$)/.test(m[1]) ? m[1].slice('api/v2/'.length) : m[1];
  return { upstream: 'api', path: `/${path}${query}` };
}
