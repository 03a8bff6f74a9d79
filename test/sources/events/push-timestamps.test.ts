/**
 * Pushed timestamps are the sender's word: outside −7 d … +5 min of the agent's clock the arrival
 * time stands in, and the latest-events list is ordered by arrival, so events stamped in 2100 do
 * not hide new ones. The clock is a fake one; nothing depends on today's date.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLedger } from '../../../src/sources/events/ledger.js';
import type { FakeClock } from '../../helpers/clock.js';
import { BOUNDARIES, DAY_MS, MINUTE_MS, fakeClockAt } from '../../helpers/clock.js';
import { envelope, notification } from '../../helpers/signal-fixtures.js';
import { pushApp } from './push-app.js';

const TOKEN = 'timestamps-token-0123456789';
let clock: FakeClock;
let app: FastifyInstance;

beforeEach(async () => {
  clock = fakeClockAt(BOUNDARIES.leapDay);
  app = await pushApp(new EventLedger({ org: 'demo', clock }), clock, TOKEN);
});
afterEach(() => app.close());

function stamped(id: string, timestamp: number) {
  const eventBody = { ...(notification().eventBody as object), timestamp };
  return envelope(id, { detail: notification({ eventBody }) });
}

async function push(body: unknown): Promise<void> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  expect(r.statusCode, r.body).toBe(200);
}

async function latest(): Promise<{ id: string; timestamp: number }[]> {
  return (await app.inject({ method: 'GET', url: '/api/v1/events' })).json<{
    events: { id: string; timestamp: number }[];
  }>().events;
}

describe('pushed timestamps', () => {
  it('50 events stamped in 2100 do not hide a new one', async () => {
    await push(Array.from({ length: 50 }, (_, i) => stamped(`future-${i}`, Date.UTC(2100, 0, 1))));
    clock.advance(MINUTE_MS);
    await push(stamped('fresh', clock.now() - 1_000));
    const events = await latest();
    expect(events[0]).toEqual(expect.objectContaining({ id: 'fresh', timestamp: clock.now() - 1_000 }));
    expect(events).toHaveLength(50);
    // The 2100 stamps were replaced by their arrival time.
    expect(events.filter((e) => e.timestamp > clock.now())).toEqual([]);
  });

  it.each([
    ['8 days old', -8 * DAY_MS, false],
    ['6 days old (an EventBridge retry)', -6 * DAY_MS, true],
    ['4 minutes ahead (a fast clock)', 4 * MINUTE_MS, true],
    ['10 minutes ahead', 10 * MINUTE_MS, false],
  ])('%s', async (_name, offset, kept) => {
    const t = clock.now() + offset;
    await push(stamped('e', t));
    expect((await latest())[0]!.timestamp).toBe(kept ? t : clock.now());
  });

  it('the list is newest arrival first, whatever the stamps say', async () => {
    for (const [i, offset] of [-DAY_MS, -3 * DAY_MS, -2 * DAY_MS].entries()) {
      await push(stamped(`e${i}`, clock.now() + offset));
      clock.advance(1_000);
    }
    expect((await latest()).map((e) => e.id)).toEqual(['e2', 'e1', 'e0']);
  });
});
