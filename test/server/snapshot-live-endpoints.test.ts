/** The snapshot's `endpoints.live` per client: the gateway's busiest endpoints, at most 10. */
import { describe, expect, it } from 'vitest';
import { GatewayMeasurements } from '../../src/model/gateway/measurements.js';
import { buildSnapshot } from '../../src/server/snapshot.js';
import { FakeClock } from '../helpers/clock.js';

describe('snapshot endpoints.live', () => {
  it('lists a client row its 10 busiest endpoints, busiest first, out of the live figures', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    for (let e = 0; e < 12; e++) {
      for (let i = 0; i <= e; i++) {
        const method = e % 2 ? 'POST' : 'GET';
        const status = i === 0 ? 429 : 200;
        m.finish(
          m.start('t', 'c1', clock.now(), { endpoint: `/api/v2/e${e}`, method }),
          { method, status },
          clock.now(),
        );
      }
    }
    const live = m.snapshot(
      clock.now(),
      (id) => id,
      () => 300,
    );
    const snap = buildSnapshot(
      [{ org: 'o', sources: [], usage: null, live, warnings: [], limitFor: () => 300 }],
      clock.now(),
      false,
    );
    const row = snap.orgs[0]!.clients[0]!;
    expect(row.live).not.toHaveProperty('endpoints');
    const top = row.endpoints?.live ?? [];
    expect(top.map((e) => e.endpoint)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((e) => `/api/v2/e${e}`));
    expect(top[0]).toEqual({
      endpoint: '/api/v2/e11',
      method: 'POST',
      perMinute: 12,
      requests: 12,
      rateLimited: 1,
    });
  });
});
