import type { GaugeFamily, MetricFamily } from '../telemetry/families.js';
import type { Source } from './source.js';

/**
 * Every source's families plus its health, the same three series for each source (as
 * node_exporter reports success and duration per collector): `up` once the source has run or is
 * serving, the last success only after one, the duration only after a run.
 */
export function sourceFamilies(sources: readonly Source[], nowMs: number): MetricFamily[] {
  const up = gauge(
    'genesys_agent_source_up',
    '1 if the last poll of the source succeeded (listeners: serving), else 0',
    '',
  );
  const last = gauge(
    'genesys_agent_source_last_success_timestamp_seconds',
    'Unix time of the last successful poll of the source',
    's',
  );
  const duration = gauge(
    'genesys_agent_source_duration_seconds',
    'Duration of the last poll of the source',
    's',
  );
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

function gauge(name: string, help: string, unit: string): GaugeFamily {
  return { name, help, unit, kind: 'gauge', points: [] };
}
