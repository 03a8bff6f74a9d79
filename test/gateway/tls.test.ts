import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { MapClientDirectory } from '../../src/model/client-directory.js';
import { selfSignedCert } from '../helpers/tls.js';
import { GatewaySource } from '../../src/sources/gateway/index.js';
import { startFakeUpstream } from './helpers.js';

describe('gateway TLS listener', () => {
  it('serves https with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
    const upstream = await startFakeUpstream((_req, res) => {
      res.end('{"ok":true}');
    });
    const tls = selfSignedCert(dir);
    const gw = new GatewaySource({
      org: 'o',
      host: '127.0.0.1',
      port: 0,
      tls,
      apiBaseUrl: upstream.url,
      loginBaseUrl: upstream.url,
      directory: new MapClientDirectory(),
      limitPerMinute: () => 300,
    });
    await gw.start();
    const agent = new Agent({ connect: { ca: readFileSync(tls.certFile) } });
    try {
      expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const r = await request(`${gw.url}/api/v2/users`, { dispatcher: agent });
      expect(r.statusCode).toBe(200);
      expect(await r.body.json()).toEqual({ ok: true });
    } finally {
      await agent.close();
      await gw.stop();
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
