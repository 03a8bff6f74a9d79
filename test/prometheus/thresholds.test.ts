/**
 * The rule files and the Grafana alert are static YAML, so their thresholds are written there
 * again. These tests pin them to src/model/thresholds.ts (what the status page, `once` and the
 * dashboards use): promtool evaluates the recorded threshold constants of the shipped rules.
 *
 * @module-tag system
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  DEFAULT_TOKEN_LIMIT,
  HIGH_429_SHARE,
  HOT_UTILIZATION,
  NEAR_LIMIT_REQUESTS_PER_MINUTE,
  USAGE_DATA_STALE_SECONDS,
  percent,
} from '../../src/model/thresholds.js';
import { promtool } from '../helpers/prom-servers.js';

const ROOT = join(import.meta.dirname, '../..');

/** Recorded constant → the shared value it must equal. */
const RECORDED: Record<string, number> = {
  'genesys:default_token_limit:requests_per_minute': DEFAULT_TOKEN_LIMIT,
  'genesys:near_limit_threshold:ratio': HOT_UTILIZATION,
  'genesys:high_429_share_threshold:ratio': HIGH_429_SHARE,
  'genesys:usage_data_stale_threshold:seconds': USAGE_DATA_STALE_SECONDS,
};

describe('thresholds shared with the rule files', () => {
  it('the recording rules evaluate to the shared constants (promtool)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thresholds-'));
    try {
      const test = {
        rule_files: [join(ROOT, 'prometheus/rules/genesys-recording.yml')],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [],
            promql_expr_test: Object.entries(RECORDED).map(([expr, value]) => ({
              expr,
              eval_time: '1m',
              exp_samples: [{ labels: expr, value }],
            })),
          },
        ],
      };
      await writeFile(join(dir, 'thresholds.test.yml'), stringify(test));
      const result = await promtool(['test', 'rules', join(dir, 'thresholds.test.yml')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('"near the limit" is the same ratio in requests per minute and as a share', () => {
    expect(HOT_UTILIZATION).toBe(NEAR_LIMIT_REQUESTS_PER_MINUTE / DEFAULT_TOKEN_LIMIT);
    expect(percent(HOT_UTILIZATION)).toBe('83');
  });

  it('the alert text and the Grafana alert use the same numbers', async () => {
    const alerts = await readFile(join(ROOT, 'prometheus/rules/genesys-alerts.yml'), 'utf8');
    expect(alerts).toContain(`has run above ${percent(HOT_UTILIZATION)} % of the per-token rate limit`);
    const grafana = await readFile(join(ROOT, 'grafana/provisioning/alerting/rules.yaml'), 'utf8');
    const m = /\* 0 \+ (\d+)\s*\) \* (\d+) \/ (\d+)/.exec(grafana);
    expect(m, 'Grafana threshold expression').not.toBeNull();
    expect(m!.slice(1).map(Number)).toEqual([
      DEFAULT_TOKEN_LIMIT,
      NEAR_LIMIT_REQUESTS_PER_MINUTE,
      DEFAULT_TOKEN_LIMIT,
    ]);
  });
});
