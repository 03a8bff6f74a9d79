/**
 * Optional protection of the agent's own data endpoints (`/metrics`, `/api/v1/*`): a bearer token
 * and/or basic-auth users. Comparisons go through SHA-256 digests and `timingSafeEqual`, and every
 * configured credential is checked, so the answer time does not depend on how much of a guess matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export interface AuthConfig {
  /** Accepted `Authorization: Bearer …` tokens. */
  bearerTokens: string[];
  /** Accepted `Authorization: Basic …` users. */
  basicUsers: { user: string; password: string }[];
}

/** Paths that need credentials when auth is on; health probes and the (data-free) page shell stay open. */
export function isProtectedPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/metrics' || path.startsWith('/api/v1/');
}

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

/** Adds the check to every protected route of `app` (call before routes are registered). */
export function registerAuth(app: FastifyInstance, cfg: AuthConfig): void {
  const allowed = authorizer(cfg);
  const challenge = [
    ...(cfg.bearerTokens.length > 0 ? ['Bearer realm="genesys-usage-agent"'] : []),
    ...(cfg.basicUsers.length > 0 ? ['Basic realm="genesys-usage-agent", charset="UTF-8"'] : []),
  ].join(', ');
  app.addHook('onRequest', async (req, reply) => {
    if (!isProtectedPath(req.url) || allowed(req.headers.authorization)) return;
    return reply.code(401).header('www-authenticate', challenge).header('cache-control', 'no-store').send({
      error: 'Unauthorized',
      message:
        'this endpoint needs the credentials configured with AGENT_AUTH_TOKEN or AGENT_AUTH_BASIC_FILE',
    });
  });
}
