/** Optional auth on the agent's data endpoints, security headers, /v1/events rate limit, HTTPS. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { ConfigError } from '../../src/config/errors.js';
import { buildServer, type ServerOptions } from '../../src/server/app.js';
import { authorizer } from '../../src/server/auth.js';
import { buildSnapshot } from '../../src/server/snapshot.js';
import { EventLedger } from '../../src/sources/events/ledger.js';
import { eventsRoutes } from '../../src/sources/events/routes.js';
import { startSimulator } from '../../src/simulator/index.js';
import { selfSignedCert } from '../helpers/tls.js';
import { BOUNDARIES, ManualScheduler } from '../helpers/clock.js';

const TOKEN = 'metrics-token-Zq81';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function server(extra: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({
    logger: false,
    telemetry: { scrapeChunks: async () => ['# HELP x y\n# TYPE x gauge\n', 'x 1\n'] },
    snapshot: () => buildSnapshot([], BOUNDARIES.firstMinuteOfMonth, false),
    readiness: () => ({ ready: true, sources: [] }),
    ...extra,
  });
}

describe('authorizer', () => {
  const allowed = authorizer({
    bearerTokens: [TOKEN],
    basicUsers: [{ user: 'prom', password: 'pw:with:colons' }],
  });
  it('accepts exactly the configured credentials', () => {
    expect(allowed(`Bearer ${TOKEN}`)).toBe(true);
    expect(allowed(`bearer ${TOKEN}`)).toBe(true);
    expect(allowed(basic('prom', 'pw:with:colons'))).toBe(true);
  });
  it('rejects prefixes, extensions, other schemes and garbage without throwing (digests make lengths equal)', () => {
    for (const h of [
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Bearer `,
      TOKEN,
      `Token ${TOKEN}`,
      basic('prom', 'pw'),
      basic('other', 'pw:with:colons'),
      'Basic %%%',
      undefined,
      '',
    ])
      expect(allowed(h), String(h)).toBe(false);
  });
});

describe('auth on /metrics and /api/v1/*', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server({
      auth: { bearerTokens: [TOKEN], basicUsers: [{ user: 'prom', password: 'secret-pw' }] },
    });
  });
  afterAll(async () => app.close());

  it.each(['/metrics', '/api/v1/clients'])('%s needs credentials', async (url) => {
    const none = await app.inject({ url });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.headers['www-authenticate']).toContain('Basic');
    expect(none.body).not.toContain(TOKEN);
    expect((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    expect((await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    expect(
      (await app.inject({ url, headers: { authorization: basic('prom', 'secret-pw') } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: `${url}?x=1`, headers: { authorization: basic('prom', 'nope') } })).statusCode,
    ).toBe(401);
  });

  it('health probes and the page shell stay open', async () => {
    for (const url of ['/healthz', '/readyz', '/', '/status.js', '/status.css'])
      expect((await app.inject({ url })).statusCode, url).toBe(200);
  });

  it('is off by default', async () => {
    const open = await server();
    expect((await open.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect((await open.inject({ url: '/api/v1/clients' })).statusCode).toBe(200);
    await open.close();
  });
});

describe('security headers', () => {
  it('the status page gets helmet headers and a CSP that allows only its own script, style and API', async () => {
    const app = await server();
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain HTTP
    expect((await app.inject({ url: '/status.js' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('POST /v1/events rate limit', () => {
  it('answers 429 past the limit per caller, without throttling scrapes or counting the refused events', async () => {
    const ledger = new EventLedger({ org: 'o' });
    const app = await server({
      plugins: [
        eventsRoutes({
          token: 'ev-token',
          ledgerFor: () => ledger,
          ledgerOf: () => ledger,
          rateLimitPerMinute: 3,
        }),
      ],
    });
    const post = (url = '/v1/events') =>
      app.inject({
        method: 'POST',
        url,
        headers: { authorization: 'Bearer ev-token', 'content-type': 'application/json' },
        payload: '{}',
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await post()).statusCode);
    expect(codes.slice(0, 3).every((c) => c !== 429)).toBe(true);
    expect(codes.slice(3)).toEqual([429, 429]);
    // The bucket is the matched route's: another spelling of the path is the same endpoint.
    const other = await post('/v1/%65vents');
    expect(other.statusCode).toBe(429);
    expect(other.json()).toMatchObject({ error: 'Too Many Requests' });
    expect(other.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 10; i++) expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/events' })).statusCode).not.toBe(429);
    await app.close();
  });
});

function httpsGet(
  url: string,
  ca: string,
  method = 'GET',
): Promise<{ status: number; hsts: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, method }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () =>
        resolve({ status: r.statusCode!, hsts: r.headers['strict-transport-security'], body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS listener', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-tls-'));
    selfSignedCert(dir, 'server');
    selfSignedCert(dir, 'other', 'other');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves /metrics over TLS with HSTS when AGENT_TLS_CERT_FILE and AGENT_TLS_KEY_FILE are set', async () => {
    const config = loadConfig({
      AGENT_TLS_CERT_FILE: join(dir, 'server-cert.pem'),
      AGENT_TLS_KEY_FILE: join(dir, 'server-key.pem'),
    });
    const app = await server({ tls: config.tls! });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    expect(address.startsWith('https://')).toBe(true);
    const res = await httpsGet(`${address}/metrics`, config.tls!.cert);
    expect(res.status).toBe(200);
    expect(res.body).toContain('x 1');
    expect(res.hsts).toContain('max-age=');
    await app.close();
  });

  it('the gateway listener uses the same certificate: client secrets and tokens never cross the network in clear', async () => {
    const sim = await startSimulator({ scenario: 'steady' });
    const config = loadConfig(
      simulatorEnv(sim, {
        AGENT_HOST: '127.0.0.1',
        AGENT_PORT: '0',
        AGENT_GATEWAY_PORT: '0',
        AGENT_TLS_CERT_FILE: join(dir, 'server-cert.pem'),
        AGENT_TLS_KEY_FILE: join(dir, 'server-key.pem'),
      }),
    );
    const agent = await startAgent(config, {
      logger: pino({ level: 'silent' }),
      scheduler: new ManualScheduler(),
    });
    try {
      expect(agent.url.startsWith('https://')).toBe(true);
      expect(agent.gatewayUrl!.startsWith('https://')).toBe(true);
      const login = await httpsGet(`${agent.gatewayUrl!}/oauth/token`, config.tls!.cert, 'POST');
      expect(login.status).toBeGreaterThanOrEqual(400); // no credentials sent; the point is that TLS answered
      expect(login.status).toBeLessThan(500);
    } finally {
      await agent.close();
      await sim.close();
    }
  });

  it('a key that does not match the certificate, or only half of the pair, is a configuration error', () => {
    expect(() =>
      loadConfig({
        AGENT_TLS_CERT_FILE: join(dir, 'server-cert.pem'),
        AGENT_TLS_KEY_FILE: join(dir, 'other-key.pem'),
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ AGENT_TLS_CERT_FILE: join(dir, 'server-cert.pem') })).toThrow(
      /AGENT_TLS_KEY_FILE: required/,
    );
    expect(() =>
      loadConfig({
        AGENT_TLS_CERT_FILE: join(dir, 'missing.pem'),
        AGENT_TLS_KEY_FILE: join(dir, 'server-key.pem'),
      }),
    ).toThrow(/AGENT_TLS_CERT_FILE: cannot read/);
  });

  it('AGENT_AUTH_BASIC_FILE lines are parsed; a bad line names the line, never the password', () => {
    const file = join(dir, 'users');
    writeFileSync(file, '# users\nprom:pa:ss\n\ngrafana:other\n');
    expect(loadConfig({ AGENT_AUTH_BASIC_FILE: file }).auth).toEqual({
      bearerTokens: [],
      basicUsers: [
        { user: 'prom', password: 'pa:ss' },
        { user: 'grafana', password: 'other' },
      ],
    });
    writeFileSync(file, 'prom:ok\nhunter2-no-colon\n');
    expect(() => loadConfig({ AGENT_AUTH_BASIC_FILE: file })).toThrow(/line 2 .* is not user:password$/);
    try {
      loadConfig({ AGENT_AUTH_BASIC_FILE: file });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(loadConfig({}).auth).toBeNull();
  });
});
