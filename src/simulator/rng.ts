/**
 * Stateless hashing used by the traffic model: every random-looking number is a pure function of its
 * inputs, so a (seed, client, token, minute) always yields the same traffic, in any order.
 */

/** FNV-1a over a string: a stable 32-bit key for client ids. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function round(h: number, p: number): number {
  let k = Math.imul(p | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes a few 32-bit integers into one (murmur3 rounds and finaliser). */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = round(h, p);
  return finish(h);
}

/** `mix` for exactly five parts, without an array: the traffic model's hot path. */
export function mix5(a: number, b: number, c: number, d: number, e: number): number {
  return finish(round(round(round(round(round(0x9e3779b9, a), b), c), d), e));
}

/** A uniform number in [0, 1) from the mixed parts. */
export function unit(...parts: number[]): number {
  return mix(...parts) / 4294967296;
}

/** A deterministic RFC-4122-shaped id (version 4 layout) from the mixed parts. */
export function stableUuid(...parts: number[]): string {
  const words = [0, 1, 2, 3].map((i) =>
    mix(...parts, i)
      .toString(16)
      .padStart(8, '0'),
  );
  const hex = words.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16] ?? '0', 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
