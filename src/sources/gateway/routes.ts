/**
 * Which upstream a gateway path goes to. The SDKs' `setGateway` may insert arbitrary
 * `path_params_login` / `path_params_api` segments after the port (commonly `login` and `api`), so
 * any leading segments before `oauth/token` or `api/v2` are accepted and dropped.
 */
export interface Route {
  upstream: 'login' | 'api';
  /** Upstream path including the query string, e.g. `/api/v2/users?pageSize=1`. */
  path: string;
}

const ROUTE = /^(?:\/[^/]+)*?\/(oauth\/token|api\/v2(?:\/.*)?)$/;
// Dot segments would let `/api/v2/../x` reach upstream paths outside the two forwarded trees.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

export function routeOf(rawUrl: string): Route | null {
  const q = rawUrl.indexOf('?');
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (DOT_SEGMENT.test(pathname)) return null;
  const m = ROUTE.exec(pathname);
  if (!m?.[1]) return null;
  return { upstream: m[1] === 'oauth/token' ? 'login' : 'api', path: `/${m[1]}${query}` };
}
