import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { GatewaySource, type GatewayOptions } from '../../../src/sources/gateway/index.js';

export interface FakeUpstream {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

/** A loopback HTTP server standing in for Genesys; `handler` answers, bodies are recorded unless it consumes them. */
export async function startFakeUpstream(
  handler: (req: IncomingMessage, res: ServerResponse, body: () => Promise<Buffer>) => void | Promise<void>,
): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = [];
  const server: Server = createServer((req, res) => {
    const body = async (): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const buf = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: buf });
      return buf;
    };
    void Promise.resolve(handler(req, res, body)).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A pino logger writing into an array, to check what the gateway logs. */
export function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A gateway on a free loopback port forwarding to `upstreamUrl` (login and API), 300/min, names unknown. */
export function gatewayFor(upstreamUrl: string, overrides: Partial<GatewayOptions> = {}): GatewaySource {
  return new GatewaySource({
    org: 'o',
    host: '127.0.0.1',
    port: 0,
    apiBaseUrl: upstreamUrl,
    loginBaseUrl: upstreamUrl,
    directory: new MapClientDirectory(),
    limitPerMinute: () => 300,
    ...overrides,
  });
}
