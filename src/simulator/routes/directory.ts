/** OAuth clients and organization limits. */
import type { FastifyInstance } from 'fastify';
import type { Models } from 'purecloud-platform-client-v2';
import { sendError } from '../errors.js';
import { DEFAULT_LIMITS, LIMIT_KEY } from '../scenario.js';
import type { SimClient } from '../sim-client.js';
import type { SimWorld } from '../world.js';

export const LIMITS_NAMESPACE = 'platform.api';

const LIMIT_DESCRIPTIONS: Record<string, string> = {
  [LIMIT_KEY]: 'Requests per client-credentials token per minute.',
  'token.rate.per.minute': 'Requests per token per minute.',
  'org.app.user.rate.per.minute': 'Requests per organization, OAuth client and user per minute.',
  'org.user.rate.per.minute': 'Requests per user across all clients per minute.',
  'request.bytes.max': 'Maximum request payload in bytes.',
};

function clientEntity(c: SimClient, world: SimWorld): Models.OAuthClient {
  // The SDK requires only name and authorizedGrantType; sparse mode adds just the id.
  if (world.sparse) return { id: c.id, name: c.name, authorizedGrantType: 'CLIENT-CREDENTIALS' };
  return {
    id: c.id,
    name: c.name,
    accessTokenValiditySeconds: c.tokenValiditySeconds,
    description: '',
    registeredRedirectUri: [],
    roleDivisions: [],
    scope: [],
    authorizedGrantType: 'CLIENT-CREDENTIALS',
    state: 'active',
    dateCreated: new Date(Math.max(c.existsFrom, world.historyStartMs)).toISOString(),
    selfUri: `/api/v2/oauth/clients/${c.id}`,
  };
}

export function registerDirectoryRoutes(app: FastifyInstance, world: SimWorld): void {
  const clientPerm = { permissions: ['oauth:client:view'] };

  app.get<{ Querystring: { pageNumber?: string; pageSize?: string } }>(
    '/api/v2/oauth/clients',
    { config: clientPerm },
    async (req, reply) => {
      const now = world.clock.now();
      const all = [...world.clients.values()].filter((c) => world.exists(c, now) && !c.builtin);
      const pageSize = Number(req.query.pageSize ?? world.clientsPageSize);
      const pageNumber = Number(req.query.pageNumber ?? '1');
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
        return sendError(req, reply, 400, { message: 'pageSize must be between 1 and 500' });
      if (!Number.isInteger(pageNumber) || pageNumber < 1)
        return sendError(req, reply, 400, { message: 'pageNumber must be a whole number from 1' });
      const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
      const entities = all
        .slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
        .map((c) => clientEntity(c, world));
      const uri = (n: number) => `/api/v2/oauth/clients?pageSize=${pageSize}&pageNumber=${n}`;
      const next = pageNumber < pageCount ? uri(pageNumber + 1) : undefined;
      const body: Models.OAuthClientEntityListing = world.sparse
        ? { entities: entities.length > 0 ? entities : undefined, nextUri: next }
        : {
            entities,
            pageSize,
            pageNumber,
            total: all.length,
            pageCount,
            firstUri: uri(1),
            lastUri: uri(pageCount),
            selfUri: uri(pageNumber),
            nextUri: next,
            previousUri: pageNumber > 1 ? uri(pageNumber - 1) : undefined,
          };
      return reply.send(body);
    },
  );

  app.get<{ Params: { clientId: string } }>(
    '/api/v2/oauth/clients/:clientId',
    { config: clientPerm },
    async (req, reply) => {
      const c = world.clients.get(req.params.clientId);
      if (!c || !world.exists(c) || c.builtin) return sendError(req, reply, 404);
      return reply.send(clientEntity(c, world));
    },
  );

  const listing = (values: Readonly<Record<string, number>>): Models.LimitsEntityListing => ({
    entities: Object.entries(values).map(([key, value]) => ({
      key,
      namespace: world.sparse ? undefined : LIMITS_NAMESPACE,
      value,
    })),
  });

  app.get('/api/v2/organizations/limits/namespaces', async (_req, reply) =>
    reply.send({
      entities: [{ name: LIMITS_NAMESPACE }],
      pageSize: 100,
      pageNumber: 1,
      total: 1,
      pageCount: 1,
    }),
  );
  app.get<{ Params: { ns: string } }>('/api/v2/organizations/limits/namespaces/:ns', async (req, reply) => {
    if (req.params.ns !== LIMITS_NAMESPACE) return sendError(req, reply, 404);
    return reply.send(listing(world.scenario.limits));
  });
  app.get<{ Params: { ns: string } }>(
    '/api/v2/organizations/limits/namespaces/:ns/defaults',
    async (req, reply) => {
      if (req.params.ns !== LIMITS_NAMESPACE) return sendError(req, reply, 404);
      return reply.send(listing(DEFAULT_LIMITS));
    },
  );
  app.get('/api/v2/organizations/limits/docs', async (_req, reply) =>
    reply.send({
      url: 'https://developer.genesys.cloud/organization/organization/limits',
      namespaces: [
        {
          name: LIMITS_NAMESPACE,
          friendlyName: 'Platform API',
          limits: Object.entries(DEFAULT_LIMITS).map(([key, defaultValue]) => ({
            key,
            defaultValue,
            description: LIMIT_DESCRIPTIONS[key] ?? '',
            resource: '',
            configurable: key === LIMIT_KEY,
            trackable: key === LIMIT_KEY,
          })),
        },
      ],
    }),
  );
}
