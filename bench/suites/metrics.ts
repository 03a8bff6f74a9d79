/** `/metrics` cost: the agent's Telemetry against prom-client over the same synthetic series. */
import { request } from 'undici';
import type { MetricsChildArgs } from '../children/metrics.js';
import { startChild } from '../lib/ipc.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult } from '../lib/result.js';
import { percentile, ratio, round3 } from '../lib/stats.js';
import { sampleCount } from '../lib/synthetic.js';

type Render = BenchResult['metrics'][number]['agent'];

async function measureImpl(
  impl: MetricsChildArgs['impl'],
  clients: number,
  scrapes: number,
): Promise<Render> {
  const child = await startChild<{ url: string }>('metrics', { impl, clients } satisfies MetricsChildArgs);
  try {
    const scrape = async () => {
      const res = await request(child.info.url);
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${impl} /metrics answered ${res.statusCode}`);
      return text;
    };
    await scrape(); // warm-up: first-call compilation and lazy set-up are not the steady state
    const times: number[] = [];
    let text = '';
    const cpu0 = (await child.stats()).cpuMicros;
    for (let i = 0; i < scrapes; i++) {
      const t0 = performance.now();
      text = await scrape();
      times.push(performance.now() - t0);
    }
    const cpu1 = (await child.stats()).cpuMicros;
    times.sort((a, b) => a - b);
    return {
      medianMs: round3(percentile(times, 50)),
      p90Ms: round3(percentile(times, 90)),
      cpuMsPerScrape: round3((cpu1 - cpu0) / 1000 / scrapes),
      bytes: Buffer.byteLength(text),
      samples: sampleCount(text),
    };
  } finally {
    await child.stop();
  }
}

export async function metricsSuite(profile: Profile): Promise<BenchResult['metrics']> {
  const out: BenchResult['metrics'] = [];
  for (const clients of profile.metrics.sizes) {
    process.stderr.write(`bench: /metrics with ${clients} clients\n`);
    const agent = await measureImpl('agent', clients, profile.metrics.scrapes);
    const promClient = await measureImpl('prom-client', clients, profile.metrics.scrapes);
    out.push({
      clients,
      scrapes: profile.metrics.scrapes,
      agent,
      promClient,
      latencyRatio: ratio(agent.medianMs, promClient.medianMs),
      cpuRatio: ratio(agent.cpuMsPerScrape, promClient.cpuMsPerScrape),
    });
  }
  return out;
}
