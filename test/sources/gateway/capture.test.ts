/** The login tap: what it learns is in place before the answer's last bytes reach the client. */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureStream, decodeBody } from '../../../src/sources/gateway/capture.js';

describe('CaptureStream', () => {
  it('passes the last chunk on only once onEnd is done, every earlier one at once', async () => {
    const body = gzipSync(JSON.stringify({ access_token: randomBytes(2_000).toString('base64') }));
    expect(body.length).toBeGreaterThan(2_000);
    const parts = [body.subarray(0, 100), body.subarray(100, 200), body.subarray(200)];
    let release!: () => void;
    const learnt = new Promise<void>((r) => (release = r));
    let seen: string | null = null;
    const tap = new CaptureStream(64 * 1024, async (captured) => {
      seen = await decodeBody(captured!, 'gzip', 64 * 1024);
      await learnt;
    });
    const client = new PassThrough();
    const got: Buffer[] = [];
    client.on('data', (c: Buffer) => got.push(c));
    tap.pipe(client);
    for (const p of parts) tap.write(p);
    tap.end();
    await new Promise((r) => setTimeout(r, 50));
    // Everything but the last chunk; the whole token answer is decoded meanwhile.
    expect(Buffer.concat(got)).toEqual(body.subarray(0, 200));
    expect(seen).toContain('access_token');
    release();
    await new Promise((r) => client.once('end', r));
    expect(Buffer.concat(got)).toEqual(body);
  });

  it('still passes everything when the copy overflows or onEnd fails', async () => {
    const tap = new CaptureStream(4, () => Promise.reject(new Error('x')));
    const out: Buffer[] = [];
    tap.on('data', (c: Buffer) => out.push(c));
    tap.write(Buffer.from('abc'));
    tap.write(Buffer.from('defg'));
    tap.end(Buffer.from('h'));
    await new Promise((r) => tap.once('end', r));
    expect(Buffer.concat(out).toString()).toBe('abcdefgh');
    expect(tap.captured()).toBeNull();
  });
});
