import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { call, login, truth } from './helpers.js';
import { FakeClock } from '../helpers/clock.js';

interface Received {
  auth: string | undefined;
  body: {
    'detail-type': string;
    detail: {
      topicName: string;
      eventBody: { entityId: string; entityName: string; currentValue: string; previousValue: string };
    };
  };
}
const received: Received[] = [];
let receiver: Server;
let sim: RunningSimulator;
const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({ auth: req.headers.authorization, body: JSON.parse(text) as Received['body'] });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  sim = await startSimulator({
    clock,
    push: { url: `http://127.0.0.1:${port}/v1/events`, token: 'push-token' },
    scenario: {
      org: { id: 'o', name: 'O' },
      agent: { clientId: 'a', clientSecret: 's' },
      clients: [
        { id: 'hot', name: 'Hot_Client', traffic: { profile: 'runaway', rpm: 500, peakRpm: 500 } },
        { id: 'real', name: 'Real_Client', secret: 'r' },
      ],
      usage: { historyDays: 1 },
      limits: { 'client.credentials.token.rate.per.minute': 10 },
    },
  });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});

describe('EventBridge push', () => {
  it('posts one envelope per new token-minute past 90 %, with the bearer token, matching the truth', async () => {
    clock.advance(3 * 60_000); // three background minutes of Hot_Client pass
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(3));
    const first = received[0]!;
    expect(first.auth).toBe('Bearer push-token');
    expect(first.body['detail-type']).toBe('v2.operations.events.{id}');
    expect(first.body.detail.topicName).toMatch(/^v2\.operations\.events\.[0-9a-f-]{36}$/);
    expect(first.body.detail.eventBody).toMatchObject({
      entityId: 'hot',
      entityName: 'Hot_Client',
      previousValue: '10',
    });

    const token = await login(sim.url, 'real', 'r');
    for (let i = 0; i < 9; i++) await call(sim.url, token, 'GET', '/api/v2/users');
    await vi.waitFor(() =>
      expect(received.some((r) => r.body.detail.eventBody.entityId === 'real')).toBe(true),
    );
    const t = await truth(sim.url);
    expect(received).toHaveLength(t.operationalEvents.count - countBefore(t));
  });
});

/** Events that happened before the simulator started are never pushed. */
function countBefore(t: Awaited<ReturnType<typeof truth>>): number {
  const start = Date.UTC(2026, 0, 15, 12, 0, 0);
  return t.rateLimitRecords.filter((r) => Date.parse(r.minute) < start).reduce((a, r) => a + r.count, 0);
}
