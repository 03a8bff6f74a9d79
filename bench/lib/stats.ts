/** Percentiles of latency samples (pure). */

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // The epsilon keeps float error (99.9 / 100 × 1000 = 999.0000000000001) from moving up a rank.
  const rank = Math.ceil((p / 100) * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const arr = Array.from(sorted);
  return {
    samples: arr.length,
    p50Ms: round3(percentile(arr, 50)),
    p99Ms: round3(percentile(arr, 99)),
    p999Ms: round3(percentile(arr, 99.9)),
    maxMs: round3(arr.at(-1) ?? Number.NaN),
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** a / b rounded, or null when either side is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round3(a / b);
}
