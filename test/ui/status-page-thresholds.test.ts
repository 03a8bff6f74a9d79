/** The status page's inline constants are generated from src/model/thresholds.ts, not copied. */
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HIGH_429_SHARE, HOT_UTILIZATION, percent } from '../../src/model/thresholds.js';
import { STATUS_HTML } from '../../src/server/status-page/html.js';
import { STATUS_JS } from '../../src/server/status-page/script.js';
import { STATUS_CSS } from '../../src/server/status-page/style.js';

describe('status page thresholds', () => {
  it('the served script carries the shared constants and still compiles', () => {
    expect(STATUS_JS).toContain(`const HOT_UTILIZATION = ${JSON.stringify(HOT_UTILIZATION)};`);
    expect(STATUS_JS).toContain(`const HIGH_429_SHARE = ${JSON.stringify(HIGH_429_SHARE)};`);
    expect(() => new Script(STATUS_JS)).not.toThrow();
  });

  it('the legend, the bar marker and its title show the same percentage', () => {
    expect(STATUS_HTML).toContain(`≥ ${percent(HOT_UTILIZATION)} % of its per-token limit`);
    expect(STATUS_CSS).toContain(`left: ${percent(HOT_UTILIZATION)}%;`);
    expect(STATUS_JS).toContain(`'${percent(HOT_UTILIZATION)} % of the limit'`);
  });
});
