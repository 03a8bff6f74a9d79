/**
 * Real-time soak: the agent (all sources and the gateway) against the simulator in a child process
 * (so the simulator's own growing history is not measured), real gateway traffic from every demo
 * client, scraped like Prometheus would, for N minutes. Samples the heap after a forced GC and
 * reports whether it grows after the warm-up.
 *
 *   npm run build && node dist/bench/soak.js [--minutes 10] [--warmup 2]
 *
 * Not a test (it takes minutes); the figures go into docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { startAgent } from '../src/agent.js';
import { loadConfig } from '../src/config/config.js';
import { loadScenario } from '../src/simulator/index.js';
import { startDemoTraffic } from '../src/demo/traffic.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

// A heap figure is only comparable after a full collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const minutes = arg('minutes', 10);
const warmupMinutes = arg('warmup', 2);
const sampleEveryMs = 10_000;

const simPort = await new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});
const simulator = spawn(
  process.execPath,
  [
    new URL('../src/cli.js', import.meta.url).pathname,
    'simulate',
    '--port',
    String(simPort),
    '--host',
    '127.0.0.1',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise<void>((resolve, reject) => {
  simulator.stdout!.once('data', () => resolve());
  simulator.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});
const simUrl = `http://127.0.0.1:${simPort}`;
const scenario = loadScenario('demo');

const config = loadConfig({
  GENESYS_API_BASE_URL: simUrl,
  GENESYS_LOGIN_BASE_URL: simUrl,
  GENESYS_CLIENT_ID: scenario.agent.clientId,
  GENESYS_CLIENT_SECRET: scenario.agent.clientSecret,
  AGENT_HOST: '127.0.0.1',
  AGENT_PORT: '0',
  AGENT_GATEWAY_PORT: '0',
  AGENT_USAGE_INTERVAL: '60s',
  AGENT_RATELIMITS_INTERVAL: '10s',
  AGENT_EVENTS_TOKEN: 'soak-events-token',
});
const agent = await startAgent(config, { logger: pino({ level: 'silent' }) });
const traffic = startDemoTraffic({
  gatewayUrl: agent.gatewayUrl!,
  clients: scenario.clients.map((c, i) => ({
    id: c.id,
    secret: c.secret,
    rpm: i === 0 ? ('ramp' as const) : 240,
  })),
});

let scrapes = 0;
const scraper = setInterval(() => {
  void Promise.all([
    fetch(`${agent.url}/metrics`).then((r) => r.text()),
    fetch(`${agent.url}/api/v1/clients`).then((r) => r.text()),
  ]).then(
    () => (scrapes += 1),
    () => {},
  );
}, 1_000);

interface Sample {
  atS: number;
  heapMiB: number;
  rssMiB: number;
  series: number;
}
const samples: Sample[] = [];
const started = Date.now();
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, sampleEveryMs));
  gc();
  const mem = process.memoryUsage();
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  samples.push({
    atS: Math.round((Date.now() - started) / 1000),
    heapMiB: mem.heapUsed / 2 ** 20,
    rssMiB: mem.rss / 2 ** 20,
    series,
  });
  process.stderr.write(
    `${samples.at(-1)!.atS}s heap ${samples.at(-1)!.heapMiB.toFixed(1)} MiB rss ${samples.at(-1)!.rssMiB.toFixed(1)} MiB series ${series}\n`,
  );
}
const finalText = await (await fetch(`${agent.url}/metrics`)).text();
clearInterval(scraper);
await traffic.stop();
await agent.close();
simulator.kill('SIGTERM');

/** Least-squares slope in MiB per hour. */
function slopePerHour(points: Sample[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.atS, 0) / n;
  const my = points.reduce((s, p) => s + p.heapMiB, 0) / n;
  const num = points.reduce((s, p) => s + (p.atS - mx) * (p.heapMiB - my), 0);
  const den = points.reduce((s, p) => s + (p.atS - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 3600;
}
const afterWarmup = samples.filter((s) => s.atS >= warmupMinutes * 60);
const gatewayRequests = finalText
  .split('\n')
  .filter((l) => l.startsWith('genesys_gateway_requests_total{'))
  .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
const result = {
  minutes,
  warmupMinutes,
  scrapes,
  gatewayRequests,
  heapMiBAtWarmup: afterWarmup[0]?.heapMiB ?? null,
  heapMiBFinal: samples.at(-1)?.heapMiB ?? null,
  heapMiBMaxAfterWarmup: Math.max(...afterWarmup.map((s) => s.heapMiB)),
  heapSlopeMiBPerHourAfterWarmup: afterWarmup.length > 1 ? slopePerHour(afterWarmup) : null,
  rssMiBFinal: samples.at(-1)?.rssMiB ?? null,
  seriesMin: Math.min(...afterWarmup.map((s) => s.series)),
  seriesMax: Math.max(...afterWarmup.map((s) => s.series)),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/soak.json', JSON.stringify({ result, samples }, null, 2));
console.log(JSON.stringify(result, null, 2));
