/**
 * A full session of the built agent against the simulator with distinctive secrets everywhere (agent
 * client secret, gateway clients' secrets and tokens, events token, auth token, OTLP header), trace
 * logging, gateway traffic, pushed events, a refused login and a failed start. None of the secrets
 * may appear in any log line, metric, OTLP export, page, API answer, error or crash output.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';
import { envelope } from '../signals/fixtures.js';

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
    // Positive controls: trace logging really ran, and the search does find what is there (the client id).
    expect(agent.stderr().length).toBeGreaterThan(1_000);
    expect(outputs['HTTP answers']).toContain(CLIENT_ID);
    const secrets = [
      ...Object.values(S),
      ...tokens,
      Buffer.from(`${CLIENT_ID}:${S.clientSecret}`).toString('base64'),
      Buffer.from(`secret-agent:${S.agentSecret}`).toString('base64'),
    ];
    for (const [where, text] of Object.entries(outputs))
      for (const secret of secrets)
        expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
  });
});
