/** Targets of issue 18 (and those of issue 10 still in force) and the printed tables (pure). */
import type { Spread } from './rounds.js';
import type { BenchResult, EndpointsResult, OrgsCase, Target } from './result.js';

/** Memory figures are in MiB (2^20 bytes), as limits are. */
const MiB = 1024 * 1024;

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

/** Idle RSS may sit this far above the libraries' own floor. */
const IDLE_ABOVE_FLOOR_MIB = 8;

export function evaluateTargets(r: Measured): Target[] {
  const metrics10k = r.metrics.find((m) => m.clients === 10_000)?.latencyRatio ?? null;
  const aboveMb = r.idle.agentAboveFloorBytes ? r.idle.agentAboveFloorBytes.median / MiB : null;
  const out = [
    // Idle RSS is judged beside the libraries' own floor: an absolute figure moves with Node and the host.
    target(
      'idle RSS above the libraries’ floor (median)',
      `≤ ${IDLE_ABOVE_FLOOR_MIB} MiB`,
      round1(aboveMb),
      'MiB',
      (m) => m <= IDLE_ABOVE_FLOOR_MIB,
    ),
    target(
      'gateway CPU per request vs the bare Node proxy',
      '≤ 1.15×',
      r.gateway.ratios.gatewayCpuToFloor?.median ?? null,
      '×',
      (m) => m <= 1.15,
    ),
    target(
      'shaping gateway CPU per request vs the bare Node proxy',
      '≤ 1.4×',
      r.gateway.ratios.shapingCpuToFloor?.median ?? null,
      '×',
      (m) => m <= 1.4,
    ),
  ];
  for (const c of r.container.cases.filter((x) => x.limitBytes !== null)) {
    const fits =
      c.alive && !c.failure && c.oomKills === 0 && !c.underOom && c.scrapesAnswered === c.scrapes ? 1 : 0;
    out.push(
      target(
        `fits ${c.label}: alive, no OOM kill, every scrape answered (${r.container.clients} clients and tokens)`,
        'yes',
        fits,
        '(1 = yes)',
        (m) => m === 1,
      ),
      target(
        `gateway throughput in ${c.label} vs no limit`,
        '≥ 0.9×',
        c.throughputToUnlimited?.median ?? null,
        '×',
        (m) => m >= 0.9,
      ),
    );
  }
  out.push(
    target('/metrics at 10 000 clients vs prom-client', '≤ 1.5×', metrics10k, '×', (m) => m <= 1.5),
    target("agent's own calls, share of its limit", '≤ 1 %', r.ownCalls.sharePercent, '%', (m) => m <= 1),
  );
  return out;
}

function round1(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}

/** Memory and CPU per unit of load, from the figures of one run (docs/performance.md's sizing table). */
interface Sizing {
  idleMb: number | null;
  perThousandClientsMb: number | null;
  perThousandTokensMb: number | null;
  coresPerThousandRps: number | null;
}

function sizing(r: Measured): Sizing {
  const free = r.container.cases.find((c) => c.limitBytes === null);
  const k = r.container.clients / 1000;
  const idle = r.idle.agentRssBytes?.median ?? null;
  const cpu = r.gateway.cases.find((c) => c.name === 'gateway')?.proxyCpuMicrosPerRequest?.median ?? null;
  return {
    idleMb: round1(idle === null ? null : idle / MiB),
    perThousandClientsMb:
      free && idle !== null && k > 0 ? round1((free.rssIdleBytes - idle) / MiB / k) : null,
    perThousandTokensMb: free && k > 0 ? round1((free.rssTokensBytes - free.rssIdleBytes) / MiB / k) : null,
    coresPerThousandRps: cpu === null ? null : Math.round((cpu * 1000) / 1e4) / 100,
  };
}

