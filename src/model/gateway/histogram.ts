/** Upstream latency buckets (seconds): Genesys API calls take ~20 ms to several seconds. */
export const LATENCY_BOUNDARIES_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Cumulative explicit-bucket histogram in the shape `HistogramFamily` points need. */
export class Histogram {
  readonly bucketCounts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly boundaries: readonly number[] = LATENCY_BOUNDARIES_S) {
    this.bucketCounts = new Array<number>(boundaries.length + 1).fill(0);
  }

  record(value: number): void {
    let i = this.boundaries.findIndex((b) => value <= b);
    if (i < 0) i = this.boundaries.length;
    this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    this.count += 1;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  /** Its figures as they are now; null before the first value. */
  copy() {
    const { count, sum, min, max } = this;
    return count > 0 ? { count, sum, bucketCounts: [...this.bucketCounts], min, max } : null;
  }
}
