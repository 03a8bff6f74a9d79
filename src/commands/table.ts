import type { ClientsSnapshot } from '../server/snapshot.js';

const num = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : n.toFixed(digits));
const pct = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${(n * 100).toFixed(1)}%`);

/** The per-client terminal table of `once`: aligned columns, worst first, colour only on a TTY. */
export function renderTable(s: ClientsSnapshot, opts: { color: boolean }): string {
  const red = (t: string) => (opts.color ? `\u001b[31m${t}\u001b[0m` : t);
  const out: string[] = [];
  for (const org of s.orgs) {
    const usage = org.usage ? `last complete day ${org.usage.lastCompleteDay ?? '–'}` : 'no usage data';
    out.push(`org ${org.org}${s.demo ? ' (demo)' : ''}: ${usage}`);
    const header = ['CLIENT', 'CLIENT ID', 'REQ/MIN', 'LIMIT', 'UTIL', '429 5M', 'LAST DAY', '429 SHARE', 'MONTH'];
    const rows = org.clients.map((c) => [
      c.clientName + (c.exists ? '' : ' (deleted)'),
      c.clientId,
      num(c.live?.peakTokenRequestsPerMinute),
      String(c.limit),
      pct(c.utilization),
      num(c.live?.rateLimited5m),
      num(c.usage?.lastDayRequests),
      pct(c.usage?.share429),
      num(c.usage?.monthToDate),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    out.push(line(header));
    for (const [i, r] of rows.entries()) {
      const c = org.clients[i]!;
      const hot = (c.utilization ?? 0) >= 0.83 || (c.usage?.share429 ?? 0) > 0.01;
      out.push(hot ? red(line(r)) : line(r));
    }
    for (const src of org.sources) {
      out.push(`  source ${src.source.padEnd(10)} ${src.up ? 'up  ' : 'DOWN'} (${src.freshness})${src.lastError ? ` — ${src.lastError}` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
