/** `POST /oauth/token` (client credentials) and `GET /api/v2/tokens/me`. */
import type { FastifyInstance } from 'fastify';
import type { Models } from 'purecloud-platform-client-v2';
import type { SimWorld } from '../world.js';

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function formField(body: unknown, field: string): string | undefined {
  if (typeof body === 'string') return new URLSearchParams(body).get(field) ?? undefined;
  if (body !== null && typeof body === 'object' && field in body) {
    const v = (body as Record<string, unknown>)[field];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

export function registerAuthRoutes(app: FastifyInstance, world: SimWorld): void {
  app.post('/oauth/token', async (req, reply) => {
    const invalid = (description: string) =>
      reply.code(400).send({ error: 'invalid_client', description, error_description: description });
    const creds = basicCredentials(req.headers.authorization);
    if (!creds) return invalid('client not found');
    const client = world.clients.get(creds.id);
    if (!client || !world.exists(client) || client.builtin) return invalid('client not found');
    req.callerClientId = client.id;
    if (client.secret !== creds.secret) return invalid('authentication failed');
    const grant = formField(req.body, 'grant_type');
    if (grant !== 'client_credentials') {
      const description = `unsupported grant type "${grant ?? ''}"; use client_credentials`;
      return reply
        .code(400)
        .send({ error: 'unsupported_grant_type', description, error_description: description });
    }
    const { accessToken } = world.issueToken(client);
    return reply.send({
      // The OAuth token answer is not an SDK model (the SDK's login code reads these three fields).
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: client.tokenValiditySeconds,
    });
  });

  app.get('/api/v2/tokens/me', async (req, reply) => {
    const token = req.simToken!;
    const client = world.clients.get(token.clientId)!;
    const org = world.scenario.org;
    // OrgOAuthClient requires name and authorizedGrantType; sparse mode adds just the id.
    const body: Models.TokenInfo = world.sparse
      ? { OAuthClient: { id: client.id, name: client.name, authorizedGrantType: 'CLIENT-CREDENTIALS' } }
      : {
          organization: { id: org.id, name: org.name },
          homeOrganization: { id: org.id, name: org.name },
          authorizedScope: client.permissions ?? [],
          OAuthClient: {
            id: client.id,
            name: client.name,
            authorizedGrantType: 'CLIENT-CREDENTIALS',
            organization: { id: org.id, name: org.name },
          },
        };
    return reply.send(body);
  });
}
