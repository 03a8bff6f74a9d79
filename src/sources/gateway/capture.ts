/** A pass-through stream that copies the first bytes (small login answers) for `onEnd`, before the last pass. */
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';

// The callback forms run on libuv's thread pool, never on the event loop.
const decoders = new Map<string, (buf: Buffer, o: ZlibOptions) => Promise<Buffer>>([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
  ['br', promisify(brotliDecompress)],
]);

export class CaptureStream extends Transform {
  /** Null once more than `limit` bytes passed. */
  private chunks: Buffer[] | null = [];
  private size = 0;
  /** The latest chunk, held until the next or until `onEnd` is done: the token is learnt before it is used. */
  private held: Buffer | null = null;

  constructor(
    private readonly limit: number,
    private readonly onEnd?: (captured: Buffer | null) => void | Promise<void>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.chunks) {
      this.size += chunk.length;
      if (this.size > this.limit) this.chunks = null;
      else this.chunks.push(chunk);
    }
    const previous = this.held;
    this.held = chunk;
    cb(null, previous ?? undefined);
  }

  override _flush(cb: TransformCallback): void {
    Promise.resolve()
      .then(() => this.onEnd?.(this.captured()))
      .catch(() => undefined)
      .finally(() => cb(null, this.held ?? undefined));
  }

  /** The bytes seen so far, or null when more than `limit` passed. */
  captured(): Buffer | null {
    return this.chunks && Buffer.concat(this.chunks);
  }
}

/** A captured body decoded per its Content-Encoding into at most `maxBytes` (a bomb stops there), or null. */
export async function decodeBody(
  body: Buffer,
  contentEncoding: string | string[] | undefined,
  maxBytes: number,
): Promise<string | null> {
  const enc = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
    .trim()
    .toLowerCase();
  if (enc === '' || enc === 'identity') return body.length > maxBytes ? null : body.toString('utf8');
  const decode = decoders.get(enc);
  if (!decode) return null;
  try {
    return (await decode(body, { maxOutputLength: maxBytes })).toString('utf8');
  } catch {
    return null; // corrupt, or larger than maxBytes
  }
}