const f = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);
const mib = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (x / MiB).toFixed(1));
/** "median (min–max)" of a spread. */
const s = (x: Spread | null | undefined, digits = 2, scale = 1) =>
  x
    ? `${(x.median / scale).toFixed(digits)} (${(x.min / scale).toFixed(digits)}–${(x.max / scale).toFixed(digits)})`
    : '–';

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
    `Mode ${r.mode}; ${m.nproc} × ${m.cpuModel}; Node ${m.node}; shipped flags: ${r.shippedNodeFlags.join(' ') || '(none)'}; ${r.startedAt}; ${r.durationSeconds.toFixed(0)} s`,
  );
  out.push('', renderGateway(r.gateway));
  const i = r.idle;
  out.push(
    '',
    `### Idle RSS (shipped flags, ${i.rounds} alternating rounds; MiB, median (min–max))`,
    table(
      ['process', 'RSS MiB'],
      [
        ['agent (no demo, default sources)', s(i.agentRssBytes, 1, MiB)],
        ['floor: fastify + undici + pino + zod + OTel SDK, one listener', s(i.floorRssBytes, 1, MiB)],
        ['bare node:http', s(i.bareRssBytes, 1, MiB)],
        ['agent − floor', s(i.agentAboveFloorBytes, 1, MiB)],
      ],
    ),
  );
  out.push('', renderContainer(r.container));
  const z = sizing(r);
  out.push(
    '',
    `Sizing from this run: idle ${f(z.idleMb)} MiB; + ${f(z.perThousandClientsMb)} MiB per 1 000 clients; + ${f(z.perThousandTokensMb)} MiB per 1 000 tokens; ${f(z.coresPerThousandRps, 2)} cores per 1 000 req/s through the gateway`,
  );
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
        'agent MiB',
        'prom-client MiB',
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
        mib(x.agent.bytes),
        mib(x.promClient.bytes),
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
  if (r.orgs) out.push('', renderOrgs(r.orgs));
  if (r.endpoints) out.push('', renderEndpoints(r.endpoints));
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

/** The shipped agent in memory limits beside no limit (bench/suites/container.ts). */
export function renderGateway(g: BenchResult['gateway']): string {
  const out: string[] = [];
  out.push(
    `### Gateway (${g.path}, ${g.tokens} tokens, ${g.connections} connections; ${g.roundsPlanned} alternating rounds; median (min–max) over rounds)`,
  );
  out.push(
    table(
      ['case', 'saturation req/s', 'proxy CPU µs/req', `p99 at ${g.pacedRate}/s ms`, 'peak RSS MiB'],
      g.cases.map((c) =>
        c.skipped
          ? [c.name, `skipped: ${c.skipped}`, '', '', '']
          : [
              c.name,
              s(c.requestsPerSecond, 0),
              s(c.proxyCpuMicrosPerRequest, 1),
              s(c.pacedP99Ms, 2),
              mib(c.proxyPeakRssBytes),
            ],
      ),
    ),
  );
  const ra = g.ratios;
  out.push(
    '',
    `CPU per request (per-round ratios, median (min–max)): gateway/floor ${s(ra.gatewayCpuToFloor)}, shaping/floor ${s(ra.shapingCpuToFloor)}, ` +
      `floor/nginx ${s(ra.floorCpuToNginx)}, gateway/nginx ${s(ra.gatewayCpuToNginx)}`,
    `Throughput: gateway/floor ${s(ra.gatewayToFloorThroughput)}, shaping/floor ${s(ra.shapingToFloorThroughput)}, ` +
      `gateway/nginx ${s(ra.gatewayToNginxThroughput)}, floor/nginx ${s(ra.floorToNginxThroughput)}`,
    `Added p99 vs direct at ${g.pacedRate}/s (ms; shown only where every round agrees on the sign): ` +
      (['floor', 'gateway', 'gatewayShaping', 'nginx'] as const)
        .map((k) => {
          const a = g.addedP99Ms[k];
          return `${k} ${a && a.rounds >= 3 && (a.min > 0 || a.max < 0) ? s(a) : 'within noise'}`;
        })
        .join(', '),
  );
  return out.join('\n');
}

