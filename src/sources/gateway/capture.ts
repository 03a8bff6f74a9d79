/** A pass-through stream that keeps a copy of the first bytes (for small login bodies only). */
import { Transform, type TransformCallback } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export class CaptureStream extends Transform {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;

  constructor(
    private readonly limit: number,
    private readonly onEnd?: (captured: Buffer | null) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.overflow) {
      this.size += chunk.length;
      if (this.size > this.limit) {
        this.overflow = true;
        this.chunks = [];
      } else this.chunks.push(chunk);
    }
    cb(null, chunk);
  }

  // Runs before the last bytes reach the client, so what is learnt is in place for its next call.
  override _flush(cb: TransformCallback): void {
    try {
      this.onEnd?.(this.captured());
    } finally {
      cb();
    }
  }

  /** The bytes seen so far, or null when more than `limit` passed. */
  captured(): Buffer | null {
    return this.overflow ? null : Buffer.concat(this.chunks);
  }
}

/** Decodes a captured body per its Content-Encoding; null when it cannot. */
export function decodeBody(body: Buffer, contentEncoding: string | string[] | undefined): string | null {
  const enc = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
    .trim()
    .toLowerCase();
  try {
    if (enc === '' || enc === 'identity') return body.toString('utf8');
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(body).toString('utf8');
    if (enc === 'deflate') return inflateSync(body).toString('utf8');
    if (enc === 'br') return brotliDecompressSync(body).toString('utf8');
  } catch {
    return null;
  }
  return null;
}
