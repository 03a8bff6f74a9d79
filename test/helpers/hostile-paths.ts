/** Request paths that match no Genesys path template, for the endpoint attribution tests. */

/** Deterministic pseudo-random numbers (mulberry32): the same 1 000 hostile paths every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paths no template matches: random segments, ids of any shape, encodings, slashes, 16 KiB. */
export function hostilePaths(n: number, seed = 24): string[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~%{}$:@!*+=,ABCDEFXYZ';
  const word = (len: number) => Array.from({ length: len }, () => pick([...chars])).join('');
  const shapes: (() => string)[] = [
    () => `/api/v2/${word(12)}/${word(8)}`,
    () => `/api/v2/zz${word(6)}/${word(8)}-${word(4)}-${word(4)}-${word(12)}`,
    () => `/api/v2/users/${word(4)}/${word(5)}/${word(3)}/${word(7)}`,
    () => `/api/v2/us%65rs/${word(10)}`,
    () => `/api/v2/users/me/`,
    () => `/api/v2//users/${word(6)}`,
    () => `/api/v2/users//`,
    () => `/${word(3)}/v2/users`,
    () => `/api/v2/${'a/'.repeat(8192)}`,
    () => `/api/v2/users/${word(16).repeat(1024)}/${word(9)}`,
    () => `/api/v2/${word(20)}?q=/api/v2/users/me`,
    () => `/api/v2/%7BuserId%7D/${word(4)}`,
    () => `/api/v2/analytics/${word(8)}/${word(8)}/${word(8)}`,
  ];
  return Array.from({ length: n }, () => pick(shapes)());
}
