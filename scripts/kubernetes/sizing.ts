/**
 * The one place the Kubernetes resources come from: the benchmark's measurements (the "Agent
 * memory" and "Gateway" tables of docs/performance.md, `npm run bench`) and the rule that turns
 * them into requests and limits. After a re-measurement, update MEASURED (test/kubernetes checks it
 * against docs/performance.md) and run `npm run generate`.
 */

/** Figures of the latest full benchmark run, in MiB (the bench's "MB" is 1024²) and percent. */
export const MEASURED = {
  /** RSS with 1 000 clients and 10 000 active tokens, after a scrape and a full GC. */
  tokensRssMiB: 374.0,
  /** Peak RSS over the same run (VmHWM). */
  tokensPeakRssMiB: 387.0,
  /** The gateway's CPU while forwarding 1 000 req/s (one core = 100 %). */
  gatewayCpuPercentAt1000rps: 21,
} as const;

/** Headroom above the measured peak: V8 keeps freed pages mapped (docs/performance.md). */
const LIMIT_HEADROOM = 1.25;

const roundUpMiB = (mib: number, step = 64): number => Math.ceil(mib / step) * step;

export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

/**
 * Requests cover the measured steady RSS of a large org, the limit its peak plus headroom. No CPU
 * limit: CFS throttling would add latency to every forwarded request, and the CPU request already
 * reserves the measured share.
 */
export function agentResources(): ContainerResources {
  const cpuMillis = Math.max(100, Math.ceil((MEASURED.gatewayCpuPercentAt1000rps * 10) / 50) * 50);
  return {
    requests: { cpu: `${cpuMillis}m`, memory: `${roundUpMiB(MEASURED.tokensRssMiB)}Mi` },
    limits: { memory: `${roundUpMiB(MEASURED.tokensPeakRssMiB * LIMIT_HEADROOM)}Mi` },
  };
}

/**
 * The image's unprivileged user, by number: the kubelet can only verify `runAsNonRoot` for a
 * numeric USER. uid/gid 1000 is the `node` user of the official Node image (Dockerfile).
 */
export const IMAGE_USER = { uid: 1000, gid: 1000 } as const;
