/**
 * The one credential check, for the agent's data endpoints (`/metrics`, `/api/v1/*`) and the events
 * push: a bearer token and/or basic-auth users. Comparisons go through SHA-256 digests and
 * `timingSafeEqual`, and every configured credential is checked, so the answer time does not
 * depend on how much of a guess matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

export interface AuthConfig {
  /** Accepted `Authorization: Bearer …` tokens. */
  bearerTokens: string[];
  /** Accepted `Authorization: Basic …` users. */
  basicUsers: { user: string; password: string }[];
}

/**
 * Routes that stay open when auth is on: health probes, the (data-free) page shell, and the push
 * endpoint, which has its own token. Every other route needs credentials, so a new route is
 * protected unless it is listed here. Named by registered URL pattern, never the raw request URL:
 * `%6detrics`, `/metrics#x` or an absolute-form target reach the same route under other spellings.
 */
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/', '/status.js', '/status.css', '/v1/events']);

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

function anyEqual(candidate: string, accepted: Buffer[]): boolean {
  const d = digest(candidate);
  let ok = false;
  for (const a of accepted) ok = timingSafeEqual(d, a) || ok;
  return ok;
}

/** A checker for Authorization header values; digests of the secrets are computed once. */
export function authorizer(cfg: AuthConfig): (header: string | undefined) => boolean {
  const tokens = cfg.bearerTokens.map(digest);
  // user:password as one string: one comparison covers both, and the user name leaks no timing either.
  const basics = cfg.basicUsers.map((u) => digest(`${u.user}:${u.password}`));
  return (header) => {
    if (!header) return false;
    const space = header.indexOf(' ');
    if (space <= 0) return false;
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    if (scheme === 'bearer' && tokens.length > 0) return anyEqual(value, tokens);
    if (scheme === 'basic' && basics.length > 0)
      return anyEqual(Buffer.from(value, 'base64').toString('utf8'), basics);
    return false;
  };
}

/**
 * The `onRequest` hook every credential check uses (this port's data endpoints, the events push):
 * 401 with a challenge unless the Authorization header carries one of `cfg`'s credentials.
 * `wrong` answers a header of an accepted scheme, `missing` anything else.
 */
export function requireCredentials(
  cfg: AuthConfig,
  messages: { missing: string; wrong: string },
): onRequestAsyncHookHandler {
  const allowed = authorizer(cfg);
  const challenge = [
    ...(cfg.bearerTokens.length > 0 ? ['Bearer realm="genesys-usage-agent"'] : []),
    ...(cfg.basicUsers.length > 0 ? ['Basic realm="genesys-usage-agent", charset="UTF-8"'] : []),
  ].join(', ');
  return async (req, reply) => {
    const header = req.headers.authorization;
    if (allowed(header)) return;
    const scheme = header?.split(' ', 1)[0]?.toLowerCase();
    const offered =
      (scheme === 'bearer' && cfg.bearerTokens.length > 0) ||
      (scheme === 'basic' && cfg.basicUsers.length > 0);
    return reply
      .code(401)
      .header('www-authenticate', challenge)
      .header('cache-control', 'no-store')
      .send({ error: 'Unauthorized', message: offered ? messages.wrong : messages.missing });
  };
}

/** Adds the check as a hook of each protected route; call before any route (plugins' too) is registered. */
export function registerAuth(app: FastifyInstance, cfg: AuthConfig): void {
  const message =
    'this endpoint needs the credentials configured with AGENT_AUTH_TOKEN or AGENT_AUTH_BASIC_FILE';
  const check = requireCredentials(cfg, { missing: message, wrong: message });
  app.addHook('onRoute', (route) => {
    if (OPEN_ROUTES.has(route.url)) return;
    const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
    // First, so no other route hook (rate limit, parsers) runs for a caller without credentials.
    route.onRequest = [check, ...own];
  });
}
