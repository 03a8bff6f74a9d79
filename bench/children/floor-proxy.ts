/**
 * Bench floor: the least a Node reverse proxy can be — node:http in, undici `Pool.stream` out,
 * hop-by-hop headers dropped, no measurement, no identity, no limits. The gateway's cost is read
 * against this process, so what is Node's and what is the gateway's own stays apart.
 * Usage: floor-proxy.js UPSTREAM_URL PORT
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const [upstreamUrl, portArg] = process.argv.slice(2);
if (!upstreamUrl || !portArg) throw new Error('usage: floor-proxy.js UPSTREAM_URL PORT');
const pool = new Pool(upstreamUrl, { connections: 256, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'te', 'trailer']);

function endToEnd(h: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

const server = createServer((req, res) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  pool
    .stream(
      {
        path: req.url ?? '/',
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: endToEnd(req.headers),
        body: hasBody ? req : null,
      },
      ({ statusCode, headers }) => {
        res.writeHead(statusCode, endToEnd(headers));
        return res;
      },
    )
    .catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portArg), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
