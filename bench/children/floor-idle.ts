/**
 * Bench floor for idle memory: Node with the libraries the agent is built on imported (Fastify,
 * undici, pino, zod, the OTel metrics SDK and its Prometheus exporter) and one listener, nothing
 * else. The agent's idle RSS is read against this process in the same run.
 * Usage: floor-idle.js PORT
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import Fastify from 'fastify';
import pino from 'pino';
import { Agent, request } from 'undici';
import { z } from 'zod';

const port = Number(process.argv[2] ?? '0');
// Each library used once, so nothing is left for a lazy first call to load later.
const exporter = new PrometheusExporter({ preventServerStart: true });
const meters = new MeterProvider({ readers: [exporter] });
const dispatcher = new Agent();
const schema = z.object({ ok: z.boolean() });
const app = Fastify({ loggerInstance: pino({ level: 'warn' }) });
app.get('/healthz', async () => schema.parse({ ok: true }));
await app.listen({ host: '127.0.0.1', port });
// One request through undici, as the agent makes its first Genesys call: the client's HTTP parser
// (WebAssembly) is loaded on first use, so a floor that never calls out would leave it out.
const first = await request(`http://127.0.0.1:${port}/healthz`, { dispatcher });
await first.body.json();
process.once('SIGTERM', () => {
  void Promise.all([app.close(), meters.shutdown(), dispatcher.close()]).then(() => process.exit(0));
});
