/**
 * Bench child: one `/metrics` implementation over the synthetic state of N clients, behind the
 * same bare node:http listener for both, so the comparison is the rendering path alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { PROMETHEUS_CONTENT_TYPE, Telemetry } from '../../src/telemetry/telemetry.js';
import { childArgs, serveParent } from '../lib/ipc.js';
import { promClientRegistry, syntheticClients, syntheticFamilies } from '../lib/synthetic.js';

export interface MetricsChildArgs {
  impl: 'agent' | 'prom-client';
  clients: number;
}

const args = childArgs<MetricsChildArgs>();
const clients = syntheticClients(args.clients);
const startTimeMs = Date.now();

let render: () => Promise<{ body: Iterable<string>; contentType: string }>;
if (args.impl === 'agent') {
  const telemetry = new Telemetry({
    serviceName: 'genesys-usage-agent',
    serviceVersion: 'bench',
    instanceId: 'bench',
    resourceAttributes: {},
    otlp: null,
    families: () => syntheticFamilies(clients, startTimeMs),
  });
  // As the agent's /metrics serves it: chunks written as they are serialized.
  render = async () => ({ body: await telemetry.scrapeChunks(), contentType: PROMETHEUS_CONTENT_TYPE });
} else {
  const registry = promClientRegistry(clients);
  render = async () => ({ body: [await registry.metrics()], contentType: registry.contentType });
}

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  render().then(
    ({ body, contentType }) => {
      res.writeHead(200, { 'content-type': contentType });
      pipeline(Readable.from(body, { objectMode: false }), res, () => undefined);
    },
    () => res.writeHead(500).end(),
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
serveParent({ url: `http://127.0.0.1:${port}/metrics` }, {});
