import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLedger } from '../../../src/sources/events/ledger.js';
import { DEF_ID, envelope, notification } from '../../helpers/signal-fixtures.js';
import { FakeClock } from '../../helpers/clock.js';
import { pushApp } from './push-app.js';

const TOKEN = 'test-events-token-0123456789';
const clock = new FakeClock();
const ledger = new EventLedger({ org: 'demo', clock });
// Counted under the definitions list's name for the id, never the name a pushed body carries.
ledger.setDefinitions([{ id: DEF_ID, name: 'Rate limit threshold reached' }]);
let app: FastifyInstance;

beforeAll(async () => {
  app = await pushApp(ledger, clock, TOKEN);
});
afterAll(async () => {
  await app.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const counted = () => JSON.stringify(ledger.collect(clock.now()));

interface BadCase {
  name: string;
  headers: Record<string, string>;
  payload: string | Buffer;
  status: number;
  /** Substring the error message must contain: proof the body tells the sender what to fix. */
  message: string;
  path?: string;
}

const deep = '['.repeat(10_000) + ']'.repeat(10_000);
const good = JSON.stringify(envelope('good-1'));
const bad: BadCase[] = [
  {
    name: 'missing token',
    headers: { 'content-type': 'application/json' },
    payload: good,
    status: 401,
    message: 'Authorization: Bearer',
  },
  {
    name: 'wrong token',
    headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
    payload: good,
    status: 401,
    message: 'wrong bearer token',
  },
  {
    name: 'basic instead of bearer',
    headers: { authorization: `Basic ${TOKEN}`, 'content-type': 'application/json' },
    payload: good,
    status: 401,
    message: 'Bearer',
  },
  {
    name: 'token prefix only',
    headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}`, 'content-type': 'application/json' },
    payload: good,
    status: 401,
    message: 'wrong',
  },
  {
    name: 'malformed JSON',
    headers: json,
    payload: '{"version":"0",',
    status: 400,
    message: 'malformed JSON',
  },
  {
    name: 'wrong content type',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: good,
    status: 415,
    message: 'application/json',
  },
  { name: 'no content type', headers: auth, payload: good, status: 415, message: 'application/json' },
  {
    name: 'form content type',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'a=1',
    status: 415,
    message: 'application/json',
  },
  { name: 'nested 10k levels', headers: json, payload: deep, status: 400, message: 'nested deeper' },
  {
    name: '2 MiB body',
    headers: json,
    payload: JSON.stringify([envelope('big', { pad: 'x'.repeat(2 * 1024 * 1024) })]),
    status: 413,
    message: '1 MiB',
  },
  { name: 'empty array', headers: json, payload: '[]', status: 400, message: 'empty array', path: '$' },
  {
    name: 'JSON string',
    headers: json,
    payload: '"hello"',
    status: 400,
    message: 'expected a JSON object',
    path: '$',
  },
  {
    name: 'unknown envelope',
    headers: json,
    payload: JSON.stringify({ hello: 'world' }),
    status: 400,
    message: 'unknown payload',
    path: '$',
  },
  {
    name: 'id of wrong type',
    headers: json,
    payload: JSON.stringify(envelope('x', { id: 42 })),
    status: 400,
    message: 'expected string',
    path: '$.id',
  },
  {
    name: 'missing detail-type',
    headers: json,
    payload: JSON.stringify(envelope('x', { 'detail-type': undefined })),
    status: 400,
    message: 'expected string',
    path: '$["detail-type"]',
  },
  {
    name: 'missing eventBody',
    headers: json,
    payload: JSON.stringify(envelope('x', { detail: { topicName: `v2.operations.events.${DEF_ID}` } })),
    status: 400,
    message: 'expected object',
    path: '$.detail.eventBody',
  },
  {
    name: 'timestamp as string',
    headers: json,
    payload: JSON.stringify(notification({ eventBody: { timestamp: 'soon' } })),
    status: 400,
    message: 'expected number',
    path: '$.eventBody.timestamp',
  },
  {
    name: 'topic not operational events',
    headers: json,
    payload: JSON.stringify(notification({ topicName: 'v2.users.x.presence' })),
    status: 400,
    message: 'v2.operations.events',
    path: '$.topicName',
  },
  {
    name: 'source not Genesys',
    headers: json,
    payload: JSON.stringify(envelope('x', { source: 'aws.events' })),
    status: 400,
    message: 'aws.partner/genesys.com/cloud',
    path: '$.source',
  },
  {
    name: 'unknown org',
    headers: json,
    payload: JSON.stringify(envelope('x', { source: 'aws.partner/genesys.com/cloud/other-org/s' })),
    status: 400,
    message: 'not configured',
    path: '$.source',
  },
  {
    name: 'one bad item spoils the batch',
    headers: json,
    payload: JSON.stringify([envelope('ok-a'), envelope('ok-b', { time: 7 })]),
    status: 400,
    message: 'expected string',
    path: '$[1].time',
  },
];

describe('POST /v1/events rejects bad requests without counting anything', () => {
  it.each(bad)('$name -> $status', async (c) => {
    const before = counted();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: c.headers,
      payload: c.payload,
    });
    expect(res.statusCode).toBe(c.status);
    const body = res.json<{ message: string; path?: string }>();
    expect(body.message).toContain(c.message);
    if (c.path !== undefined) expect(body.path).toBe(c.path);
    if (c.status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(counted()).toBe(before);
    expect(ledger.latest()).toHaveLength(0);
  });

  it('still accepts a good request afterwards, and only once per envelope id', async () => {
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
        payload: good,
      });
    const first = await post();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 1, duplicates: 0 });
    const again = await post();
    expect(again.json()).toEqual({ accepted: 0, duplicates: 1 });
    const [family] = ledger.collect(clock.now());
    expect(family?.points).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { org: 'demo', event_definition: 'Rate limit threshold reached', source: 'push' },
      }),
    ]);
  });
});
