import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { STATUS_CSS } from './status-page/style.js';
import { STATUS_HTML } from './status-page/html.js';
import { STATUS_JS } from './status-page/script.js';

/** No inline code and nothing from other origins: the page only talks to the agent that served it. */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HEADERS = {
  'content-security-policy': STATUS_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The assets change only with the binary; the data comes from /api/v1/clients (no-store).
  'cache-control': 'no-cache',
};

const send = (reply: FastifyReply, type: string, body: string) =>
  reply.headers(HEADERS).type(type).send(body);

/** `GET /` status page plus its script and stylesheet, all served from memory. */
export const statusPageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_req, reply) => send(reply, 'text/html; charset=utf-8', STATUS_HTML));
  app.get('/status.js', async (_req, reply) => send(reply, 'text/javascript; charset=utf-8', STATUS_JS));
  app.get('/status.css', async (_req, reply) => send(reply, 'text/css; charset=utf-8', STATUS_CSS));
};
