/**
 * Hostile requests against the running agent's own listener (real sockets, so Node's HTTP parser and
 * Fastify's limits are part of the test): each gets the right 4xx, nothing is counted, nothing is
 * logged as a server error, and the agent stays healthy.
 */
import { connect } from 'node:net';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ManualScheduler } from '../helpers/clock.js';

const EVENTS_TOKEN = 'hostile-events-token-P0';
let sim: RunningSimulator;
let agent: RunningAgent;
const logs: { level: number; msg: string }[] = [];
let port: number;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'steady' });
  const config = loadConfig(
    simulatorEnv(sim, {
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: '0',
      AGENT_EVENTS_TOKEN: EVENTS_TOKEN,
    }),
  );
  const logger = pino(
    { level: 'debug' },
    { write: (l: string) => void logs.push(JSON.parse(l) as { level: number; msg: string }) },
  );
  // Nothing polls unless the test moves the scheduler: only what the requests below do is counted.
  agent = await startAgent(config, { logger, scheduler: new ManualScheduler() });
  port = Number(new URL(agent.url).port);
});
afterAll(async () => {
  await agent?.close();
  await sim?.close();
});

/** Sends raw bytes and returns the status code of the answer (0 if the connection just closed). */
function raw(bytes: string | Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.setTimeout(5_000, () => reject(new Error('no answer within 5 s')));
    socket.end(bytes);
  });
}

const events = (payload: string | Buffer, headers: Record<string, string> = {}) =>
  request(`${agent.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${EVENTS_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: payload,
  }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));

const counted = async () =>
  (await (await request(`${agent.url}/metrics`)).body.text())
    .split('\n')
    .filter((l) => l.startsWith('genesys_operational_events_total'));

describe('hostile input to the agent listener', () => {
  it.each([
    {
      name: 'header over 16 KiB',
      bytes: `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      status: 431,
    },
    {
      name: 'control character in a header value',
      bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0001b\r\n\r\n',
      status: 400,
    },
    {
      name: 'bare LF header injection',
      bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\nX-B: 2\r\n\r\n',
      status: 400,
    },
    { name: 'NUL in the request line', bytes: 'GET /he\u0000althz HTTP/1.1\r\nHost: x\r\n\r\n', status: 400 },
    {
      name: 'garbage instead of HTTP',
      bytes: Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x00]),
      status: 400,
    },
    {
      name: 'URL of 100 KB',
      bytes: `GET /api/v1/clients?x=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      status: 431,
    },
    {
      name: 'Content-Length and Transfer-Encoding both (smuggling)',
      bytes:
        'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      status: 400,
    },
  ])('$name → $status', async ({ bytes, status }) => {
    expect(await raw(bytes)).toBe(status);
  });

  it.each([
    { name: 'body over 1 MiB', payload: () => `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`, status: 413 },
    {
      name: 'JSON nested 100 000 deep',
      payload: () => '['.repeat(100_000) + ']'.repeat(100_000),
      status: 400,
    },
    {
      name: 'prototype pollution',
      payload: () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      status: 400,
    },
    {
      name: 'invalid UTF-8',
      payload: () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      status: 400,
    },
    { name: 'not JSON', payload: () => 'id=1&x=2', status: 400 },
  ])('POST /v1/events with $name → $status, nothing counted', async ({ payload, status }) => {
    const res = await events(payload());
    expect(res.status).toBe(status);
    expect(res.body).not.toContain(EVENTS_TOKEN);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await counted()).toEqual([]);
  });

  it('wrong content type → 415, wrong or oversize token → 401, never counted', async () => {
    expect((await events('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await events('{}', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await events('{}', { authorization: `Bearer ${'t'.repeat(8_000)}` })).status).toBe(401);
    expect(
      (await events('{}', { authorization: `Basic ${Buffer.from(`x:${EVENTS_TOKEN}`).toString('base64')}` }))
        .status,
    ).toBe(401);
    expect(await counted()).toEqual([]);
  });

  it('query strings and methods the routes do not expect → 4xx', async () => {
    // With one org every org id maps to it; a huge one is answered, not reflected.
    const long = await request(`${agent.url}/api/v1/events?org=${'o'.repeat(5_000)}`);
    expect(long.statusCode).toBeLessThan(500);
    expect(await long.body.text()).not.toContain('o'.repeat(100));
    for (const [method, url] of [
      ['DELETE', '/metrics'],
      ['PUT', '/api/v1/clients'],
      ['GET', '/v1/events'],
      ['GET', '/%'],
      ['GET', '/..%2f..%2fetc%2fpasswd'],
    ] as const) {
      const r = await request(`${agent.url}${url}`, { method });
      expect(r.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, `${method} ${url}`).toBeLessThan(500);
      await r.body.dump();
    }
  });

  it('after all of it the agent is healthy, serves metrics, and logged no server error', async () => {
    expect((await request(`${agent.url}/healthz`)).statusCode).toBe(200);
    const m = await request(`${agent.url}/metrics`);
    expect(m.statusCode).toBe(200);
    await m.body.dump();
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(JSON.stringify(logs)).not.toContain(EVENTS_TOKEN);
  });
});
