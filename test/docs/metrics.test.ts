import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderMetricsDoc } from '../../scripts/docs/metrics.js';
import { LimitsSource } from '../../src/sources/limits/index.js';
import { catalogue } from '../../src/telemetry/catalogue.js';
import { section } from '../helpers/markdown.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');

describe('docs/metrics.md', () => {
  it('is exactly what the catalogue renders (regenerate with `npm run docs`)', async () => {
    expect(doc).toBe(await renderMetricsDoc(ROOT));
  });

  it('says the shaped counter is served as zeros while shaping is off, never that it is absent', () => {
    const text = section(doc, catalogue.gatewayShaped.prometheusName)!;
    expect(text).toContain('`AGENT_GATEWAY_SHAPING=off`');
    expect(text).toMatch(/still has both series, at 0/);
    expect(text).not.toMatch(/absent/);
    // What the code does is tested in test/gateway/shaping.test.ts ('off: ... { delayed: 0, rejected: 0 }').
  });

  describe('limits refresh', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('is documented as hourly, which is how often the limits source polls', async () => {
      expect(doc).toMatch(/^\| limits +\| every hour +\|/m);
      expect(section(doc, catalogue.limitRequestsPerMinute.prometheusName)).toContain('read every hour');
      expect(doc).not.toContain('with the ratelimits source');

      vi.useFakeTimers();
      let calls = 0;
      const limits = new LimitsSource({
        org: 'o',
        api: {
          getLimits: async () => {
            calls++;
            return [];
          },
        },
      });
      await limits.start();
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(60 * 60_000 - 10);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(20);
      expect(calls).toBe(2);
      await limits.stop();
    });
  });
});
