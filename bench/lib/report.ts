/** Targets of issue 10 and the printed table (pure: result in, text out). */
import type { BenchResult, Target } from './result.js';

const MB = 1024 * 1024;

type Measured = Omit<BenchResult, 'targets'>;

function target(
  name: string,
  targetText: string,
  measured: number | null,
  unit: string,
  ok: (m: number) => boolean,
): Target {
  return { name, target: targetText, measured, unit, met: measured === null ? null : ok(measured) };
}

export function evaluateTargets(r: Measured): Target[] {
  const added1000 = r.gateway.addedP99Ms.find((a) => a.offeredPerSecond === 1000)?.gateway ?? null;
  const metrics10k = r.metrics.find((m) => m.clients === 10_000)?.latencyRatio ?? null;
  const tokens = r.memory.tokens.tokens >= 10_000 ? r.memory.tokens.rssBytes / MB : null;
  return [
    target('gateway added p99 at 1000 req/s', '≤ 2 ms', added1000, 'ms', (m) => m <= 2),
    target(
      'gateway saturation vs nginx (measurement on)',
      '≥ 0.5',
      r.gateway.ratios.gatewayToNginxThroughput,
      '×',
      (m) => m >= 0.5,
    ),
    target('/metrics at 10 000 clients vs prom-client', '≤ 1.5×', metrics10k, '×', (m) => m <= 1.5),
    target(
      'RSS with 10 000 tokens',
      '≤ 150 MB',
      tokens === null ? null : Math.round(tokens * 10) / 10,
      'MB',
      (m) => m <= 150,
    ),
    target("agent's own calls, share of its limit", '≤ 1 %', r.ownCalls.sharePercent, '%', (m) => m <= 1),
  ];
}

/** CPU the proxy spent per request at saturation: comparable even when the cores are shared. */
function cpuPerRequest(
  p: { proxyCpuPercent: number | null; requestsPerSecond: number } | null | undefined,
): number | null {
  if (!p || p.proxyCpuPercent === null || p.requestsPerSecond === 0) return null;
  return ((p.proxyCpuPercent / 100) * 1e6) / p.requestsPerSecond;
}

const f = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);
const mb = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (x / MB).toFixed(1));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown tables, printed by the runner and pasted into docs/performance.md. */
export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Mode ${r.mode}; ${m.nproc} × ${m.cpuModel}; Node ${m.node}; ${r.startedAt}; ${r.durationSeconds.toFixed(0)} s`,
  );
  const rates = r.gateway.addedP99Ms.map((a) => a.offeredPerSecond);
  out.push(
    '',
    `### Gateway (${r.gateway.path}, ${r.gateway.tokens} tokens; saturation: ${r.gateway.connections} connections)`,
  );
  out.push(
    table(
      [
        'case',
        'saturation req/s',
        'proxy CPU %',
        'proxy CPU µs/req',
        'sim CPU %',
        ...rates.map((x) => `${x}/s p50 / p99 / p99.9 ms`),
        ...rates.map((x) => `${x}/s proxy CPU %`),
        'proxy peak RSS MB',
      ],
      r.gateway.cases.map((c) => {
        if (c.skipped) return [c.name, `skipped: ${c.skipped}`];
        const at = (x: number) => c.fixed.find((p) => p.offeredPerSecond === x);
        return [
          c.name,
          f(c.saturation?.requestsPerSecond, 0),
          f(c.saturation?.proxyCpuPercent, 0),
          f(cpuPerRequest(c.saturation), 0),
          f(c.saturation?.upstreamCpuPercent, 0),
          ...rates.map((x) => {
            const p = at(x);
            return p
              ? `${f(p.latency.p50Ms, 2)} / ${f(p.latency.p99Ms, 2)} / ${f(p.latency.p999Ms, 2)}`
              : '–';
          }),
          ...rates.map((x) => f(at(x)?.proxyCpuPercent, 0)),
          mb(c.proxyPeakRssBytes),
        ];
      }),
    ),
  );
  const ra = r.gateway.ratios;
  out.push(
    '',
    `Throughput ratios: gateway/nginx ${f(ra.gatewayToNginxThroughput, 2)}, gateway/direct ${f(ra.gatewayToDirectThroughput, 2)}, ` +
      `shaping/nginx ${f(ra.shapingToNginxThroughput, 2)}, shaping/direct ${f(ra.shapingToDirectThroughput, 2)}, nginx/direct ${f(ra.nginxToDirectThroughput, 2)}`,
  );
  for (const [label, rows] of [
    ['p50', r.gateway.addedP50Ms],
    ['p99', r.gateway.addedP99Ms],
  ] as const) {
    out.push(
      `Added ${label} vs direct (ms): ` +
        rows
          .map(
            (a) =>
              `${a.offeredPerSecond}/s gateway ${f(a.gateway, 2)}, shaping ${f(a.gatewayShaping, 2)}, nginx ${f(a.nginx, 2)}`,
          )
          .join('; '),
    );
  }
  out.push('', '### /metrics (median of sequential scrapes; CPU of the serving process per scrape)');
  out.push(
    table(
      [
        'clients',
        'samples',
        'agent ms',
        'prom-client ms',
        'ratio',
        'agent CPU ms',
        'prom-client CPU ms',
        'CPU ratio',
        'agent MB',
        'prom-client MB',
      ],
      r.metrics.map((x) => [
        String(x.clients),
        String(x.agent.samples),
        f(x.agent.medianMs),
        f(x.promClient.medianMs),
        f(x.latencyRatio, 2),
        f(x.agent.cpuMsPerScrape),
        f(x.promClient.cpuMsPerScrape),
        f(x.cpuRatio, 2),
        mb(x.agent.bytes),
        mb(x.promClient.bytes),
      ]),
    ),
  );
  const o = r.ownCalls;
  out.push(
    '',
    `### Agent's own Genesys calls (window ${f(o.windowSeconds, 0)} s, ${o.observedTotal} calls observed)`,
  );
  out.push(
    table(
      ['route', 'first poll', 'in window', 'interval s', 'per hour'],
      o.byRoute.map((x) => [
        x.route,
        String(x.firstPoll),
        String(x.window),
        String(x.intervalSeconds),
        f(x.perHour, 2),
      ]),
    ),
  );
  out.push(
    '',
    `Per hour ≈ ${f(o.perHourEstimate, 1)} of ${o.limitPerHour} (300/min × 60) = ${f(o.sharePercent, 3)} %`,
  );
  const mem = r.memory;
  out.push('', '### Agent memory (after a scrape and a full GC)');
  out.push(
    table(
      ['state', 'clients', 'tokens', 'RSS MB', 'heap used MB', 'heap total MB', 'external MB', 'peak RSS MB'],
      [
        ['idle', mem.idle],
        ['clients', mem.clients],
        ['tokens', mem.tokens],
      ].map(([name, p]) => {
        const q = p as BenchResult['memory']['idle'];
        return [
          name as string,
          String(q.clients),
          String(q.tokens),
          mb(q.rssBytes),
          mb(q.heapUsedBytes),
          mb(q.heapTotalBytes),
          mb(q.externalBytes),
          mb(q.maxRssBytes),
        ];
      }),
    ),
  );
  out.push('', '### Targets');
  out.push(
    table(
      ['target', 'goal', 'measured', 'verdict'],
      r.targets.map((t) => [
        t.name,
        t.target,
        t.measured === null ? '–' : `${t.measured} ${t.unit}`,
        t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED',
      ]),
    ),
  );
  return out.join('\n');
}
