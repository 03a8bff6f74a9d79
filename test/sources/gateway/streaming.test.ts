import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { request } from 'undici';

import { GatewaySource } from '../../../src/sources/gateway/index.js';
import { startFakeUpstream, type FakeUpstream, gatewayFor } from './helpers.js';
import { wallClock } from '../../helpers/clock.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} not within ${ms} ms`)), ms)),
  ]);
}

describe('gateway streaming and cancellation', () => {
  let upstream: FakeUpstream;
  let gw: GatewaySource;
  const upstreamGotBytes = deferred();
  const clientGotBytes = deferred();
  const upstreamCancelled = deferred<boolean>();
  let uploadReceived = 0;
  let floodSent = 0;

  beforeAll(async () => {
    upstream = await startFakeUpstream(async (req, res) => {
      if (req.url === '/api/v2/upload') {
        for await (const chunk of req) {
          uploadReceived += (chunk as Buffer).length;
          upstreamGotBytes.resolve();
        }
        res.end(JSON.stringify({ received: uploadReceived }));
        return;
      }
      if (req.url === '/api/v2/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let sent = 0; sent < 10 * MiB; sent += CHUNK) {
          // Hold the second half back until the client has seen the first bytes.
          if (sent === 5 * MiB) await clientGotBytes.promise;
          if (!res.write(Buffer.alloc(CHUNK, 7))) await new Promise((r) => res.once('drain', r));
        }
        res.end();
        return;
      }
      if (req.url === '/api/v2/flood') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        while (floodSent < 64 * MiB && !res.destroyed) {
          floodSent += CHUNK;
          if (!res.write(Buffer.alloc(CHUNK, 9)))
            await new Promise<void>((r) => {
              const done = () => {
                res.off('drain', done).off('close', done);
                r();
              };
              res.on('drain', done).on('close', done);
            });
        }
        res.end();
        return;
      }
      if (req.url === '/api/v2/hang') {
        res.on('close', () => upstreamCancelled.resolve(!res.writableFinished));
        return; // never answers
      }
      res.end('{}');
    });
    gw = gatewayFor(upstream.url);
    await gw.start();
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('streams a 10 MiB request body: upstream sees bytes before the client finished sending', async () => {
    async function* body() {
      for (let sent = 0; sent < 10 * MiB; sent += CHUNK) {
        if (sent === 5 * MiB)
          await within(upstreamGotBytes.promise, 5_000, 'upstream receiving the first half');
        yield Buffer.alloc(CHUNK, 1);
      }
    }
    const r = await request(`${gw.url}/api/v2/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(10 * MiB) },
      body: Readable.from(body()),
    });
    expect(r.statusCode).toBe(200);
    expect(await r.body.json()).toEqual({ received: 10 * MiB });
  });

  it('streams a 10 MiB response body: the client sees bytes before upstream finished sending', async () => {
    const r = await request(`${gw.url}/api/v2/download`);
    let received = 0;
    for await (const chunk of r.body) {
      received += (chunk as Buffer).length;
      clientGotBytes.resolve();
    }
    expect(received).toBe(10 * MiB);
  });

  it('holds the upstream back while the client does not read: nothing is buffered for it', async () => {
    const r = await request(`${gw.url}/api/v2/flood`);
    expect(r.statusCode).toBe(200);
    // The client reads nothing: the upstream's writes must stall at the sockets' buffers.
    let last = -1;
    await within(
      (async () => {
        while (floodSent !== last) {
          last = floodSent;
          await new Promise((res) => setTimeout(res, 300));
        }
      })(),
      10_000,
      'the upstream stalling',
    );
    expect(floodSent).toBeLessThan(16 * MiB);
    // Reading resumes the flow to the end.
    let received = 0;
    for await (const chunk of r.body) received += (chunk as Buffer).length;
    expect(received).toBe(64 * MiB);
  });

  it('cancels the upstream request when the client disconnects, and frees the in-flight slot', async () => {
    const ac = new AbortController();
    const pending = request(`${gw.url}/api/v2/hang`, { signal: ac.signal }).catch((e: unknown) => e);
    await within(
      (async () => {
        while (gw.snapshot(wallClock.now()).every((c) => c.inflight === 0))
          await new Promise((r) => setTimeout(r, 5));
      })(),
      5_000,
      'request in flight',
    );
    ac.abort();
    await pending;
    expect(await within(upstreamCancelled.promise, 5_000, 'upstream cancel')).toBe(true);
    await within(
      (async () => {
        while (gw.snapshot(wallClock.now()).some((c) => c.inflight > 0))
          await new Promise((r) => setTimeout(r, 5));
      })(),
      5_000,
      'in-flight back to 0',
    );
  });
});
