/** Shape of `bench/results/latest.json` (checked before it is written, and by the smoke test). */
import { z } from 'zod';

const num = z.number().finite();
const nullableNum = num.nullable();

export const latencySchema = z.object({ samples: num, p50Ms: num, p99Ms: num, p999Ms: num, maxMs: num });

const phaseSchema = z.object({
  requestsPerSecond: num,
  non2xx: num,
  errors: num,
  latency: latencySchema,
  /** Proxy process CPU over the phase, % of one core (null for the direct case: no proxy). */
  proxyCpuPercent: nullableNum,
  upstreamCpuPercent: num,
});

export const gatewayCaseSchema = z.object({
  name: z.enum(['direct', 'gateway', 'nginx', 'gateway-shaping']),
  skipped: z.string().nullable(),
  saturation: phaseSchema.nullable(),
  fixed: z.array(phaseSchema.extend({ offeredPerSecond: num })),
  proxyPeakRssBytes: nullableNum,
});
export type GatewayCase = z.infer<typeof gatewayCaseSchema>;

const renderSchema = z.object({ medianMs: num, p90Ms: num, cpuMsPerScrape: num, bytes: num, samples: num });
export const metricsSizeSchema = z.object({
  clients: num,
  scrapes: num,
  agent: renderSchema,
  promClient: renderSchema,
  latencyRatio: nullableNum,
  cpuRatio: nullableNum,
});

export const ownCallsSchema = z.object({
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

const memPointSchema = z.object({
  rssBytes: num,
  heapUsedBytes: num,
  heapTotalBytes: num,
  externalBytes: num,
  maxRssBytes: num,
  clients: num,
  tokens: num,
});
export const memorySchema = z.object({
  idle: memPointSchema,
  clients: memPointSchema,
  tokens: memPointSchema,
});

export const targetSchema = z.object({
  name: z.string(),
  target: z.string(),
  measured: nullableNum,
  unit: z.string(),
  met: z.boolean().nullable(),
});
export type Target = z.infer<typeof targetSchema>;

/** Percentile through the proxy minus the same percentile direct, at one offered load. */
const addedSchema = z.object({
  offeredPerSecond: num,
  gateway: nullableNum,
  gatewayShaping: nullableNum,
  nginx: nullableNum,
});

export const benchResultSchema = z.object({
  version: z.literal(1),
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
    cases: z.array(gatewayCaseSchema),
    ratios: z.object({
      gatewayToNginxThroughput: nullableNum,
      gatewayToDirectThroughput: nullableNum,
      shapingToNginxThroughput: nullableNum,
      shapingToDirectThroughput: nullableNum,
      nginxToDirectThroughput: nullableNum,
    }),
    addedP50Ms: z.array(addedSchema),
    addedP99Ms: z.array(addedSchema),
  }),
  metrics: z.array(metricsSizeSchema),
  ownCalls: ownCallsSchema,
  memory: memorySchema,
  targets: z.array(targetSchema),
});
export type BenchResult = z.infer<typeof benchResultSchema>;
