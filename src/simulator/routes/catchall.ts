/** Every other `/api/v2/**` call: 200 small JSON under the per-token limit, counted like background traffic. */
import type { FastifyInstance } from 'fastify';
import { sendError } from '../errors.js';
import type { SimWorld } from '../world.js';

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$/i;

/** `/api/v2/users/<uuid>?x` → `api/v2/users/{id}` (Usage API template URIs have no leading slash). */
function templateOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (ID_SEGMENT.test(s) ? '{id}' : s))
    .join('/');
}

export function registerCatchAll(app: FastifyInstance, world: SimWorld, onHot: () => void): void {
  app.all('/api/v2/*', async (req, reply) => {
    const template = templateOf(req.url);
    req.callRoute = `/${template}`;
    const result = world.recordRequest(req.simToken!, req.method, template);
    onHot();
    if (result.status === 429) return sendError(req, reply, 429, { retryAfter: result.retryAfter ?? 1 });
    return reply.send({ ok: true, templateUri: template, method: req.method });
  });
}
