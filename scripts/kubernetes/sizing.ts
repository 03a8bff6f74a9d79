/**
 * The one place the Kubernetes resources come from: the benchmark's container measurement (the
 * "Sizing" table of docs/performance.md, `npm run bench`) and the rule that turns it into
 * requests and limits. After a re-measurement, update MEASURED (test/kubernetes checks it against
 * docs/performance.md) and run `npm run generate`.
 */

/** Figures of the latest full benchmark run (MiB, as the bench prints them). */
export const MEASURED = {
  /** Smallest memory limit the agent ran in with 10 000 clients and tokens: no OOM, every scrape answered. */
  fitsLimitMiB: 128,
  /** The cgroup's peak usage (memory.max_usage_in_bytes) in that limit over the same run. */
  maxUsageMiB: 121.0,
  /** CPU per 1 000 forwarded requests per second through the gateway, in cores. */
  gatewayCoresPer1000Rps: 0.06,
  /** A shard replica's memory limit, and the cgroup's peak in it polling 10 000 clients with traffic (docs/performance.md, "Sharding"). */
  shardLimitMiB: 256,
  shardMaxUsageMiB: 132.4,
} as const;

const roundUpMiB = (mib: number, step = 64): number => Math.ceil(mib / step) * step;

export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

/**
 * The request covers the measured peak usage, the limit is the limit it was measured to fit (the
 * shipped Node flags size V8's heap from it). No CPU limit: CFS throttling would add latency to
 * every forwarded request, and the CPU request already reserves 1 000 req/s worth.
 */
export function agentResources(): ContainerResources {
  const cpuMillis = Math.max(100, Math.ceil((MEASURED.gatewayCoresPer1000Rps * 1000) / 50) * 50);
  return {
    requests: { cpu: `${cpuMillis}m`, memory: `${roundUpMiB(MEASURED.maxUsageMiB)}Mi` },
    limits: { memory: `${MEASURED.fitsLimitMiB}Mi` },
  };
}

/** A shard replica polls and serves /metrics, forwards nothing: little CPU, the measured memory. */
export function shardResources(): ContainerResources {
  return {
    requests: { cpu: '100m', memory: `${roundUpMiB(MEASURED.shardMaxUsageMiB)}Mi` },
    limits: { memory: `${MEASURED.shardLimitMiB}Mi` },
  };
}

/**
 * The image's unprivileged user, by number: the kubelet can only verify `runAsNonRoot` for a
 * numeric USER. uid/gid 1000 is the `node` user of the official Node image (Dockerfile).
 */
export const IMAGE_USER = { uid: 1000, gid: 1000 } as const;
