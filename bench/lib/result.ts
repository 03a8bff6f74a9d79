/** Shape of `bench/results/latest.json` (checked before it is written, and by the smoke test). */
import { z } from 'zod';

const num = z.number().finite();
const nullableNum = num.nullable();

const latencySchema = z.object({ samples: num, p50Ms: num, p99Ms: num, p999Ms: num, maxMs: num });

/** Median and range of per-round values (bench/lib/rounds.ts). */
const spreadSchema = z.object({ median: num, min: num, max: num, rounds: num }).nullable();

const gatewayCaseNames = ['direct', 'floor', 'gateway', 'gateway-shaping', 'nginx'] as const;
export type GatewayCaseName = (typeof gatewayCaseNames)[number];

const gatewayRoundSchema = z.object({
  round: num,
  case: z.enum(gatewayCaseNames),
  requestsPerSecond: num,
  requests: num,
  non2xx: num,
  errors: num,
  /** Proxy process CPU over the saturation phase, % of one core (null for direct: no proxy). */
  proxyCpuPercent: nullableNum,
  proxyCpuMicrosPerRequest: nullableNum,
  upstreamCpuPercent: num,
  paced: z.object({ offeredPerSecond: num, latency: latencySchema }),
});
export type GatewayRound = z.infer<typeof gatewayRoundSchema>;

const gatewayCaseSchema = z.object({
  name: z.enum(gatewayCaseNames),
  skipped: z.string().nullable(),
  requestsPerSecond: spreadSchema,
  proxyCpuMicrosPerRequest: spreadSchema,
  pacedP99Ms: spreadSchema,
  proxyPeakRssBytes: nullableNum,
});

const containerCaseSchema = z.object({
  label: z.string(),
  limitBytes: nullableNum,
  alive: z.boolean(),
  exit: z.string().nullable(),
  failure: z.string().nullable(),
  lastLogLine: z.string().nullable(),
  failcnt: nullableNum,
  oomKills: nullableNum,
  underOom: z.boolean().nullable(),
  maxUsageBytes: nullableNum,
  peakRssBytes: nullableNum,
  rssIdleBytes: num,
  rssTokensBytes: num,
  rssScrapeBytes: num,
  scrapes: num,
  scrapesAnswered: num,
  scrapeBytes: num,
  scrapeMs: spreadSchema,
  requestsPerSecond: spreadSchema,
  throughputToUnlimited: spreadSchema,
});
export type ContainerCase = z.infer<typeof containerCaseSchema>;

const renderSchema = z.object({ medianMs: num, p90Ms: num, cpuMsPerScrape: num, bytes: num, samples: num });
const metricsSizeSchema = z.object({
  clients: num,
  scrapes: num,
  agent: renderSchema,
  promClient: renderSchema,
  latencyRatio: nullableNum,
  cpuRatio: nullableNum,
});

/** One replica polling several orgs inside a memory limit (issue 28: how many clients fit a shard). */
const orgsCaseSchema = z.object({
  orgs: num,
  clients: num,
  limitBytes: nullableNum,
  alive: z.boolean(),
  failure: z.string().nullable(),
  readySeconds: nullableNum,
  rssBytes: nullableNum,
  maxUsageBytes: nullableNum,
  failcnt: nullableNum,
  oomKills: nullableNum,
  scrapeBytes: nullableNum,
  scrapeSeries: nullableNum,
  scrapeMs: spreadSchema,
  /** The agent's own Genesys calls until ready (one poll of every source), per 1 000 clients. */
  firstPollCallsPer1000Clients: nullableNum,
  /** At default cadences (bench/lib/own-calls.ts), per 1 000 clients. */
  callsPerHourPer1000Clients: nullableNum,
});
export type OrgsCase = z.infer<typeof orgsCaseSchema>;

