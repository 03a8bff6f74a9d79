/**
 * A full session of the built agent against the simulator with distinctive secrets everywhere (agent
 * client secret, gateway clients' secrets and tokens, events token, auth token, OTLP header), trace
 * logging, gateway traffic, pushed events, a refused login, requests the HTTP parser refuses (431,
 * a control character, CL+TE) and a failed start. None of the secrets may appear in any log line,
 * metric, OTLP export, page, API answer, error or crash output — in any encoding: byte arrays,
 * base64 and hex are decoded before the search.
 *
 * @module-tag system
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { rawRequest } from '../helpers/raw-http.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';
import { envelope } from '../helpers/signal-fixtures.js';

const S = {
  agentSecret: 'AgentSecret-k3J9wq',
  clientSecret: 'ClientSecret-Lm27Xv',
  wrongSecret: 'WrongSecret-Pp81Zt',
  eventsToken: 'EventsToken-Qa55Ry',
  wrongEventsToken: 'WrongEventsToken-Hh02Kd',
  authToken: 'AuthToken-Vb63Nc',
  otlpHeader: 'OtlpApiKey-Ws40Gf',
};
const CLIENT_ID = 'b5d3e0a1-0000-4000-8000-00000000c0de';

/**
 * The text plus every decoding of what could be bytes in it: JSON arrays of byte values (how a
 * logged Buffer or `rawPacket` looks), base64 / base64url runs, and hex runs.
 */
function searchable(text: string): string {
  const decoded: string[] = [text];
  for (const m of text.matchAll(/\[\s*(\d{1,3}(?:\s*,\s*\d{1,3}){7,})\s*\]/g))
    decoded.push(Buffer.from(m[1]!.split(',').map((n) => Number(n) & 0xff)).toString('latin1'));
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    // Every alignment: a secret may start mid-run.
    for (let shift = 0; shift < 4; shift++) {
      const run = m[0].slice(shift).replace(/-/g, '+').replace(/_/g, '/');
      decoded.push(Buffer.from(run, 'base64').toString('latin1'));
    }
  }
  for (const m of text.matchAll(/(?:[0-9a-fA-F]{2}){6,}/g)) {
    decoded.push(Buffer.from(m[0], 'hex').toString('latin1'));
    decoded.push(Buffer.from(m[0].slice(1), 'hex').toString('latin1'));
  }
  return decoded.join('\n');
}

