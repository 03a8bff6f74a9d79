/**
 * Paths the gateway refuses outright (400): a segment that decodes — once or several times — to a
 * dot segment, or that carries an encoded slash or backslash, a backslash, a `;` or an invalid
 * encoding. Upstream
 * servers and the proxies in front of them disagree on whether to decode these before routing,
 * which is how `/api/v2/..%2f..%2fx` or `..;/` climb out of the two forwarded trees.
 */
const FORBIDDEN = /%2f|%5c|\\|;/i;
/** Deeper nesting than this is itself a sign of an attack. */
const MAX_DECODES = 4;

function hostileSegment(raw: string): boolean {
  let seg = raw;
  for (let i = 0; i <= MAX_DECODES; i++) {
    if (seg === '.' || seg === '..' || FORBIDDEN.test(seg)) return true;
    let next: string;
    try {
      next = decodeURIComponent(seg);
    } catch {
      // Not valid percent-encoded UTF-8 (e.g. the overlong slash %c0%af): lenient decoders differ.
      return true;
    }
    if (next === seg) return false;
    if (next.includes('/')) return true;
    seg = next;
  }
  return true;
}

/** Nothing to decode and no dot segment: the common path, decided without splitting it. */
const PLAIN = /^[^%\\;]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** True when the request target's path must be refused (the query string is not looked at). */
export function hostilePath(rawUrl: string): boolean {
  const q = rawUrl.indexOf('?');
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (PLAIN.test(pathname) && !DOT_SEGMENT.test(pathname)) return false;
  return pathname.split('/').some(hostileSegment);
}
