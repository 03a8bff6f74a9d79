/**
 * Real-time soak: the agent in demo mode (embedded simulator, gateway, demo traffic) plus extra
 * gateway traffic from every scenario client, scraped like Prometheus would, for N minutes.
 * Samples the heap after a forced GC and reports whether it grows after the warm-up.
 *
 *   npm run build && node dist/bench/soak.js [--minutes 10] [--warmup 2]
 *
 * Not a test (it takes minutes); the figures go into docs/performance.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { startAgent } from '../src/agent.js';
import { loadConfig } from '../src/config/config.js';
import { startDemoTraffic } from '../src/sources/gateway/demo-traffic.js';

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

const config = loadConfig({ AGENT_HOST: '127.0.0.1', AGENT_PORT: '0', AGENT_GATEWAY_PORT: '0', AGENT_USAGE_INTERVAL: '60s', AGENT_RATELIMITS_INTERVAL: '10s' });
const agent = await startAgent(config, { logger: pino({ level: 'silent' }) });
const extra = startDemoTraffic({
  gatewayUrl: agent.gatewayUrl!,
  clients: agent.simulator!.scenario.clients.map((c) => ({ id: c.id, secret: c.secret, rpm: 240 })),
});

let scrapes = 0;
const scraper = setInterval(() => {
  void Promise.all([fetch(`${agent.url}/metrics`).then((r) => r.text()), fetch(`${agent.url}/api/v1/clients`).then((r) => r.text())]).then(
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
  samples.push({ atS: Math.round((Date.now() - started) / 1000), heapMiB: mem.heapUsed / 2 ** 20, rssMiB: mem.rss / 2 ** 20, series });
  process.stderr.write(`${samples.at(-1)!.atS}s heap ${samples.at(-1)!.heapMiB.toFixed(1)} MiB rss ${samples.at(-1)!.rssMiB.toFixed(1)} MiB series ${series}\n`);
}
const finalText = await (await fetch(`${agent.url}/metrics`)).text();
clearInterval(scraper);
await extra.stop();
await agent.close();

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
