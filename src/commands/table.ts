import { HIGH_429_SHARE, HOT_UTILIZATION, percent } from '../model/thresholds.js';
import type { ClientRow, ClientsSnapshot } from '../server/snapshot.js';
import { forTerminal } from '../util/terminal.js';

const num = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US');
const pct = (n: number | null | undefined, digits: number) =>
  n === null || n === undefined ? '–' : `${(n * 100).toFixed(digits)}%`;

function age(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

type Org = ClientsSnapshot['orgs'][number];

/** On the 1st no complete day of the month exists: say so, with the previous month's total, not a bare 0. */
function monthCell(c: ClientRow, { usage }: Org): string {
  if (!c.usage) return '–';
  if (!usage || usage.monthHasCompleteDay) return num(c.usage.monthToDate);
  const prev = `${usage.previousMonth}${usage.previousMonthComplete ? '' : ' so far'}`;
  return `no complete day yet · ${prev}: ${num(c.usage.previousMonthTotal)}`;
}

/** `!` near the limit or rate limited now, `~` a high 429 share yesterday, blank otherwise. */
function markOf(c: ClientRow): '!' | '~' | ' ' {
  if ((c.utilization ?? 0) >= HOT_UTILIZATION || (c.live?.rateLimited5m ?? 0) > 0) return '!';
  if ((c.usage?.share429 ?? 0) > HIGH_429_SHARE) return '~';
  return ' ';
}

/** Widest a cell from Genesys may be (names, ids, limit keys, error texts): the table stays readable. */
const NAME_WIDTH = 48;
const ERROR_WIDTH = 200;

const TOP_SHOWN = 3;

/** One line per client with endpoint figures: its busiest few now (gateway) and on the last complete day. */
function endpointLines(clients: readonly ClientRow[]): string[] {
  const lines: string[] = [];
  for (const c of clients) {
    const live = (c.endpoints?.live ?? [])
      .slice(0, TOP_SHOWN)
      .map((e) => `${e.method} ${e.endpoint} ${num(e.perMinute)}/min`);
    const day = (c.endpoints?.lastDay ?? [])
      .slice(0, TOP_SHOWN)
      .map(
        (e) =>
          `${e.method} ${e.endpoint} ${num(e.requests)}${e.rateLimited > 0 ? ` (429: ${num(e.rateLimited)})` : ''}`,
      );
    if (live.length + day.length === 0) continue;
    const parts = [
      ...(live.length ? [`now ${live.join(', ')}`] : []),
      ...(day.length ? [`last day ${day.join(', ')}`] : []),
    ];
    lines.push(`    ${forTerminal(c.clientName, NAME_WIDTH)}: ${parts.join(' · ')}`);
  }
  return lines.length ? ['  top endpoints', ...lines] : [];
}

/** The columns: heading, whether it holds text (left-aligned; numbers are right-aligned), cell. */
const COLUMNS: [string, boolean, (c: ClientRow, org: Org) => string][] = [
  ['', true, markOf],
  ['CLIENT', true, (c) => forTerminal(c.clientName, NAME_WIDTH) + (c.exists ? '' : ' (deleted)')],
  ['CLIENT ID', true, (c) => forTerminal(c.clientId, NAME_WIDTH)],
  ['REQ/MIN', false, (c) => num(c.live?.requestsPerMinute)],
  ['TOKEN PEAK', false, (c) => num(c.live?.peakTokenRequestsPerMinute)],
  ['LIMIT', false, (c) => num(c.limit)],
  ['UTIL', false, (c) => pct(c.utilization, 0)],
  ['429 5M', false, (c) => num(c.live?.rateLimited5m)],
  ['LAST DAY', false, (c) => num(c.usage?.lastDayRequests)],
  ['429 SHARE', false, (c) => pct(c.usage?.share429, 2)],
  ['MONTH', false, monthCell],
  [
    'LATEST WARNING',
    true,
    (c) =>
      c.latestWarning
        ? `${forTerminal(c.latestWarning.limitKey, NAME_WIDTH)} ×${c.latestWarning.count}`
        : '–',
  ],
];
const HEADER = COLUMNS.map(([heading]) => heading);

/** The per-client terminal table of `once`: aligned columns, worst first, colour only on a TTY. */
export function renderTable(s: ClientsSnapshot, opts: { color: boolean }): string {
  const paint = (code: number) => (t: string) => (opts.color ? `\u001b[${code}m${t}\u001b[0m` : t);
  const red = paint(31);
  const yellow = paint(33);
  const nowMs = Date.parse(s.generatedAt);
  const out: string[] = [];
  if (s.demo) out.push('DEMO MODE: figures come from the embedded simulator, not a real org');
  out.push(
    `generated ${s.generatedAt} · REQ/MIN, TOKEN PEAK, UTIL, 429 5M: live (gateway) · LAST DAY, 429 SHARE, MONTH: daily (Usage API) · WARNING: near real time`,
  );
  out.push('');
  for (const org of s.orgs) {
    out.push(
      `org ${forTerminal(org.org, NAME_WIDTH)}: ${org.usage ? `last complete day ${org.usage.lastCompleteDay ?? '–'}, usage data age ${age(org.usage.dataAgeSeconds)}${org.usage.monthHasCompleteDay ? '' : `, MONTH: no complete day yet this month (${org.usage.month}), the previous month's total beside it`}` : 'no usage data yet'}`,
    );
    const rows = org.clients.map((c) => COLUMNS.map(([, , cell]) => cell(c, org)));
    const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (COLUMNS[i]![1] ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd();
    out.push(line(HEADER));
    for (const r of rows) {
      const text = line(r);
      out.push(r[0] === '!' ? red(text) : r[0] === '~' ? yellow(text) : text);
    }
    if (rows.length === 0) out.push('  (no clients seen yet)');
    const u = org.unidentified;
    if (u)
      out.push(
        `  unidentified requests (no or unrecognised bearer token): ${num(u.requestsPerMinute)}/min, ${num(u.inflight)} in flight, ${num(u.rateLimited5m)} 429s in 5 min`,
      );
    out.push(...endpointLines(org.clients));
    for (const src of org.sources) {
      const state = src.up ? 'up  ' : 'DOWN';
      const since = src.lastSuccess
        ? `last success ${age((nowMs - Date.parse(src.lastSuccess)) / 1000)} ago`
        : 'never succeeded';
      const line = `  source ${src.source.padEnd(10)} ${state} ${src.freshness.padEnd(14)} ${since}${src.lastError ? ` — ${forTerminal(src.lastError, ERROR_WIDTH)}` : ''}`;
      out.push(src.up ? line : red(line));
    }
    out.push('');
  }
  out.push(
    `! near the per-token limit (≥ ${percent(HOT_UTILIZATION)} %) or 429s in the last 5 min   ` +
      `~ 429 share of the last day above ${percent(HIGH_429_SHARE)} %`,
  );
  return `${out.join('\n')}\n`;
}
