import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';

import { selfSignedCert } from '../../helpers/tls.js';

import { startFakeUpstream, gatewayFor } from './helpers.js';

describe('gateway TLS listener', () => {
  it('serves https with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
    const upstream = await startFakeUpstream((_req, res) => {
      res.end('{"ok":true}');
    });
    const tls = selfSignedCert(dir);
    const gw = gatewayFor(upstream.url, {
      tls: { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') },
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
