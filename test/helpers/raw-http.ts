/**
 * HTTP/1.1 over a bare TCP socket, for requests no HTTP client will send as written (encoded
 * paths, absolute-form targets, fragments, Expect, trickled bodies).
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Every status line the server sent, interim ones (100 Continue) first. */
  statuses: number[];
}

/** Parses what a server sent so far; null until one final response is complete. */
export function parseResponses(data: Buffer): RawResponse | null {
  let text = data.toString('latin1');
  const statuses: number[] = [];
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
    statuses.push(status);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const rest = text.slice(end + 4);
    if (status >= 100 && status < 200) {
      text = rest;
      continue;
    }
    const length = headers['content-length'] === undefined ? null : Number(headers['content-length']);
    if (length !== null) {
      if (Buffer.byteLength(rest, 'latin1') < length) return null;
      return {
        status,
        headers,
        body: Buffer.from(rest.slice(0, length), 'latin1').toString('utf8'),
        statuses,
      };
    }
    if (headers['transfer-encoding']?.includes('chunked')) {
      let body = '';
      let at = rest;
      for (;;) {
        const nl = at.indexOf('\r\n');
        if (nl < 0) return null;
        const size = parseInt(at.slice(0, nl), 16);
        if (size === 0)
          return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8'), statuses };
        if (at.length < nl + 2 + size + 2) return null;
        body += at.slice(nl + 2, nl + 2 + size);
        at = at.slice(nl + 2 + size + 2);
      }
    }
    return null; // body until close: the caller sees it when the socket ends
  }
}

export interface RawOptions {
  timeoutMs?: number;
  /** Source address (any 127.x.y.z on Linux), to be a different caller than the test itself. */
  localAddress?: string;
}

/** Sends `request` bytes and resolves with the first final response (or what came before close). */
export function rawRequest(
  port: number,
  request: string | Buffer,
  opts: RawOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      port,
      host: '127.0.0.1',
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response within ${opts.timeoutMs ?? 10_000} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`,
        ),
      );
    }, opts.timeoutMs ?? 10_000);
    const done = (r: RawResponse) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const r = parseResponses(data);
      if (r) done(r);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const r = parseResponses(data);
      if (r) return done(r);
      clearTimeout(timer);
      const text = data.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m) {
        const end = text.indexOf('\r\n\r\n');
        resolve({
          status: Number(m[1]),
          headers: {},
          body: end < 0 ? '' : text.slice(end + 4),
          statuses: [Number(m[1])],
        });
      } else reject(new Error(`connection closed without a response (${data.length} bytes)`));
    });
    socket.write(request);
  });
}

/** A socket kept open by the caller (slow senders); `closed` settles when the server ends it. */
export function openSocket(
  port: number,
  localAddress?: string,
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}
