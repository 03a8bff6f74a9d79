/**
 * Finding families and points in what `collect()` returned, for every test that reads families.
 * A name is the OTel name (counters without `_total`) or a catalogue entry.
 */
import type { AnyMetricDef } from '../../src/telemetry/catalogue.js';
import type {
  Attributes,
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  MetricFamily,
} from '../../src/telemetry/families.js';

type Name = string | Pick<AnyMetricDef, 'name'>;
const nameOf = (n: Name) => (typeof n === 'string' ? n : n.name);

/** The family, or undefined when absent. */
function findFamily(fams: readonly MetricFamily[], name: Name): MetricFamily | undefined {
  return fams.find((f) => f.name === nameOf(name));
}

function ofKind<K extends MetricFamily['kind']>(
  fams: readonly MetricFamily[],
  name: Name,
  kind: K,
): Extract<MetricFamily, { kind: K }> {
  const f = findFamily(fams, name);
  if (!f) throw new Error(`no family ${nameOf(name)} among ${fams.map((x) => x.name).join(', ')}`);
  if (f.kind !== kind) throw new Error(`${nameOf(name)} is a ${f.kind}, not a ${kind}`);
  return f as Extract<MetricFamily, { kind: K }>;
}

/** The gauge family; throws when absent or of another kind. */
export const gauge = (fams: readonly MetricFamily[], name: Name): GaugeFamily => ofKind(fams, name, 'gauge');
/** The counter family; throws when absent or of another kind. */
export const counter = (fams: readonly MetricFamily[], name: Name): CounterFamily =>
  ofKind(fams, name, 'counter');
/** The histogram family; throws when absent or of another kind. */
export const histogram = (fams: readonly MetricFamily[], name: Name): HistogramFamily =>
  ofKind(fams, name, 'histogram');

/** The points of a gauge or counter family; empty when the family is absent. */
export function pointsOf(
  fams: readonly MetricFamily[],
  name: Name,
): { attributes: Attributes; value: number; startTimeMs?: number }[] {
  const f = findFamily(fams, name);
  if (f?.kind === 'histogram') throw new Error(`${f.name} is a histogram; use histogram()`);
  return f?.points ?? [];
}

/** The value of the first point whose attributes include `attrs`, or undefined. */
export function pointValue(
  fams: readonly MetricFamily[],
  name: Name,
  attrs: Record<string, string> = {},
): number | undefined {
  return pointsOf(fams, name).find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
    ?.value;
}
