import { afterEach, describe, expect, it } from 'vitest';
import { PagingGuard } from '../../src/genesys/paging.js';
import { type Fake, startFake } from './fake-genesys.js';

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('PagingGuard', () => {
  it('says a repeated page is a loop, and a listing past the bound is too long, not a loop', () => {
    const loop = new PagingGuard('thing', 'GET /x', 10);
    loop.next('/x?page=2');
    expect(() => loop.next('/x?page=2')).toThrow(/thing paging does not end: nextUri repeats after 2 pages/);
    const long = new PagingGuard('thing', 'GET /x', 3);
    long.next('/x?page=2');
    long.next('/x?page=3');
    let err: unknown;
    try {
      long.next('/x?page=4');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'paging_loop', message: 'thing paging stopped: more than 3 pages' });
  });
});

describe('listOAuthClients', () => {
  // 25 per page, Genesys' default: 2 600 clients are 104 pages (the old bound of 100 pages failed them).
  it('lists an org of 2 600 clients page by page to the end', async () => {
    const total = 2_600;
    const perPage = 25;
    fake = await startFake((app) =>
      app.get('/api/v2/oauth/clients', async (req) => {
        const n = Number((req.query as { pageNumber?: string }).pageNumber ?? '1');
        const from = (n - 1) * perPage;
        const ids = Array.from({ length: Math.min(perPage, total - from) }, (_, i) => `c-${from + i}`);
        return {
          entities: ids.map((id) => ({ id, name: `Client ${id}` })),
          ...(from + perPage < total ? { nextUri: `/api/v2/oauth/clients?pageNumber=${n + 1}` } : {}),
        };
      }),
    );
    const clients = await fake.client().listOAuthClients();
    expect(clients).toHaveLength(total);
    expect(new Set(clients.map((c) => c.id)).size).toBe(total);
  });
});
