import { describe, expect, it } from 'vitest';
import { fullJitterDelay, parseRetryAfterMs } from '../../src/genesys/retry-policy.js';
import { refreshTime } from '../../src/genesys/token-cache.js';

describe('fullJitterDelay', () => {
  it('grows exponentially up to the cap, scaled by the random draw', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 10].map((a) => fullJitterDelay(a, 500, 30_000, top))).toEqual([
      499, 999, 1999, 3999, 7999, 29_999,
    ]);
    expect(fullJitterDelay(3, 500, 30_000, () => 0)).toBe(0);
    expect(fullJitterDelay(3, 500, 30_000, () => 0.5)).toBe(2000);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  it('reads integer seconds as Genesys sends them', () => {
    expect(parseRetryAfterMs('42', now)).toBe(42_000);
    expect(parseRetryAfterMs(['3'], now)).toBe(3000);
  });
  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfterMs(new Date(now + 5000).toUTCString(), now)).toBe(5000);
  });
  it('returns null for absent or unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
    expect(parseRetryAfterMs('soon', now)).toBeNull();
  });
});

describe('refreshTime', () => {
  it('refreshes a 24 h token at 90 % of its lifetime', () => {
    expect(refreshTime(0, 86_400_000)).toBe(77_760_000);
  });
  it('refreshes a 30 min token 5 min before expiry (earlier than 90 %)', () => {
    expect(refreshTime(0, 1_800_000)).toBe(1_500_000);
  });
  it('never refreshes within the first half of a very short lifetime', () => {
    expect(refreshTime(0, 300_000)).toBe(150_000);
  });
});
