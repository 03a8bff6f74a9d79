import { describe, expect, it } from 'vitest';
import { MapClientDirectory } from '../../src/model/client-directory.js';

import { demoRate, RAMP, retryAfterMs, startDemoTraffic } from '../../src/demo/traffic.js';
import { startFakeUpstream, gatewayFor } from '../sources/gateway/helpers.js';

/** Calls already in flight when the 429 arrived (the generator allows a few concurrent). */
const MAX_EXTRA = 4;

const until = async (cond: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('demo traffic', () => {
  it('ramps past a 300/min limit and caps its rate', () => {
    expect(demoRate(90, 1e9)).toBe(90);
    expect(demoRate('ramp', 0)).toBe(RAMP.startRpm);
    const minutes = [0, 1, 2, 3].map((m) => demoRate('ramp', m * 60_000));
    expect(minutes[0]).toBeLessThan(300);
    expect(minutes[2]).toBeGreaterThan(300);
    expect(demoRate('ramp', 1e9)).toBe(RAMP.maxRpm);
  });

  it('reads Retry-After seconds, capped, defaulting to 1 s', () => {
    expect(retryAfterMs('42')).toBe(42_000);
    expect(retryAfterMs('9999')).toBe(60_000);
    expect(retryAfterMs(undefined)).toBe(1_000);
    expect(retryAfterMs('soon')).toBe(1_000);
  });

  it('logs in through the gateway, calls the API with the token, honours 429 and stops', async () => {
    let apiCalls = 0;
    let limitedUntil = 0;
    const upstream = await startFakeUpstream(async (req, res, body) => {
      const form = (await body()).toString();
      if (req.url === '/oauth/token') {
        const [id] = Buffer.from((req.headers.authorization ?? '').slice(6), 'base64')
          .toString()
          .split(':');
        expect(form).toBe('grant_type=client_credentials');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: `token-for-${id}`, token_type: 'bearer', expires_in: 3600 }));
        return;
      }
      apiCalls += 1;
      expect(req.headers.authorization).toBe('Bearer token-for-demo-1');
      if (apiCalls === 5) limitedUntil = Date.now() + 1_000;
      if (Date.now() < limitedUntil) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"status":429}');
        return;
      }
      res.end('{}');
    });
    const directory = new MapClientDirectory();
    const gw = gatewayFor(upstream.url, {
      directory,
    });
    await gw.start();
    const demo = startDemoTraffic({
      gatewayUrl: gw.url,
      clients: [{ id: 'demo-1', secret: 'demo-secret', rpm: 1200 }],
    });
    try {
      await until(() => apiCalls >= 5, 'first calls');
      const atLimit = apiCalls;
      // Retry-After: 1 → the client pauses rather than hammering (1200/min would be 20 calls).
      await new Promise((r) => setTimeout(r, 600));
      expect(apiCalls - atLimit).toBeLessThanOrEqual(MAX_EXTRA);
      await until(() => apiCalls >= atLimit + 3, 'calls after the pause');
      const snap = gw.snapshot(Date.now()).find((c) => c.clientId === 'demo-1');
      expect(snap?.rateLimited5m).toBeGreaterThanOrEqual(1);
    } finally {
      await demo.stop();
    }
    const afterStop = apiCalls;
    await new Promise((r) => setTimeout(r, 200));
    expect(apiCalls).toBe(afterStop);
    await gw.stop();
    await upstream.close();
  });
});
