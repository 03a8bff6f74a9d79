import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { eventsEndpoint, EventsSource } from '../../../src/sources/events/index.js';

async function get(sources: EventsSource[], url: string) {
  const app = Fastify();
  await app.register(eventsEndpoint(sources, null));
  try {
    return await app.inject({ method: 'GET', url });
  } finally {
    await app.close();
  }
}

describe('GET /api/v1/events', () => {
  const demo = new EventsSource({ org: 'demo', push: false });
  const other = new EventsSource({ org: 'other', push: false });

  it('answers 404 for an org the agent does not watch, even with a single org', async () => {
    const res = await get([demo], '/api/v1/events?org=no-such-org');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'Not Found' });
  });

  it('answers the named org, or the only org when none is named', async () => {
    expect((await get([demo], '/api/v1/events')).json()).toMatchObject({ org: 'demo' });
    expect((await get([demo, other], '/api/v1/events?org=other')).json()).toMatchObject({ org: 'other' });
    expect((await get([demo, other], '/api/v1/events')).statusCode).toBe(404);
  });
});
