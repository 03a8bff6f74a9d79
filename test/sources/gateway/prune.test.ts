/**
 * Reads never free state (test/model/gateway/model.test.ts); the gateway frees idle tokens and clients on
 * its own tick, scheduled while it listens and cancelled when it stops.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { counter } from '../../helpers/families.js';
import { gatewayFor, startFakeUpstream } from './helpers.js';
import { ManualScheduler, FakeClock } from '../../helpers/clock.js';

describe('gateway pruning tick', () => {
  it('runs every minute while listening, leaves reads exact, and stops with the gateway', async () => {
    const upstream = await startFakeUpstream((_req, res) => {
      res.end('{}');
    });
    const clock = new FakeClock();
    const scheduler = new ManualScheduler();
    const gw = gatewayFor(upstream.url, { clock, scheduler });
    try {
      expect(scheduler.pending).toBe(0);
      await gw.start();
      expect(scheduler.pending).toBe(1);
      const r = await request(`${gw.url}/api/v2/users/me`, { headers: { authorization: 'Bearer tok-1' } });
      await r.body.dump();
      expect(counter(gw.collect(clock.now()), 'genesys_gateway_requests').points).toHaveLength(1);

      clock.advance(2 * 60 * 60_000);
      // Forgotten as far as reads go before the tick ran, and the same after it.
      expect(counter(gw.collect(clock.now()), 'genesys_gateway_requests').points).toEqual([]);
      scheduler.advance(60_000);
      expect(scheduler.pending).toBe(1);
      expect(counter(gw.collect(clock.now()), 'genesys_gateway_requests').points).toEqual([]);
    } finally {
      await gw.stop();
      await upstream.close();
    }
    expect(scheduler.pending).toBe(0);
  });
});
