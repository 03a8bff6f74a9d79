import { catalogue } from '../telemetry/catalogue.js';
import type { MetricFamily } from '../telemetry/families.js';
import type { Source } from './source.js';

/**
 * Every source's families plus its health, the same three series for each source (as
 * node_exporter reports success and duration per collector): `up` once the source has run or is
 * serving, the last success only after one, the duration only after a run.
 */
export function sourceFamilies(sources: readonly Source[], nowMs: number): MetricFamily[] {
  const up = catalogue.agentSourceUp.family();
  const last = catalogue.agentSourceLastSuccess.family();
  const duration = catalogue.agentSourceDuration.family();
  const out: MetricFamily[] = [];
  for (const s of sources) {
    out.push(...s.collect(nowMs));
    const h = s.health();
    const attributes = { org: s.org, source: s.name };
    if (h.lastDurationMs !== null || h.up) up.points.push({ attributes, value: h.up ? 1 : 0 });
    if (h.lastSuccessMs !== null) last.points.push({ attributes, value: h.lastSuccessMs / 1000 });
    if (h.lastDurationMs !== null) duration.points.push({ attributes, value: h.lastDurationMs / 1000 });
  }
  return [...out, ...[up, last, duration].filter((f) => f.points.length > 0)];
}
