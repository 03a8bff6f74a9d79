/** Every other `/api/v2/**` call: 200 small JSON under the per-token limit, counted like background traffic. */
import type { FastifyInstance } from 'fastify';
import { sendError } from '../errors.js';
import type { SimWorld } from '../world.js';

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$/i;

/**
 * The template a real request is counted under (Usage API template URIs have no leading slash): the
 * scenario template it matches with the most literal segments (`api/v2/users/me` before
 * `api/v2/users/{userId}`), else the path with ids as `{id}`.
 */
export function templateOf(url: string, templates: readonly string[] = []): string {
  const segments = (url.split('?')[0] ?? '').split('/').filter((s) => s !== '');
  let best: string | undefined;
  let bestLiterals = -1;
  for (const t of templates) {
    const parts = t.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const matches = parts.every((p, i) => {
      if (p.startsWith('{')) return true;
      literals += 1;
      return p === segments[i];
    });
    if (matches && literals > bestLiterals) [best, bestLiterals] = [t, literals];
  }
  return best ?? segments.map((s) => (ID_SEGMENT.test(s) ? '{id}' : s)).join('/');
}

export function registerCatchAll(app: FastifyInstance, world: SimWorld, onHot: () => void): void {
  app.all('/api/v2/*', async (req, reply) => {
    const template = templateOf(req.url, world.templates);
    req.callRoute = `/${template}`;
    const result = world.recordRequest(req.simToken!, req.method, template);
    onHot();
    if (result.status === 429) return sendError(req, reply, 429, { retryAfter: result.retryAfter ?? 1 });
    return reply.send({ ok: true, templateUri: template, method: req.method });
  });
}
