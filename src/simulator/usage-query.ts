/** Pure aggregation of usage facts into the rows of both Usage APIs: intervals, buckets, grouping. */
import { DAY, addInto, emptyCounts, type Counts } from './traffic.js';
import type { UsageFact } from './usage-facts.js';

export interface Interval {
  start: number;
  /** Exclusive. */
  end: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_ONLY = /^\d{4}-\d{2}$/;

function parseBound(s: string, isEnd: boolean): number | undefined {
  if (DATE_ONLY.test(s)) {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return isEnd ? ms + DAY : ms; // a date-only end includes that day
  }
  if (MONTH_ONLY.test(s)) {
    const [y, m] = s.split('-').map(Number) as [number, number];
    return isEnd ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, 1);
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses `start/end` (dates, months or date-times); returns an error text on failure. */
export function parseInterval(s: string): Interval | string {
  const parts = s.split('/');
  if (parts.length !== 2) return `interval "${s}" must be <start>/<end> in ISO-8601`;
  const start = parseBound(parts[0]!, false);
  const end = parseBound(parts[1]!, true);
  if (start === undefined || end === undefined) return `interval "${s}" is not ISO-8601`;
  if (end <= start) return `interval "${s}" ends before it starts`;
  return { start, end };
}

export type Granularity = 'Day' | 'Week' | 'Month';

/** Bucket start (UTC midnight) of a day; weeks start on Monday, months on the 1st. */
function bucketStart(day: number, g: Granularity): number {
  if (g === 'Day') return day;
  const d = new Date(day);
  if (g === 'Month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return day - ((d.getUTCDay() + 6) % 7) * DAY;
}

export type Dimension = 'clientId' | 'clientName' | 'templateUri' | 'method';

export interface AggregateRow {
  bucket: number | undefined;
  clientId: string | undefined;
  clientName: string | undefined;
  templateUri: string | undefined;
  method: string | undefined;
  counts: Counts;
}

export interface FactFilter {
  clientIds?: readonly string[] | undefined;
  clientNames?: readonly string[] | undefined;
  methods?: readonly string[] | undefined;
  templateUris?: readonly string[] | undefined;
}

export function filterFacts(facts: readonly UsageFact[], f: FactFilter): UsageFact[] {
  const has = (list: readonly string[] | undefined, v: string) =>
    !list || list.length === 0 || list.includes(v);
  return facts.filter(
    (x) =>
      has(f.clientIds, x.clientId) &&
      has(f.clientNames, x.clientName) &&
      has(f.methods, x.method) &&
      has(f.templateUris, x.templateUri),
  );
}

/** Groups facts by the chosen dimensions and granularity (none = one bucket for the whole interval). */
export function aggregate(
  facts: readonly UsageFact[],
  dims: ReadonlySet<Dimension>,
  granularity: Granularity | undefined,
): AggregateRow[] {
  const rows = new Map<string, AggregateRow>();
  for (const f of facts) {
    const row: AggregateRow = {
      bucket: granularity ? bucketStart(f.day, granularity) : undefined,
      clientId: dims.has('clientId') ? f.clientId : undefined,
      // A client's name comes with its id, as in the legacy rows.
      clientName: dims.has('clientName') || dims.has('clientId') ? f.clientName : undefined,
      templateUri: dims.has('templateUri') ? f.templateUri : undefined,
      method: dims.has('method') ? f.method : undefined,
      counts: emptyCounts(),
    };
    const key = `${row.bucket}|${row.clientId}|${dims.has('clientName') ? row.clientName : ''}|${row.templateUri}|${row.method}`;
    const existing = rows.get(key) ?? row;
    rows.set(key, existing);
    addInto(existing.counts, f.counts);
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.bucket ?? 0) - (b.bucket ?? 0) ||
      (a.clientName ?? '').localeCompare(b.clientName ?? '') ||
      (a.clientId ?? '').localeCompare(b.clientId ?? '') ||
      (a.templateUri ?? '').localeCompare(b.templateUri ?? '') ||
      (a.method ?? '').localeCompare(b.method ?? ''),
  );
}

/** Opaque paging cursor: an offset, base64url-encoded. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: string): number | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v !== null && typeof v === 'object' && 'o' in v && Number.isInteger(v.o) && (v.o as number) >= 0)
      return v.o as number;
  } catch {
    // fall through: not a cursor we issued
  }
  return undefined;
}
