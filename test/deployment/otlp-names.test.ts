/**
 * The built agent, in demo mode, pushes OTLP to a local receiver while serving /metrics. Translating
 * the pushed metrics the way the Collector's Prometheus exporters do must give exactly the genesys_*
 * names and types /metrics serves, so dashboards and alerts work whichever path a deployment picks.
 *
 * @module-tag system
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusFamilyName, prometheusSeriesNames, type OtlpMetricType } from '../helpers/otlp-naming.js';
import {
  flattenMetrics,
  startOtlpReceiver,
  type ExportMetricsRequest,
  type OtlpReceiver,
} from '../helpers/otlp-receiver.js';
import { repoPath, repoRoot } from './deployment-files.js';

const CLI = repoPath('dist/src/cli.js');
const PREFIX = 'genesys_';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForReady(base: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(150);
  }
  throw new Error(`agent never became ready:\n${output()}`);
}

type PromType = 'gauge' | 'counter' | 'histogram';
const promType: Record<OtlpMetricType, PromType> = {
  gauge: 'gauge',
  'non-monotonic-sum': 'gauge',
  'monotonic-sum': 'counter',
  histogram: 'histogram',
};

interface Names {
  /** family → Prometheus type, families with at least one sample only */
  families: Record<string, string>;
  series: string[];
}

/** What Prometheus would ingest from the agent's exposition (target_info and others ignored). */
function namesFromExposition(text: string): Names {
  const types = new Map<string, string>();
  const series = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/.exec(line);
    if (sample?.[1]?.startsWith(PREFIX)) series.add(sample[1]);
  }
  const families: Record<string, string> = {};
  for (const name of series) {
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const t = types.get(family);
    if (!t) throw new Error(`/metrics sample ${name} has no # TYPE line`);
    families[family] = t;
  }
  return { families, series: [...series].sort() };
}

/** What the Collector's Prometheus exporter would serve for one OTLP export. */
function namesFromOtlp(body: ExportMetricsRequest): Names {
  const families: Record<string, string> = {};
  const series = new Set<string>();
  for (const m of flattenMetrics(body)) {
    if (m.dataPoints === 0) continue;
    const family = prometheusFamilyName(m);
    if (!family.startsWith(PREFIX)) continue;
    families[family] = promType[m.type];
    for (const s of prometheusSeriesNames(m)) series.add(s);
  }
  return { families, series: [...series].sort() };
}

const hasUsageMetrics = (body: ExportMetricsRequest): boolean =>
  flattenMetrics(body).some((m) => m.name.startsWith('genesys_usage_') && m.dataPoints > 0);

describe('OTLP names through the Collector equal the /metrics names', () => {
  let receiver: OtlpReceiver;
  let agent: ChildProcess | undefined;
  let base = '';
  let output = '';

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    receiver = await startOtlpReceiver();
    const [port, gatewayPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    // Demo mode: no GENESYS_* credentials, so the agent watches its embedded simulator.
    agent = spawn(process.execPath, [CLI, 'run'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: process.env['HOME'] ?? '/tmp',
        AGENT_HOST: '127.0.0.1',
        AGENT_PORT: String(port),
        AGENT_GATEWAY_PORT: String(gatewayPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        AGENT_LOG_LEVEL: 'warn',
      },
    });
    agent.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitForReady(base, agent, () => output);
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = once(agent, 'exit');
      agent.kill('SIGTERM');
      await exited;
    }
    await receiver?.close();
  });

  it('pushes JSON the receiver accepts', async () => {
    await receiver.waitFor(hasUsageMetrics, 20_000);
    expect(receiver.rejected).toEqual([]);
  });

  it('translates every pushed genesys_* metric to exactly the family, type and series names /metrics serves', async () => {
    // Sources keep filling in families (the gateway's first requests, the first rate-limit poll), so
    // compare each new export with a scrape taken right after it until both describe the same state.
    let last: { scraped: Names; pushed: Names } | undefined;
    for (let attempt = 0; attempt < 15; attempt++) {
      const seen = receiver.requests.length;
      const pushed = namesFromOtlp(
        await receiver.waitFor((r) => receiver.requests.indexOf(r) >= seen && hasUsageMetrics(r), 20_000),
      );
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const scraped = namesFromExposition(await res.text());
      last = { scraped, pushed };
      if (JSON.stringify(scraped) === JSON.stringify(pushed)) break;
    }
    if (!last) throw new Error('no comparison made');
    expect(Object.keys(last.scraped.families).length).toBeGreaterThan(0);
    expect(Object.keys(last.scraped.families)).toEqual(
      expect.arrayContaining([
        'genesys_usage_requests_last_day',
        'genesys_agent_build_info',
        // The demo's traffic through the gateway: the per-endpoint families and their labels.
        'genesys_gateway_endpoint_requests_total',
        'genesys_gateway_endpoint_requests_per_minute',
        'genesys_gateway_endpoints_overflow_total',
      ]),
    );
    expect(last.pushed).toEqual(last.scraped);
  });
});