let sim: RunningSimulator;
let receiver: OtlpReceiver;
let agent: SpawnedAgent;
let agentUrl: string;
let gatewayUrl: string;
/** Everything the outside world got from the agent, appended as the session goes. */
const seen: string[] = [];
/** Access tokens minted during the session: secrets too. */
const tokens: string[] = [];

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const r = await request(url, { headers });
  const text = await r.body.text();
  seen.push(JSON.stringify(r.headers), text);
  return { status: r.statusCode, text };
}
async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const r = await request(url, { method: 'POST', body, headers });
  const text = await r.body.text();
  seen.push(JSON.stringify(r.headers), text);
  return { status: r.statusCode, text };
}
const auth = { authorization: `Bearer ${S.authToken}` };

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      name: 'secrets',
      org: { id: '3f6c0d2e-1111-4222-8333-944455556666', name: 'Secret Org' },
      agent: { clientId: 'secret-agent', clientSecret: S.agentSecret },
      clients: [
        {
          id: CLIENT_ID,
          name: 'Secret_Client',
          secret: S.clientSecret,
          traffic: { profile: 'steady', rpm: 30 },
        },
      ],
      usage: { publication: 'daily', historyDays: 5 },
      limits: { 'client.credentials.token.rate.per.minute': 300 },
      faults: [],
    },
  });
  receiver = await startOtlpReceiver();
  const [port, gatewayPort] = [await freePort(), await freePort()];
  agentUrl = `http://127.0.0.1:${port}`;
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  agent = spawnCli([], {
    GENESYS_API_BASE_URL: sim.url,
    GENESYS_LOGIN_BASE_URL: sim.url,
    GENESYS_CLIENT_ID: 'secret-agent',
    GENESYS_CLIENT_SECRET: S.agentSecret,
    AGENT_HOST: '127.0.0.1',
    AGENT_PORT: String(port),
    AGENT_GATEWAY_PORT: String(gatewayPort),
    AGENT_USAGE_INTERVAL: '2s',
    AGENT_RATELIMITS_INTERVAL: '1s',
    AGENT_LOG_LEVEL: 'trace',
    AGENT_EVENTS_TOKEN: S.eventsToken,
    AGENT_AUTH_TOKEN: S.authToken,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${S.otlpHeader}`,
    OTEL_METRIC_EXPORT_INTERVAL: '500',
  });
  await waitFor(
    async () =>
      (await request(`${agentUrl}/readyz`).then((r) => r.body.dump().then(() => r.statusCode))) === 200
        ? true
        : undefined,
    20_000,
    'agent ready',
  );
});

afterAll(async () => {
  await agent?.stop();
  await receiver?.close();
  await sim?.close();
});

describe('no secret leaves the agent', () => {
  it('a session with gateway traffic, events, a refused login and a failed start leaks nothing', async () => {
    // Gateway: a good login, API calls with its token, a login with a wrong secret, an unknown token.
    const basic = (secret: string) => `Basic ${Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const login = await post(`${gatewayUrl}/oauth/token`, 'grant_type=client_credentials', {
      ...form,
      authorization: basic(S.clientSecret),
    });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.text) as { access_token: string }).access_token;
    tokens.push(token);
    seen.pop(); // the login answer itself rightly carries the token back to its client
    for (let i = 0; i < 5; i++)
      expect((await get(`${gatewayUrl}/api/v2/users`, { authorization: `Bearer ${token}` })).status).toBe(
        200,
      );
    expect([400, 401]).toContain(
      (
        await post(`${gatewayUrl}/oauth/token`, 'grant_type=client_credentials', {
          ...form,
          authorization: basic(S.wrongSecret),
        })
      ).status,
    );
    expect(
      (await get(`${gatewayUrl}/api/v2/users`, { authorization: `Bearer ${S.wrongSecret}` })).status,
    ).toBe(401);

    // Events: one accepted, one with a wrong token.
    const json = { 'content-type': 'application/json' };
    expect(
      (
        await post(`${agentUrl}/v1/events`, JSON.stringify(envelope('secret-ev-1')), {
          ...json,
          authorization: `Bearer ${S.eventsToken}`,
        })
      ).status,
    ).toBe(200);
    expect(
      (await post(`${agentUrl}/v1/events`, '{}', { ...json, authorization: `Bearer ${S.wrongEventsToken}` }))
        .status,
    ).toBe(401);

    // The agent's own login is refused: revoke its token and make the token endpoint say 401.
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ route: '/oauth/token', status: 401 }),
    });
    await fetch(`${sim.url}/__sim/tokens`, { method: 'DELETE' });
    await waitFor(
      async () => (agent.stderr().includes('source failing') ? true : undefined),
      15_000,
      'a source to fail after the refused login',
    );

    // Requests the HTTP parsers refuse, carrying secrets: Fastify's default logs their raw bytes.
    const agentPort = Number(new URL(agentUrl).port);
    const gwPort = Number(new URL(gatewayUrl).port);
    const refused = [
      // 431: a 20 kB cookie next to the auth token
      await rawRequest(
        agentPort,
        `GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${S.authToken}\r\nCookie: c=${'x'.repeat(20_000)}\r\n\r\n`,
      ),
      // a control character in a header next to the events token
      await rawRequest(
        agentPort,
        `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${S.eventsToken}\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\n{}`,
      ),
      // CL+TE (smuggling shape) with the auth token, and at the gateway with an access token
      await rawRequest(
        agentPort,
        `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${S.authToken}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
      await rawRequest(
        gwPort,
        `POST /api/v2/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([431, 400, 400, 400]);
    for (const r of refused) seen.push(JSON.stringify(r));

    // Every surface, with and without credentials.
    const metrics = await get(`${agentUrl}/metrics`, auth);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('genesys_gateway_requests_total');
    expect(metrics.text).toMatch(/genesys_agent_source_up\{[^}]*\} 0/);
    for (const path of ['/api/v1/clients', '/api/v1/events'])
      expect((await get(`${agentUrl}${path}`, auth)).status).toBe(200);
    for (const path of ['/', '/status.js', '/status.css', '/readyz', '/healthz'])
      await get(`${agentUrl}${path}`);
    expect((await get(`${agentUrl}/metrics`, { authorization: `Bearer ${S.wrongSecret}` })).status).toBe(401);
    await waitFor(async () => (receiver.requests.length > 0 ? true : undefined), 10_000, 'an OTLP export');

    // A second agent on the same port fails to start: its error output is checked too.
    const clash = spawnCli([], {
      GENESYS_API_BASE_URL: sim.url,
      GENESYS_LOGIN_BASE_URL: sim.url,
      GENESYS_CLIENT_ID: 'secret-agent',
      GENESYS_CLIENT_SECRET: S.agentSecret,
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: new URL(agentUrl).port,
      AGENT_LOG_LEVEL: 'trace',
      AGENT_EVENTS_TOKEN: S.eventsToken,
      AGENT_AUTH_TOKEN: S.authToken,
    });
    expect(await clash.exit).toBe(2);

    await agent.stop();
    const outputs: Record<string, string> = {
      'agent stdout': agent.stdout(),
      'agent stderr (trace log)': agent.stderr(),
      'failed start stdout+stderr': clash.stdout() + clash.stderr(),
      'HTTP answers': seen.join('\n'),
      'OTLP exports': JSON.stringify(receiver.requests),
    };
    // Positive controls: trace logging really ran, the search does find what is there (the client
    // id), and it finds it in each encoding too.
    expect(agent.stderr().length).toBeGreaterThan(1_000);
    expect(outputs['HTTP answers']).toContain(CLIENT_ID);
    const probe = Buffer.from(`x-${CLIENT_ID}-y`);
    for (const encoded of [
      JSON.stringify({ rawPacket: { type: 'Buffer', data: [...probe] } }),
      JSON.stringify({ bytes: [...probe] }),
      `"${probe.toString('base64')}"`,
      `"${probe.subarray(1).toString('base64url')}"`,
      probe.toString('hex'),
    ])
      expect(searchable(encoded), encoded).toContain(CLIENT_ID);
    const secrets = [
      ...Object.values(S),
      ...tokens,
      Buffer.from(`${CLIENT_ID}:${S.clientSecret}`).toString('base64'),
      Buffer.from(`secret-agent:${S.agentSecret}`).toString('base64'),
    ];
    for (const [where, text] of Object.entries(outputs)) {
      const all = searchable(text);
      for (const secret of secrets)
        expect(all.includes(secret), `${where} contains ${secret.slice(0, 12)}… (maybe encoded)`).toBe(false);
    }
  });
});
