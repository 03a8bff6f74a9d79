/** Header filtering for the proxy: hop-by-hop headers (RFC 9110 §7.6.1) stay on their own hop. */
type HeaderValue = string | string[] | undefined;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function listed(connection: HeaderValue): Set<string> {
  const raw = Array.isArray(connection) ? connection.join(',') : (connection ?? '');
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** End-to-end headers only; `drop` names (lower case) are removed as well. */
export function endToEnd(
  headers: Readonly<Record<string, HeaderValue>>,
  drop: readonly string[] = [],
): Record<string, string | string[]> {
  const extra = listed(headers['connection']);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || extra.has(lower))
      continue;
    if (drop.includes(lower)) continue;
    out[name] = value;
  }
  return out;
}
