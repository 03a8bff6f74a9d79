/**
 * Alternating rounds and the ratios drawn from them (pure). Cases run A, B, C, A, B, C … so a
 * slow minute of the machine lands on every case alike; a ratio is taken within each round and
 * reported as the median of those per-round ratios with their spread.
 */

/** Every case once per round, in the same order each round. */
export function alternating<T>(cases: readonly T[], rounds: number): { round: number; item: T }[] {
  const out: { round: number; item: T }[] = [];
  for (let round = 0; round < rounds; round++) for (const item of cases) out.push({ round, item });
  return out;
}

export interface Spread {
  /** Median of the per-round values. */
  median: number;
  min: number;
  max: number;
  /** Rounds that had both sides. */
  rounds: number;
}

function medianOf(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Median and range of a list of per-round values; null when none is usable. */
export function spreadOf(values: readonly (number | null | undefined)[]): Spread | null {
  const ok = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (ok.length === 0) return null;
  const sorted = [...ok].sort((a, b) => a - b);
  return {
    median: round3(medianOf(sorted)),
    min: round3(sorted[0]!),
    max: round3(sorted.at(-1)!),
    rounds: ok.length,
  };
}

/** num[i] / den[i] for each round i where both exist and den is not 0, then their spread. */
export function ratioSpread(
  num: readonly (number | null | undefined)[],
  den: readonly (number | null | undefined)[],
): Spread | null {
  return spreadOf(
    num.map((n, i) => {
      const d = den[i];
      return n == null || d == null || d === 0 ? null : n / d;
    }),
  );
}

/**
 * A difference is worth reporting only when it is larger than the round-to-round noise: the
 * per-round differences all have the same sign (their range excludes zero).
 */
export function distinguishable(s: Spread | null): boolean {
  return s !== null && s.rounds >= 3 && (s.min > 0 || s.max < 0);
}