/** One agent of the endpoint-series comparison (issue 24, bench/suites/endpoints.ts). */
const endpointsCaseSchema = z.object({
  label: z.string(),
  /** Settings beside the defaults. */
  env: z.record(z.string(), z.string()),
  failure: z.string().nullable(),
  readySeconds: nullableNum,
  gatewayRequests: num,
  gatewayNon2xx: num,
  rssReadyBytes: nullableNum,
  rssTrafficBytes: nullableNum,
  rssScrapeBytes: nullableNum,
  peakRssBytes: nullableNum,
  scrapeBytes: nullableNum,
  scrapeSeries: nullableNum,
  gatewayEndpointSeries: nullableNum,
  usageEndpointSeries: nullableNum,
  scrapeMs: spreadSchema,
});
export type EndpointsCase = z.infer<typeof endpointsCaseSchema>;

const endpointsResultSchema = z.object({
  clients: num,
  endpointsPerClient: num,
  /** Endpoints off and at the default settings, at each AGENT_MAX_CLIENTS; ratios are default over off. */
  pairs: z.array(
    z.object({
      maxClients: num,
      off: endpointsCaseSchema,
      on: endpointsCaseSchema,
      seriesRatio: nullableNum,
      scrapeBytesRatio: nullableNum,
      rssRatio: nullableNum,
    }),
  ),
});
export type EndpointsResult = z.infer<typeof endpointsResultSchema>;

const ownCallsSchema = z.object({
  method: z.string(),
  windowSeconds: num,
  observedTotal: num,
  firstPollCalls: num,
  byRoute: z.array(
    z.object({ route: z.string(), firstPoll: num, window: num, intervalSeconds: num, perHour: num }),
  ),
  perHourEstimate: num,
  limitPerHour: num,
  sharePercent: num,
});

const targetSchema = z.object({
  name: z.string(),
  target: z.string(),
  measured: nullableNum,
  unit: z.string(),
  met: z.boolean().nullable(),
});
export type Target = z.infer<typeof targetSchema>;

export const benchResultSchema = z.object({
  version: z.literal(2),
  mode: z.enum(['smoke', 'quick', 'full']),
  startedAt: z.string(),
  durationSeconds: num,
  machine: z.object({
    nproc: num,
    cpuModel: z.string(),
    node: z.string(),
    platform: z.string(),
    totalMemoryBytes: num,
  }),
  notes: z.array(z.string()),
  gateway: z.object({
    path: z.string(),
    tokens: num,
    connections: num,
    pacedRate: num,
    roundsPlanned: num,
    cases: z.array(gatewayCaseSchema),
    rounds: z.array(gatewayRoundSchema),
    ratios: z.object({
      gatewayCpuToFloor: spreadSchema,
      shapingCpuToFloor: spreadSchema,
      floorCpuToNginx: spreadSchema,
      gatewayCpuToNginx: spreadSchema,
      gatewayToFloorThroughput: spreadSchema,
      gatewayToNginxThroughput: spreadSchema,
      floorToNginxThroughput: spreadSchema,
      shapingToFloorThroughput: spreadSchema,
    }),
    /** p99 at the paced load through the proxy minus direct, per round. */
    addedP99Ms: z.object({
      floor: spreadSchema,
      gateway: spreadSchema,
      gatewayShaping: spreadSchema,
      nginx: spreadSchema,
    }),
  }),
  idle: z.object({
    rounds: num,
    agentRssBytes: spreadSchema,
    floorRssBytes: spreadSchema,
    bareRssBytes: spreadSchema,
    agentToFloor: spreadSchema,
    agentAboveFloorBytes: spreadSchema,
  }),
  container: z.object({
    skipped: z.string().nullable(),
    clients: num,
    rounds: num,
    cases: z.array(containerCaseSchema),
  }),
  shippedNodeFlags: z.array(z.string()),
  metrics: z.array(metricsSizeSchema),
  ownCalls: ownCallsSchema,
  orgs: z.array(orgsCaseSchema).optional(),
  endpoints: endpointsResultSchema.optional(),
  targets: z.array(targetSchema),
});
export type BenchResult = z.infer<typeof benchResultSchema>;
