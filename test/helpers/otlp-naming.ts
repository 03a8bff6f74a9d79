/**
 * The Prometheus names the Collector's `prometheus` / `prometheusremotewrite` exporters give an OTLP
 * metric (default translation strategy, UnderscoreEscapingWithSuffixes), following the rules of
 * prometheus/otlptranslator: the name is split into tokens of [a-zA-Z0-9:], a unit word is appended
 * unless it is already a token, `_total` goes last on monotonic sums and `_ratio` on gauges with
 * unit `1`. Tests use it to prove the agent's /metrics names equal the Collector path's names.
 */

export type OtlpMetricType = 'gauge' | 'monotonic-sum' | 'non-monotonic-sum' | 'histogram';

export interface OtlpMetricIdentity {
  name: string;
  unit: string;
  type: OtlpMetricType;
}

/** UCUM units the translator spells out; `1` maps to no word (gauges get `_ratio` instead). */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The denominator of `x/y` units is singular: `By/s` → `bytes_per_second`. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const INVALID_CHARS = /[^a-zA-Z0-9:]/g;

/** Annotations like `{request}` carry no unit word; blank parts neither. */
function unitPart(raw: string | undefined, words: Readonly<Record<string, string>>): string {
  const part = raw?.trim() ?? '';
  if (part === '' || /[{}]/.test(part)) return '';
  return words[part] ?? part;
}

/** Invalid characters become `_`, runs collapse, and a leading `_` is dropped. */
function cleanUnit(unit: string): string {
  return unit.replace(INVALID_CHARS, '_').replace(/_+/g, '_').replace(/^_/, '');
}

function unitSuffixes(unit: string): { main: string; per: string } {
  const slash = unit.indexOf('/');
  const mainRaw = slash === -1 ? unit : unit.slice(0, slash);
  const perRaw = slash === -1 ? undefined : unit.slice(slash + 1);
  const main = cleanUnit(unitPart(mainRaw, UNIT_WORDS));
  const perWord = unitPart(perRaw, PER_UNIT_WORDS);
  const per = perWord === '' ? '' : cleanUnit(`per_${perWord}`);
  return { main, per };
}

/** The family name (what `# TYPE` names) the Collector's Prometheus exporters produce. */
export function prometheusFamilyName(metric: OtlpMetricIdentity): string {
  let tokens = metric.name.split(INVALID_CHARS).filter((t) => t !== '');
  const { main, per } = unitSuffixes(metric.unit);

  // A unit word already among the name's tokens is not repeated.
  let perToken = per.replace(/_$/, '');
  if (per === 'per_' || tokens.includes(perToken)) perToken = '';
  let mainToken = main;
  if (tokens.includes(mainToken)) mainToken = '';
  if (perToken !== '') mainToken = mainToken.replace(/_$/, '');
  if (mainToken !== '') tokens.push(mainToken);
  if (perToken !== '') tokens.push(perToken);

  if (metric.type === 'monotonic-sum') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  // Only gauges: some receivers wrongly label object counts with unit `1`.
  if (metric.unit === '1' && metric.type === 'gauge') {
    tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  }

  const name = tokens.join('_');
  if (name === '') throw new Error(`metric name ${JSON.stringify(metric.name)} translates to an empty name`);
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The sample names Prometheus stores for the metric: histograms expand to three series. */
export function prometheusSeriesNames(metric: OtlpMetricIdentity): string[] {
  const family = prometheusFamilyName(metric);
  return metric.type === 'histogram' ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
}