export function renderContainer(c: BenchResult['container']): string {
  const title = `### In a memory cgroup (${c.clients} clients, each logging in once through the gateway)`;
  if (c.skipped) return `${title}\nskipped: ${c.skipped}`;
  return [
    title,
    table(
      [
        'limit',
        'alive',
        'OOM kills',
        'failcnt',
        'cgroup max MiB',
        'RSS idle / tokens / after scrape MiB',
        'scrapes answered',
        'scrape MiB',
        'scrape ms',
        'gateway req/s',
        'vs no limit',
      ],
      c.cases.map((x) => [
        x.label,
        x.alive && !x.failure ? 'yes' : `no: ${x.failure ?? x.exit}`,
        f(x.oomKills, 0),
        f(x.failcnt, 0),
        mib(x.maxUsageBytes),
        `${mib(x.rssIdleBytes)} / ${mib(x.rssTokensBytes)} / ${mib(x.rssScrapeBytes)}`,
        `${x.scrapesAnswered}/${x.scrapes}`,
        mib(x.scrapeBytes),
        s(x.scrapeMs, 0),
        s(x.requestsPerSecond, 0),
        s(x.throughputToUnlimited),
      ]),
    ),
  ].join('\n');
}

/** One shard replica polling several orgs, per size (bench/suites/orgs.ts). */
export function renderOrgs(cases: OrgsCase[]): string {
  const limit = cases[0]?.limitBytes;
  return [
    `### One replica, several orgs (${limit ? `${limit / MiB} MiB memory limit` : 'no memory limit'}; every client with traffic)`,
    table(
      [
        'orgs × clients',
        'ready s',
        'RSS MiB',
        'peak cgroup MiB',
        'OOM kills',
        'scrape MiB',
        'series',
        'scrape ms',
        'first-poll calls / 1 000 clients',
        'calls/h / 1 000 clients',
        'failure',
      ],
      cases.map((c) => [
        `${c.orgs} × ${c.clients / c.orgs}`,
        f(c.readySeconds, 1),
        mib(c.rssBytes),
        mib(c.maxUsageBytes),
        c.oomKills === null ? '–' : String(c.oomKills),
        mib(c.scrapeBytes),
        c.scrapeSeries === null ? '–' : String(c.scrapeSeries),
        s(c.scrapeMs, 0),
        f(c.firstPollCallsPer1000Clients, 2),
        f(c.callsPerHourPer1000Clients, 2),
        c.failure ?? '',
      ]),
    ),
  ].join('\n');
}

/** Endpoint series off and at the default settings, side by side (bench/suites/endpoints.ts). */
export function renderEndpoints(e: EndpointsResult): string {
  const n = (x: number | null) => (x === null ? '–' : String(x));
  return [
    `### Per-endpoint series (one org, ${e.clients} clients, each calling ${e.endpointsPerClient} endpoints through the gateway and in the daily figures)`,
    table(
      [
        'case',
        'settings',
        'ready s',
        'gateway requests (non-2xx)',
        'series',
        'of which gateway / usage endpoint',
        'scrape MiB',
        'scrape ms',
        'RSS ready / traffic / scrape MiB',
        'peak RSS MiB',
        'failure',
      ],
      e.pairs
        .flatMap((p) => [p.off, p.on])
        .map((c) => [
          c.label,
          Object.entries(c.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || '(defaults)',
          f(c.readySeconds, 1),
          `${c.gatewayRequests} (${c.gatewayNon2xx})`,
          n(c.scrapeSeries),
          `${n(c.gatewayEndpointSeries)} / ${n(c.usageEndpointSeries)}`,
          mib(c.scrapeBytes),
          s(c.scrapeMs, 0),
          `${mib(c.rssReadyBytes)} / ${mib(c.rssTrafficBytes)} / ${mib(c.rssScrapeBytes)}`,
          mib(c.peakRssBytes),
          c.failure ?? '',
        ]),
    ),
    '',
    ...e.pairs.map(
      (p) =>
        `Default over off at AGENT_MAX_CLIENTS=${p.maxClients}: series ${f(p.seriesRatio, 2)}×, scrape bytes ${f(p.scrapeBytesRatio, 2)}×, RSS after the scrape ${f(p.rssRatio, 2)}× (issue 24's budget: series ≤ 2×)`,
    ),
  ].join('\n');
}
