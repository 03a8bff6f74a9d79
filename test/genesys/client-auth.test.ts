import { afterEach, describe, expect, it } from 'vitest';
import { GenesysApiError } from '../../src/genesys/client.js';
import { CLIENT_ID, CLIENT_SECRET, type Fake, logins, startFake } from './fake-genesys.js';

const clientsBody = {
  entities: [
    { id: 'c1', name: 'WFM_Sync', authorizedGrantType: 'CLIENT-CREDENTIALS', state: 'active', extra: true },
  ],
};
let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('GenesysClient login and token cache', () => {
  it('logs in with client credentials, then reuses the bearer token', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', async () => clientsBody));
    const c = fake.client();
    expect(await c.listOAuthClients()).toEqual([
      { id: 'c1', name: 'WFM_Sync', authorizedGrantType: 'CLIENT-CREDENTIALS', state: 'active' },
    ]);
    await c.listOAuthClients();
    const login = fake.seen.filter((r) => r.url === '/oauth/token');
    expect(login).toHaveLength(1);
    expect(login[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(login[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(login[0]?.body).toBe('grant_type=client_credentials');
    const api = fake.seen.filter((r) => r.url === '/api/v2/oauth/clients');
    expect(api.map((r) => r.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  it('refreshes the token before it expires (90 % of a 1 h lifetime)', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', async () => clientsBody), {
      expiresIn: 3600,
    });
    const c = fake.client();
    await c.listOAuthClients();
    fake.clock.advance(3240_000 - 1);
    await c.listOAuthClients();
    expect(logins(fake)).toBe(1);
    fake.clock.advance(1);
    await c.listOAuthClients();
    expect(logins(fake)).toBe(2);
    expect(fake.seen.at(-1)?.authorization).toBe('Bearer tok-2');
  });

  it('shares one in-flight login between concurrent callers', async () => {
    fake = await startFake((app) => app.get('/api/v2/oauth/clients', async () => clientsBody));
    const c = fake.client();
    await Promise.all(Array.from({ length: 6 }, () => c.listOAuthClients()));
    expect(logins(fake)).toBe(1);
  });

  it('after a 401 drops the token, logs in again and resends once', async () => {
    fake = await startFake((app, f) =>
      app.get('/api/v2/oauth/clients', async (req, reply) => {
        // Only the newest token is accepted, like after a revocation.
        if (req.headers.authorization !== `Bearer ${f.issued.at(-1)}` || f.issued.length < 2) {
          return reply.code(401).send({
            message: 'No authentication bearer token specified in authorization header.',
            code: 'authentication.required',
            status: 401,
          });
        }
        return clientsBody;
      }),
    );
    const c = fake.client();
    expect(await c.listOAuthClients()).toHaveLength(1);
    expect(logins(fake)).toBe(2);
    expect(fake.waits).toEqual([]);
  });

  it('gives up after one re-login when the API keeps answering 401', async () => {
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', async (_req, reply) =>
        reply.code(401).send({ code: 'bad.credentials', message: 'Invalid login credentials.' }),
      ),
    );
    const c = fake.client();
    const err = await c.listOAuthClients().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect((err as GenesysApiError).status).toBe(401);
    expect((err as GenesysApiError).message).toBe(
      'GET /api/v2/oauth/clients failed: HTTP 401 bad.credentials: Invalid login credentials.',
    );
    expect(logins(fake)).toBe(2);
    expect(fake.seen.filter((r) => r.url === '/api/v2/oauth/clients')).toHaveLength(2);
  });

  it('explains a rejected login without retrying and without leaking the secret', async () => {
    fake = await startFake(
      (app) =>
        app.post('/oauth/token', async (_req, reply) =>
          reply.code(400).send({
            error: 'invalid_client',
            description: 'authentication failed',
            error_description: 'authentication failed',
          }),
        ),
      { ownLogin: true },
    );
    const c = fake.client();
    const err = (await c.listOAuthClients().catch((e: unknown) => e)) as GenesysApiError;
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err.message).toContain(
      'login rejected: client not found / authentication failed — check GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET',
    );
    expect(err.code).toBe('invalid_client');
    expect(err.message).not.toContain(CLIENT_SECRET);
    expect(err.message).not.toContain(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
    expect(logins(fake)).toBe(1);
    expect(c.requestCount('POST /oauth/token', '4xx')).toBe(1);
  });

  it('keeps serving the old token when an early refresh fails', async () => {
    fake = await startFake(
      (app, f) => {
        app.post('/oauth/token', async (_req, reply) => {
          if (f.issued.length > 0)
            return reply
              .code(400)
              .send({ error: 'invalid_request', error_description: 'temporarily broken' });
          f.issued.push('tok-1');
          return { access_token: 'tok-1', token_type: 'bearer', expires_in: 3600 };
        });
        app.get('/api/v2/oauth/clients', async () => clientsBody);
      },
      { ownLogin: true },
    );
    const c = fake.client();
    await c.listOAuthClients();
    fake.clock.advance(3300_000);
    await c.listOAuthClients();
    expect(fake.seen.at(-1)?.authorization).toBe('Bearer tok-1');
    expect(fake.logs.some((l) => l.level === 'warn' && l.msg?.includes('token refresh failed'))).toBe(true);
    expect(logins(fake)).toBe(2);
    // No new login attempt for a minute after a failed refresh; then it tries again.
    fake.clock.advance(59_000);
    await c.listOAuthClients();
    expect(logins(fake)).toBe(2);
    fake.clock.advance(1000);
    await c.listOAuthClients();
    expect(logins(fake)).toBe(3);
    expect(fake.seen.at(-1)?.authorization).toBe('Bearer tok-1');
    fake.clock.advance(240_000);
    await expect(c.listOAuthClients()).rejects.toThrow(
      /POST \/oauth\/token failed: HTTP 400 invalid_request/,
    );
  });

  it('getTokenInfo uses the given bearer, not the agent token, and never retries', async () => {
    let calls = 0;
    fake = await startFake((app) =>
      app.get('/api/v2/tokens/me', async (req, reply) => {
        calls += 1;
        if (req.headers.authorization === 'Bearer someone-elses-token') {
          return {
            organization: { id: 'org-1', name: 'Demo' },
            OAuthClient: { id: 'c9', name: 'Reporting', authorizedGrantType: 'CLIENT-CREDENTIALS' },
          };
        }
        return reply.code(503).send({ code: 'service.unavailable' });
      }),
    );
    const c = fake.client();
    expect(await c.getTokenInfo('someone-elses-token')).toEqual({
      clientId: 'c9',
      clientName: 'Reporting',
      organizationId: 'org-1',
    });
    expect(logins(fake)).toBe(0);
    const err = (await c.getTokenInfo('other-secret-token').catch((e: unknown) => e)) as GenesysApiError;
    expect(err.status).toBe(503);
    expect(err.message).not.toContain('other-secret-token');
    expect(calls).toBe(2);
    expect(fake.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain('secret-token');
  });
});
