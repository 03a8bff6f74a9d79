/**
 * Paths refused outright (400): a segment that decodes (once or more) to a dot segment, or carries an
 * encoded slash or backslash, a backslash, a `;` or an invalid encoding. Upstreams disagree on
 * decoding these before routing: how `/api/v2/..%2f..%2fx` or `..;/` climb out of the forwarded trees.
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
